// Package slacktest is a fake Slack for tests: a Web API server (httptest)
// that the real slack-go client talks to through slack.OptionAPIURL, and
// helpers that sign requests as Slack does, to drive the bot's Events API,
// interactivity and slash-command endpoints.
//
// It fakes only the remote service; everything on our side of the wire is
// the real code. It must not be imported by non-test code.
package slacktest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
)

// Refuse, in a Fake's failure list, answers 200 with Slack's own error
// channel_not_found, which no retry cures.
const Refuse = -1

// Post is one chat.postMessage the fake accepted.
type Post struct {
	Channel  string
	Text     string
	ThreadTS string
	TS       string // the ts the fake gave it
	Raw      string // the blocks as sent
	Blocks   []slack.Block
}

// Update is one chat.update.
type Update struct {
	Channel, TS, Text string
	Blocks            []slack.Block
}

// Upload is one file shared in a channel (files.upload v2: the three calls
// getUploadURLExternal, the upload itself, completeUploadExternal).
type Upload struct {
	Channel, Comment, Title, Filename string
	Data                              []byte
}

// Ephemeral is one chat.postEphemeral: a message only User sees.
type Ephemeral struct {
	Channel, User, Text, ThreadTS string
}

// Message is a message as Slack shows it now, top level or in a thread:
// what was posted, as later updated; deleted ones are gone.
type Message struct {
	Channel, TS string
	// ThreadTS is the parent's ts for a reply in a thread, "" at top level.
	ThreadTS string
	// User wrote it; Bot for the app's own posts.
	User   string
	Text   string
	Blocks []slack.Block
	// Raw is the blocks as last sent, JSON.
	Raw string
}

// Bot is Message.User of what the app posted.
const Bot = "B-WERKWIJZER"

// AdminToken is a workspace admin's user token: with it chat.delete
// removes anyone's message, as Slack lets admins do; the bot's own token
// (the client's) may change and delete only what the bot posted.
const AdminToken = "xoxp-admin"

// Fake is a Slack Web API with chat.postMessage, chat.update,
// chat.delete, chat.postEphemeral, users.info and usergroups.users.list.
// It keeps every message, top level and in threads, as Slack would show
// it (Messages), and the calls that changed them (Posts, Updates,
// Deletes).
type Fake struct {
	URL string // the API's base URL, for slack.OptionAPIURL
	srv *httptest.Server
	t   testing.TB

	mu         sync.Mutex
	fail       []int
	failMethod map[string][]int
	requests   int
	posts      []Post
	updates    []Update
	ephemerals []Ephemeral
	users      map[string]string
	groups     map[string][]string
	msgs       []*Message
	deletes    []Delete
	humans     int

	uploads  []Upload
	uploaded map[string][]byte

	// Socket Mode: the bot's connection and the acknowledgements it sent,
	// by envelope id.
	conn      *websocket.Conn
	connected chan struct{}
	acks      map[string]chan json.RawMessage
	envelopes int
}

