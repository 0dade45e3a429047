package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/slack-go/slack"

	"github.com/werkwijzer/werkwijzer/bot/telegramtest"
	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs/booking"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/schedule"
	"github.com/werkwijzer/werkwijzer/staff"
	"github.com/werkwijzer/werkwijzer/staff/slacktest"
)

const signingSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// withSlack connects a running werkwijzer to the fake Slack: notifications
// to C-ALG, handovers to C-PERM, office hours always open.
func withSlack(f *slacktest.Fake) func(*Main) {
	return func(m *Main) {
		m.Config.SlackToken, m.Config.SlackAPIURL = "xoxb-test", f.URL
		m.Config.SlackChannels = staff.Config{DefaultChannel: "C-ALG", Channels: map[staff.Kind]string{staff.KindHandover: "C-PERM"}}
		m.Config.SlackSigningSecret = signingSecret
		m.Config.SlackTeam, _ = staff.ParseTeam("U-LOTTE U-KOEN U-NADIA U0OLENA01 U0SAM0001", "U-ADMIN")
		m.Config.SlackUserToken = slacktest.AdminToken
		m.Config.Desk.Hours, _ = clock.ParseOfficeHours("")
		m.Config.Desk.Wait = 30 * time.Minute
		m.Config.HTTPAddr = "127.0.0.1:0"
		m.Config.Instance = "test-" + strconv.FormatInt(time.Now().UnixNano(), 36)
		m.ready = make(chan struct{})
	}
}

