package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/bot"
	"github.com/werkwijzer/werkwijzer/bot/telegramtest"
	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/locales"
	"github.com/werkwijzer/werkwijzer/store"
)

const webhookSecret = "s3cret-token_for-tests"

// webhook is the Telegram channel in webhook mode, wired as cmd/werkwijzer
// wires it, against the fake Bot API and the given Redis, served by
// httptest.
type webhook struct {
	tg     *telegramtest.Server
	tgm    *bot.Telegram
	rdb    redis.UniversalClient
	prefix string
	srv    *httptest.Server
}

func newWebhook(t *testing.T, rdb redis.UniversalClient, prefix string) *webhook {
	t.Helper()
	return newWebhookWith(t, rdb, prefix, nil)
}

// newWebhookWith is newWebhook, with set (when not nil) changing the
// channel before it starts.
func newWebhookWith(t *testing.T, rdb redis.UniversalClient, prefix string, set func(*bot.Telegram)) *webhook {
	t.Helper()
	keys := store.Keys{Prefix: prefix}
	texts := locales.MustLoad()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	engine := dialogs.NewEngine(texts, nil)
	engine.Retention = 180 * 24 * time.Hour
	sessions := store.NewSessions(rdb, keys)
	rt := &bot.Runtime{Log: log, Service: &dialogs.Service{Engine: engine, Sessions: sessions}}
	fake := telegramtest.New(t)
	tgm, err := bot.NewTelegram(fake.Token, fake.URL, rt, texts, log)
	if err != nil {
		t.Fatal(err)
	}
	tgm.Sender = &bot.Sender{Global: bot.NewQuota(rdb, keys.Instances(), 1000), PerChat: 1000,
		Reach: store.NewReach(rdb, keys, engine.Retention)}
	tgm.Chats = store.NewChats(sessions, "")
	if set != nil {
		set(tgm)
	}
	srv := httptest.NewServer(tgm.WebhookHandler(webhookSecret))
	ctx, cancel := context.WithCancel(context.Background())
	worked := make(chan struct{})
	go func() { tgm.Work(ctx); close(worked) }()
	t.Cleanup(func() { srv.Close(); cancel(); <-worked })
	return &webhook{tg: fake, tgm: tgm, rdb: rdb, prefix: prefix, srv: srv}
}

// post sends body as Telegram would, with secret in the header unless it
// is empty, and returns the status.
func (w *webhook) post(t *testing.T, secret string, body []byte) int {
	t.Helper()
	// A bound against a hang: no call may wait this long.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.srv.URL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(bot.SecretHeader, secret)
	}
	resp, err := w.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// update builds the JSON of a message update with text from chat, numbered
