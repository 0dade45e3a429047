// Package telegramtest is a fake Telegram Bot API server (httptest) and a
// harness on top of it: push an update as a person would, wait until the bot
// has handled it, and read what the bot sent. It drives the real
// go-telegram/bot client through its server URL option; nothing is mocked
// inside the bot.
package telegramtest

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
)

// Button is an inline button as the bot sent it.
type Button struct {
	Text string `json:"text"`
	Data string `json:"callback_data"`
	URL  string `json:"url"`
}

// Key is a key of a keyboard that replaces the person's own (a reply
// keyboard) as the bot sent it.
type Key struct {
	Text           string `json:"text"`
	RequestContact bool   `json:"request_contact"`
}

// Message is one call by which the bot showed something to a person.
type Message struct {
	Method    string // sendMessage, editMessageText or sendDocument
	ChatID    int64
	MessageID int
	Text      string
	Buttons   [][]Button
	// Keys is a reply keyboard; RemoveKeys gives the person's own back.
	Keys       [][]Key
	RemoveKeys bool
	Document   string // file name
	Content    []byte
	Caption    string
	At         time.Time // when the fake received it
	// NoPreview: the bot turned link previews off for this message.
	NoPreview bool
}

// Fault lets a test make the fake answer a call with an error instead.
type Fault struct {
	Status     int
	RetryAfter int
	Desc       string
}

// Server is the fake Bot API.
type Server struct {
	*httptest.Server
	Token string
	t     testing.TB

	mu        sync.Mutex
	pending   []map[string]any
	nextID    int64
	confirmed int64
	msgs      []Message
	nextMsgID int
	calls     map[string]int
	commands  map[string][]map[string]string // language_code -> commands
	fault     func(method string, chatID int64) *Fault
	hold      func(method string) bool
	held      int
	closing   chan struct{}
	pushed    chan struct{} // closed and renewed by every Push
	observe   func(Message)
	// tracking: the bot reports each update it finished (Handled), and
	// Chat.Do waits for that as well as for the confirmation.
	tracking bool
	finished map[int64]bool
}

// TrackHandled makes Chat.Do wait, beyond Telegram's confirmation, until
// the bot reports the update finished (Handled): a bot that confirms an
// update once it is queued in Redis, before it answers it, is otherwise
// read before its answer. Call it before the bot starts.
func (s *Server) TrackHandled() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tracking = true
}

// Handled records that the bot finished update id (handled it and sent
// its replies, or ignored it); wire it to bot.Telegram.Finished.
func (s *Server) Handled(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.finished == nil {
		s.finished = map[int64]bool{}
	}
	s.finished[id] = true
}

// WaitHandled waits until update id is confirmed and, when the server
// tracks it (TrackHandled), finished.
func (s *Server) WaitHandled(t testing.TB, id int64, timeout time.Duration) {
	t.Helper()
	s.WaitConfirmed(t, id, timeout)
	deadline := time.Now().Add(timeout)
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.tracking && !s.finished[id] {
		if time.Now().After(deadline) {
			t.Fatalf("telegramtest: update %d confirmed but not answered within %v", id, timeout)
		}
		s.mu.Unlock()
		time.Sleep(2 * time.Millisecond)
		s.mu.Lock()
	}
}

// Observe makes the fake call f with every message it records, as it
// records it (benchmarks time answers with it; f must be quick). It may be
// called while the bot runs.
func (s *Server) Observe(f func(Message)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.observe = f
}

// SetFault makes the fake ask f before every call but getUpdates; a non-nil
// answer is returned as a Bot API error. It may be called while the bot
// runs.
func (s *Server) SetFault(f func(method string, chatID int64) *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = f
}

// SetHold makes the fake keep a call for which f is true unanswered and
// unrecorded until the client goes away: a process killed then has messages
// in flight that never arrived. It may be called while the bot runs.
func (s *Server) SetHold(f func(method string) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hold = f
}

// Held counts calls kept unanswered by SetHold's function.
func (s *Server) Held() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held
}

// New starts a fake Bot API server, closed when the test ends.
func New(t testing.TB) *Server {
	s := &Server{Token: "123456:TEST", t: t, calls: map[string]int{}, commands: map[string][]map[string]string{}, nextID: 1000, nextMsgID: 1,
		closing: make(chan struct{}), pushed: make(chan struct{})}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(func() {
		close(s.closing)
		s.Server.Close()
	})
	return s
}

type params struct {
	values map[string]string
	files  map[string][]byte
	names  map[string]string
}

