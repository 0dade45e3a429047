package booking_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/booking"
	"github.com/werkwijzer/werkwijzer/dialogs/dialogstest"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/privacy"
)

// Three languages, one of them right to left, one that no coach speaks.
var someLanguages = []string{"nl", "ar", "ti"}

func book(t *testing.T, p *dialogstest.Person, s *dialogstest.Scheduler, id string) []dialogs.Reply {
	t.Helper()
	verb := "bk:bc:"
	if sl, _ := s.Slot(t.Context(), 0, id); sl != nil && sl.Session {
		verb = "bk:bs:"
	}
	r := p.Forge(verb + id + ":" + version(t, s, id))
	if n := p.Note(dialogs.NoteBooked); n.Item != id {
		t.Fatalf("booking %s: note %+v:%s", id, n, dialogstest.Dump(r))
	}
	return r
}

// Once an appointment has begun, Cancel, Move and "I'll be there" (from
// an old reminder) change nothing and say so, with a way to book anew.
func TestNothingChangesAfterTheStart(t *testing.T) {
	for _, lang := range someLanguages {
		t.Run(lang, func(t *testing.T) {
			p, s := person(t, lang)
			book(t, p, s, "c1")
			p.Clock.Set(at(10).Add(5 * time.Minute))
			what := p.Tr("what_coaching", map[string]any{"Coach": "Lotte"})
			for _, press := range []string{"bk:x:c1", "bk:xy:c1", "bk:mv:c1", "bk:ok:c1"} {
				r := p.Forge(press)
				p.Expect(r, "appt_started", map[string]any{"What": what, "Date": p.Engine.Texts.T(lang, "date_day", map[string]any{
					"Weekday": p.Tr("weekday_3"), "Day": 25, "Month": p.Tr("month_11")}), "Time": "10:00"})
				if !dialogstest.Offered(r, "bk:lc:0") || !dialogstest.Offered(r, "bk:menu") {
					t.Fatalf("%s after the start: no way to book anew or to the menu:%s", press, dialogstest.Dump(r))
				}
			}
			if got := s.Holders("c1"); len(got) != 1 {
				t.Fatalf("after the presses the seat is held by %v", got)
			}
			if len(p.Notes()) != 0 {
				t.Fatalf("staff told of a change after the start: %+v", p.Notes())
			}
			// A reminder handed out late, after the start, says nothing.
			if r := p.Maybe(booking.NoticeEvent(dialogstest.ChatID, booking.HoursBefore, "c1")); len(r) != 0 {
				t.Fatalf("a reminder after the start:%s", dialogstest.Dump(r))
			}
		})
	}
}

// A day-before reminder that can only go out on the day says today.
func TestRemindersAreWordedForWhenTheyGo(t *testing.T) {
	for _, lang := range someLanguages {
		t.Run(lang, func(t *testing.T) {
			p, s := person(t, lang)
			book(t, p, s, "c1")
			w := map[string]any{"Time": "10:00", "What": p.Tr("what_coaching", map[string]any{"Coach": "Lotte"}), "Place": "Lange Gasthuisstraat 33"}
			p.Clock.Set(at(-6)) // 18:00 the day before
			p.Expect(p.Do(booking.NoticeEvent(dialogstest.ChatID, booking.DayBefore, "c1")), "reminder_day", w)
			q, qs := person(t, lang)
			book(t, q, qs, "c1")
			q.Clock.Set(at(7).Add(30 * time.Minute)) // the sender was down all evening
			r := q.Do(booking.NoticeEvent(dialogstest.ChatID, booking.DayBefore, "c1"))
			q.Expect(r, "reminder_today", w)
			q.ExpectNot(r, "reminder_day", w)
		})
	}
}

// A confirmation promises only the reminders still ahead.
func TestConfirmationsPromiseOnlyWhatIsAhead(t *testing.T) {
	for _, tc := range []struct {
		now       time.Time
		want, not string
		wantNone  bool
	}{
		{now: at(-30), want: "reminders_both", not: "reminders_hours"},
		{now: at(-5), want: "reminders_hours", not: "reminders_both"}, // 19:00 the evening before
		{now: at(9).Add(50 * time.Minute), wantNone: true},
	} {
		p, s := person(t, "fr")
		p.Clock.Set(tc.now)
		r := book(t, p, s, "c1")
		if tc.wantNone {
			p.ExpectNot(r, "reminders_both")
			p.ExpectNot(r, "reminders_hours")
			continue
		}
		p.Expect(r, tc.want)
		p.ExpectNot(r, tc.not)
	}
}

