package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/bot"
	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/privacy"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/locales"
	"github.com/werkwijzer/werkwijzer/store"
)

func TestMain(m *testing.M) { redistest.Main(m) }

var texts = locales.MustLoad()

// news is a flow of the tests' own: an alert event says something, as a
// reminder or a vacancy alert would.
type news struct{}

func (news) Register(r *dialogs.Router) {
	r.Inject(dialogs.KindAlert, func(c *dialogs.Conv) error {
		c.Say("news " + c.Event().Data)
		return nil
	})
}

// flaky is the runtime with one failure planned: a crash at that point of
// a turn.
type flaky struct {
	Conversations
	failNotes, failDelivered atomic.Bool
}

var errCrash = errors.New("crash")

func (f *flaky) Notes(ctx context.Context, t *dialogs.Turn) error {
	if f.failNotes.CompareAndSwap(true, false) {
		return errCrash
	}
	return f.Conversations.Notes(ctx, t)
}

func (f *flaky) Delivered(ctx context.Context, t *dialogs.Turn) error {
	if f.failDelivered.CompareAndSwap(true, false) {
		return errCrash
	}
	return f.Conversations.Delivered(ctx, t)
}

type harness struct {
	ch  *Channel
	rt  *flaky
	srv *httptest.Server
}

// newHarness is the web channel on a real Redis with the frame, the
// privacy flow and the test's news flow, served over HTTP.
func newHarness(t *testing.T, limits Limits) *harness {
	t.Helper()
	return newHarnessOn(t, limits, nil)
}

// newHarnessOn is newHarness with the channel on clk (nil for the wall
// clock).
func newHarnessOn(t *testing.T, limits Limits, clk clock.Clock) *harness {
	t.Helper()
	rdb, prefix := redistest.Client(t)
	engine := dialogs.NewEngine(texts, clock.Real())
	engine.Register(privacy.Flow{}, news{})
	st := NewStore(rdb, prefix)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ch := &Channel{Store: st, Texts: texts, Log: log, Secret: []byte("test-secret"), Limits: limits, Clock: clk}
	rt := &bot.Runtime{Log: log, Service: &dialogs.Service{Engine: engine, Sessions: store.NewSessions(rdb, store.Keys{Prefix: prefix})},
		Forgetters: []bot.Forgetter{ch}}
	h := &harness{ch: ch, rt: &flaky{Conversations: FromRuntime(rt)}}
	ch.Conv = h.rt
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); ch.Run(ctx) }()
	h.srv = httptest.NewServer(ch.Handler())
	t.Cleanup(func() { h.srv.Close(); cancel(); <-done })
	return h
}

// visitor is a browser as far as the server can tell: a cookie jar, the
// page's token, and same-origin fetches.
type visitor struct {
	t      *testing.T
	h      *harness
	client *http.Client
	csrf   string
}

func (h *harness) visit(t *testing.T) *visitor {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	v := &visitor{t: t, h: h, client: &http.Client{Jar: jar}}
	req, _ := http.NewRequest("GET", h.srv.URL+"/chat/", nil)
	req.Header.Set("Sec-Fetch-Dest", "document")
	resp, err := v.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET /chat/: %d %s", resp.StatusCode, body)
	}
	m := regexp.MustCompile(`"csrf":"([^"]+)"`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token in the page")
	}
	v.csrf = string(m[1])
	// The cookie is Secure: a jar keeps it for http://127.0.0.1 as a
	// browser does for a local address.
	for _, c := range resp.Cookies() {
		if c.Name == CookieName {
			if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
				t.Fatalf("session cookie %+v: want HttpOnly, Secure, SameSite=Lax, Path=/", c)
			}
			jar.SetCookies(req.URL, []*http.Cookie{{Name: c.Name, Value: c.Value, Path: "/"}})
		}
	}
	return v
}

