package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/bot/telegramtest"
	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/staff"
	"github.com/werkwijzer/werkwijzer/staff/slacktest"
)

const appointmentSlots = `slots:
  - id: early
    start: 2027-03-22 10:00
    duration: 45m
    coach: Koen
    languages: [nl, uk]
    place: address
    address: Werkwinkel, Desguinlei 33, 2018 Antwerpen
  - id: olena
    start: 2027-03-24 11:00
    duration: 45m
    coach: Olena
    slack: U0OLENA01
    languages: [nl, uk]
    interpreter: yes
    place: video
  - id: lotte
    start: 2027-03-26 09:00
    duration: 45m
    coach: Lotte
    languages: [nl, fr]
    place: address
    address: Werkwinkel, Desguinlei 33, 2018 Antwerpen
`

const appointmentSessions = `sessions:
  - id: info
    house: talentenfabriek
    title:
      nl: Werken in de industrie
      uk: Робота в промисловості
    start: 2027-03-25 14:00
    duration: 2h
    address: Talentenfabriek, Kanaaldok 1, 2030 Antwerpen
    seats: 1
    lang: nl
    interpreter: yes
`

// What the points look like from outside, against a real Redis,
// the fake Bot API and the fake Slack, with the test's clock: a booking
// ten minutes ahead promises no reminder; attendance cannot be marked
// before the start; someone whose language no coach speaks asks for an
// interpreter; raised seats go to whoever waits (the holder is not told of
// a move); a video link given in Slack goes out with the two-hour reminder;
// a day-before reminder found on the day says today; reminders found
// after the start are dropped; /forget names the bookings it cancels; the
// staff commands list items, today's attendance and refuse a malformed time.
func TestAppointmentsEndToEnd(t *testing.T) {
	tg := telegramtest.New(t)
	f := slacktest.New(t)
	prefix := redistest.Prefix()
	clk := clock.NewFake(bxl(2027, 3, 22, 9, 50)) // a Monday
	env := map[string]string{"REDIS_URL": redistest.URL(t), "REDIS_PREFIX": prefix}
	dir := t.TempDir()
	slots, sessions := filepath.Join(dir, "slots.yaml"), filepath.Join(dir, "sessions.yaml")
	os.WriteFile(slots, []byte(strings.Replace(appointmentSlots, "2027-03-22 10:00", "2027-03-22 9:00", 1)), 0o600)
	if _, err := werkwijzerAt(t, env, clk.Now(), "import", "slots", slots); err == nil || !strings.Contains(err.Error(), "write 2027-03-22 09:00") {
		t.Fatalf("a start without its zero: %v, want it told as malformed", err)
	}
	os.WriteFile(slots, []byte(appointmentSlots), 0o600)
	os.WriteFile(sessions, []byte(appointmentSessions), 0o600)
	for _, args := range [][]string{{"import", "slots", slots}, {"import", "sessions", sessions}} {
		if out, err := werkwijzerAt(t, env, clk.Now(), args...); err != nil {
			t.Fatalf("%v: %v %s", args, err, out)
		}
	}
	r := serve(t, tg, prefix, withSlack(f), func(m *Main) { m.Clock, m.Tick = clk, 20*time.Millisecond })
	waitReady(t, r)
	ctx := context.Background()

	// Ten minutes ahead: booked, with no promise of a reminder.
	a := tg.Chat(t, 9101, "uk")
	firstHalf(t, a, "uk")
	got := a.Press("a:sec:industry")
	a.Press("done:sec")
	a.Press("a:lic:none")
	a.Press("a:av:fulltime")
	a.Press("done:av")
	a.Press("a:home:hoboken")
	a.Press("a:goal:learn")
	a.Press("a:sup:none")
	a.Press("done:sup")
	expect(t, "uk", a.Press("ok:sum"), "share_ask")
	got = a.Press("share:yes")
	// No Dutch, but the industry sessions offer an interpreter: advised
	// first, with the interpreter said.
	advice := withText(got, texts.T("uk", "step_talentenfabriek", nil)).Text
	if !strings.Contains(advice, texts.T("uk", "step_interpreter", nil)) ||
		strings.Index(advice, texts.T("uk", "step_talentenfabriek", nil)) > strings.Index(advice, texts.T("uk", "step_dutch_course", nil)) {
		t.Fatalf("advice for someone without Dutch:\n%s", advice)
	}
	got = a.Press("bk:lc:0")
	got = a.Press(buttonWith(t, got[len(got)-1], "bk:bc:early:"))
	expect(t, "uk", got, "booked_done", map[string]any{"What": texts.T("uk", "what_coaching", map[string]any{"Coach": "Koen"}),
		"Date": dayIn("uk", bxl(2027, 3, 22, 10, 0)), "Time": "10:00", "Place": "Werkwinkel, Desguinlei 33, 2018 Antwerpen"})
	if contains(got, texts.T("uk", "reminders_both", nil)) || contains(got, texts.T("uk", "reminders_hours", nil)) {
		t.Fatal("a booking ten minutes ahead promises a reminder")
	}
	booked := waitPost(t, f, "booked", func(p slacktest.Post) bool { return strings.Contains(blockText(p.Blocks), "Koen") })
	press := slacktest.BlockAction("U-KOEN", booked.Channel, booked.TS, staff.ActionAttended, buttonValue(booked.Blocks, staff.ActionAttended))
	if code, _ := slackCall(t, r, signingSecret, "/slack/actions", slacktest.Form, press, time.Now()); code != http.StatusOK {
		t.Fatalf("attended press: %d", code)
	}
	if e := f.Ephemerals(); len(e) == 0 || !strings.Contains(e[len(e)-1].Text, "nog niet begonnen") {
		t.Fatalf("attendance before the start: %+v, want refused", e)
	}
	clk.Set(bxl(2027, 3, 22, 12, 0))
	if out, err := werkwijzerAt(t, env, clk.Now(), "attendance"); err != nil || !strings.Contains(out, "early") || strings.Contains(out, "olena") {
		t.Fatalf("attendance of today: %q %v", out, err)
	}
	refused := len(f.Ephemerals())
	slackCall(t, r, signingSecret, "/slack/actions", slacktest.Form, press, time.Now())
	marked := false
	for _, u := range f.Updates() {
		marked = marked || strings.Contains(blockText(u.Blocks), "Aanwezig, gemarkeerd")
	}
	if len(f.Ephemerals()) != refused || !marked {
		t.Fatalf("attendance after the start not recorded: %+v", f.Ephemerals())
	}

	// The video talk, whose coach gives the link in Slack.
	got = a.Press("bk:lc:0")
	a.Press(buttonWith(t, got[len(got)-1], "bk:bc:olena:"))
	if _, body := slackCall(t, r, signingSecret, "/slack/commands", slacktest.Form,
		slacktest.SlashCommand("U0OLENA01", "C-PERM", "video olena https://meet.example.org/olena-24"), time.Now()); !strings.Contains(body, "Link bewaard") {
		t.Fatalf("/werkwijzer video: %s", body)
	}

	// Someone whose language no coach speaks asks for an interpreter; a
	// full session's waiting list.
	b := tg.Chat(t, 9102, "nl")
	firstHalf(t, b, "nl")
	secondHalfShared(t, b, "nl")
	got = b.Press("bk:ls:0")
	expect(t, "nl", b.Press(buttonWith(t, got[len(got)-1], "bk:bs:info:")), "booked_done", map[string]any{"What": "Werken in de industrie",
		"Date": dayIn("nl", bxl(2027, 3, 25, 14, 0)), "Time": "14:00", "Place": "Talentenfabriek, Kanaaldok 1, 2030 Antwerpen"})
	c := tg.Chat(t, 9103, "ti")
	firstHalf(t, c, "ti")
	secondHalfShared(t, c, "ti")
	got = c.Press("bk:lc:0")
	expect(t, "ti", got, "no_coach_speaks", map[string]any{"Language": texts.T("ti", "lang_ti", nil)})
	expect(t, "ti", c.Press("bk:ip"), "interpreter_done")
	waitPost(t, f, "interpreter", func(p slacktest.Post) bool {
		return header(p.Blocks) == "Vraagt een tolk" && strings.Contains(blockText(p.Blocks), "Tigrinya")
	})
	got = c.Press("bk:ls:0")
	c.Press(buttonWith(t, got[len(got)-1], "bk:bs:info:"))
	expect(t, "ti", c.Press("bk:w:info"), "waiting_done", map[string]any{"What": "Werken in de industrie", "Date": dayIn("ti", bxl(2027, 3, 25, 14, 0))})

	// Staff raise the session to two seats: the one waiting gets it at
	// once, the one holding a seat hears of no move.
	os.WriteFile(sessions, []byte(strings.Replace(appointmentSessions, "seats: 1", "seats: 2", 1)), 0o600)
	if out, err := werkwijzerAt(t, env, clk.Now(), "import", "sessions", sessions); err != nil || !strings.Contains(out, "1 given more seats") ||
		!strings.Contains(out, "from the waiting list: "+r.m.Refs.Staff(9103)) {
		t.Fatalf("raising seats: %q %v", out, err)
	}
	tick(r)
	waitText(t, tg, 9103, texts.T("ti", "promoted", map[string]any{"What": "Werken in de industrie", "Date": dayIn("ti", bxl(2027, 3, 25, 14, 0)),
		"Time": "14:00", "Place": "Talentenfabriek, Kanaaldok 1, 2030 Antwerpen"}), 1)
	settle(r)
	if n := countText(tg.Messages(9102), "Gewijzigd"); n != 0 {
		t.Fatal("the seat holder was told of a move that is none")
	}
	if out, err := werkwijzerAt(t, env, clk.Now(), "items", "--from", "2027-03-24"); err != nil ||
		!regexpLine(out, `info\s+session\s+2027-03-25 14:00\s+Werken in de industrie\s+2\s+0\s+0`) || !regexpLine(out, `olena\s+coaching\s+2027-03-24 11:00\s+Olena\s+1\s+0\s+0`) {
		t.Fatalf("items:\n%s %v", out, err)
	}

	// The sender was down all night: the day-before reminder of the video
	// talk, found on the day, says today; the two-hour one brings the link.
	clk.Set(bxl(2027, 3, 24, 8, 30))
	today := texts.T("uk", "reminder_today", map[string]any{"Time": "11:00", "What": texts.T("uk", "what_coaching", map[string]any{"Coach": "Olena"}),
		"Place": texts.T("uk", "place_video", nil)})
	waitText(t, tg, 9101, today, 1)
	if countText(tg.Messages(9101), texts.T("uk", "reminder_day", map[string]any{"Time": "11:00", "What": texts.T("uk", "what_coaching", map[string]any{"Coach": "Olena"}),
		"Place": texts.T("uk", "place_video", nil)})) != 0 {
		t.Fatal("a day-before reminder sent on the day says tomorrow")
	}
	clk.Set(bxl(2027, 3, 24, 9, 0))
	msgs := waitText(t, tg, 9101, texts.T("uk", "video_link", map[string]any{"Link": "https://meet.example.org/olena-24"}), 1)
	if !strings.Contains(withText(msgs, "https://meet.example.org/olena-24").Text, today) {
		t.Fatal("the link does not come with the two-hour reminder")
	}

	// /forget names the bookings it cancels.
	got = b.Send("/forget")
	expect(t, "nl", got, "forget_confirm")
	if !contains(got, "Werken in de industrie") {
		t.Fatal("/forget does not say which booking it cancels")
	}
	b.Press("forget:no")

	// Down again until after the session: its reminders are not sent.
	before := len(tg.Messages(9103))
	clk.Set(bxl(2027, 3, 25, 16, 30))
	settle(r)
	tick(r)
	settle(r)
	if n := len(tg.Messages(9103)) - before; n != 0 {
		t.Fatalf("%d messages after the session was over, want none", n)
	}
	if mine, _ := r.m.Booker.Mine(ctx, 9103); len(mine) != 0 {
		t.Fatalf("after the session %+v is still listed as ahead", mine)
	}
	everyKeyHasALifetime(t, r.m.Redis, prefix)
}

func regexpLine(out, pattern string) bool { return regexp.MustCompile(pattern).MatchString(out) }