// Every page of a list has back (but the first) and the menu; later only
// while there is more.
func TestEveryPageHasBackAndMenu(t *testing.T) {
	p := dialogstest.New(t, "uk")
	var items []dialogstest.Item
	for i := range 9 {
		items = append(items, dialogstest.Item{ID: fmt.Sprintf("t%d", i), Start: at(9 + i), Duration: 30 * time.Minute, Seats: 1,
			Coach: "Olena", Languages: []string{"uk"}, Address: "Desguinlei 33"})
	}
	s := dialogstest.NewScheduler(p.Clock, items...)
	p.Engine.Register(orientation.Flow{}, privacy.Flow{}, booking.Flow{Schedule: s})
	p.Onboard()
	pages := []struct {
		data              string
		back, later, menu bool
	}{{"bk:lc:0", false, true, true}, {"bk:lc:4", true, true, true}, {"bk:lc:8", true, false, true}}
	for _, pg := range pages {
		r := p.Forge(pg.data)
		p.Expect(r, "slots_intro")
		back := slices.ContainsFunc(dialogstest.Buttons(r), func(d string) bool { return d != pg.data && strings.HasPrefix(d, "bk:lc:") && d < pg.data })
		later := slices.ContainsFunc(dialogstest.Buttons(r), func(d string) bool { return strings.HasPrefix(d, "bk:lc:") && d > pg.data })
		if back != pg.back || later != pg.later || dialogstest.Offered(r, "bk:menu") != pg.menu {
			t.Fatalf("page %s: back %v later %v menu %v, want %+v:%s", pg.data, back, later, dialogstest.Offered(r, "bk:menu"), pg, dialogstest.Dump(r))
		}
	}
}

// Moving offers to keep the current time; a second coaching talk is caught
// before the list, with an offer to move the first.
func TestMoveCanKeepTheTimeAndASecondTalkIsCaughtFirst(t *testing.T) {
	for _, lang := range someLanguages {
		t.Run(lang, func(t *testing.T) {
			p, s := person(t, lang)
			book(t, p, s, "c1")
			r := p.Press("bk:me")
			r = p.Press("bk:mv:c1")
			p.Expect(r, "move_pick")
			r = p.Press("bk:kp:c1")
			p.Expect(r, "move_kept", map[string]any{"Date": p.Engine.Texts.T(lang, "date_day", map[string]any{
				"Weekday": p.Tr("weekday_3"), "Day": 25, "Month": p.Tr("month_11")}), "Time": "10:00"})
			if got := s.Holders("c1"); len(got) != 1 {
				t.Fatalf("kept, but the seat is gone: %v", got)
			}
			r = p.Press("bk:lc:0")
			p.Expect(r, "book_has_coaching", map[string]any{"Date": p.Engine.Texts.T(lang, "date_day", map[string]any{
				"Weekday": p.Tr("weekday_3"), "Day": 25, "Month": p.Tr("month_11")}), "Time": "10:00"})
			p.ExpectNot(r, "slots_intro")
			if !dialogstest.Offered(r, "bk:mv:c1") {
				t.Fatalf("no offer to move the talk held:%s", dialogstest.Dump(r))
			}
		})
	}
}

// /forget says which bookings it will cancel.
func TestForgetSaysWhichBookingsItCancels(t *testing.T) {
	for _, lang := range someLanguages {
		t.Run(lang, func(t *testing.T) {
			p, s := person(t, lang)
			book(t, p, s, "c1")
			r := p.Command("forget")
			p.Expect(r, "forget_confirm")
			if !strings.Contains(r[0].Text, p.Tr("what_coaching", map[string]any{"Coach": "Lotte"})) || !strings.Contains(r[0].Text, "10:00") {
				t.Fatalf("/forget does not name the booking it cancels:%s", dialogstest.Dump(r))
			}
		})
	}
}