// New starts a fake that answers the statuses in fail to chat.postMessage
// first (429 with Retry-After: 2, Refuse, or that status), then accepts
// every message and records it.
func New(t testing.TB, fail ...int) *Fake {
	t.Helper()
	f := &Fake{t: t, fail: fail, users: map[string]string{}, groups: map[string][]string{}, failMethod: map[string][]int{},
		connected: make(chan struct{}), acks: map[string]chan json.RawMessage{}, uploaded: map[string][]byte{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/chat.postMessage", f.postMessage)
	mux.HandleFunc("POST /api/chat.update", f.update)
	mux.HandleFunc("POST /api/chat.postEphemeral", f.ephemeral)
	mux.HandleFunc("POST /api/chat.delete", f.delete)
	mux.HandleFunc("POST /api/usergroups.users.list", f.groupMembers)
	mux.HandleFunc("POST /api/users.info", f.userInfo)
	mux.HandleFunc("POST /api/apps.connections.open", f.connectionsOpen)
	mux.HandleFunc("GET /socket", f.socket)
	mux.HandleFunc("POST /api/files.getUploadURLExternal", f.uploadURL)
	mux.HandleFunc("POST /upload/{id}", f.upload)
	mux.HandleFunc("POST /api/files.completeUploadExternal", f.completeUpload)
	f.srv = httptest.NewServer(mux)
	f.URL = f.srv.URL + "/api/"
	t.Cleanup(f.srv.Close)
	return f
}

// Client is the real slack-go client, pointed at the fake.
func (f *Fake) Client() *slack.Client {
	return slack.New("xoxb-test", slack.OptionAPIURL(f.URL))
}

// AddUser makes users.info know user id with the first name name.
func (f *Fake) AddUser(id, name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.users[id] = name
}

// AddGroup makes usergroups.users.list know the user group id with
// members.
func (f *Fake) AddGroup(id string, members ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.groups[id] = members
}

// AdminClient is the real slack-go client with AdminToken.
func (f *Fake) AdminClient() *slack.Client {
	return slack.New(AdminToken, slack.OptionAPIURL(f.URL))
}

// FailMethod makes the next calls of method (such as "chat.delete")
// answer the HTTP statuses codes, one each, before it works again.
func (f *Fake) FailMethod(method string, codes ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failMethod[method] = append(f.failMethod[method], codes...)
}

// failed answers a call of method with the next status FailMethod gave
// it, if any.
func (f *Fake) failed(w http.ResponseWriter, method string) bool {
	f.mu.Lock()
	codes := f.failMethod[method]
	if len(codes) > 0 {
		f.failMethod[method] = codes[1:]
	}
	f.mu.Unlock()
	if len(codes) == 0 {
		return false
	}
	w.WriteHeader(codes[0])
	fmt.Fprint(w, "<html>no</html>")
	return true
}

// Fail makes the next chat.postMessage calls answer codes, as New's list.
func (f *Fake) Fail(codes ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = append(f.fail, codes...)
}

func (f *Fake) postMessage(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests++
	if len(f.fail) > 0 {
		code := f.fail[0]
		f.fail = f.fail[1:]
		if code == Refuse {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"ok":false,"error":"channel_not_found"}`)
			return
		}
		if code == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "2")
		}
		w.WriteHeader(code)
		fmt.Fprint(w, "<html>no</html>")
		return
	}
	p := Post{Channel: r.PostForm.Get("channel"), Text: r.PostForm.Get("text"),
		ThreadTS: r.PostForm.Get("thread_ts"), Raw: r.PostForm.Get("blocks")}
	p.Blocks = f.blocks(p.Raw)
	p.TS = fmt.Sprintf("1700000000.%06d", len(f.posts)+1)
	f.posts = append(f.posts, p)
	f.msgs = append(f.msgs, &Message{Channel: p.Channel, TS: p.TS, ThreadTS: p.ThreadTS, User: Bot, Text: p.Text, Blocks: p.Blocks, Raw: p.Raw})
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q}`, p.Channel, p.TS)
}

func (f *Fake) blocks(raw string) []slack.Block {
	if raw == "" {
		return nil
	}
	var bs slack.Blocks
	if err := json.Unmarshal([]byte(raw), &bs); err != nil {
		f.t.Errorf("fake slack: blocks do not decode: %v", err)
	}
	return bs.BlockSet
}

func (f *Fake) update(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if f.failed(w, "chat.update") {
		return
	}
	u := Update{Channel: r.PostForm.Get("channel"), TS: r.PostForm.Get("ts"), Text: r.PostForm.Get("text")}
	raw := r.PostForm.Get("blocks")
	u.Blocks = f.blocks(raw)
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	m := f.find(u.Channel, u.TS)
	switch {
	case m == nil:
		fmt.Fprint(w, `{"ok":false,"error":"message_not_found"}`)
		return
	case m.User != Bot:
		// Nobody, not even an admin, edits another's message in Slack.
		fmt.Fprint(w, `{"ok":false,"error":"cant_update_message"}`)
		return
	}
	m.Text, m.Blocks, m.Raw = u.Text, u.Blocks, raw
	f.updates = append(f.updates, u)
	fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q}`, u.Channel, u.TS)
}

// Delete is one chat.delete that removed a message.
type Delete struct {
	Channel, TS string
	// Admin tells that it was done with AdminToken.
	Admin bool
}

func (f *Fake) delete(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if f.failed(w, "chat.delete") {
		return
	}
	channel, ts := r.PostForm.Get("channel"), r.PostForm.Get("ts")
	admin := token(r) == AdminToken
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	m := f.find(channel, ts)
	switch {
	case m == nil:
		fmt.Fprint(w, `{"ok":false,"error":"message_not_found"}`)
		return
	case m.User != Bot && !admin:
		fmt.Fprint(w, `{"ok":false,"error":"cant_delete_message"}`)
		return
	}
	for i, x := range f.msgs {
		if x == m {
			f.msgs = append(f.msgs[:i], f.msgs[i+1:]...)
			break
		}
	}
	f.deletes = append(f.deletes, Delete{Channel: channel, TS: ts, Admin: admin})
	fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q}`, channel, ts)
}

// token is the token a call carries: slack-go sends it as a bearer token.
func token(r *http.Request) string {
	if t, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return t
	}
	return r.PostForm.Get("token")
}

func (f *Fake) find(channel, ts string) *Message {
	for _, m := range f.msgs {
		if m.Channel == channel && m.TS == ts {
			return m
		}
	}
	return nil
}