// id.
func (w *webhook) update(t *testing.T, chat int64, id int64, text string) []byte {
	t.Helper()
	u := w.tg.Chat(t, chat, "en").MessageUpdate(map[string]any{"text": text})
	u["update_id"] = id
	b, err := json.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// keys counts what Redis holds under the test's prefix.
func (w *webhook) keys(t *testing.T) []string {
	t.Helper()
	keys, err := w.rdb.Keys(context.Background(), w.prefix+":*").Result()
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func TestWebhookRefusesAWrongOrMissingSecret(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	w := newWebhook(t, rdb, prefix)
	const chat = 501
	for name, secret := range map[string]string{
		"wrong":         "s3cret-token_for-test",
		"wrong, longer": webhookSecret + "x",
		"missing":       "",
	} {
		if code := w.post(t, secret, w.update(t, chat, 10, "/start")); code != http.StatusUnauthorized {
			t.Errorf("%s secret: %d, want 401", name, code)
		}
	}
	if msgs := w.tg.Messages(chat); len(msgs) != 0 {
		t.Fatalf("a call without the right secret made the bot send %d messages", len(msgs))
	}
	if n := w.tg.Calls("sendMessage"); n != 0 {
		t.Fatalf("a call without the right secret made %d sendMessage calls", n)
	}
	if keys := w.keys(t); len(keys) != 0 {
		t.Fatalf("a call without the right secret stored %v", keys)
	}
	// The same update with the secret is handled: the refusals above were
	// about the secret, not the update.
	if code := w.post(t, webhookSecret, w.update(t, chat, 10, "/start")); code != http.StatusOK {
		t.Fatalf("with the secret: %d, want 200", code)
	}
	if len(w.tg.Messages(chat)) == 0 {
		t.Fatal("with the secret nothing was sent")
	}
}

func TestWebhookRefusesWhatIsNotAnUpdate(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	w := newWebhook(t, rdb, prefix)

	resp, err := w.srv.Client().Get(w.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != http.MethodPost {
		t.Errorf("GET: %d, Allow %q; want 405 and Allow POST", resp.StatusCode, resp.Header.Get("Allow"))
	}

	// 2 MiB that would be a valid update but for its size.
	big := []byte(`{"update_id":11,"message":{"message_id":1,"date":1,"chat":{"id":502,"type":"private"},"text":"` +
		strings.Repeat("a", 2<<20) + `"}}`)
	if code := w.post(t, webhookSecret, big); code != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB body: %d, want 413", code)
	}
	for _, body := range []string{`{"update_id":12,"message":`, `not json`, `[1,2]`, `{"update_id":"x"}`, `{}`} {
		if code := w.post(t, webhookSecret, []byte(body)); code != http.StatusBadRequest {
			t.Errorf("body %q: %d, want 400", body, code)
		}
	}
	if n := len(w.tg.All()); n != 0 {
		t.Fatalf("refused calls made the bot send %d messages", n)
	}
}

func TestWebhookHandlesStart(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	w := newWebhook(t, rdb, prefix)
	const chat = 503
	if code := w.post(t, webhookSecret, w.update(t, chat, 20, "/start")); code != http.StatusOK {
		t.Fatalf("/start: %d, want 200", code)
	}
	// 200 comes only after the replies went out: no waiting here.
	greeting := w.tgm.Texts.T("en", "start_greeting", nil)
	if !sentTo(w.tg.Messages(chat), chat, greeting) {
		t.Fatalf("after 200 the greeting %q was not sent; got %+v", greeting, w.tg.Messages(chat))
	}
}

func TestWebhookAnswersARedeliveredUpdateOnce(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	w := newWebhook(t, rdb, prefix)
	const chat = 505
	if code := w.post(t, webhookSecret, w.update(t, chat, 40, "/start")); code != http.StatusOK {
		t.Fatalf("/start: %d, want 200", code)
	}
	// Choosing a language is the first update that stores anything (before
	// that there is nothing to remember, and a second greeting would harm
	// no one), so it is the one Telegram delivers twice here.
	var picker telegramtest.Message
	for _, m := range w.tg.Messages(chat) {
		if m.HasButton("lang:en") {
			picker = m
		}
	}
	if picker.MessageID == 0 {
		t.Fatalf("no language picker after /start: %+v", w.tg.Messages(chat))
	}
	press := w.tg.Chat(t, chat, "en").PressUpdate("lang:en", picker.MessageID)
	press["update_id"] = int64(41)
	body, err := json.Marshal(press)
	if err != nil {
		t.Fatal(err)
	}
	before := len(w.tg.Messages(chat))
	if code := w.post(t, webhookSecret, body); code != http.StatusOK {
		t.Fatalf("lang:en: %d, want 200", code)
	}
	answered := len(w.tg.Messages(chat))
	if answered == before {
		t.Fatal("choosing a language got no answer")
	}
	if n, err := rdb.Exists(context.Background(), store.Keys{Prefix: prefix}.Conversation(chat)).Result(); err != nil || n != 1 {
		t.Fatalf("choosing a language stored no conversation (%v): the redelivery below would prove nothing", err)
	}
	// Telegram delivers the same update again (say our 200 got lost).
	if code := w.post(t, webhookSecret, body); code != http.StatusOK {
		t.Fatalf("redelivered update: %d, want 200 so that Telegram stops", code)
	}
	if again := len(w.tg.Messages(chat)); again != answered {
		t.Fatalf("the redelivered update was answered again: %d messages, want %d", again, answered)
	}
}

// sentTo reports whether a sendMessage to chat holds text.
func sentTo(msgs []telegramtest.Message, chat int64, text string) bool {
	for _, m := range msgs {
		if m.Method == "sendMessage" && m.ChatID == chat && strings.Contains(m.Text, text) {
			return true
		}
	}
	return false
}

func TestWebhookAnswers500WhenRedisIsDown(t *testing.T) {
	port, err := redistest.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + strconv.Itoa(port), MaxRetries: 1,
		DialTimeout: time.Second, ReadTimeout: time.Second, WriteTimeout: time.Second})
	t.Cleanup(func() { rdb.Close() })
	w := newWebhook(t, rdb, redistest.Prefix())
	const chat = 504
	if code := w.post(t, webhookSecret, w.update(t, chat, 30, "/start")); code != http.StatusInternalServerError {
		t.Fatalf("Redis down: %d, want 500 so that Telegram delivers the update again", code)
	}
}