// Someone whose language no coach speaks is told so, in their language,
// and can ask staff for an interpreter; the booking then says so to staff.
func TestNoCoachSpeaksTheLanguage(t *testing.T) {
	p, s := person(t, "ti")
	r := p.Press("bk:lc:0")
	p.Expect(r, "no_coach_speaks", map[string]any{"Language": p.Tr("lang_ti")})
	if !strings.Contains(r[0].Text, p.Tr("lang_nl")) || strings.Contains(r[0].Text, "Nederlands") {
		t.Fatalf("the coaches' languages are not named in Tigrinya:%s", dialogstest.Dump(r))
	}
	r = p.Press("bk:ip")
	p.Expect(r, "interpreter_done")
	if n := p.Note(dialogs.NoteInterpreter); len(n.Fields) != 1 || n.Fields[0].Value != "Tigrinya" {
		t.Fatalf("interpreter note: %+v", n)
	}
	p.Expect(r, "interpreter_asked")
	if dialogstest.Offered(r, "bk:ip") {
		t.Fatal("asked again for an interpreter already asked for")
	}
	r = book(t, p, s, "c1")
	if n := p.Note(dialogs.NoteBooked); !slices.Contains(n.Fields, dialogs.Field{Label: "Tolk", Value: "Gevraagd voor het Tigrinya"}) {
		t.Fatalf("booked note without the interpreter: %+v", n)
	}
	// Someone whose language a coach speaks is not told.
	q, _ := person(t, "ar")
	q.ExpectNot(q.Press("bk:lc:0"), "no_coach_speaks", map[string]any{"Language": q.Tr("lang_ar")})
}

// A session's title and description are in the reader's language when
// staff gave them, and its language is named in the reader's language.
func TestSessionsSpeakTheReadersLanguage(t *testing.T) {
	p := dialogstest.New(t, "ar")
	s := dialogstest.NewScheduler(p.Clock, dialogstest.Item{ID: "s1", Session: true, Start: at(13), Duration: 2 * time.Hour, Seats: 5,
		Title: "Werken in de bouw", Titles: map[string]string{"ar": "العمل في البناء"}, Descriptions: map[string]string{"nl": "Breng je identiteitskaart mee."},
		Sector: "construction", Languages: []string{"nl"}, Interpreter: true, Address: "Noorderlaan 30"})
	p.Engine.Register(orientation.Flow{}, privacy.Flow{}, booking.Flow{Schedule: s, Calendar: fakeCalendar})
	p.Onboard()
	r := p.Press("bk:ls:0")
	text := r[0].Text
	if !strings.Contains(text, "العمل في البناء") || !strings.Contains(text, p.Tr("lang_nl")) || strings.Contains(text, "Nederlands") ||
		!strings.Contains(text, p.Tr("interpreter_on_request")) {
		t.Fatalf("session line:%s", dialogstest.Dump(r))
	}
	// The session's line names the language where its message puts it
	// ("at 13:00, in Dutch"), and only there.
	if n := strings.Count(text, p.Tr("lang_nl")); n != 1 || !strings.Contains(text, "باللغة: "+p.Tr("lang_nl")) {
		t.Fatalf("session line names its language %d times, want once, after باللغة:%s", n, dialogstest.Dump(r))
	}
	r = p.Press(r[0].Buttons[0][0].Data)
	if !strings.Contains(r[0].Text, "العمل في البناء") || !strings.Contains(r[0].Text, "Breng je identiteitskaart mee.") {
		t.Fatalf("confirmation without the Arabic title or the (Dutch) description:%s", dialogstest.Dump(r))
	}
}

// A typed number is checked; a good one is kept for the coach and shown in
// /mydata, and a cancelled phone talk drops it.
func TestPhoneNumberTyped(t *testing.T) {
	for _, lang := range someLanguages {
		t.Run(lang, func(t *testing.T) {
			p, s := person(t, lang)
			book(t, p, s, "c2")
			r := p.Say("12")
			p.Expect(r, "bad_phone")
			p.Expect(r, "phone_ask", map[string]any{"Coach": "Yusuf"})
			r = p.Say("0470 12 34 56")
			p.Expect(r, "phone_saved", map[string]any{"Phone": "+32 470 12 34 56", "Coach": "Yusuf"})
			p.Note(dialogs.NotePhone)
			p.Expect(p.Command("mydata"), "mydata_phone", map[string]any{"Phone": "+32 470 12 34 56"})
			p.Forge("bk:xy:c2")
			p.ExpectNot(p.Command("mydata"), "mydata_phone", map[string]any{"Phone": "+32 470 12 34 56"})
			// A number shared when none is needed is not kept.
			p.Expect(p.Do(dialogs.Event{Kind: dialogs.KindContact, Text: "32470123456"}), "phone_not_needed")
			if len(p.Notes()) != 0 {
				t.Fatalf("a number nobody needs went to staff: %+v", p.Notes())
			}
		})
	}
}