func (v *visitor) post(path, body string, hdr ...string) (int, map[string]any) {
	v.t.Helper()
	req, _ := http.NewRequest("POST", v.h.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", v.csrf)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := v.client.Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func (v *visitor) chat() int64 {
	v.t.Helper()
	u, _ := http.NewRequest("GET", v.h.srv.URL+"/chat/", nil)
	for _, c := range v.client.Jar.Cookies(u.URL) {
		if c.Name == CookieName {
			chat, err := v.h.ch.Store.Chat(context.Background(), c.Value)
			if err != nil {
				v.t.Fatal(err)
			}
			return chat
		}
	}
	v.t.Fatal("no session cookie")
	return 0
}

// log is what the conversation's page would show, as text.
func (v *visitor) log() []string {
	v.t.Helper()
	es, err := v.h.ch.Store.Since(context.Background(), v.chat(), 0)
	if err != nil {
		v.t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Text)
	}
	return out
}

func TestWebChatIDsAreTheirOwnRange(t *testing.T) {
	for _, tg := range []int64{1, 777000, telegramMax, -1001234567890, -telegramMax, 0} {
		if IsChat(tg) {
			t.Errorf("Telegram chat id %d counts as a web chat", tg)
		}
	}
	seen := map[int64]bool{}
	for range 10000 {
		id := newChatID()
		if !IsChat(id) || id <= telegramMax || seen[id] {
			t.Fatalf("web chat id %d: in the web range %v, repeated %v", id, IsChat(id), seen[id])
		}
		seen[id] = true
	}
}

// A page resends a message whose answer it did not see (a reconnect, a
// crash on our side): each id is answered once, whatever failed when.
func TestEachMessageIDIsHandledOnce(t *testing.T) {
	h := newHarness(t, Limits{PerSession: 1000, SessionBurst: 1000, PerAddress: 1000, AddressBurst: 1000})
	v := h.visit(t)
	send := func(id, body string) int {
		code, _ := v.post("/chat/send", body)
		return code
	}
	if code := send("m1", `{"id":"start-0001","kind":"text","text":"/start","quiet":true}`); code != 200 {
		t.Fatalf("/start: %d", code)
	}
	picker := len(v.log())
	if picker != 2 { // the greeting and the picker
		t.Fatalf("after /start the log holds %d entries %q, want 2", picker, v.log())
	}
	for range 3 {
		send("", `{"id":"start-0001","kind":"text","text":"/start","quiet":true}`)
	}
	if got := v.log(); len(got) != picker {
		t.Fatalf("a resent /start changed the log: %q", got)
	}
	// The answer was saved, but the process died before the page's log
	// took it: the resend delivers the saved answer, once.
	h.rt.failNotes.Store(true)
	if code := send("", `{"id":"lang-00001","kind":"button","data":"lang:en","ref":2}`); code != http.StatusServiceUnavailable {
		t.Fatalf("a failed turn answered %d, want 503 (the page tries again)", code)
	}
	if got := v.log(); len(got) != picker {
		t.Fatalf("a failed turn reached the log: %q", got)
	}
	send("", `{"id":"lang-00001","kind":"button","data":"lang:en","ref":2}`)
	// The log took it, but the outbox was not cleared (a crash just after).
	h.rt.failDelivered.Store(true)
	if code := send("", `{"id":"agree-0001","kind":"button","data":"consent:yes","ref":4}`); code != http.StatusServiceUnavailable {
		t.Fatalf("a turn that failed after the log: %d, want 503", code)
	}
	send("", `{"id":"agree-0001","kind":"button","data":"consent:yes","ref":4}`)
	send("", `{"id":"agree-0001","kind":"button","data":"consent:yes","ref":4}`)
	got := v.log()
	want := []string{texts.T("en", "language_changed", nil), texts.T("en", "consent_notice", map[string]any{"Period": texts.N("en", "unit_days", 180, nil)})}
	for _, w := range want {
		if n := count(got, w); n != 1 {
			t.Fatalf("%q is in the log %d times, want once: %q", w, n, got)
		}
	}
	if n := count(got, texts.T("en", "q_name", nil)); n > 1 {
		t.Fatalf("the first question is in the log %d times", n)
	}
}