func (f *Fake) groupMembers(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	f.mu.Lock()
	members, ok := f.groups[r.PostForm.Get("usergroup")]
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if !ok {
		fmt.Fprint(w, `{"ok":false,"error":"no_such_subteam"}`)
		return
	}
	b, _ := json.Marshal(map[string]any{"ok": true, "users": members})
	w.Write(b)
}

// Say is user writing text in channel, in the thread under threadTS ("" at
// top level): Slack keeps the message, and Say returns the Events API body
// that tells the bot, with eventID.
func (f *Fake) Say(eventID, user, channel, threadTS, text string) []byte {
	f.mu.Lock()
	f.humans++
	ts := fmt.Sprintf("1700000100.%06d", f.humans)
	f.msgs = append(f.msgs, &Message{Channel: channel, TS: ts, ThreadTS: threadTS, User: user, Text: text})
	f.mu.Unlock()
	return messageEvent(eventID, user, channel, threadTS, ts, text)
}

// Messages is everything Slack shows now, top level and in threads, in the
// order it was written.
func (f *Fake) Messages() []Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Message, 0, len(f.msgs))
	for _, m := range f.msgs {
		out = append(out, *m)
	}
	return out
}

// Deletes returns the chat.delete calls that removed a message.
func (f *Fake) Deletes() []Delete {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Delete(nil), f.deletes...)
}

func (f *Fake) ephemeral(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	e := Ephemeral{Channel: r.PostForm.Get("channel"), User: r.PostForm.Get("user"), Text: r.PostForm.Get("text"),
		ThreadTS: r.PostForm.Get("thread_ts")}
	f.mu.Lock()
	f.ephemerals = append(f.ephemerals, e)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, `{"ok":true,"message_ts":"1700000000.999999"}`)
}

func (f *Fake) userInfo(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	id := r.PostForm.Get("user")
	f.mu.Lock()
	name, ok := f.users[id]
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if !ok {
		fmt.Fprint(w, `{"ok":false,"error":"user_not_found"}`)
		return
	}
	fmt.Fprintf(w, `{"ok":true,"user":{"id":%q,"name":%q,"real_name":%q,"profile":{"first_name":%q,"real_name":%q}}}`,
		id, "u"+id, name+" Janssens", name, name+" Janssens")
}

func (f *Fake) connectionsOpen(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"ok":true,"url":%q}`, "ws"+strings.TrimPrefix(f.srv.URL, "http")+"/socket")
}

// socket is Slack's end of a Socket Mode connection: it says hello, then
// collects the bot's acknowledgements.
func (f *Fake) socket(w http.ResponseWriter, r *http.Request) {
	// Slack's own server does not check the Origin the client sends.
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"hello","num_connections":1,"connection_info":{"app_id":"A1"}}`))
	f.mu.Lock()
	f.conn = conn
	select {
	case <-f.connected:
	default:
		close(f.connected)
	}
	f.mu.Unlock()
	for {
		_, msg, err := conn.ReadMessage()
		if err != nil {
			return
		}
		var ack struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if json.Unmarshal(msg, &ack) != nil || ack.EnvelopeID == "" {
			continue
		}
		f.mu.Lock()
		ch := f.acks[ack.EnvelopeID]
		f.mu.Unlock()
		if ch != nil {
			ch <- ack.Payload
		}
	}
}

// Envelope sends a Socket Mode request of type typ ("events_api",
// "interactive", "slash_commands") with payload to the connected bot and
// returns the payload of its acknowledgement; ok is false when none came
// within five seconds.
func (f *Fake) Envelope(typ string, payload []byte) (ack json.RawMessage, ok bool) {
	f.t.Helper()
	select {
	case <-f.connected:
	case <-time.After(5 * time.Second):
		f.t.Fatal("fake slack: the bot did not open a Socket Mode connection")
	}
	f.mu.Lock()
	f.envelopes++
	id := fmt.Sprintf("env-%d", f.envelopes)
	ch := make(chan json.RawMessage, 1)
	f.acks[id] = ch
	conn := f.conn
	msg, _ := json.Marshal(map[string]any{"envelope_id": id, "type": typ, "payload": json.RawMessage(payload),
		"accepts_response_payload": typ == "slash_commands"})
	err := conn.WriteMessage(websocket.TextMessage, msg)
	f.mu.Unlock()
	if err != nil {
		f.t.Fatalf("fake slack: send envelope: %v", err)
	}
	select {
	case a := <-ch:
		return a, true
	case <-time.After(5 * time.Second):
		return nil, false
	}
}

