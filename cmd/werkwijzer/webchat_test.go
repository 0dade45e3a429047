package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/bot/telegramtest"
	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/internal/browsertest"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/staff"
	"github.com/werkwijzer/werkwijzer/staff/slacktest"
	"github.com/werkwijzer/werkwijzer/web"
)

// serveWeb runs werkwijzer with the web chat only (no Telegram) on addr
// ("127.0.0.1:0" for any port) and returns it with the chat's address.
func serveWeb(t testing.TB, prefix, addr string, opts ...func(*Main)) (*running, string) {
	t.Helper()
	m := &Main{
		Config: Config{RedisURL: redistest.URL(t), RedisPrefix: prefix, Retention: 180 * 24 * time.Hour,
			HTTPAddr: addr, WebURL: "http://localhost", SendRate: 1000, ChatSendRate: 1000},
		Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	for _, o := range opts {
		o(m)
	}
	m.ready = make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	served := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(served)
		if err := m.Serve(ctx); err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()
	select {
	case <-m.ready:
	case <-served:
		t.Fatal("werkwijzer stopped before it served")
	}
	var once sync.Once
	r := &running{m: m, stop: func() {
		once.Do(func() {
			cancel()
			wg.Wait()
			m.Close()
		})
	}}
	t.Cleanup(r.stop)
	return r, "http://" + m.HTTPAddr() + "/chat/"
}

// freeAddr is a loopback address nobody listens on, for a server that must
// come back on the same address after a restart.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// onboardInBrowser takes a person from the picker to the advice, as they
// would tap and type it, and checks each question arrives.
func onboardInBrowser(t *testing.T, b *browsertest.Tab, lang string, share ...bool) {
	t.Helper()
	tr := func(id string) string { return texts.T(lang, id, nil) }
	b.WaitText(texts.T(lang, "language_choose", nil))
	b.Press(tr("language_name"))
	b.WaitText(texts.T(lang, "consent_notice", map[string]any{"Period": texts.N(lang, "unit_days", 180, nil)}))
	b.Press(tr("btn_agree"))
	b.WaitText(tr("q_name"))
	b.Type("Amira")
	b.WaitText(tr("q_age"))
	b.Press(tr("opt_age_u25"))
	b.WaitText(tr("q_dutch"))
	b.Press(tr("opt_dutch_none"))
	b.WaitText(tr("q_situation"))
	b.Press(tr("btn_skip"))
	b.WaitText(tr("q_education"))
	b.Press(tr("opt_edu_higher"))
	b.WaitText(tr("q_diploma"))
	b.Press(tr("opt_dipl_recognised"))
	b.WaitText(tr("q_sectors"))
	b.Press(tr("opt_sec_industry"))
	// A multi-select press updates its question in place: the option
	// shows it is chosen, and no second copy of the question appears.
	b.Until("the chosen sector marked", `Array.from(document.querySelectorAll('#log button')).some(e => e.textContent === `+
		browsertest.Quote("✓ "+tr("opt_sec_industry"))+`)`)
	if n := b.Count(tr("q_sectors")); n != 1 {
		t.Fatalf("[%s] the sectors question shows %d times after a multi-select press, want once", lang, n)
	}
	b.Press(tr("btn_done"))
	b.WaitText(tr("q_licence"))
	b.Press(tr("opt_lic_c"))
	b.WaitText(tr("q_availability"))
	b.Press(tr("opt_av_shifts"))
	b.Press(tr("btn_done"))
	b.WaitText(tr("q_home"))
	b.Type("2660")
	b.WaitText(tr("q_goal"))
	b.Press(tr("opt_goal_learn"))
	b.WaitText(tr("q_support"))
	b.Press(tr("btn_skip"))
	b.WaitText(tr("summary_title"))
	b.Press(tr("btn_confirm"))
	if len(share) > 0 && share[0] { // with Slack connected: may a coach see the answers?
		b.WaitText(tr("share_ask"))
		b.Press(tr("btn_share_yes"))
	}
	b.WaitText(tr("step_talentenfabriek"))
	b.WaitText(tr("step_dutch_course"))
}

// The whole onboarding in Arabic in a real browser: the page follows the
// conversation into Arabic and lays itself out right to left.
func TestWebOnboardingInArabic(t *testing.T) {
	r, url := serveWeb(t, redistest.Prefix(), "127.0.0.1:0")
	b := browsertest.New(t, "ar")
	b.Go(url)
	onboardInBrowser(t, b, "ar")
	var dirs []string
	b.Eval(`[document.documentElement.dir, getComputedStyle(document.body).direction,
		getComputedStyle(document.querySelector('#log .bot:last-child')).direction,
		getComputedStyle(document.querySelector('#text')).direction, document.documentElement.lang]`, &dirs)
	if want := []string{"rtl", "rtl", "rtl", "rtl", "ar"}; strings.Join(dirs, " ") != strings.Join(want, " ") {
		t.Fatalf("page direction (html dir, body, a message, the input, lang) = %q, want %q", dirs, want)
	}
	var label string
	b.Eval(`document.querySelector('#send').textContent`, &label)
	if label != texts.T("ar", "web_send", nil) {
		t.Fatalf("send button says %q, want the Arabic %q", label, texts.T("ar", "web_send", nil))
	}
	// What the person typed shows once, as theirs; the page's own /start
	// is not shown as if they had typed it.
	var mine []string
	b.Eval(`Array.from(document.querySelectorAll('#log .me')).map(e => e.innerText)`, &mine)
	if strings.Join(mine, "|") != "Amira|2660" {
		t.Fatalf("the person's messages in the chat: %q, want the name and the postcode once each", mine)
	}
	// Nothing personal went into an address: not what they typed, not
	// their conversation's id.
	chat := strconv.FormatInt(webChatOf(t, r), 10)
	urls := b.URLs()
	if len(urls) < 5 {
		t.Fatalf("only %d requests recorded: the check would prove nothing", len(urls))
	}
	for _, u := range urls {
		for _, personal := range []string{"Amira", chat} {
			if strings.Contains(u, personal) {
				t.Fatalf("request address %q holds %q", u, personal)
			}
		}
	}
}

// fast lifts the web chat's limits: scripted people press faster than
// anyone could (the limits themselves are tested in package web).
func fast(m *Main) {
	m.webLimits = web.Limits{PerSession: 1000, SessionBurst: 1000, PerAddress: 1000, AddressBurst: 1000}
}

// consentInBrowser takes a person through the picker and the privacy
// notice to the first question.
func consentInBrowser(t *testing.T, b *browsertest.Tab, lang string) {
	t.Helper()
	b.WaitText(texts.T(lang, "language_choose", nil))
	b.Press(texts.T(lang, "language_name", nil))
	b.WaitText(texts.T(lang, "consent_notice", map[string]any{"Period": texts.N(lang, "unit_days", 180, nil)}))
	b.Press(texts.T(lang, "btn_agree", nil))
	b.WaitText(texts.T(lang, "q_name", nil))
}

// A booking in the browser: the confirmation says plainly that reminders
// will wait in the chat (no notifications allowed), its calendar file
// downloads and parses, and the reminder the day before reaches the web
// chat, not Telegram.
func TestWebBookingWithCalendarFile(t *testing.T) {
	const lang = "fr"
	prefix := redistest.Prefix()
	clk := clock.NewFake(bxl(2027, 3, 22, 10, 0)) // a Monday
	env := map[string]string{"REDIS_URL": redistest.URL(t), "REDIS_PREFIX": prefix}
	slots, sessions := scheduleFiles(t, lang)
	for _, args := range [][]string{{"import", "slots", slots}, {"import", "sessions", sessions}} {
		if out, err := werkwijzer(t, env, args...); err != nil {
			t.Fatalf("%v: %v %s", args, err, out)
		}
	}
	r, url := serveWeb(t, prefix, "127.0.0.1:0", fast, func(m *Main) {
		m.Clock = clk
		m.Tick = 20 * time.Millisecond
	})
	tr := func(id string, data map[string]any) string { return texts.T(lang, id, data) }
	b := browsertest.New(t, lang)
	b.Go(url)
	onboardInBrowser(t, b, lang)
	b.Press(tr("menu_coaching", nil))
	b.WaitText(tr("slots_intro", nil))
	b.Press("1") // Mira speaks French: her slot comes first
	what := tr("what_coaching", map[string]any{"Coach": "Mira"})
	b.WaitText(tr("booked_done", map[string]any{"What": what, "Date": dayIn(lang, bxl(2027, 3, 23, 14, 0)),
		"Time": "14:00", "Place": "Werkwinkel, Desguinlei 33, 2018 Antwerpen"}))
	b.WaitText(tr("web_booked_no_push", nil))

	b.Eval(`document.querySelector('#log a.doc:last-of-type') ? (document.querySelectorAll('#log a.doc')[document.querySelectorAll('#log a.doc').length-1].click(), true) : false`, nil)
	cal := b.Download()
	checkCalendar(t, telegramtest.Message{Document: "rendez-vous.ics", Content: cal}, "20270323T140000")

	// The day before at 18:00 the reminder comes to the page.
	clk.Set(bxl(2027, 3, 22, 18, 0))
	b.WaitText(tr("reminder_day", map[string]any{"Time": "14:00", "What": what,
		"Place": "Werkwinkel, Desguinlei 33, 2018 Antwerpen"}))
	b.Press(tr("btn_be_there", nil))
	b.WaitText(tr("be_there_done", nil))
	everyKeyHasALifetime(t, r.m.Redis, prefix)
}

// The server restarts in the middle of a conversation, and the person
// types while it is down: once it is back, that message is answered once,
// and nothing the page showed before is lost or shown twice.
func TestWebReconnectAfterRestart(t *testing.T) {
	const lang = "ti"
	prefix := redistest.Prefix()
	addr := freeAddr(t)
	first, url := serveWeb(t, prefix, addr, fast)
	b := browsertest.New(t, "ti")
	b.Go(url)
	consentInBrowser(t, b, lang)
	before := b.Log()

	first.stop()
	b.Until("the page to notice", `document.getElementById('status').textContent !== ''`)
	b.Type("ሳባ")
	b.Eval(`new Promise(r => setTimeout(r, 300))`, nil) // the page tries and fails at least once

	serveWeb(t, prefix, addr, fast)
	b.WaitText(texts.T(lang, "q_age", nil))
	b.Press(texts.T(lang, "opt_age_u25", nil))
	b.WaitText(texts.T(lang, "q_dutch", nil))
	after := b.Log()
	if strings.Join(after[:len(before)], "\n") != strings.Join(before, "\n") {
		t.Fatalf("what the page showed before the restart changed:\nbefore %q\nafter  %q", before, after[:len(before)])
	}
	for _, id := range []string{"q_name", "q_age", "q_dutch", "consent_notice"} {
		text := texts.T(lang, id, map[string]any{"Period": texts.N(lang, "unit_days", 180, nil)})
		if n := b.Count(text); n != 1 {
			t.Fatalf("%s shows %d times after the restart, want once:\n%s", id, n, strings.Join(after, "\n---\n"))
		}
	}
	if n := b.Count("ሳባ"); n != 1 {
		t.Fatalf("what was typed while the server was down shows in %d messages, want once: %q", n, after)
	}
}

// A staff take-over of a web conversation, relayed both ways through the
// fake Slack exactly as for Telegram: the request shows in Slack with no
// chat id, staff take it, the person's words go to the thread, staff's
// answer reaches the page, and /done hands the person back to the bot.
func TestWebStaffTakeOver(t *testing.T) {
	const lang = "so"
	f := slacktest.New(t)
	f.AddUser("U-LOTTE", "Lotte")
	r, url := serveWeb(t, redistest.Prefix(), "127.0.0.1:0", fast, withSlack(f))
	tr := func(id string, data map[string]any) string { return texts.T(lang, id, data) }
	b := browsertest.New(t, lang)
	b.Go(url)
	onboardInBrowser(t, b, lang, true)
	b.Press(tr("menu_person", nil))
	b.WaitText(tr("handover_requested", map[string]any{"Wait": texts.N(lang, "unit_minutes", 30, nil)}))
	b.Type("Su'aal ayaan ka qabaa VDAB")
	b.WaitText(tr("handover_noted", nil))
	req := waitPost(t, f, "handover", func(p slacktest.Post) bool {
		return p.Channel == "C-PERM" && header(p.Blocks) == "Vraagt een medewerker"
	})
	ref := buttonValue(req.Blocks, staff.ActionHandoverTake)
	chat := webChatOf(t, r)
	if ref == "" || strings.Contains(blockText(req.Blocks), strconv.FormatInt(chat, 10)) {
		t.Fatalf("handover post: take button value %q; the chat id must not appear: %s", ref, blockText(req.Blocks))
	}
	take := slacktest.BlockAction("U-LOTTE", "C-PERM", req.TS, staff.ActionHandoverTake, ref)
	if code, _ := slackCall(t, r, signingSecret, "/slack/actions", slacktest.Form, take, time.Now()); code != http.StatusOK {
		t.Fatalf("take over: %d", code)
	}
	b.WaitText(tr("handover_taken", map[string]any{"Name": "Lotte"}))
	waitPost(t, f, "what was typed while waiting, in the thread", func(p slacktest.Post) bool {
		return p.ThreadTS == req.TS && strings.Contains(p.Text, "Su'aal ayaan ka qabaa VDAB")
	})

	b.Type("Ma i caawin kartaa?")
	waitPost(t, f, "the person's message in the thread", func(p slacktest.Post) bool {
		return p.ThreadTS == req.TS && strings.Contains(p.Text, "Ma i caawin kartaa?")
	})
	reply := slacktest.ThreadReply("EvW1", "U-LOTTE", "C-PERM", req.TS, "Haa, waan ku caawin karaa.")
	for range 2 { // Slack delivering it twice reaches the person once
		if code, _ := slackCall(t, r, signingSecret, "/slack/events", slacktest.JSON, reply, time.Now()); code != http.StatusOK {
			t.Fatalf("thread reply: %d", code)
		}
	}
	staffSays := tr("staff_message", map[string]any{"Name": "Lotte", "Text": "Haa, waan ku caawin karaa."})
	b.WaitText(staffSays)
	done := slacktest.ThreadReply("EvW2", "U-LOTTE", "C-PERM", req.TS, "/done")
	if code, _ := slackCall(t, r, signingSecret, "/slack/events", slacktest.JSON, done, time.Now()); code != http.StatusOK {
		t.Fatalf("/done: %d", code)
	}
	b.WaitText(tr("handover_ended", map[string]any{"Name": "Lotte"}))
	if n := b.Count(staffSays); n != 1 {
		t.Fatalf("staff's answer shows %d times, want once", n)
	}
	if n := b.Count(tr("handover_noted", nil)); n != 1 {
		t.Fatalf("the bot answered while Lotte had the conversation: handover_noted %d times", n)
	}
}

// webChatOf is the one web conversation of a test's Redis: the chat id
// its session names.
func webChatOf(t *testing.T, r *running) int64 {
	t.Helper()
	ctx := context.Background()
	pattern := r.m.Config.RedisPrefix + ":web:s:*"
	keys, err := r.m.Redis.Keys(ctx, pattern).Result()
	if cc, ok := r.m.Redis.(*redis.ClusterClient); ok {
		var mu sync.Mutex
		keys = nil
		err = cc.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
			ks, err := node.Keys(ctx, pattern).Result()
			mu.Lock()
			keys = append(keys, ks...)
			mu.Unlock()
			return err
		})
	}
	if err != nil || len(keys) != 1 {
		t.Fatalf("want one web session, got %q (%v)", keys, err)
	}
	chat, err := r.m.Redis.Get(ctx, keys[0]).Int64()
	if err != nil || !web.IsChat(chat) {
		t.Fatalf("session names chat %d (%v), not a web chat", chat, err)
	}
	return chat
}