func TestWebhookHandlerRefusesAnEmptySecret(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	w := newWebhook(t, rdb, prefix)
	defer func() {
		if recover() == nil {
			t.Fatal("WebhookHandler(\"\") did not panic: anyone could post updates")
		}
	}()
	w.tgm.WebhookHandler("")
}

func TestRegisterWebhook(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	w := newWebhook(t, rdb, prefix)
	ctx := context.Background()
	if err := w.tgm.RegisterWebhook(ctx, "https://bot.example.org/telegram", webhookSecret); err != nil {
		t.Fatal(err)
	}
	if n := w.tg.Calls("setWebhook"); n != 1 {
		t.Fatalf("setWebhook called %d times, want 1", n)
	}
	if err := w.tgm.RegisterWebhook(ctx, "https://bot.example.org/telegram", ""); err == nil {
		t.Fatal("RegisterWebhook accepted an empty secret")
	}
	if n := w.tg.Calls("setWebhook"); n != 1 {
		t.Fatalf("an empty secret still reached setWebhook (%d calls)", n)
	}
}

// claims is store.Chats telling the test what each Claim of a sweep found.
type claims struct {
	*store.Chats
	found chan store.Status
}

func (c claims) Claim(ctx context.Context, w store.Waiting) (store.Status, error) {
	st, err := c.Chats.Claim(ctx, w)
	if err == nil {
		c.found <- st
	}
	return st, err
}

// An instance was killed while it held a chat: the update that came for
// the chat meanwhile waits in its inbox. The sweep, every SweepEvery of
// the channel's clock, leaves the chat to its holder while the holder's
// heartbeat is fresh, and takes it up, answering the update, once the
// beat is Stale old. The clock is years ahead of the wall clock, so only
// its moves can make that happen.
func TestSweepTakesOverTheChatOfAKilledInstance(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	ctx := context.Background()
	keys := store.Keys{Prefix: prefix}
	clk := clock.NewFake(time.Now().AddDate(3, 0, 0))
	var chats claims
	w := newWebhookWith(t, rdb, prefix, func(tgm *bot.Telegram) {
		c := tgm.Chats.(*store.Chats)
		c.Clock = clk
		chats = claims{c, make(chan store.Status, 10)}
		tgm.Clock, tgm.Chats = clk, chats
	})
	// The sweep at start is done once its ticker waits: the one claim
	// that follows is the first tick's.
	if !clk.WaitForTimers(1, 10*time.Second) {
		t.Fatal("the sweep's ticker is not waiting on the channel's clock")
	}
	const chat = 509
	killed := store.NewChats(store.NewSessions(rdb, keys), "killed")
	killed.Clock = clk
	rdb.ZAdd(ctx, keys.Instances(), redis.Z{Score: float64(clk.Now().UnixMilli()), Member: "killed"})
	if st, err := killed.Take(ctx, chat, []byte(`{"e":{}}`), false); err != nil || st.Status != store.Run {
		t.Fatalf("the instance to be killed could not take the chat: %+v, %v", st, err)
	}
	// Queued behind the holder: 200 at once, nothing sent.
	if code := w.post(t, webhookSecret, w.update(t, chat, 30, "/start")); code != http.StatusOK {
		t.Fatalf("/start: %d, want 200", code)
	}
	claimed := func(want store.Status) {
		t.Helper()
		select {
		case st := <-chats.found:
			if st != want {
				t.Fatalf("the sweep found %v, want %v", st, want)
			}
		case <-time.After(10 * time.Second): // a bound against a hang
			t.Fatalf("no sweep claimed the chat; want %v", want)
		}
	}
	clk.Advance(bot.SweepEvery)
	claimed(store.Lost) // the holder beat two seconds ago
	if n := len(w.tg.Messages(chat)); n != 0 {
		t.Fatalf("%d messages while the chat's holder was alive", n)
	}
	clk.Advance(3 * bot.SweepEvery) // the beat is 8 s old: Stale
	claimed(store.Drain)
	greeting := w.tgm.Texts.T("en", "start_greeting", nil)
	waitUntil(t, func() bool { return sentTo(w.tg.Messages(chat), chat, greeting) })
}