func parse(r *http.Request) params {
	p := params{values: map[string]string{}, files: map[string][]byte{}, names: map[string]string{}}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var m map[string]any
		json.NewDecoder(r.Body).Decode(&m)
		for k, v := range m {
			switch v := v.(type) {
			case string:
				p.values[k] = v
			default:
				b, _ := json.Marshal(v)
				p.values[k] = string(b)
			}
		}
	case "multipart/form-data":
		if err := r.ParseMultipartForm(32 << 20); err == nil {
			for k, v := range r.MultipartForm.Value {
				p.values[k] = v[0]
			}
			for k, fh := range r.MultipartForm.File {
				f, err := fh[0].Open()
				if err == nil {
					p.files[k], _ = io.ReadAll(f)
					p.names[k] = fh[0].Filename
					f.Close()
				}
			}
		}
	default:
		r.ParseForm()
		for k, v := range r.Form {
			p.values[k] = v[0]
		}
	}
	// Read to the end: net/http notices a client that hangs up (Hold relies
	// on it) only once the body is consumed, and a multipart reader stops
	// at the closing boundary, before a chunked body's last chunk.
	io.Copy(io.Discard, r.Body)
	return p
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	prefix := "/bot" + s.Token + "/"
	if !strings.HasPrefix(r.URL.Path, prefix) {
		writeJSON(w, 401, map[string]any{"ok": false, "error_code": 401, "description": "Unauthorized"})
		return
	}
	method := strings.TrimPrefix(r.URL.Path, prefix)
	p := parse(r)
	chatID, _ := strconv.ParseInt(p.values["chat_id"], 10, 64)
	s.mu.Lock()
	s.calls[method]++
	fault, hold := s.fault, s.hold
	s.mu.Unlock()
	if hold != nil && method != "getUpdates" && hold(method) {
		s.mu.Lock()
		s.held++
		s.mu.Unlock()
		select {
		case <-r.Context().Done():
		case <-s.closing:
		}
		return
	}
	if fault != nil && method != "getUpdates" {
		if f := fault(method, chatID); f != nil {
			body := map[string]any{"ok": false, "error_code": f.Status, "description": f.Desc}
			if f.RetryAfter > 0 {
				body["parameters"] = map[string]any{"retry_after": f.RetryAfter}
			}
			writeJSON(w, f.Status, body)
			return
		}
	}
	switch method {
	case "getUpdates":
		s.getUpdates(w, p)
	case "sendMessage", "editMessageText", "sendDocument":
		s.record(w, method, chatID, p)
	case "setMyCommands":
		var cmds []map[string]string
		json.Unmarshal([]byte(p.values["commands"]), &cmds)
		s.mu.Lock()
		s.commands[p.values["language_code"]] = cmds
		s.mu.Unlock()
		writeJSON(w, 200, map[string]any{"ok": true, "result": true})
	case "getMe":
		writeJSON(w, 200, map[string]any{"ok": true, "result": map[string]any{"id": 123456, "is_bot": true, "first_name": "Werkwijzer", "username": "werkwijzer_test_bot"}})
	default: // answerCallbackQuery, deleteWebhook, setWebhook, ...
		writeJSON(w, 200, map[string]any{"ok": true, "result": true})
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (s *Server) getUpdates(w http.ResponseWriter, p params) {
	offset, _ := strconv.ParseInt(p.values["offset"], 10, 64)
	timeout, _ := strconv.Atoi(p.values["timeout"])
	wait := time.Duration(timeout) * time.Second
	if wait > 200*time.Millisecond {
		wait = 200 * time.Millisecond // keep tests quick; the bot just asks again
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if offset > 0 {
		// As Telegram: an offset confirms every update below it.
		kept := s.pending[:0]
		for _, u := range s.pending {
			if u["update_id"].(int64) >= offset {
				kept = append(kept, u)
			}
		}
		s.pending = kept
		if offset-1 > s.confirmed {
			s.confirmed = offset - 1
		}
	}
	if len(s.pending) == 0 && wait > 0 {
		// Wait for a Push (as Telegram answers a long poll at once).
		pushed := s.pushed
		s.mu.Unlock()
		t := time.NewTimer(wait) // real time: the long poll the client asked for over HTTP
		select {
		case <-pushed:
		case <-t.C:
		case <-s.closing:
		}
		t.Stop()
		s.mu.Lock()
	}
	out := s.pending
	if len(out) > 100 {
		out = out[:100]
	}
	writeJSON(w, 200, map[string]any{"ok": true, "result": out})
}

// MaxText is Telegram's limit on a message's text, in UTF-16 code units
// (core.telegram.org/bots/api#sendmessage: 1-4096 characters, counted as
// the entities' offsets are): the fake refuses longer texts as Telegram does.
const MaxText = 4096

func (s *Server) record(w http.ResponseWriter, method string, chatID int64, p params) {
	if method != "sendDocument" && len(utf16.Encode([]rune(p.values["text"]))) > MaxText {
		writeJSON(w, 400, map[string]any{"ok": false, "error_code": 400, "description": "Bad Request: message is too long"})
		return
	}
	m := Message{Method: method, ChatID: chatID, Text: p.values["text"], Caption: p.values["caption"], At: time.Now()}
	if rm := p.values["reply_markup"]; rm != "" {
		var kb struct {
			InlineKeyboard [][]Button `json:"inline_keyboard"`
			Keyboard       [][]Key    `json:"keyboard"`
			RemoveKeyboard bool       `json:"remove_keyboard"`
		}
		json.Unmarshal([]byte(rm), &kb)
		m.Buttons, m.Keys, m.RemoveKeys = kb.InlineKeyboard, kb.Keyboard, kb.RemoveKeyboard
	}
	if lp := p.values["link_preview_options"]; lp != "" {
		var o struct {
			IsDisabled bool `json:"is_disabled"`
		}
		json.Unmarshal([]byte(lp), &o)
		m.NoPreview = o.IsDisabled
	}
	if method == "sendDocument" {
		m.Document, m.Content = p.names["document"], p.files["document"]
	}
	if texts := m.texts(); slices.ContainsFunc(texts, unfilled) {
		s.t.Errorf("telegramtest: %s to %d shows a placeholder the bot did not fill (%q): %q", method, chatID, NoValue, texts)
	}
	s.mu.Lock()
	if method == "editMessageText" {
		m.MessageID, _ = strconv.Atoi(p.values["message_id"])
	} else {
		m.MessageID = s.nextMsgID
		s.nextMsgID++
	}
	s.msgs = append(s.msgs, m)
	observe := s.observe
	s.mu.Unlock()
	if observe != nil {
		observe(m)
	}
	writeJSON(w, 200, map[string]any{"ok": true, "result": map[string]any{
		"message_id": m.MessageID, "date": time.Now().Unix(), "text": m.Text,
		"chat": map[string]any{"id": chatID, "type": "private"}}})
}

// NoValue is what a message's template shows for a placeholder the code
// did not fill; the fake fails the test on any text that shows it, so that
// the class of mistake cannot reach a person unnoticed.
const NoValue = "<no value>"

func unfilled(s string) bool { return strings.Contains(s, NoValue) }

// texts are all the texts of m a person reads.
func (m Message) texts() []string {
	out := []string{m.Text, m.Caption}
	for _, row := range m.Buttons {
		for _, b := range row {
			out = append(out, b.Text)
		}
	}
	for _, row := range m.Keys {
		for _, k := range row {
			out = append(out, k.Text)
		}
	}
	return out
}

// Push queues an update for the bot to fetch, numbering it, and returns its id.
func (s *Server) Push(update map[string]any) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	update["update_id"] = s.nextID
	s.pending = append(s.pending, update)
	s.wake()
	return s.nextID
}

// wake ends the long polls waiting for an update; s.mu is held.
func (s *Server) wake() {
	close(s.pushed)
	s.pushed = make(chan struct{})
}

// Redeliver queues an update again under the id it had, as Telegram does
// when a webhook call or a confirmation got lost.
func (s *Server) Redeliver(update map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending = append(s.pending, update)
	s.wake()
}

// WaitConfirmed blocks until the bot has confirmed update id (fetched past
// it), which it does only after handling it and sending the replies.
func (s *Server) WaitConfirmed(t testing.TB, id int64, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.confirmed < id {
		if time.Now().After(deadline) {
			t.Fatalf("telegramtest: update %d not handled within %v (confirmed up to %d)", id, timeout, s.confirmed)
		}
		s.mu.Unlock()
		time.Sleep(2 * time.Millisecond)
		s.mu.Lock()
	}
}

// Messages returns everything sent to chatID so far.
func (s *Server) Messages(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.msgs {
		if m.ChatID == chatID {
			out = append(out, m)
		}
	}
	return out
}

// All returns every message sent.
func (s *Server) All() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Calls counts calls of method.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// Commands returns the command list published for a language code ("" is
// the default list).
func (s *Server) Commands(lang string) []map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commands[lang]
}