// /forget in the browser: the goodbye shows, no key with the person's chat
// id or session is left, the cookie is gone from the browser, and the old
// cookie, replayed, opens nothing.
func TestWebForgetLeavesNoKeyAndRevokesTheCookie(t *testing.T) {
	const lang = "pl"
	prefix := redistest.Prefix()
	r, url := serveWeb(t, prefix, "127.0.0.1:0", fast)
	tr := func(id string) string { return texts.T(lang, id, nil) }
	b := browsertest.New(t, lang)
	b.Go(url)
	consentInBrowser(t, b, lang)
	b.Type("Ola")
	b.WaitText(tr("q_age"))
	chat := webChatOf(t, r)
	sid := cookieValue(t, b)
	if sid == "" {
		t.Fatal("no session cookie in the browser")
	}
	if n := keysWith(t, r.m.Redis, chat); n == 0 {
		t.Fatal("no key holds the person before /forget: the test would prove nothing")
	}

	// /mydata says what the web chat keeps, and its export downloads.
	b.Type("/mydata")
	b.WaitText(tr("mydata_web"))
	b.Until("the export", `document.querySelectorAll('#log a.doc').length > 0`)
	b.Eval(`(() => { const a = document.querySelectorAll('#log a.doc'); a[a.length-1].click(); return true })()`, nil)
	var export map[string]any
	if err := json.Unmarshal(b.Download(), &export); err != nil {
		t.Fatalf("the /mydata export is not JSON: %v", err)
	}
	if wc, _ := export["web_chat"].(map[string]any); wc == nil || wc["messages_kept"].(float64) < 5 || wc["notifications"] != false {
		t.Fatalf("the export says of the web chat %v", export["web_chat"])
	}

	b.Type("/forget")
	b.WaitText(tr("forget_confirm"))
	b.Press(tr("btn_forget_yes"))
	b.WaitText(tr("forget_done"))
	b.WaitText(tr("web_ended"))
	if n := keysWith(t, r.m.Redis, chat); n != 0 {
		t.Fatalf("%d keys with the person's chat id left after /forget", n)
	}
	if keys, _ := r.m.Redis.Keys(context.Background(), prefix+":web:s:*").Result(); len(keys) != 0 {
		t.Fatalf("session keys left after /forget: %q", keys)
	}
	if v := cookieValue(t, b); v != "" {
		t.Fatalf("the browser still holds the session cookie after /forget")
	}
	// The old cookie, replayed by hand, opens nothing and writes nothing.
	base := strings.TrimSuffix(url, "/chat/")
	req, _ := http.NewRequest("POST", base+"/chat/send", strings.NewReader(`{"id":"replayed-1","kind":"text","text":"hallo"}`))
	req.AddCookie(&http.Cookie{Name: web.CookieName, Value: sid})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a message with the revoked cookie: %d, want 401", resp.StatusCode)
	}
	req, _ = http.NewRequest("GET", base+"/chat/events", nil)
	req.AddCookie(&http.Cookie{Name: web.CookieName, Value: sid})
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.HasPrefix(string(body), "event: end") {
		t.Fatalf("the stream with the revoked cookie says %q, want only the end", body)
	}
	if n := keysWith(t, r.m.Redis, chat); n != 0 {
		t.Fatalf("the revoked cookie brought back %d keys", n)
	}
}

