package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/bot/telegramtest"
	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/schedule"
	"github.com/werkwijzer/werkwijzer/schedule/calendartest"
	"github.com/werkwijzer/werkwijzer/staff"
	"github.com/werkwijzer/werkwijzer/staff/slacktest"
	"github.com/werkwijzer/werkwijzer/store"
)

func bxl(y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, clock.Brussels)
}

// scheduleFiles writes a slots and a sessions file for one person's cycle:
// a slot with a coach who does not speak lang, a later one with one who
// does, one to move to, a phone slot, two more so that the list has a
// second page, and an info session of one seat on the Sunday summer time
// starts, its title and description translated into some languages only
// (fabriekTitles, fabriekDescriptions).
func scheduleFiles(t *testing.T, lang string) (slots, sessions string) {
	dir := t.TempDir()
	slots = filepath.Join(dir, "slots.yaml")
	sessions = filepath.Join(dir, "sessions.yaml")
	os.WriteFile(slots, []byte(fmt.Sprintf(`slots:
  - id: koen
    start: 2027-03-23 09:00
    duration: 45m
    coach: Koen
    languages: [nl]
    place: phone
  - id: mira
    start: 2027-03-23 14:00
    duration: 45m
    coach: Mira
    languages: [nl, %s]
    place: address
    address: Werkwinkel, Desguinlei 33, 2018 Antwerpen
  - id: nadia
    start: 2027-03-24 11:00
    duration: 45m
    coach: Nadia
    languages: [nl, %s]
    place: address
    address: Werkwinkel, Desguinlei 33, 2018 Antwerpen
  - id: sam
    start: 2027-03-25 10:00
    duration: 45m
    coach: Sam
    slack: U0SAM0001
    languages: [nl, %s]
    place: phone
  - id: tom
    start: 2027-03-26 09:00
    duration: 45m
    coach: Tom
    languages: [nl]
    place: phone
  - id: eva
    start: 2027-03-26 11:00
    duration: 45m
    coach: Eva
    languages: [nl]
    place: address
    address: Werkwinkel, Desguinlei 33, 2018 Antwerpen
`, lang, lang, lang)), 0o600)
	os.WriteFile(sessions, []byte(`sessions:
  - id: fabriek
    house: talentenfabriek
    title:
      nl: Werken in de industrie
      ar: العمل في الصناعة
      uk: Робота в промисловості
    description:
      nl: Breng je identiteitskaart mee.
      ar: أحضر بطاقة هويتك.
    start: 2027-03-28 10:00
    duration: 2h
    address: Talentenfabriek, Kanaaldok 1, 2030 Antwerpen
    seats: 1
    lang: nl
`), 0o600)
	return slots, sessions
}

// The info session's title and description as the sessions file gives
// them: in Dutch, and in some languages only.
var (
	fabriekTitles       = map[string]string{"nl": "Werken in de industrie", "ar": "العمل في الصناعة", "uk": "Робота в промисловості"}
	fabriekDescriptions = map[string]string{"nl": "Breng je identiteitskaart mee.", "ar": "أحضر بطاقة هويتك."}
)

// inLang is what a reader of lang sees of a text given per language: their
// own, else the Dutch.
func inLang(m map[string]string, lang string) string {
	if s, ok := m[lang]; ok {
		return s
	}
	return m["nl"]
}

// label is the text of m's button with data, "" when it has none.
func label(m telegramtest.Message, data string) string {
	for _, row := range m.Buttons {
		for _, b := range row {
			if b.Data == data {
				return b.Text
			}
		}
	}
	return ""
}

// checkPage fails unless a page of a list offers back to back (none when
// back is ""), later to later (none when ""), and the menu, each with its
// text in lang.
func checkPage(t *testing.T, lang string, m telegramtest.Message, back, later string) {
	t.Helper()
	got := map[string]string{}
	for _, row := range m.Buttons {
		for _, b := range row {
			got[b.Text] = b.Data
		}
	}
	for id, want := range map[string]string{"btn_back": back, "btn_later": later, "btn_menu": "bk:menu"} {
		if data := got[texts.T(lang, id, nil)]; data != want {
			t.Fatalf("[%s] %s on the page %q is %q, want %q: %+v", lang, id, m.Text, data, want, m.Buttons)
		}
	}
}