// The number is erased once its talk is over, at the next turn, whatever
// it is about: someone who never presses a booking button again is not
// kept on file, as the phone question promises.
func TestPhoneNumberErasedAfterTheTalk(t *testing.T) {
	p, s := person(t, "ar")
	book(t, p, s, "c2")
	p.Expect(p.Say("0470 12 34 56"), "phone_saved", map[string]any{"Phone": "+32 470 12 34 56", "Coach": "Yusuf"})
	for _, tc := range []struct {
		now  time.Time
		kept bool
	}{{at(11).Add(30 * time.Minute), true}, {at(12).Add(time.Minute), false}} {
		p.Clock.Set(tc.now)
		p.Command("help")
		st, err := booking.Part.Read(p.State())
		if err != nil || (st.Phone != nil) != tc.kept {
			t.Fatalf("at %s the number is %+v, want kept %v (%v)", tc.now.Format("15:04"), st.Phone, tc.kept, err)
		}
	}
}

// A video talk's link goes with the two-hour reminder, or is said to
// follow.
func TestVideoLinkInTheReminder(t *testing.T) {
	p := dialogstest.New(t, "en")
	s := dialogstest.NewScheduler(p.Clock,
		dialogstest.Item{ID: "v1", Start: at(10), Duration: time.Hour, Seats: 1, Coach: "Olena", Languages: []string{"en"}, Mode: "video", Link: "https://meet.example.org/a"},
		dialogstest.Item{ID: "v2", Start: at(14), Duration: time.Hour, Seats: 1, Coach: "Olena", Languages: []string{"en"}, Mode: "video"})
	p.Engine.Register(orientation.Flow{}, privacy.Flow{}, booking.Flow{Schedule: s})
	p.Onboard()
	book(t, p, s, "v1")
	p.Clock.Set(at(8))
	p.Expect(p.Do(booking.NoticeEvent(dialogstest.ChatID, booking.HoursBefore, "v1")), "video_link", map[string]any{"Link": "https://meet.example.org/a"})
	p.Clock.Set(at(11))
	book(t, p, s, "v2")
	p.Clock.Set(at(12))
	p.Expect(p.Do(booking.NoticeEvent(dialogstest.ChatID, booking.HoursBefore, "v2")), "video_link_soon")
}

// Staff taking a booked session out: the news comes with a calendar file
// that cancels the entry.
func TestItemCancelledByStaffCancelsTheCalendarEntry(t *testing.T) {
	p, s := person(t, "ar")
	book(t, p, s, "s1")
	s.Cancel(t.Context(), dialogstest.ChatID, "s1")
	s.Put(dialogstest.Item{ID: "s1", Session: true, Start: at(13), Duration: 2 * time.Hour, Seats: 1, Title: "Infosessie bouw", Sector: "construction", Languages: []string{"nl"}, Address: "Noorderlaan 30"})
	r := p.Do(booking.NoticeEvent(dialogstest.ChatID, booking.ItemCancel, "s1"))
	p.Expect(r, "item_cancelled", map[string]any{"What": "Infosessie bouw", "Date": p.Engine.Texts.T("ar", "date_day", map[string]any{
		"Weekday": p.Tr("weekday_3"), "Day": 25, "Month": p.Tr("month_11")}), "Time": "13:00"})
	if doc := document(r); doc == nil || !strings.Contains(string(doc.Content), "METHOD:CANCEL\r\nUID:s1\r\nSEQUENCE:1") {
		t.Fatalf("no cancellation file: %+v", doc)
	}
}

// A reminder comes after days of silence: what the person types at its
// buttons is their answer, under the greeting, not lost to it (the
// usertest's finding 1). "2" is Cancel, which asks first; in English "I
// can't come" is the same no; "my appointments" in their words lists
// them.
func TestAnAnswerToAReminderAfterABreakIsNotLost(t *testing.T) {
	for _, c := range []struct{ lang, typed string }{{"nl", "2"}, {"ar", "٢"}, {"en", "I can't come"}, {"en", "nope"}} {
		t.Run(c.lang+" "+c.typed, func(t *testing.T) {
			p, s := person(t, c.lang)
			book(t, p, s, "c1")
			p.Clock.Set(at(-6)) // 18:00 the day before, more than a day after the booking
			p.Do(booking.NoticeEvent(dialogstest.ChatID, booking.DayBefore, "c1"))
			r := p.Say(c.typed)
			p.Expect(r, "welcome_back_named", map[string]any{"Name": "Amira"})
			if !dialogstest.Offered(r, "bk:xy:c1") {
				t.Fatalf("%q at the reminder did not ask to cancel:%s", c.typed, dialogstest.Dump(r))
			}
		})
	}
	p, s := person(t, "nl")
	book(t, p, s, "c1")
	p.Engine.Register(dialogs.IntentButtons{dialogs.IntentAppointments: "bk:me"})
	p.Clock.Advance(24 * time.Hour)
	r := p.Say("mijn afspraken")
	p.Expect(r, "welcome_back_named", map[string]any{"Name": "Amira"})
	if !dialogstest.Offered(r, "bk:x:c1") {
		t.Fatalf("'mijn afspraken' after a day does not list the appointment:%s", dialogstest.Dump(r))
	}
}