func cookieValue(t *testing.T, b *browsertest.Tab) string {
	t.Helper()
	for _, c := range b.Cookies() {
		if c.Name == web.CookieName {
			if !c.HTTPOnly || !c.Secure || string(c.SameSite) != "Lax" {
				t.Fatalf("session cookie %+v: want HttpOnly, Secure, SameSite=Lax", c)
			}
			return c.Value
		}
	}
	return ""
}

// With the web chat on, a sign-up link and its QR code lead to the landing
// page: in the link's language, with "Open in Telegram" and "Chat here"
// both carrying the link's code; a language chosen there carries over to
// the chat, and the person counts for the partner (attribution kept).
func TestWebLandingPageKeepsTheLink(t *testing.T) {
	prefix := redistest.Prefix()
	dir := t.TempDir()
	env := map[string]string{"REDIS_URL": redistest.URL(t), "REDIS_PREFIX": prefix, "TELEGRAM_BOT_USERNAME": "werkwijzer_test_bot",
		"WEB_URL": "https://werk.example.be"}
	os.WriteFile(filepath.Join(dir, "partners.yaml"), []byte(partnersFile), 0o644)
	if out, err := werkwijzer(t, env, "import", "partners", filepath.Join(dir, "partners.yaml")); err != nil {
		t.Fatalf("import: %q %v", out, err)
	}
	qrFile := filepath.Join(dir, "link.png")
	out, err := werkwijzer(t, env, "link", "--partner", "moskee-attaqwa", "--place", "Borgerhout", "--lang", "ar", "--qr", qrFile)
	if err != nil {
		t.Fatal(err)
	}
	link := strings.TrimSpace(out)
	code, ok := strings.CutPrefix(link, "https://werk.example.be/chat/l/")
	if !ok {
		t.Fatalf("link %q, want the web chat's landing page", link)
	}
	png, _ := os.ReadFile(qrFile)
	if got := decodeQRFile(t, png); got != link {
		t.Fatalf("QR code decodes to %q, want the landing page %q", got, link)
	}

	_, url := serveWeb(t, prefix, "127.0.0.1:0", fast, func(m *Main) { m.Config.BotUsername = "werkwijzer_test_bot" })
	b := browsertest.New(t, "nl") // the phone speaks Dutch; the link says Arabic
	b.Go(url + "l/" + code)
	var got []string
	b.Eval(`[document.documentElement.lang, getComputedStyle(document.body).direction, document.getElementById('lang').value,
		document.getElementById('to-telegram').href, document.getElementById('to-web').getAttribute('href')]`, &got)
	if got[0] != "ar" || got[1] != "rtl" || got[2] != "ar" || got[3] != "https://t.me/werkwijzer_test_bot?start="+code ||
		got[4] != "/chat/?lang=ar&start="+code {
		t.Fatalf("landing page (lang, direction, chosen language, Telegram, web) = %q", got)
	}
	noViolations(t, b, "the landing page in Arabic")
	// The person picks English on the landing page.
	b.Eval(`(() => { const s = document.getElementById('lang'); s.value = 'en'; s.dispatchEvent(new Event('change')); return true })()`, nil)
	b.Until("the page in English", `document.documentElement.lang === 'en' && document.getElementById('to-web').getAttribute('href').includes('start=`+code+`')`)
	b.Do("chat here", chromedp.Click(chromedp.ID("to-web")))
	b.Until("the chat opens", `!!document.getElementById('log')`)
	b.WaitText(texts.T("en", "consent_notice", map[string]any{"Period": texts.N("en", "unit_days", 180, nil)}))
	var addr string
	b.Eval(`location.pathname + location.search`, &addr)
	if addr != "/chat/" {
		t.Fatalf("the chat's address is %q after it started: the link's code stays out of it", addr)
	}
	b.Press(texts.T("en", "btn_agree", nil))
	b.WaitText(texts.T("en", "q_name", nil))
	out, err = werkwijzer(t, env, "stats", "--by", "link", "--csv")
	if row := csvRow(out); err != nil || row["partner"] != "moskee-attaqwa" || row["link"] != asCSVCell(code) || row["opened"] != "1" || row["agreed"] != "1" {
		t.Fatalf("the web chat did not count for the link: %q %v", out, err)
	}
}