func count(list []string, s string) int {
	n := 0
	for _, x := range list {
		if strings.Contains(x, s) {
			n++
		}
	}
	return n
}

// Every write needs the page's token and must come from the page's own
// origin; a stream is refused to another site; no other site can open a
// session in someone's browser by embedding the page.
func TestWritesNeedTheTokenAndTheOrigin(t *testing.T) {
	h := newHarness(t, Limits{})
	v := h.visit(t)
	body := `{"id":"start-0001","kind":"text","text":"/start"}`
	// A token one letter off: a random token starts with "x" one time
	// in 64, and "x" in its place would be the token itself.
	wrong := "x" + v.csrf[1:]
	if v.csrf[0] == 'x' {
		wrong = "y" + v.csrf[1:]
	}
	for name, hdr := range map[string][]string{
		"no token":                            {"X-CSRF-Token", ""},
		"wrong token":                         {"X-CSRF-Token", wrong},
		"cross-site":                          {"Sec-Fetch-Site", "cross-site"},
		"other origin without fetch metadata": {"Sec-Fetch-Site", "", "Origin", "https://evil.example"},
	} {
		if code, _ := v.post("/chat/send", body, hdr...); code != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", name, code)
		}
		if code, _ := v.post("/chat/push", `{"off":true}`, hdr...); code != http.StatusForbidden {
			t.Errorf("push, %s: %d, want 403", name, code)
		}
	}
	if got := v.log(); len(got) != 0 {
		t.Fatalf("a refused write reached the conversation: %q", got)
	}
	if code, _ := v.post("/chat/send", body); code != 200 {
		t.Fatalf("the page's own write: %d", code)
	}

	for name, hdr := range map[string][2]string{"cross-site": {"Sec-Fetch-Site", "cross-site"}, "other origin": {"Origin", "https://evil.example"}} {
		req, _ := http.NewRequest("GET", h.srv.URL+"/chat/events", nil)
		req.Header.Set(hdr[0], hdr[1])
		resp, err := v.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("stream, %s: %d, want 403", name, resp.StatusCode)
		}
	}

	req, _ := http.NewRequest("GET", h.srv.URL+"/chat/", nil)
	req.Header.Set("Sec-Fetch-Dest", "image")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || len(resp.Cookies()) != 0 {
		t.Fatalf("the page embedded as an image: %d, cookies %v; want 403 and no session", resp.StatusCode, resp.Cookies())
	}
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") {
		t.Errorf("Content-Security-Policy allows something unsafe: %q", csp)
	}
}