// A number typed with an Arabic, Dari or Pashto keyboard's digits is the
// same number as in Western digits.
func TestPhoneNumberInArabicIndicDigits(t *testing.T) {
	for lang, typed := range map[string]string{"ar": "٠٤٨٥ ١٢ ٣٤ ٥٦", "fa-AF": "۰۴۸۵ ۱۲ ۳۴ ۵۶", "ps": "+۳۲ ۴۸۵ ۱۲ ۳۴ ۵۶"} {
		t.Run(lang, func(t *testing.T) {
			p, s := person(t, lang)
			book(t, p, s, "c2")
			r := p.Say(typed)
			p.Expect(r, "phone_saved", map[string]any{"Phone": "+32 485 12 34 56", "Coach": "Yusuf"})
			if n := p.Note(dialogs.NotePhone); !slices.Contains(n.Fields, dialogs.Field{Label: "Telefoon", Value: "+32 485 12 34 56"}) {
				t.Fatalf("the coach is given %+v, want +32 485 12 34 56", n.Fields)
			}
		})
	}
}

// A person who taps the same spot again and again (the first button of the
// newest message, or "1" in the terminal) after booking keeps the
// appointment: no confirmation puts the destructive choice where the
// button that led to it was.
func TestRepeatedTapsOnTheFirstButtonKeepTheAppointment(t *testing.T) {
	for _, id := range []string{"c1", "c2", "s1"} { // at an address, by phone, a session
		t.Run(id, func(t *testing.T) {
			p, s := person(t, "en")
			r := book(t, p, s, id)
			var taps []string
			for range 8 {
				first := firstButton(r)
				if first == "" {
					break
				}
				taps = append(taps, first)
				r = p.Press(first)
				for _, n := range p.Notes() {
					if n.Kind == dialogs.NoteCancelled || n.Kind == dialogs.NoteForget {
						t.Fatalf("tapping the first button again and again (%s) cancelled: %+v", strings.Join(taps, ", "), n)
					}
				}
			}
			if !slices.Contains(s.Holders(id), p.Chat) {
				t.Fatalf("after tapping %s, %s is no longer held", strings.Join(taps, ", "), id)
			}
		})
	}
}

// Deleting everything asks first, with not deleting where the menu's
// button was.
func TestRepeatedTapsDoNotDeleteEverything(t *testing.T) {
	p, _ := person(t, "en")
	r := p.Press("menu:forget")
	r = p.Press(firstButton(r))
	p.Expect(r, "forget_cancelled")
	if p.State() == nil {
		t.Fatal("a second tap on the same spot erased everything")
	}
}

// firstButton is the data of the first inline button of the last reply
// with buttons: the spot a finger is on after a tap.
func firstButton(r []dialogs.Reply) string {
	for i := len(r) - 1; i >= 0; i-- {
		if len(r[i].Buttons) > 0 && len(r[i].Buttons[0]) > 0 {
			return r[i].Buttons[0][0].Data
		}
	}
	return ""
}

// Once the last appointment has passed, My appointments says so, with its
// date, and offers a new one, rather than that there never was one.
func TestMyAppointmentsAfterTheLastHasPassed(t *testing.T) {
	for _, lang := range someLanguages {
		t.Run(lang, func(t *testing.T) {
			p := dialogstest.New(t, lang)
			s := schedule(p)
			p.Engine.Register(orientation.Flow{}, privacy.Flow{}, booking.Flow{Schedule: s, Records: s, Calendar: fakeCalendar})
			p.Onboard()
			p.Expect(p.Press("bk:me"), "appts_none")
			book(t, p, s, "c1")
			p.Clock.Advance(3 * 24 * time.Hour)
			r := p.Press("bk:me")
			p.Expect(r, "appts_past", map[string]any{"What": p.Tr("what_coaching", map[string]any{"Coach": "Lotte"}), "Date": p.Engine.Texts.T(lang, "date_day", map[string]any{
				"Weekday": p.Tr("weekday_3"), "Day": 25, "Month": p.Tr("month_11")})})
			p.ExpectNot(r, "appts_none")
			if !dialogstest.Offered(r, "bk:lc:0") || !dialogstest.Offered(r, "bk:ls:0") {
				t.Fatalf("no way to book a new one:%s", dialogstest.Dump(r))
			}
		})
	}
}