// The chat in Tigrinya, Arabic and Dutch, as the README shows it: Ethiopic
// is drawn with the page's own web font (so no phone shows empty boxes),
// Arabic right to left. With WEBCHAT_SCREENSHOTS set to a folder the
// screenshots are kept there (the README's come from this test).
func TestWebScreenshotsAndTheEthiopicFont(t *testing.T) {
	dir := os.Getenv("WEBCHAT_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	_, url := serveWeb(t, redistest.Prefix(), "127.0.0.1:0", fast)
	for _, lang := range []string{"ti", "ar", "nl"} {
		b := browsertest.New(t, lang)
		b.Go(url)
		consentInBrowser(t, b, lang)
		b.Type("Saba")
		b.WaitText(texts.T(lang, "q_age", nil))
		b.Press(texts.T(lang, "opt_age_u25", nil))
		b.WaitText(texts.T(lang, "q_dutch", nil))
		if lang == "ti" {
			b.Until("the Ethiopic font", `[...document.fonts].some(f => f.family.replace(/"/g, '') === 'WW Ethiopic' && f.status === 'loaded')`)
			fonts := b.Fonts("#log .bot:last-child p")
			ours := false
			for _, f := range fonts {
				ours = ours || (f.IsCustomFont && strings.Contains(f.FamilyName, "Ethiopic") && f.GlyphCount > 10)
			}
			if !ours {
				t.Fatalf("Tigrinya is drawn with %+v, want the page's own Ethiopic web font", fonts)
			}
		}
		b.Screenshot(filepath.Join(dir, "webchat-"+lang+".png"))
		noViolations(t, b, "the chat in "+lang)
	}
}

// noViolations fails when axe-core finds the page breaking WCAG 2.1 A or
// AA (labels, contrast, language, names of buttons and links, ...).
func noViolations(t *testing.T, b *browsertest.Tab, what string) {
	t.Helper()
	for _, v := range b.Accessibility() {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, strings.Join(n.Target, " ")+": "+n.Summary)
		}
		t.Errorf("%s breaks WCAG (%s, %s): %s\n  %s", what, v.ID, v.Impact, v.Help, strings.Join(where, "\n  "))
	}
}