func TestLimitsPerSessionAndPerAddress(t *testing.T) {
	var l limiters
	l.init(Limits{PerSession: 1, SessionBurst: 3, PerAddress: 2, AddressBurst: 5, NewSessions: 0.1, NewBurst: 2,
		Streams: 2, SessionStreams: 1}.withDefaults())
	t0 := time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC)
	for i := range 3 {
		if ok, _ := l.message("sessionA", "10.0.0.1", t0); !ok {
			t.Fatalf("message %d of a session's burst refused", i+1)
		}
	}
	ok, wait := l.message("sessionA", "10.0.0.1", t0)
	if ok || wait <= 0 || wait > time.Second {
		t.Fatalf("a fourth message at once: allowed %v, wait %v; want refused for up to a second", ok, wait)
	}
	// Another session behind the same address still may, until the
	// address's own burst is spent.
	if ok, _ := l.message("sessionB", "10.0.0.1", t0); !ok {
		t.Fatal("a second person behind the same address was refused")
	}
	if ok, _ := l.message("sessionC", "10.0.0.1", t0); ok {
		t.Fatal("the address's burst of 5 did not hold")
	}
	if ok, _ := l.message("sessionA", "10.0.0.1", t0.Add(1500*time.Millisecond)); !ok {
		t.Fatal("the session's bucket did not refill")
	}
	if ok, _ := l.message("sessionD", "10.0.0.2", t0); !ok {
		t.Fatal("another address was refused")
	}
	for i := range 2 {
		if ok, _ := l.newSession("10.0.0.3", t0); !ok {
			t.Fatalf("new session %d refused", i+1)
		}
	}
	if ok, _ := l.newSession("10.0.0.3", t0); ok {
		t.Fatal("a third new session from one address at once was allowed")
	}
	closeA, ok := l.openStream("sessionA", "10.0.0.4")
	if !ok {
		t.Fatal("a first stream was refused")
	}
	if _, ok := l.openStream("sessionA", "10.0.0.4"); ok {
		t.Fatal("a second stream of one session was allowed past SessionStreams")
	}
	closeA()
	if c, ok := l.openStream("sessionA", "10.0.0.4"); !ok {
		t.Fatal("a stream after the first closed was refused")
	} else {
		c()
	}

	// Over HTTP the page is told to wait, in its language, until the
	// session's bucket refills on the channel's clock: one message in
	// 100 s.
	clk := clock.NewFake(time.Now())
	h := newHarnessOn(t, Limits{PerSession: 0.01, SessionBurst: 2, PerAddress: 1000, AddressBurst: 1000}, clk)
	v := h.visit(t)
	v.post("/chat/send", `{"id":"start-0001","kind":"text","text":"/start"}`)
	v.post("/chat/send", `{"id":"lang-000001","kind":"button","data":"lang:fr"}`)
	code, body := v.post("/chat/send", `{"id":"name-000001","kind":"text","text":"Sam"}`, "Accept-Language", "fr-BE")
	if code != http.StatusTooManyRequests || body["error"] != texts.T("fr", "web_too_fast", nil) || body["retry"] == nil {
		t.Fatalf("over the limit: %d %v; want 429 with the French message and when to retry", code, body)
	}
	clk.Advance(99 * time.Second)
	if code, body := v.post("/chat/send", `{"id":"name-000001","kind":"text","text":"Sam"}`); code != http.StatusTooManyRequests {
		t.Fatalf("a second before the bucket refilled: %d %v; want 429", code, body)
	}
	clk.Advance(time.Second)
	if code, body := v.post("/chat/send", `{"id":"name-000001","kind":"text","text":"Sam"}`); code != http.StatusOK {
		t.Fatalf("once the bucket refilled: %d %v; want 200", code, body)
	}
}

