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
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Button is an inline button as the bot sent it.
type Button struct {
	Text string `json:"text"`
	Data string `json:"callback_data"`
}

// Message is one call by which the bot showed something to a person.
type Message struct {
	Method    string // sendMessage, editMessageText or sendDocument
	ChatID    int64
	MessageID int
	Text      string
	Buttons   [][]Button
	Document  string // file name
	Content   []byte
	Caption   string
	At        time.Time // when the fake received it
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
	s := &Server{Token: "123456:TEST", calls: map[string]int{}, commands: map[string][]map[string]string{}, nextID: 1000, nextMsgID: 1,
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
		t := time.NewTimer(wait)
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

func (s *Server) record(w http.ResponseWriter, method string, chatID int64, p params) {
	m := Message{Method: method, ChatID: chatID, Text: p.values["text"], Caption: p.values["caption"], At: time.Now()}
	if rm := p.values["reply_markup"]; rm != "" {
		var kb struct {
			InlineKeyboard [][]Button `json:"inline_keyboard"`
		}
		json.Unmarshal([]byte(rm), &kb)
		m.Buttons = kb.InlineKeyboard
	}
	if method == "sendDocument" {
		m.Document, m.Content = p.names["document"], p.files["document"]
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