// With no configuration the terminal chat says how to open the web chat;
// with WEB_URL alone, werkwijzer serves it (no Telegram needed).
func TestWebChatWithoutTelegram(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), nil, func(string) string { return "" }, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut.String(), "WEB_URL=http://localhost:8080 werkwijzer serve") {
		t.Fatalf("the terminal chat does not say how to open the web chat: %q", errOut.String())
	}
	for _, bad := range []string{"http://werk.example.be", "https://werk.example.be/chat", "ftp://localhost"} {
		if _, err := loadConfig(func(k string) string { return map[string]string{"WEB_URL": bad}[k] }); err == nil {
			t.Errorf("WEB_URL=%s was accepted", bad)
		}
	}

	addr := freeAddr(t)
	env := map[string]string{"WEB_URL": "http://localhost:8080", "HTTP_ADDR": addr, "REDIS_URL": redistest.URL(t),
		"REDIS_PREFIX": redistest.Prefix(), "LOG_LEVEL": "error"}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, nil, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, io.Discard)
	}()
	var resp *http.Response
	var err error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if resp, err = http.Get("http://" + addr + "/chat/"); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("the web chat never answered: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `id="log"`) {
		t.Fatalf("GET /chat/: %d", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("werkwijzer serve: %v", err)
	}
}