func (f *Fake) uploadURL(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	f.mu.Lock()
	id := fmt.Sprintf("F%d", len(f.uploaded)+1)
	f.uploaded[id] = nil
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"ok":true,"upload_url":%q,"file_id":%q}`, f.srv.URL+"/upload/"+id, id)
}

func (f *Fake) upload(w http.ResponseWriter, r *http.Request) {
	file, hdr, err := r.FormFile("file")
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	data, _ := io.ReadAll(file)
	f.mu.Lock()
	f.uploaded[r.PathValue("id")] = data
	f.uploads = append(f.uploads, Upload{Filename: hdr.Filename})
	f.mu.Unlock()
	fmt.Fprint(w, "OK - "+strconv.Itoa(len(data)))
}

func (f *Fake) completeUpload(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	var files []struct{ ID, Title string }
	json.Unmarshal([]byte(r.PostForm.Get("files")), &files)
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(files) != 1 || f.uploaded[files[0].ID] == nil {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"ok":false,"error":"invalid_arguments"}`)
		return
	}
	u := &f.uploads[len(f.uploads)-1]
	u.Channel, u.Comment, u.Title, u.Data = r.PostForm.Get("channel_id"), r.PostForm.Get("initial_comment"), files[0].Title, f.uploaded[files[0].ID]
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"ok":true,"files":[{"id":%q,"title":%q}]}`, files[0].ID, files[0].Title)
}

// Uploads returns the files shared so far.
func (f *Fake) Uploads() []Upload {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Upload(nil), f.uploads...)
}

// Posts returns the messages accepted so far.
func (f *Fake) Posts() []Post {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Post(nil), f.posts...)
}

// Updates returns the chat.update calls so far.
func (f *Fake) Updates() []Update {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Update(nil), f.updates...)
}

// Ephemerals returns the chat.postEphemeral calls so far.
func (f *Fake) Ephemerals() []Ephemeral {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Ephemeral(nil), f.ephemerals...)
}

// Requests counts chat.postMessage calls, refused ones included.
func (f *Fake) Requests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests
}

// Signed is a request to one of our endpoints, signed with secret at ts as
// Slack signs it (api.slack.com/authentication/verifying-requests-from-slack):
// v0=HMAC-SHA256(secret, "v0:<ts>:<body>") in X-Slack-Signature.
func Signed(secret, target, contentType string, body []byte, ts time.Time) *http.Request {
	r := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	r.Header.Set("Content-Type", contentType)
	stamp := strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:%s", stamp, body)
	r.Header.Set("X-Slack-Request-Timestamp", stamp)
	r.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	return r
}

// Form is the content type of interactivity and slash-command requests.
const Form = "application/x-www-form-urlencoded"

// JSON is the content type of Events API requests.
const JSON = "application/json"

// BlockAction is the body of a press on a Block Kit button by user in the
// message channel/ts.
func BlockAction(user, channel, ts, actionID, value string) []byte {
	return []byte(url.Values{"payload": {string(BlockActionPayload(user, channel, ts, actionID, value))}}.Encode())
}

// BlockActionPayload is BlockAction's payload as JSON, as Socket Mode
// carries it.
func BlockActionPayload(user, channel, ts, actionID, value string) []byte {
	payload, _ := json.Marshal(map[string]any{
		"type":      "block_actions",
		"user":      map[string]string{"id": user, "username": "u" + user, "name": "u" + user},
		"channel":   map[string]string{"id": channel},
		"container": map[string]string{"type": "message", "channel_id": channel, "message_ts": ts},
		"message":   map[string]string{"ts": ts, "type": "message"},
		"actions":   []map[string]string{{"type": "button", "block_id": "b1", "action_id": actionID, "value": value, "action_ts": ts}},
	})
	return payload
}

// ThreadReply is the Events API body of user writing text in the thread
// under the message channel/threadTS, for a message the fake does not
// keep (Say keeps it).
func ThreadReply(eventID, user, channel, threadTS, text string) []byte {
	return messageEvent(eventID, user, channel, threadTS, fmt.Sprintf("1700000200.%06d", time.Now().Nanosecond()/1000), text)
}

func messageEvent(eventID, user, channel, threadTS, ts, text string) []byte {
	ev := map[string]string{"type": "message", "user": user, "text": text, "channel": channel,
		"channel_type": "channel", "ts": ts}
	if threadTS != "" {
		ev["thread_ts"] = threadTS
	}
	b, _ := json.Marshal(map[string]any{
		"type": "event_callback", "event_id": eventID, "team_id": "T1", "api_app_id": "A1", "event": ev,
	})
	return b
}

// SlashCommand is the body of user typing "/werkwijzer text" in channel.
func SlashCommand(user, channel, text string) []byte {
	return []byte(url.Values{"command": {"/werkwijzer"}, "text": {text}, "user_id": {user},
		"channel_id": {channel}, "team_id": {"T1"}, "response_url": {"https://hooks.slack.invalid/x"}}.Encode())
}