// slackCall posts a request to the bot's Slack endpoint path, signed with
// secret at ts, and returns the status and body.
func slackCall(t *testing.T, r *running, secret, path, contentType string, body []byte, ts time.Time) (int, string) {
	t.Helper()
	req := slacktest.Signed(secret, "http://"+r.m.HTTPAddr()+path, contentType, body, ts)
	req.RequestURI = ""
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func waitReady(t *testing.T, r *running) {
	t.Helper()
	select {
	case <-r.m.ready:
	case <-time.After(10 * time.Second):
		t.Fatal("werkwijzer did not start")
	}
}

// waitPosts waits until the fake Slack holds a post matching cond.
func waitPost(t *testing.T, f *slacktest.Fake, what string, cond func(slacktest.Post) bool) slacktest.Post {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, p := range f.Posts() {
			if cond(p) {
				return p
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no Slack post %s; posts: %+v", what, f.Posts())
	return slacktest.Post{}
}

func header(bs []slack.Block) string {
	for _, b := range bs {
		if h, ok := b.(*slack.HeaderBlock); ok {
			return h.Text.Text
		}
	}
	return ""
}

func blockText(bs []slack.Block) string {
	raw, _ := json.Marshal(bs)
	return string(raw)
}

func buttonValue(bs []slack.Block, actionID string) string {
	for _, b := range bs {
		if a, ok := b.(*slack.ActionBlock); ok {
			for _, e := range a.Elements.ElementSet {
				if btn, ok := e.(*slack.ButtonBlockElement); ok && btn.ActionID == actionID {
					return btn.Value
				}
			}
		}
	}
	return ""
}

// The handover end to end, as issue #4 asks: a person asks for someone,
// staff take over in Slack, messages go both ways, staff hand back, and the
// bot goes on; forged and stale requests change nothing.
func TestHandoverEndToEnd(t *testing.T) {
	tg := telegramtest.New(t)
	f := slacktest.New(t)
	f.AddUser("U-LOTTE", "Lotte")
	f.AddUser("U-KOEN", "Koen")
	prefix := redistest.Prefix()
	r := serve(t, tg, prefix, withSlack(f))
	waitReady(t, r)
	const lang = "ar"
	c := tg.Chat(t, 4242, lang)
	firstHalf(t, c, lang)
	waitPost(t, f, "signup", func(p slacktest.Post) bool {
		return p.Channel == "C-ALG" && header(p.Blocks) == "Nieuwe inschrijving" && strings.Contains(blockText(p.Blocks), "Taal: ar")
	})
	secondHalfShared(t, c, lang)
	oriented := waitPost(t, f, "orientation done", func(p slacktest.Post) bool { return header(p.Blocks) == "Oriëntatie afgerond" })
	if !strings.Contains(blockText(oriented.Blocks), "Amira") || !strings.Contains(blockText(oriented.Blocks), "Geadviseerd") {
		t.Fatalf("orientation notification lacks the shared answers or the advice: %s", blockText(oriented.Blocks))
	}

	expect(t, lang, c.Press("human:ask"), "handover_requested", map[string]any{"Wait": texts.N(lang, "unit_minutes", 30, nil)})
	expect(t, lang, c.Send("عندي سؤال عن رسالة من VDAB"), "handover_noted")
	req := waitPost(t, f, "handover", func(p slacktest.Post) bool {
		return p.Channel == "C-PERM" && header(p.Blocks) == "Vraagt een medewerker"
	})
	ref := buttonValue(req.Blocks, staff.ActionHandoverTake)
	if ref == "" || strings.Contains(blockText(req.Blocks), "4242") {
		t.Fatalf("handover post: take button value %q; the chat id must not appear: %s", ref, blockText(req.Blocks))
	}

	now := time.Now()
	// A forged signature and a stale one are refused and change nothing.
	take := slacktest.BlockAction("U-KOEN", "C-PERM", req.TS, staff.ActionHandoverTake, ref)
	if code, _ := slackCall(t, r, "not-the-secret", "/slack/actions", slacktest.Form, take, now); code != http.StatusUnauthorized {
		t.Fatalf("forged signature: %d, want 401", code)
	}
	if code, _ := slackCall(t, r, signingSecret, "/slack/actions", slacktest.Form, take, now.Add(-6*time.Minute)); code != http.StatusUnauthorized {
		t.Fatalf("stale timestamp: %d, want 401", code)
	}
	unsigned, _ := http.Post("http://"+r.m.HTTPAddr()+"/slack/actions", slacktest.Form, strings.NewReader(string(take)))
	if unsigned.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unsigned: %d, want 401", unsigned.StatusCode)
	}
	unsigned.Body.Close()
	if got := tg.Messages(c.ID); strings.Contains(got[len(got)-1].Text, "Koen") {
		t.Fatal("a refused request reached the person")
	}

	before := len(tg.Messages(c.ID))
	take = slacktest.BlockAction("U-LOTTE", "C-PERM", req.TS, staff.ActionHandoverTake, ref)
	if code, _ := slackCall(t, r, signingSecret, "/slack/actions", slacktest.Form, take, now); code != http.StatusOK {
		t.Fatalf("take over: %d", code)
	}
	expect(t, lang, tg.Messages(c.ID)[before:], "handover_taken", map[string]any{"Name": "Lotte"})
	waitPost(t, f, "the waiting message in the thread", func(p slacktest.Post) bool {
		return p.ThreadTS == req.TS && strings.Contains(p.Text, "عندي سؤال عن رسالة من VDAB")
	})
	if u := f.Updates(); len(u) == 0 || !strings.Contains(blockText(u[len(u)-1].Blocks), "U-LOTTE") ||
		buttonValue(u[len(u)-1].Blocks, staff.ActionHandoverBack) != ref {
		t.Fatalf("request message not updated to show who has it: %+v", u)
	}
	// A colleague pressing too is told who has it.
	second := slacktest.BlockAction("U-KOEN", "C-PERM", req.TS, staff.ActionHandoverTake, ref)
	slackCall(t, r, signingSecret, "/slack/actions", slacktest.Form, second, now)
	if e := f.Ephemerals(); len(e) != 1 || e[0].User != "U-KOEN" || !strings.Contains(e[0].Text, "<@U-LOTTE>") {
		t.Fatalf("second press: ephemerals %+v, want Koen told that Lotte has it", e)
	}

	// The person writes: it goes to the thread, and the bot says nothing.
	if got := c.Send("هل يمكنك مساعدتي؟"); len(got) != 0 {
		t.Fatalf("the bot answered while Lotte has the conversation: %+v", got)
	}
	waitPost(t, f, "the person's message in the thread", func(p slacktest.Post) bool {
		return p.ThreadTS == req.TS && strings.Contains(p.Text, "هل يمكنك مساعدتي؟")
	})

	// Lotte answers in the thread; Slack delivering the event twice
	// reaches the person once.
	reply := slacktest.ThreadReply("Ev1", "U-LOTTE", "C-PERM", req.TS, "Natuurlijk. Zie <https://www.vdab.be|de VDAB-site> &amp; bel me.")
	for i := 0; i < 2; i++ {
		if code, _ := slackCall(t, r, signingSecret, "/slack/events", slacktest.JSON, reply, time.Now()); code != http.StatusOK {
			t.Fatalf("thread reply: %d", code)
		}
	}
	want := texts.T(lang, "staff_message", map[string]any{"Name": "Lotte", "Text": "Natuurlijk. Zie de VDAB-site (https://www.vdab.be) & bel me."})
	if n := countText(tg.Messages(c.ID), want); n != 1 {
		t.Fatalf("staff reply reached the person %d times, want once (%q)", n, want)
	}

	before = len(tg.Messages(c.ID))
	done := slacktest.ThreadReply("Ev2", "U-LOTTE", "C-PERM", req.TS, "/done")
	if code, _ := slackCall(t, r, signingSecret, "/slack/events", slacktest.JSON, done, time.Now()); code != http.StatusOK {
		t.Fatalf("/done: %d", code)
	}
	got := tg.Messages(c.ID)[before:]
	expect(t, lang, got, "handover_ended", map[string]any{"Name": "Lotte"})
	expect(t, lang, got, "menu_title")
	expect(t, lang, c.Send("مرحبا"), "bad_free_text") // the bot speaks again

	// url_verification, and the slash command.
	code, body := slackCall(t, r, signingSecret, "/slack/events", slacktest.JSON, []byte(`{"type":"url_verification","challenge":"c-123"}`), time.Now())
	if code != http.StatusOK || body != "c-123" {
		t.Fatalf("url_verification: %d %q", code, body)
	}
	code, body = slackCall(t, r, signingSecret, "/slack/commands", slacktest.Form, slacktest.SlashCommand("U-KOEN", "C-PERM", "stats"), time.Now())
	for _, want := range []string{"Inschrijvingen: 1", "Oriëntaties afgerond: 1", "Wachtend: 0", "In gesprek: 0"} {
		if code != http.StatusOK || !strings.Contains(body, want) {
			t.Fatalf("/werkwijzer stats: %d %s; want %q", code, body, want)
		}
	}
	if code, _ := slackCall(t, r, "wrong", "/slack/commands", slacktest.Form, slacktest.SlashCommand("U-KOEN", "C-PERM", "stats"), time.Now()); code != http.StatusUnauthorized {
		t.Fatalf("unsigned slash command: %d, want 401", code)
	}
}

// secondHalfShared finishes the orientation and agrees to share the answers.
func secondHalfShared(t *testing.T, c *telegramtest.Chat, lang string) {
	t.Helper()
	c.Press("a:sec:industry")
	c.Press("done:sec")
	c.Press("a:lic:none")
	c.Press("a:av:fulltime")
	c.Press("done:av")
	c.Press("a:home:hoboken")
	c.Press("a:goal:learn")
	c.Press("a:sup:none")
	c.Press("done:sup")
	expect(t, lang, c.Press("ok:sum"), "share_ask")
	expect(t, lang, c.Press("share:yes"), "result_intro_named", map[string]any{"Name": "Amira"})
}

func countText(msgs []telegramtest.Message, text string) int {
	n := 0
	for _, m := range msgs {
		if strings.Contains(m.Text, text) {
			n++
		}
	}
	return n
}

// /forget also reaches the staff side: no key names the person, no value
// holds their id or name, and what Slack showed of them is redacted.
func TestForgetAlsoClearsTheStaffSide(t *testing.T) {
	tg := telegramtest.New(t)
	f := slacktest.New(t)
	f.AddUser("U-LOTTE", "Lotte")
	prefix := redistest.Prefix()
	r := serve(t, tg, prefix, withSlack(f))
	waitReady(t, r)
	const id = 918273645
	c := tg.Chat(t, id, "nl")
	firstHalf(t, c, "nl")
	secondHalfShared(t, c, "nl")
	c.Press("human:ask")
	req := waitPost(t, f, "handover", func(p slacktest.Post) bool { return header(p.Blocks) == "Vraagt een medewerker" })
	slackCall(t, r, signingSecret, "/slack/actions", slacktest.Form,
		slacktest.BlockAction("U-LOTTE", "C-PERM", req.TS, staff.ActionHandoverTake, buttonValue(req.Blocks, staff.ActionHandoverTake)), time.Now())
	c.Send("Mijn adres is Kioskplaats 12")
	waitPost(t, f, "relay", func(p slacktest.Post) bool { return strings.Contains(p.Text, "Kioskplaats") })
	if held := valuesWith(t, r.m.Redis, prefix, "918273645"); held == 0 {
		t.Fatal("nothing holds the person's id before /forget: the test would prove nothing")
	}
	expect(t, "nl", c.Send("/forget"), "forget_confirm")
	expect(t, "nl", c.Press("forget:yes"), "forget_done")
	for _, s := range []string{"918273645", "Amira", "Kioskplaats"} {
		if n := valuesWith(t, r.m.Redis, prefix, s); n != 0 {
			t.Errorf("%d keys still name or hold %q after /forget", n, s)
		}
	}
	// Every message Slack shows, top level and in threads: the
	// notifications say "Gegevens gewist", the thread holds only that the
	// conversation ended.
	for _, m := range f.Messages() {
		switch {
		case header(m.Blocks) == "Gegevens gewist":
		case m.ThreadTS == req.TS && strings.Contains(m.Text, "gegevens gewist (/forget)"):
		default:
			t.Errorf("Slack still shows %q %q (%s, thread %q) after /forget", header(m.Blocks), m.Text, m.TS, m.ThreadTS)
		}
	}
}

// valuesWith counts the keys under prefix whose name or value holds s.
func valuesWith(t *testing.T, rdb redis.UniversalClient, prefix, s string) int {
	t.Helper()
	ctx := context.Background()
	keys, err := rdb.Keys(ctx, prefix+":*").Result()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, k := range keys {
		var dump string
		switch rdb.Type(ctx, k).Val() {
		case "string":
			dump = rdb.Get(ctx, k).Val()
		case "hash":
			b, _ := json.Marshal(rdb.HGetAll(ctx, k).Val())
			dump = string(b)
		case "list":
			dump = strings.Join(rdb.LRange(ctx, k, 0, -1).Val(), " ")
		case "set":
			dump = strings.Join(rdb.SMembers(ctx, k).Val(), " ")
		case "zset":
			dump = strings.Join(rdb.ZRange(ctx, k, 0, -1).Val(), " ")
		case "stream":
			b, _ := json.Marshal(rdb.XRange(ctx, k, "-", "+").Val())
			dump = string(b)
		}
		if strings.Contains(k, s) || strings.Contains(dump, s) {
			n++
		}
	}
	return n
}

// Slack down while someone signs up, then a restart: the new process posts
// the notification, once.
func TestRestartDeliversWhatSlackRefused(t *testing.T) {
	tg := telegramtest.New(t)
	down := slacktest.New(t)
	for i := 0; i < 50; i++ {
		down.Fail(http.StatusBadGateway)
	}
	prefix := redistest.Prefix()
	sameName := func(m *Main) { m.Config.Instance = "werkwijzer-0" }
	a := serve(t, tg, prefix, withSlack(down), sameName)
	waitReady(t, a)
	c := tg.Chat(t, 5150, "uk")
	c.Send("/start")
	c.Press("lang:uk")
	expect(t, "uk", c.Press("consent:yes"), "q_name")
	deadline := time.Now().Add(10 * time.Second)
	for down.Requests() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	a.stop()
	if len(down.Posts()) != 0 || down.Requests() == 0 {
		t.Fatalf("Slack down: %d posts, %d attempts; want attempts and no post", len(down.Posts()), down.Requests())
	}

	up := slacktest.New(t)
	b := serve(t, tg, prefix, withSlack(up), sameName)
	waitReady(t, b)
	waitPost(t, up, "signup after the restart", func(p slacktest.Post) bool {
		return header(p.Blocks) == "Nieuwe inschrijving" && strings.Contains(blockText(p.Blocks), "Taal: uk")
	})
	// Something queued after it is posted too, so the outbox moved on
	// and the signup had its one chance to be posted twice.
	expect(t, "uk", c.Send("Oksana"), "q_age")
	b.m.Staff.Outbox.Enqueue(context.Background(), staff.Notification{Kind: staff.KindMessage, ChatRef: "probe", Lang: "nl", At: time.Now()})
	waitPost(t, up, "the probe", func(p slacktest.Post) bool { return strings.Contains(p.Text, "probe") })
	n := 0
	for _, p := range up.Posts() {
		if header(p.Blocks) == "Nieuwe inschrijving" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("signup posted %d times after the restart, want 1", n)
	}
}

// Staff marking attendance for someone who has since cancelled are told
// so, not that their press did not arrive: the schedule's "not booked" is
// a not-found error the staff side recognises.
func TestAttendanceForSomeoneWhoCancelled(t *testing.T) {
	tg, f := telegramtest.New(t), slacktest.New(t)
	r := serve(t, tg, redistest.Prefix(), withSlack(f))
	waitReady(t, r)
	ctx := context.Background()
	items, err := schedule.ParseSlots([]byte("slots:\n  - id: talk\n    start: 2099-03-23 11:00\n    duration: 45m\n    coach: Nadia\n    languages: [nl]\n    place: phone\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.m.Schedule.Import(ctx, schedule.KindCoaching, items, time.Now(), schedule.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	const chat = 4242
	if res, err := r.m.Booker.Book(ctx, chat, "talk", items[0].Version); err != nil || res.Outcome != booking.Booked {
		t.Fatalf("book: %+v %v", res, err)
	}
	if _, err := r.m.Booker.Cancel(ctx, chat, "talk"); err != nil {
		t.Fatal(err)
	}
	press := slacktest.BlockAction("U-NADIA", "C-ALG", "1700000000.000100", staff.ActionNoShow, "talk|"+r.m.Refs.Staff(chat))
	if code, _ := slackCall(t, r, signingSecret, "/slack/actions", slacktest.Form, press, time.Now()); code != http.StatusOK {
		t.Fatalf("no-show press: %d", code)
	}
	if e := f.Ephemerals(); len(e) != 1 || !strings.Contains(e[0].Text, "geen plaats (meer)") {
		t.Fatalf("staff were told %+v, want that the person has no seat (any more)", e)
	}
}

// Every component that holds personal data is a Forgetter on the runtime,
// and each forgets what it holds: a person who used every flow (a handover
// with staff, a booking, vacancy alerts) leaves nothing once each forgetter
// has run and the conversation is erased. Each forgetter removes something,
// so none of them is in the list for nothing.
func TestEveryForgetterForgets(t *testing.T) {
	tg, f := telegramtest.New(t), slacktest.New(t)
	f.AddUser("U-LOTTE", "Lotte")
	prefix := redistest.Prefix()
	r := serve(t, tg, prefix, withSlack(f))
	waitReady(t, r)
	ctx := context.Background()
	const id = 918273646
	items, err := schedule.ParseSlots([]byte("slots:\n  - id: talk\n    start: 2099-03-23 11:00\n    duration: 45m\n    coach: Nadia\n    languages: [nl]\n    place: phone\n"))
	if err != nil {
		t.Fatal(err)
	}
	r.m.Schedule.Import(ctx, schedule.KindCoaching, items, time.Now(), schedule.ImportOptions{})
	c := tg.Chat(t, id, "nl")
	firstHalf(t, c, "nl")
	secondHalfShared(t, c, "nl")
	c.Press("job:alerts:on")
	c.Press("bk:lc:0")
	c.Press("bk:bc:talk:" + items[0].Version)
	c.Press("human:ask")
	waitPost(t, f, "handover", func(p slacktest.Post) bool { return header(p.Blocks) == "Vraagt een medewerker" })
	if mine, _ := r.m.Booker.Mine(ctx, id); len(mine) != 1 {
		t.Fatalf("the person holds %d bookings, want 1", len(mine))
	}
	// As while an update of theirs waited behind another: the chat is on
	// the list of chats with work waiting.
	r.m.Redis.ZAdd(ctx, prefix+":waiting", redis.Z{Score: float64(time.Now().UnixMilli()), Member: id})
	held := func() int { return valuesWith(t, r.m.Redis, prefix, "918273646") }
	for _, fg := range r.m.Runtime.Forgetters {
		before := held()
		if err := fg.Forget(ctx, id); err != nil {
			t.Fatalf("%T: %v", fg, err)
		}
		if after := held(); after >= before {
			t.Errorf("%T forgot nothing: %d keys named the person before, %d after", fg, before, after)
		}
	}
	if err := r.m.Sessions.Save(ctx, id, nil, 0, nil); err != nil {
		t.Fatal(err)
	}
	if n := held(); n != 0 {
		t.Fatalf("%d keys still name the person once every forgetter ran", n)
	}
}