// waitFile waits until the last message sent to chat is a file: the text of
// a reply and its calendar file are two calls, and the file is the second.
func waitFile(t *testing.T, tg *telegramtest.Server, chat int64) []telegramtest.Message {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		msgs := tg.Messages(chat)
		if len(msgs) > 0 && msgs[len(msgs)-1].Document != "" {
			return msgs
		}
		if time.Now().After(deadline) {
			t.Fatalf("chat %d: the last message is not a file", chat)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitText waits until chat has n messages containing text.
func waitText(t *testing.T, tg *telegramtest.Server, chat int64, text string, n int) []telegramtest.Message {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for countText(tg.Messages(chat), text) < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := countText(tg.Messages(chat), text); got != n {
		t.Fatalf("chat %d: %d messages with %q, want %d", chat, got, text, n)
	}
	return tg.Messages(chat)
}

// settle runs the senders' rounds once more, after what the clock's tick
// started, so that a second copy of anything would have arrived.
func settle(r *running) {
	ctx := context.Background()
	r.m.newsSender.Round(ctx)
	r.m.alertSender.Round(ctx)
}

func buttonWith(t *testing.T, m telegramtest.Message, prefix string) string {
	t.Helper()
	for _, row := range m.Buttons {
		for _, b := range row {
			if strings.HasPrefix(b.Data, prefix) {
				return b.Data
			}
		}
	}
	t.Fatalf("no button %s… on %q: %+v", prefix, m.Text, m.Buttons)
	return ""
}

// checkCalendar reads the calendar file m carries with two parsers and
// checks it starts at start (Brussels wall time, "20270323T140000").
func checkCalendar(t *testing.T, m telegramtest.Message, start string) calendartest.Event {
	t.Helper()
	if !strings.HasSuffix(m.Document, ".ics") {
		t.Fatalf("no calendar file: %q", m.Document)
	}
	ev := calendartest.Parse(t, m.Content)
	want, _ := time.ParseInLocation("20060102T150405", start, clock.Brussels)
	if !ev.Start.Equal(want) || ev.TZID != "Europe/Brussels" {
		t.Fatalf("calendar starts %s (%s), want %s in Europe/Brussels", ev.Start, ev.TZID, start)
	}
	cal, err := ics.ParseCalendar(strings.NewReader(string(m.Content)))
	if err != nil || cal.Events()[0].GetProperty(ics.ComponentPropertyDtStart).Value != start {
		t.Fatalf("DTSTART is not written in Brussels wall time %s: %v", start, err)
	}
	return ev
}

// The booking cycle end to end, in three languages (Arabic right to left):
// page through the times (back and the menu on every page), book the talk
// whose coach speaks the person's language, get the calendar file, keep
// its time, then move it; read the session in the person's language (or in
// Dutch, where the file has no translation), wait for it while it is full
// and get the seat when it frees up; reminders the day before and two
// hours before (once each, none after a cancel), a no-show marked in Slack
// with a kind message, and a phone number that is gone once its talk is
// over; staff hear of each step in Slack. The test moves the clock; nobody
// sleeps for hours.
func TestBookingEndToEnd(t *testing.T) {
	for i, lang := range []string{"ar", "uk", "fr"} {
		t.Run(lang, func(t *testing.T) { bookingCycle(t, lang, int64(8100+i)) })
	}
}

func bookingCycle(t *testing.T, lang string, chat int64) {
	tg := telegramtest.New(t)
	f := slacktest.New(t)
	prefix := redistest.Prefix()
	clk := clock.NewFake(bxl(2027, 3, 22, 10, 0)) // a Monday
	env := map[string]string{"REDIS_URL": redistest.URL(t), "REDIS_PREFIX": prefix}
	slots, sessions := scheduleFiles(t, lang)
	for _, args := range [][]string{{"import", "slots", slots}, {"import", "sessions", sessions}} {
		if out, err := werkwijzer(t, env, args...); err != nil {
			t.Fatalf("%v: %v %s", args, err, out)
		}
	}
	r := serve(t, tg, prefix, withSlack(f), func(m *Main) {
		m.Clock = clk
		m.Tick = 20 * time.Millisecond
	})
	waitReady(t, r)
	ctx := context.Background()
	tr := func(id string, data map[string]any) string { return texts.T(lang, id, data) }
	c := tg.Chat(t, chat, lang)
	firstHalf(t, c, lang)
	secondHalfShared(t, c, lang)

	// Book: the coach who speaks the person's language comes first.
	got := c.Press("bk:lc:0")
	expect(t, lang, got, "slots_intro")
	list := got[len(got)-1]
	if first := list.Buttons[0][0].Data; !strings.HasPrefix(first, "bk:bc:mira:") {
		t.Fatalf("first slot offered: %s, want Mira's (she speaks %s)", first, lang)
	}
	if !strings.Contains(list.Text, tr("slot_speaks", nil)) || !strings.Contains(list.Text, tr("place_phone", nil)) {
		t.Fatalf("listing lacks the language hint or the phone slot's place:\n%s", list.Text)
	}
	// Six free times: a second page, with back and the menu.
	checkPage(t, lang, list, "", "bk:lc:4")
	got = c.Press("bk:lc:4")
	expect(t, lang, got, "slots_intro")
	second := got[len(got)-1]
	buttonWith(t, second, "bk:bc:eva:")
	checkPage(t, lang, second, "bk:lc:0", "")
	expect(t, lang, c.Press("bk:menu"), "menu_title")
	got = c.Do(c.PressUpdate("bk:lc:0", second.MessageID)) // back, from the second page
	expect(t, lang, got, "slots_intro")
	if again := got[len(got)-1]; again.Buttons[0][0].Data != list.Buttons[0][0].Data {
		t.Fatalf("back from the second page shows %+v, want the first page again", again.Buttons)
	}
	got = c.Press(list.Buttons[0][0].Data)
	what := tr("what_coaching", map[string]any{"Coach": "Mira"})
	expect(t, lang, got, "booked_done", map[string]any{"What": what, "Date": dayIn(lang, bxl(2027, 3, 23, 14, 0)),
		"Time": "14:00", "Place": "Werkwinkel, Desguinlei 33, 2018 Antwerpen"})
	first := checkCalendar(t, got[len(got)-1], "20270323T140000")
	if first.Method != "PUBLISH" || first.Sequence != 0 {
		t.Fatalf("first calendar file: %+v", first)
	}
	booked := waitPost(t, f, "booked", func(p slacktest.Post) bool { return header(p.Blocks) == "Afspraak geboekt" })
	if v := buttonValue(booked.Blocks, staff.ActionNoShow); !strings.HasPrefix(v, "mira|WW-") {
		t.Fatalf("booked notification: attendance button value %q", v)
	}

	// A move can keep the current time: nothing changes, no file comes.
	expect(t, lang, c.Press("bk:me"), "appts_title")
	got = c.Press("bk:mv:mira")
	expect(t, lang, got, "move_pick")
	if keep := got[len(got)-1]; label(keep, "bk:kp:mira") != tr("btn_keep_time", nil) {
		t.Fatalf("moving offers no way to keep the current time: %+v", keep.Buttons)
	}
	got = c.Press("bk:kp:mira")
	expect(t, lang, got, "move_kept", map[string]any{"Date": dayIn(lang, bxl(2027, 3, 23, 14, 0)), "Time": "14:00"})
	if got[len(got)-1].Document != "" {
		t.Fatal("keeping the time sent a calendar file")
	}
	if mine, _ := r.m.Booker.Mine(ctx, chat); len(mine) != 1 || mine[0].ID != "mira" || !mine[0].Held {
		t.Fatalf("after keeping the time the person holds %+v, want Mira's slot", mine)
	}
	// Move it to Nadia's slot, by way of the list's second page: back,
	// keep and the menu are on every page.
	got = c.Press("bk:mv:mira")
	page := got[len(got)-1]
	checkPage(t, lang, page, "", "bk:mc:4")
	got = c.Press("bk:mc:4")
	second = got[len(got)-1]
	buttonWith(t, second, "bk:tc:eva:")
	checkPage(t, lang, second, "bk:mc:0", "")
	if label(second, "bk:kp:mira") != tr("btn_keep_time", nil) {
		t.Fatalf("the move's second page offers no way to keep the current time: %+v", second.Buttons)
	}
	got = c.Press("bk:mc:0")
	got = c.Press(buttonWith(t, got[len(got)-1], "bk:tc:nadia:"))
	expect(t, lang, got, "moved_done", map[string]any{"What": tr("what_coaching", map[string]any{"Coach": "Nadia"}),
		"Date": dayIn(lang, bxl(2027, 3, 24, 11, 0)), "Time": "11:00", "Place": "Werkwinkel, Desguinlei 33, 2018 Antwerpen"})
	if ev := checkCalendar(t, got[len(got)-1], "20270324T110000"); ev.UID != first.UID || ev.Sequence != 1 {
		t.Fatalf("the moved talk's file: UID %s SEQUENCE %d, want %s and 1 (an update of the entry)", ev.UID, ev.Sequence, first.UID)
	}
	moved := waitPost(t, f, "moved", func(p slacktest.Post) bool { return header(p.Blocks) == "Afspraak verplaatst" })
	if mine, _ := r.m.Booker.Mine(ctx, chat); len(mine) != 1 || mine[0].ID != "nadia" {
		t.Fatalf("after the move the person holds %+v, want Nadia's slot only", mine)
	}

	// The session is full: wait, and get the seat when it frees up.
	const other = 99
	if res, _, err := r.m.Schedule.Book(ctx, other, "fabriek", "", clk.Now()); err != nil || res.Outcome != schedule.Booked {
		t.Fatalf("someone else books the one seat: %+v %v", res, err)
	}
	// Its title in the reader's language where the file has one, else in
	// Dutch; its language named in the reader's language.
	title, description := inLang(fabriekTitles, lang), inLang(fabriekDescriptions, lang)
	got = c.Press("bk:ls:0")
	expect(t, lang, got, "session_full")
	listed := got[len(got)-1].Text
	if !strings.Contains(listed, title) || !strings.Contains(listed, tr("lang_nl", nil)) ||
		strings.Contains(listed, "Nederlands") || (title != fabriekTitles["nl"]) == strings.Contains(listed, fabriekTitles["nl"]) {
		t.Fatalf("the session's line, want %q and its language as %q:\n%s", title, tr("lang_nl", nil), listed)
	}
	got = c.Press(buttonWith(t, got[len(got)-1], "bk:bs:fabriek:"))
	expect(t, lang, got, "book_full_session")
	expect(t, lang, c.Press("bk:w:fabriek"), "waiting_done", map[string]any{"What": title, "Date": dayIn(lang, bxl(2027, 3, 28, 10, 0))})
	if _, err := r.m.Booker.Cancel(ctx, other, "fabriek"); err != nil {
		t.Fatal(err)
	}
	promoted := tr("promoted", map[string]any{"What": title, "Date": dayIn(lang, bxl(2027, 3, 28, 10, 0)),
		"Time": "10:00", "Place": "Talentenfabriek, Kanaaldok 1, 2030 Antwerpen"})
	msgs := waitText(t, tg, chat, promoted, 1)
	if m := withText(msgs, promoted); !m.HasButton("bk:x:fabriek") || !strings.Contains(m.Text, description) {
		t.Fatalf("the seat from the waiting list comes without a way to give it back or without %q: %q %+v", description, m.Text, m.Buttons)
	}
	msgs = waitFile(t, tg, chat)
	seat := checkCalendar(t, msgs[len(msgs)-1], "20270328T100000") // 10:00 on the day summer time starts
	if seat.Summary != title || !strings.Contains(seat.Description, description) {
		t.Fatalf("the calendar entry reads %q, %q; want %q with %q", seat.Summary, seat.Description, title, description)
	}
	// Staff read the Dutch title.
	waitPost(t, f, "promoted", func(p slacktest.Post) bool {
		return header(p.Blocks) == "Van de wachtlijst: plaats gekregen" && strings.Contains(blockText(p.Blocks), fabriekTitles["nl"])
	})

	// Reminders: the day before at 18:00 and two hours before, once each.
	clk.Set(bxl(2027, 3, 23, 18, 0))
	dayBefore := tr("reminder_day", map[string]any{"Time": "11:00", "What": tr("what_coaching", map[string]any{"Coach": "Nadia"}),
		"Place": "Werkwinkel, Desguinlei 33, 2018 Antwerpen"})
	msgs = waitText(t, tg, chat, dayBefore, 1)
	reminder := withText(msgs, dayBefore)
	for _, b := range []string{"bk:ok:nadia", "bk:x:nadia", "bk:mv:nadia"} {
		if !reminder.HasButton(b) {
			t.Fatalf("reminder lacks %s: %+v", b, reminder.Buttons)
		}
	}
	expect(t, lang, c.Press("bk:ok:nadia"), "be_there_done")
	clk.Set(bxl(2027, 3, 24, 9, 0))
	waitText(t, tg, chat, tr("reminder_today", map[string]any{"Time": "11:00", "What": tr("what_coaching", map[string]any{"Coach": "Nadia"}),
		"Place": "Werkwinkel, Desguinlei 33, 2018 Antwerpen"}), 1)
	settle(r)
	waitText(t, tg, chat, dayBefore, 1)

	// The talk has begun: Cancel on the old reminder changes nothing.
	clk.Set(bxl(2027, 3, 24, 12, 0))
	got = c.Do(c.PressUpdate("bk:x:nadia", reminder.MessageID))
	expect(t, lang, got, "appt_started", map[string]any{"What": tr("what_coaching", map[string]any{"Coach": "Nadia"}),
		"Date": dayIn(lang, bxl(2027, 3, 24, 11, 0)), "Time": "11:00"})
	if sl, _ := r.m.Booker.Slot(ctx, chat, "nadia"); sl == nil || !sl.Held {
		t.Fatalf("after a press on the old reminder the seat is %+v, want still held (for attendance)", sl)
	}

	// No-show, marked in Slack: a kind message to the person, and the
	// coach is told; a second press changes nothing.
	press := slacktest.BlockAction("U-NADIA", moved.Channel, moved.TS, staff.ActionNoShow, buttonValue(moved.Blocks, staff.ActionNoShow))
	if code, _ := slackCall(t, r, signingSecret, "/slack/actions", slacktest.Form, press, time.Now()); code != http.StatusOK {
		t.Fatalf("no-show press: %d", code)
	}
	msgs = waitText(t, tg, chat, tr("noshow", map[string]any{"What": tr("what_coaching", map[string]any{"Coach": "Nadia"}),
		"Date": dayIn(lang, bxl(2027, 3, 24, 11, 0))}), 1)
	if !msgs[len(msgs)-1].HasButton("bk:lc:0") { // the last: it has no calendar file
		t.Fatal("the no-show message offers no new time")
	}
	waitPost(t, f, "no-show", func(p slacktest.Post) bool { return header(p.Blocks) == "Niet komen opdagen" })
	slackCall(t, r, signingSecret, "/slack/actions", slacktest.Form, press, time.Now())
	if e := f.Ephemerals(); len(e) == 0 || !strings.Contains(e[len(e)-1].Text, "al zo gemarkeerd") {
		t.Fatalf("second press: %+v", e)
	}

	// A phone talk: the number is asked with the contact key, shared, and
	// shown to its coach alone.
	got = c.Press("bk:lc:0")
	got = c.Press(buttonWith(t, got[len(got)-1], "bk:bc:sam:"))
	expect(t, lang, got, "phone_ask", map[string]any{"Coach": "Sam"})
	if ask := withText(got, tr("phone_ask", map[string]any{"Coach": "Sam"})); len(ask.Keys) != 1 || !ask.Keys[0][0].RequestContact {
		t.Fatalf("the phone question has no contact key: %+v", ask.Keys)
	}
	got = c.ShareContact("32470123456")
	expect(t, lang, got, "phone_saved", map[string]any{"Phone": "+32 470 12 34 56", "Coach": "Sam"})
	if !withText(got, tr("phone_saved", map[string]any{"Phone": "+32 470 12 34 56", "Coach": "Sam"})).RemoveKeys {
		t.Fatal("the keyboard is not given back after the number")
	}
	waitPost(t, f, "phone", func(p slacktest.Post) bool {
		return p.Channel == "U0SAM0001" && strings.Contains(blockText(p.Blocks), "+32 470 12 34 56")
	})
	for _, p := range f.Posts() {
		if p.Channel != "U0SAM0001" && strings.Contains(blockText(p.Blocks)+p.Text, "470 12 34 56") {
			t.Fatalf("the number went to %s too", p.Channel)
		}
	}

	// The session's reminder, then cancel from it: no reminder after that.
	clk.Set(bxl(2027, 3, 27, 18, 0))
	sessionEve := tr("reminder_day", map[string]any{"Time": "10:00", "What": title,
		"Place": "Talentenfabriek, Kanaaldok 1, 2030 Antwerpen"})
	waitText(t, tg, chat, sessionEve, 1)
	// Sam's talk is over: the reminder's turn erased the number, as the
	// question promised, though the person pressed nothing since.
	if left := naming(t, r.m.Redis, prefix, "470 12 34 56"); len(left) != 0 {
		t.Fatalf("the number is kept after the talk: %v", left)
	}
	expect(t, lang, c.Press("bk:x:fabriek"), "cancel_confirm", map[string]any{"What": title,
		"Date": dayIn(lang, bxl(2027, 3, 28, 10, 0)), "Time": "10:00"})
	got = c.Press("bk:xy:fabriek")
	expect(t, lang, got, "cancel_done")
	if ev := calendartest.Parse(t, got[len(got)-1].Content); ev.Method != "CANCEL" || ev.UID != seat.UID || ev.Sequence != seat.Sequence+1 {
		t.Fatalf("cancellation file %+v, want METHOD:CANCEL for %s with a higher SEQUENCE", ev, seat.UID)
	}
	waitPost(t, f, "cancelled", func(p slacktest.Post) bool { return header(p.Blocks) == "Afspraak geannuleerd" })
	before := len(tg.Messages(chat))
	clk.Set(bxl(2027, 3, 28, 8, 0))
	settle(r)
	if after := len(tg.Messages(chat)); after != before {
		t.Fatalf("%d messages after cancelling, want none (no reminder to someone who cancelled)", after-before)
	}
	everyKeyHasALifetime(t, r.m.Redis, prefix)
}

// everyKeyHasALifetime fails on a key under prefix without a TTL that
// store.Permanent does not list as permanent on purpose.
func everyKeyHasALifetime(t *testing.T, rdb redis.UniversalClient, prefix string) {
	t.Helper()
	ctx := context.Background()
	keys := rdb.Keys(ctx, prefix+":*").Val()
	if len(keys) < 10 {
		t.Fatalf("only %d keys after a full cycle: the scan would prove nothing", len(keys))
	}
	for _, k := range keys {
		if rdb.PTTL(ctx, k).Val() >= 0 {
			continue
		}
		name := strings.TrimPrefix(k, prefix+":")
		permanent := false
		for pattern := range store.Permanent {
			if ok, _ := path.Match(pattern, name); ok {
				permanent = true
			}
		}
		if !permanent {
			t.Errorf("%s (%s) has no lifetime and is not listed in store.Permanent", k, rdb.Type(ctx, k).Val())
		}
	}
}

// withText is the last of msgs that contains text.
func withText(msgs []telegramtest.Message, text string) telegramtest.Message {
	for i := len(msgs) - 1; i >= 0; i-- {
		if strings.Contains(msgs[i].Text, text) {
			return msgs[i]
		}
	}
	return telegramtest.Message{}
}

// dayIn is a date as the bot writes it for an appointment in lang.
func dayIn(lang string, d time.Time) string {
	return texts.T(lang, "date_day", map[string]any{
		"Weekday": texts.T(lang, fmt.Sprintf("weekday_%d", d.Weekday()), nil), "Day": d.Day(),
		"Month": texts.T(lang, fmt.Sprintf("month_%d", d.Month()), nil)})
}

// Reminders go out once when two instances share Redis, when a sender
// dies after claiming one, when one is handed out twice, and across a
// restart.
func TestRemindersOnceAcrossTwoInstancesAndARestart(t *testing.T) {
	tg := telegramtest.New(t)
	prefix := redistest.Prefix()
	url := redistest.URL(t)
	clk := clock.NewFake(bxl(2027, 3, 22, 10, 0))
	opts := func(m *Main) {
		m.Clock, m.Tick = clk, 15*time.Millisecond
		m.ready = make(chan struct{})
	}
	a := serveWith(t, tg, url, prefix, opts)
	b := serveWith(t, tg, url, prefix, opts)
	waitReady(t, a)
	waitReady(t, b)
	ctx := context.Background()
	st := schedule.NewStore(a.m.Redis, prefix)
	items, err := schedule.ParseSlots([]byte("slots:\n  - id: talk\n    start: 2027-03-23 11:00\n    duration: 45m\n    coach: Nadia\n    languages: [nl]\n    place: phone\n"))
	if err != nil {
		t.Fatal(err)
	}
	slot := items[0]
	ss, err := schedule.ParseSessions([]byte("sessions:\n  - id: info\n    house: talentenwerf\n    title: Bouw\n    start: 2027-03-24 14:00\n    duration: 2h\n    address: Noorderlaan 100\n    seats: 50\n    lang: nl\n"), bxl(2027, 6, 1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	sess := ss[0]
	st.Import(ctx, schedule.KindCoaching, []schedule.Item{slot}, clk.Now(), schedule.ImportOptions{})
	st.Import(ctx, schedule.KindSession, []schedule.Item{sess}, clk.Now(), schedule.ImportOptions{})
	sessionsStore := store.NewSessions(a.m.Redis, store.Keys{Prefix: prefix})
	const people = 30
	for i := range people {
		chat := int64(9000 + i)
		state := conversation(t, &dialogs.State{V: dialogs.StateVersion, Lang: "nl", Step: dialogs.StepMenu, Agreed: clk.Now(),
			Created: clk.Now(), LastSeen: clk.Now()}, orientation.State{Oriented: clk.Now()}, false)
		if err := sessionsStore.Save(ctx, chat, state, time.Hour, nil); err != nil {
			t.Fatal(err)
		}
		if res, _, err := st.Book(ctx, chat, sess.ID, sess.Version, clk.Now()); err != nil || res.Outcome != schedule.Booked {
			t.Fatalf("book: %+v %v", res, err)
		}
	}
	if res, _, _ := st.Book(ctx, 9000, slot.ID, slot.Version, clk.Now()); res.Outcome != schedule.Booked {
		t.Fatal("book the talk")
	}
	// A sender that claims the talk's day-before reminder and dies: it
	// claims before the clock gets there, so that the running senders
	// cannot claim it first.
	dead, err := st.Due(ctx, bxl(2027, 3, 22, 18, 0), time.Minute, 1)
	if err != nil || len(dead) != 1 {
		t.Fatalf("the dead sender's claim: %+v %v", dead, err)
	}
	clk.Set(bxl(2027, 3, 22, 18, 0))
	eve := func(what, at string) string {
		return texts.T("nl", "reminder_day", map[string]any{"Time": at, "What": what, "Place": "Noorderlaan 100"})
	}
	sessionEve := eve("Bouw", "14:00")
	talkEve := texts.T("nl", "reminder_day", map[string]any{"Time": "11:00", "What": texts.T("nl", "what_coaching", map[string]any{"Coach": "Nadia"}),
		"Place": texts.T("nl", "place_phone", nil)})
	settle(a)
	if countText(tg.Messages(9000), talkEve) != 0 {
		t.Fatal("a reminder claimed by a sender that died was sent before its lease ran out")
	}
	clk.Set(bxl(2027, 3, 22, 18, 2)) // the lease is over: handed out again, once
	waitText(t, tg, 9000, talkEve, 1)
	clk.Set(bxl(2027, 3, 23, 18, 0))
	var wg sync.WaitGroup
	for i := range people {
		wg.Add(1)
		go func() { defer wg.Done(); waitText(t, tg, int64(9000+i), sessionEve, 1) }()
	}
	wg.Wait()
	// Handed out twice (a sender died after sending, before acknowledging):
	// shown once.
	a.m.Redis.ZAdd(ctx, prefix+":{book}:reminders", redis.Z{Score: float64(clk.Now().UnixMilli()), Member: "9001|info|day"})
	// Restart: one instance stops, a new one starts.
	b.stop()
	waitReady(t, serveWith(t, tg, url, prefix, opts))
	settle(a)
	for i := range people {
		if n := countText(tg.Messages(int64(9000+i)), sessionEve); n != 1 {
			t.Fatalf("chat %d got the session's reminder %d times", 9000+i, n)
		}
	}
	clk.Set(bxl(2027, 3, 24, 12, 0))
	today := texts.T("nl", "reminder_today", map[string]any{"Time": "14:00", "What": "Bouw", "Place": "Noorderlaan 100"})
	for i := range people {
		waitText(t, tg, int64(9000+i), today, 1)
	}
	settle(a)
	for i := range people {
		if n := countText(tg.Messages(int64(9000+i)), today); n != 1 {
			t.Fatalf("chat %d got the two-hour reminder %d times", 9000+i, n)
		}
	}
}

// Forged and stale booking buttons get a clear answer and change nothing;
// a second coaching talk offers a move; a slot staff take out of the
// schedule is told to its booker; a phone number typed (a malformed one
// first) goes to the coach alone; /forget gives every seat back and leaves
// no key or value naming the person, and nothing of the number in Redis
// or Slack.
func TestBookingBadInputStaffChangesAndForget(t *testing.T) {
	tg := telegramtest.New(t)
	f := slacktest.New(t)
	var logs lockedBuffer
	prefix := redistest.Prefix()
	clk := clock.NewFake(bxl(2027, 3, 22, 10, 0))
	env := map[string]string{"REDIS_URL": redistest.URL(t), "REDIS_PREFIX": prefix}
	slots, sessions := scheduleFiles(t, "tr")
	// A phone talk after the others, still ahead when the person erases
	// their data.
	os.WriteFile(slots, append(must(os.ReadFile(slots)), `  - id: sam-late
    start: 2027-03-30 10:00
    duration: 45m
    coach: Sam
    slack: U0SAM0001
    languages: [nl, tr]
    place: phone
`...), 0o600)
	werkwijzer(t, env, "import", "slots", slots)
	werkwijzer(t, env, "import", "sessions", sessions)
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("slots:\n  - id: x1\n    start: 2027-03-28 02:30\n    duration: 45m\n    coach: Koen\n    languages: [nl]\n    place: phone\n"), 0o600)
	if _, err := werkwijzer(t, env, "import", "slots", bad); err == nil || !strings.Contains(err.Error(), "line 3") ||
		!strings.Contains(err.Error(), "nothing was imported") {
		t.Fatalf("a time in the spring-forward gap: %v, want refused with its line", err)
	}
	r := serve(t, tg, prefix, withSlack(f), func(m *Main) {
		m.Clock, m.Tick = clk, 20*time.Millisecond
		m.Log = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	waitReady(t, r)
	const id = 876543219
	const lang = "tr"
	c := tg.Chat(t, id, lang)
	firstHalf(t, c, lang)
	secondHalfShared(t, c, lang) // staff are on Slack: they ask to share the answers

	got := c.Press("bk:bc:nope:1")
	expect(t, lang, got, "book_gone")
	expect(t, lang, got, "slots_intro")
	expect(t, lang, c.Press("bk:bc:mira:stale"), "book_changed")
	expect(t, lang, c.Press("bk:x:mira"), "bad_old_button")
	expect(t, lang, c.Press("bk:zz:1"), "bad_old_button")
	expect(t, lang, c.Send("14:00"), "bad_free_text")
	if mine, _ := r.m.Booker.Mine(context.Background(), id); len(mine) != 0 {
		t.Fatalf("bad presses booked %+v", mine)
	}

	got = c.Press("bk:lc:0")
	c.Press(buttonWith(t, got[len(got)-1], "bk:bc:mira:"))
	// A second coaching talk is caught before the list, not after a pick.
	got = c.Press("bk:lc:0")
	expect(t, lang, got, "book_has_coaching", map[string]any{"Date": dayIn(lang, bxl(2027, 3, 23, 14, 0)), "Time": "14:00"})
	if !got[len(got)-1].HasButton("bk:mv:mira") || contains(got, texts.T(lang, "slots_intro", nil)) {
		t.Fatal("a second coaching talk does not offer to move the first, or lists times anyway")
	}
	// Pressed on an older list, the slot is still refused, with the offer.
	got = c.Press("bk:bc:koen:" + must(schedule.ParseSlots(must(os.ReadFile(slots))))[0].Version)
	expect(t, lang, got, "book_has_coaching", map[string]any{"Date": dayIn(lang, bxl(2027, 3, 23, 14, 0)), "Time": "14:00"})

	// Staff take Mira's slot out of the schedule: refused at first (it has
	// a booking), tried with --check, then allowed; the person is told.
	os.WriteFile(slots, []byte(withoutEntry(string(must(os.ReadFile(slots))), "mira")), 0o600)
	ref := r.m.Refs.Staff(id)
	out, err := werkwijzer(t, env, "import", "slots", slots)
	if err == nil || !strings.Contains(err.Error(), "--allow-cancel") || !strings.Contains(out, "cancelled  mira (2027-03-23 14:00): booked "+ref) {
		t.Fatalf("re-import without --allow-cancel: %q %v, want refused with who would be told", out, err)
	}
	out, err = werkwijzer(t, env, "import", "slots", slots, "--check", "--allow-cancel")
	if err != nil || !strings.Contains(out, "a check, nothing was changed") || !strings.Contains(out, "booked "+ref) {
		t.Fatalf("--check: %q %v", out, err)
	}
	if mine, _ := r.m.Booker.Mine(context.Background(), id); len(mine) != 1 {
		t.Fatalf("after --check the person holds %+v, want Mira's slot still", mine)
	}
	out, err = werkwijzer(t, env, "import", "slots", slots, "--allow-cancel")
	if err != nil || !strings.Contains(out, "1 cancelled with bookings, 0 given more seats (1 people will be told)") {
		t.Fatalf("re-import: %q %v", out, err)
	}
	tick(r) // the server looks for news
	msgs := waitText(t, tg, id, texts.T(lang, "item_cancelled", map[string]any{"What": texts.T(lang, "what_coaching", map[string]any{"Coach": "Mira"}),
		"Date": dayIn(lang, bxl(2027, 3, 23, 14, 0)), "Time": "14:00"}), 1)
	cancelled := texts.T(lang, "item_cancelled", map[string]any{"What": texts.T(lang, "what_coaching", map[string]any{"Coach": "Mira"}),
		"Date": dayIn(lang, bxl(2027, 3, 23, 14, 0)), "Time": "14:00"})
	if !withText(msgs, cancelled).HasButton("bk:lc:0") {
		t.Fatal("the cancellation offers no other time")
	}
	msgs = waitFile(t, tg, id)
	if file := msgs[len(msgs)-1]; calendartest.Parse(t, file.Content).Method != "CANCEL" {
		t.Fatalf("the cancellation comes without a file that takes it out of the calendar: %q", file.Document)
	}

	// A phone talk, the number typed instead of shared: a malformed one
	// gets a clear answer and the question again.
	got = c.Press(buttonWith(t, withText(msgs, cancelled), "bk:lc:0"))
	got = c.Press(buttonWith(t, got[len(got)-1], "bk:bc:sam-late:"))
	ask := map[string]any{"Coach": "Sam"}
	expect(t, lang, got, "phone_ask", ask)
	got = c.Send("0470 98")
	expect(t, lang, got, "bad_phone")
	expect(t, lang, got, "phone_ask", ask)
	const number = "+32 470 98 76 54"
	got = c.Send("0470 98 76 54")
	expect(t, lang, got, "phone_saved", map[string]any{"Phone": number, "Coach": "Sam"})
	if !withText(got, texts.T(lang, "phone_saved", map[string]any{"Phone": number, "Coach": "Sam"})).RemoveKeys {
		t.Fatal("the keyboard is not given back after the typed number")
	}
	expect(t, lang, c.Send("/mydata"), "mydata_phone", map[string]any{"Phone": number})
	// Shown to the coach alone: in Slack only in Sam's messages.
	waitPost(t, f, "phone", func(p slacktest.Post) bool {
		return p.Channel == "U0SAM0001" && strings.Contains(blockText(p.Blocks), number)
	})
	for _, p := range f.Posts() {
		if p.Channel != "U0SAM0001" && strings.Contains(blockText(p.Blocks)+p.Text, "470 98 76 54") {
			t.Fatalf("the number went to %s too", p.Channel)
		}
	}

	got = c.Press("bk:ls:0")
	expect(t, lang, c.Press(buttonWith(t, got[len(got)-1], "bk:bs:fabriek:")), "booked_done", map[string]any{"What": "Werken in de industrie",
		"Date": dayIn(lang, bxl(2027, 3, 28, 10, 0)), "Time": "10:00", "Place": "Talentenfabriek, Kanaaldok 1, 2030 Antwerpen"})
	// Staff move the session an hour: the person is told, with a new
	// calendar file, and reminded of the new time.
	os.WriteFile(sessions, []byte(strings.Replace(string(must(os.ReadFile(sessions))), "2027-03-28 10:00", "2027-03-28 11:00", 1)), 0o600)
	if out, err := werkwijzer(t, env, "import", "sessions", sessions); err != nil || !strings.Contains(out, "1 moved") {
		t.Fatalf("moving the session: %q %v", out, err)
	}
	tick(r)
	msgs = waitText(t, tg, id, texts.T(lang, "item_moved", map[string]any{"What": "Werken in de industrie",
		"Date": dayIn(lang, bxl(2027, 3, 28, 11, 0)), "Time": "11:00", "Place": "Talentenfabriek, Kanaaldok 1, 2030 Antwerpen"}), 1)
	msgs = waitFile(t, tg, id)
	checkCalendar(t, msgs[len(msgs)-1], "20270328T110000")
	clk.Set(bxl(2027, 3, 27, 18, 0))
	waitText(t, tg, id, texts.T(lang, "reminder_day", map[string]any{"Time": "11:00", "What": "Werken in de industrie",
		"Place": "Talentenfabriek, Kanaaldok 1, 2030 Antwerpen"}), 1)
	if _, err := r.m.Booker.Wait(context.Background(), 555, "fabriek"); err != nil {
		t.Fatal(err)
	}
	got = c.Send("/mydata")
	if !contains(got, "Werken in de industrie") {
		t.Fatal("/mydata does not list the appointments")
	}
	phoneDigits := []string{"470 98 76 54", "470987654"}
	if valuesWith(t, r.m.Redis, prefix, phoneDigits[0]) == 0 {
		t.Fatal("nothing in Redis holds the number before /forget: the test would prove nothing")
	}
	expect(t, lang, c.Press("forget:yes"), "forget_done")
	// The outbox of that last turn goes once it is delivered, a moment
	// after the fake Telegram has the message.
	left := func() []string { return r.m.Redis.Keys(context.Background(), prefix+"*876543219*").Val() }
	for deadline := time.Now().Add(5 * time.Second); len(left()) > 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if keys := left(); len(keys) != 0 {
		t.Fatalf("keys with the person's id left after /forget: %v", keys)
	}
	// A chat that had work queued stays marked waiting until the next
	// sweep finds its inbox empty (within seconds).
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if r.m.Redis.ZScore(context.Background(), prefix+":waiting", "876543219").Err() != nil {
			break
		}
	}
	if n := valuesWith(t, r.m.Redis, prefix, "876543219"); n != 0 {
		t.Fatalf("%d keys hold the person's id in their value after /forget", n)
	}
	for _, d := range phoneDigits {
		if left := naming(t, r.m.Redis, prefix, d); len(left) != 0 {
			t.Errorf("keys hold the phone number (%s) after /forget: %v", d, left)
		}
		for _, m := range f.Messages() {
			if strings.Contains(m.Text+blockText(m.Blocks), d) {
				t.Errorf("Slack still shows the number after /forget: %q %s", header(m.Blocks), m.Channel)
			}
		}
		if strings.Contains(logs.String(), d) {
			t.Errorf("the logs hold the number (%s)", d)
		}
	}
	if mine, _ := r.m.Booker.Mine(context.Background(), 555); len(mine) != 1 || !mine[0].Held {
		t.Fatalf("the seat given back did not go to who waited: %+v", mine)
	}
}

// withoutEntry is a slots or sessions file without the entry id.
func withoutEntry(file, id string) string {
	before, rest, ok := strings.Cut(file, "  - id: "+id+"\n")
	if !ok {
		panic("no entry " + id)
	}
	if _, after, more := strings.Cut(rest, "  - id: "); more {
		return before + "  - id: " + after
	}
	return before
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