// A person who started in the browser carries the conversation over to
// Telegram with a one-time link: Telegram goes on at the same step with
// their answers and their appointment (its reminder comes there), the web
// page ends, nothing of the web chat is left, and the link works once.
func TestWebChatCarriedOverToTelegram(t *testing.T) {
	const lang = "fr"
	tg := telegramtest.New(t)
	prefix := redistest.Prefix()
	clk := clock.NewFake(bxl(2027, 3, 22, 10, 0))
	env := map[string]string{"REDIS_URL": redistest.URL(t), "REDIS_PREFIX": prefix}
	slots, _ := scheduleFiles(t, lang)
	if out, err := werkwijzer(t, env, "import", "slots", slots); err != nil {
		t.Fatalf("import: %v %s", err, out)
	}
	r := serve(t, tg, prefix, fast, func(m *Main) {
		m.Config.WebURL, m.Config.HTTPAddr, m.Config.BotUsername = "http://localhost", "127.0.0.1:0", "werkwijzer_test_bot"
		m.Clock, m.Tick = clk, 20*time.Millisecond
		m.ready = make(chan struct{})
	})
	waitReady(t, r)
	tr := func(id string, data map[string]any) string { return texts.T(lang, id, data) }
	b := browsertest.New(t, lang)
	b.Go("http://" + r.m.HTTPAddr() + "/chat/")
	onboardInBrowser(t, b, lang)
	b.Press(tr("menu_coaching", nil))
	b.WaitText(tr("slots_intro", nil))
	b.Press("1")
	b.WaitText(tr("web_booked_no_push", nil))
	webChat := webChatOf(t, r)

	b.Do("continue in Telegram", chromedp.Click(chromedp.ID("tg")))
	b.WaitText(tr("web_tg_code", map[string]any{"Wait": texts.N(lang, "unit_minutes", 15, nil)}))
	var link string
	b.Eval(`document.getElementById('tg-open').href`, &link)
	payload, ok := strings.CutPrefix(link, "https://t.me/werkwijzer_test_bot?start=")
	if !ok || !strings.HasPrefix(payload, "w-") {
		t.Fatalf("the link to Telegram is %q", link)
	}

	c := tg.Chat(t, 515151, "en") // their Telegram app speaks English
	got := c.Send("/start " + payload)
	expect(t, lang, got, "link_done")
	expect(t, lang, c.Send("/profile"), "summary_line", map[string]any{"Field": tr("field_name", nil), "Value": "Amira"})
	expect(t, lang, c.Press("bk:me"), "appts_title")
	b.WaitText(tr("web_ended", nil))
	if n := keysWith(t, r.m.Redis, webChat); n != 0 {
		t.Fatalf("%d keys of the web chat left after it moved to Telegram", n)
	}
	if mine, _ := r.m.Booker.Mine(context.Background(), 515151); len(mine) != 1 {
		t.Fatalf("the Telegram chat holds %d appointments, want the one booked on the web", len(mine))
	}
	// The reminder the day before comes to Telegram now.
	clk.Set(bxl(2027, 3, 22, 18, 0))
	waitText(t, tg, 515151, tr("reminder_day", map[string]any{"Time": "14:00",
		"What": tr("what_coaching", map[string]any{"Coach": "Mira"}), "Place": "Werkwinkel, Desguinlei 33, 2018 Antwerpen"}), 1)

	other := tg.Chat(t, 616161, "fr")
	expect(t, lang, other.Send("/start "+payload), "link_code_bad")
}