// A proactive message to someone who allowed notifications leaves it in
// the chat and pushes a notice, in their language and without its text,
// signed with our VAPID key and encrypted for their browser only; a
// subscription the push service forgot is dropped.
func TestPushForProactiveMessages(t *testing.T) {
	h := newHarness(t, Limits{})
	ps := newPushService(t)
	pub, priv, err := VAPIDKeys(context.Background(), h.ch.Store.rdb, h.ch.Store.prefix, "", "")
	if err != nil {
		t.Fatal(err)
	}
	h.ch.Push = &Pusher{PublicKey: pub, PrivateKey: priv, Subject: "mailto:werk@example.be",
		Hosts: []string{"127.0.0.1"}, Client: ps.srv.Client()}
	v := h.visit(t)
	v.post("/chat/send", `{"id":"start-0001","kind":"text","text":"/start"}`)
	v.post("/chat/send", `{"id":"lang-000001","kind":"button","data":"lang:uk"}`)
	v.post("/chat/send", `{"id":"agree-00001","kind":"button","data":"consent:yes"}`)

	for _, bad := range []string{
		`{"endpoint":"http://127.0.0.1/push/1","keys":{"auth":"x","p256dh":"y"}}`,     // not https
		`{"endpoint":"https://evil.example/push/1","keys":{"auth":"x","p256dh":"y"}}`, // not a push service
		`{"endpoint":"` + ps.srv.URL + `/push/1"}`,                                    // no keys
	} {
		if code, _ := v.post("/chat/push", `{"sub":`+bad+`}`); code != http.StatusBadRequest {
			t.Errorf("subscription %s: %d, want 400", bad, code)
		}
	}
	if code, _ := v.post("/chat/push", `{"sub":`+ps.subscription()+`}`); code != 200 {
		t.Fatalf("subscribe: %d", code)
	}
	chat := v.chat()
	if err := h.ch.Inject(context.Background(), dialogs.Event{ChatID: chat, Kind: dialogs.KindAlert, Data: "v42"}); err != nil {
		t.Fatal(err)
	}
	if got := v.log(); got[len(got)-1] != "news v42" {
		t.Fatalf("the message is not in the chat: %q", got)
	}
	n := ps.next(t, pub)
	if n.Title != texts.T("uk", "web_push_title", nil) || n.Body != texts.T("uk", "web_push_body", nil) {
		t.Fatalf("notification %+v, want the Ukrainian title and body", n)
	}
	ps.gone.Store(true)
	h.ch.Inject(context.Background(), dialogs.Event{ChatID: chat, Kind: dialogs.KindAlert, Data: "v43"})
	ps.next(t, pub)
	if m, _ := h.ch.Store.Meta(context.Background(), chat); m.Push != "" {
		t.Fatal("a subscription the push service said is gone was kept")
	}
	if err := h.ch.Inject(context.Background(), dialogs.Event{ChatID: 42, Kind: dialogs.KindAlert}); err == nil {
		t.Fatal("the web channel took an event for a Telegram chat")
	}
}

// The first load of the chat page, fonts excepted, stays under 100 KB as
// sent (no compression counted): a slow 3G phone has it in seconds.
func TestFirstLoadUnder100KB(t *testing.T) {
	h := newHarness(t, Limits{})
	total := 0
	for _, path := range []string{"/chat/", "/chat/s/app.js?v=" + version, "/chat/s/app.css?v=" + version, "/chat/s/icon.png?v=" + version} {
		resp, err := http.Get(h.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		total += len(b)
	}
	t.Logf("first load: %d bytes, fonts excepted", total)
	if total >= 100_000 {
		t.Fatalf("first load is %d bytes, want under 100 KB", total)
	}
}

// Before the person agrees to the privacy notice the web side is kept a
// day, as the conversation is; from the agreement on, as long as it.
func TestWebKeysLiveAsLongAsTheConversation(t *testing.T) {
	h := newHarness(t, Limits{PerSession: 1000, SessionBurst: 1000, PerAddress: 1000, AddressBurst: 1000})
	v := h.visit(t)
	v.post("/chat/send", `{"id":"start-0001","kind":"text","text":"/start","quiet":true}`)
	v.post("/chat/send", `{"id":"lang-000001","kind":"button","data":"lang:so"}`)
	chat := v.chat()
	ctx := context.Background()
	rdb := h.ch.Store.rdb
	keys := func() []string {
		sess, _ := rdb.HGet(ctx, h.ch.Store.meta(chat), "sess").Result()
		return []string{h.ch.Store.meta(chat), h.ch.Store.log(chat), h.ch.Store.ids(chat), h.ch.Store.prefix + ":web:s:" + sess}
	}
	for _, k := range keys() {
		if ttl := rdb.TTL(ctx, k).Val(); ttl <= 0 || ttl > 24*time.Hour {
			t.Fatalf("before consent %s lives %v, want at most a day", k, ttl)
		}
	}
	v.post("/chat/send", `{"id":"agree-00001","kind":"button","data":"consent:yes"}`)
	for _, k := range keys() {
		if ttl := rdb.TTL(ctx, k).Val(); ttl < 179*24*time.Hour {
			t.Fatalf("after consent %s lives %v, want the retention", k, ttl)
		}
	}
}