// The web chat on a Redis Cluster: its scripts keep to one slot each (the
// session's key lives in another), and /forget leaves nothing on any node.
func TestWebChatOnRedisCluster(t *testing.T) {
	cluster := redistest.StartCluster(t)
	prefix := redistest.Prefix()
	r, base := serveWeb(t, prefix, "127.0.0.1:0", fast, func(m *Main) { m.Config.RedisURL = cluster })
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p, err := newBenchPerson(ctx, tr, base)
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	if err := p.onboard(); err != nil {
		t.Fatal(err)
	}
	if _, err := p.send("text", "text", "Amira"); err != nil {
		t.Fatal(err)
	}
	chat := webChatOf(t, r)
	if found := clusterKeysWith(t, r.m.Redis, prefix, chat); len(found) == 0 {
		t.Fatal("no key holds the person: the test would prove nothing")
	}
	p.send("text", "text", "/forget")
	p.n++
	body := fmt.Sprintf(`{"id":"bench-%08d","kind":"button","data":"forget:yes"}`, p.n)
	req, _ := http.NewRequest("POST", base+"send", strings.NewReader(body))
	req.Header.Set("X-CSRF-Token", p.csrf)
	resp, err := p.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Ended bool `json:"ended"`
	}
	json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if !out.Ended {
		t.Fatalf("/forget did not end the conversation (%d)", resp.StatusCode)
	}
	if found := clusterKeysWith(t, r.m.Redis, prefix, chat); len(found) != 0 {
		t.Fatalf("keys left after /forget: %v", found)
	}
}
