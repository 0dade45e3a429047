package schedule_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/internal/lease"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/pseudonym"
	"github.com/werkwijzer/werkwijzer/schedule"
	"github.com/werkwijzer/werkwijzer/schedule/calendartest"
)

// Once an appointment has started, a press on an old reminder's Cancel or
// Move changes nothing, nobody waiting is promoted into it, and attendance
// can be marked; before, attendance cannot.
func TestNothingChangesAfterTheStart(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	now := at(2026, 11, 23, 10, 0)
	talk, later := slot("talk", at(2026, 11, 24, 10, 0), "nl"), slot("later", at(2026, 11, 26, 10, 0), "nl")
	info := session("info", at(2026, 11, 24, 13, 0), 1, "port")
	mustImport(t, s, schedule.KindCoaching, now, talk, later)
	mustImport(t, s, schedule.KindSession, now, info)
	s.Book(ctx, 1, talk.ID, talk.Version, now)
	s.Book(ctx, 1, info.ID, info.Version, now)
	s.JoinWaitlist(ctx, 2, info.ID, now)
	if _, err := s.Attend(ctx, talk.ID, 1, false, at(2026, 11, 24, 9, 59)); !errors.Is(err, schedule.ErrNotStarted) || !errors.Is(err, dialogs.ErrInvalid) {
		t.Fatalf("attendance a minute before the start: %v, want ErrNotStarted", err)
	}
	start := at(2026, 11, 24, 10, 0)
	if r, _ := s.Cancel(ctx, 1, talk.ID, start); r.Outcome != schedule.Started {
		t.Fatalf("cancel at the start: %s, want started", r.Outcome)
	}
	if r, _ := s.Move(ctx, 1, talk.ID, later.ID, later.Version, start.Add(time.Hour)); r.Outcome != schedule.Started {
		t.Fatalf("move an hour after the start: %s, want started", r.Outcome)
	}
	if holders, _ := s.Holders(ctx, talk.ID); len(holders) != 1 || holders[0] != 1 {
		t.Fatalf("after the refused presses the seat is held by %v, want 1 still", holders)
	}
	if changed, err := s.Attend(ctx, talk.ID, 1, false, start); err != nil || !changed {
		t.Fatalf("attendance at the start: %v %v", changed, err)
	}
	if r, _ := s.Cancel(ctx, 1, info.ID, at(2026, 11, 24, 13, 30)); r.Outcome != schedule.Started || r.Promoted != 0 {
		t.Fatalf("cancel a session under way: %+v, want started and nobody promoted", r)
	}
	if ap, _ := s.Appointments(ctx, 2, at(2026, 11, 24, 12, 0)); len(ap) != 1 || !ap[0].Waiting {
		t.Fatalf("the person waiting: %+v, want still waiting", ap)
	}
	// /forget after the start gives nothing to whoever waits either.
	if promoted, err := s.Forget(ctx, 1, at(2026, 11, 24, 13, 30)); err != nil || len(promoted) != 0 {
		t.Fatalf("forget during the session: %+v %v, want nobody promoted into it", promoted, err)
	}
}

// A reminder or news whose moment has passed is dropped; a day-before
// reminder that can only go on the day itself still goes (worded for
// today by the conversation), unless the two-hour one is due too.
func TestRemindersDroppedOnceTheirMomentPassed(t *testing.T) {
	talk := session("talk", at(2026, 11, 24, 14, 0), 5, "port")
	for _, tc := range []struct {
		kind schedule.ReminderKind
		at   time.Time
		drop bool
	}{
		{schedule.DayBefore, at(2026, 11, 23, 18, 0), false},
		{schedule.DayBefore, at(2026, 11, 24, 9, 0), false},  // on the day, sender was down: goes, as "today"
		{schedule.DayBefore, at(2026, 11, 24, 12, 30), true}, // the two-hour one says it
		{schedule.HoursBefore, at(2026, 11, 24, 13, 59), false},
		{schedule.HoursBefore, at(2026, 11, 24, 14, 0), true},
		{schedule.DayBefore, at(2026, 11, 24, 15, 0), true},
		{schedule.Promoted, at(2026, 11, 24, 14, 5), true},
		{schedule.ItemMoved, at(2026, 11, 24, 16, 0), true},
		{schedule.VideoLink, at(2026, 11, 24, 14, 1), true},
		{schedule.NoShow, at(2026, 11, 24, 16, 0), false},
	} {
		if _, drop := schedule.Hold(schedule.Reminder{Kind: tc.kind}, &talk, tc.at); drop != tc.drop {
			t.Errorf("%s at %s: drop %v, want %v", tc.kind, tc.at.Format("02 15:04"), drop, tc.drop)
		}
	}
	// Through the queue: a sender down all day finds the reminders after
	// the session and sends neither.
	s, _ := newStore(t)
	ctx := context.Background()
	mustImport(t, s, schedule.KindSession, at(2026, 11, 20, 10, 0), talk)
	s.Book(ctx, 7, talk.ID, talk.Version, at(2026, 11, 20, 10, 0))
	after := at(2026, 11, 24, 15, 0)
	due, _ := s.Due(ctx, after, time.Minute, 10)
	if len(due) != 2 {
		t.Fatalf("due after the session: %s, want both reminders", kindsOf(due))
	}
	for _, r := range due {
		if _, action, err := s.Event(ctx, r, after); err != nil || action != lease.Drop {
			t.Errorf("%s after the session: action %v %v, want dropped", r.Kind, action, err)
		}
	}
}

// A confirmation may promise only the reminders still ahead.
func TestAheadIsWhatAConfirmationMayPromise(t *testing.T) {
	talk := slot("talk", at(2026, 11, 24, 10, 0), "nl")
	for _, tc := range []struct {
		now  time.Time
		want string
	}{
		{at(2026, 11, 20, 10, 0), "day hours"},
		{at(2026, 11, 23, 19, 0), "hours"}, // the evening before, after 18:00
		{at(2026, 11, 24, 9, 50), ""},      // ten minutes before
	} {
		var got []string
		for _, k := range schedule.Ahead(talk, tc.now) {
			got = append(got, string(k))
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("booked at %s: reminders %v, want %q", tc.now.Format("02 15:04"), got, tc.want)
		}
	}
}

// Raising a full session from 1 to 2 seats gives the new seat to the first
// person waiting at once; the seat holder is not told of a move, because
// nothing moved.
func TestRaisingSeatsPromotesAtOnce(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	now := at(2026, 11, 23, 10, 0)
	one := session("info", at(2026, 12, 1, 10, 0), 1, "port")
	mustImport(t, s, schedule.KindSession, now, one)
	s.Book(ctx, 1, one.ID, one.Version, now)
	s.JoinWaitlist(ctx, 2, one.ID, now)
	s.JoinWaitlist(ctx, 3, one.ID, now)
	two := session("info", at(2026, 12, 1, 10, 0), 2, "port")
	res := mustImport(t, s, schedule.KindSession, now, two)
	if len(res.Moved) != 0 || res.Updated != 1 || len(res.Promoted) != 1 || len(res.Promoted[0].Booked) != 1 || res.Promoted[0].Booked[0] != 2 {
		t.Fatalf("raise to 2 seats: %+v, want updated, nobody moved, 2 promoted", res)
	}
	if ap, _ := s.Appointments(ctx, 2, now); len(ap) != 1 || ap[0].Waiting {
		t.Fatalf("the first waiting: %+v, want a seat", ap)
	}
	if ap, _ := s.Appointments(ctx, 3, now); len(ap) != 1 || !ap[0].Waiting {
		t.Fatalf("the second waiting: %+v, want still waiting", ap)
	}
	if l, _ := s.Sessions(ctx, nil, now, 0, 5); len(l) != 1 || l[0].SeatsFree != 0 {
		t.Fatalf("listing: %+v, want full", l)
	}
	due, _ := s.Due(ctx, now, time.Minute, 10)
	if got := kindsOf(due); got != "2:promoted" {
		t.Fatalf("news: %s, want only the promotion of 2 (nothing for 1: it did not move)", got)
	}
	// A new address is a move; the same address with a new title is not.
	retitled := two
	retitled.Title = "Haven en logistiek"
	if res := mustImport(t, s, schedule.KindSession, now, retitled); len(res.Moved) != 0 || res.Updated != 1 {
		t.Fatalf("a new title: %+v, want updated, nobody told of a move", res)
	}
	moved := retitled
	moved.Address = "Kanaaldok 2"
	if res := mustImport(t, s, schedule.KindSession, now, moved); len(res.Moved) != 1 {
		t.Fatalf("a new address: %+v, want a move told to its holders", res)
	}
}

// A file that lacks booked items is refused without AllowCancel and
// changes nothing; a dry run says what would happen and changes nothing.
func TestImportThatWouldCancelBookings(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	now := at(2026, 11, 23, 10, 0)
	a, b, c := slot("aa", at(2026, 11, 25, 9, 0), "nl"), slot("bb", at(2026, 11, 26, 9, 0), "nl"), slot("cc", at(2026, 11, 27, 9, 0), "nl")
	mustImport(t, s, schedule.KindCoaching, now, a, b, c)
	s.Book(ctx, 1, b.ID, b.Version, now)
	past := slot("old", at(2026, 11, 20, 9, 0), "nl")
	dry, err := s.Import(ctx, schedule.KindCoaching, []schedule.Item{past}, now, schedule.ImportOptions{DryRun: true})
	if err != nil || len(dry.Cancelled) != 3 || len(dry.CancelsBookings()) != 1 || dry.CancelsBookings()[0].Booked[0] != 1 || dry.Started != 1 {
		t.Fatalf("dry run: %+v %v, want 3 cancelled (one with person 1), the past one left alone", dry, err)
	}
	if _, err := s.Import(ctx, schedule.KindCoaching, []schedule.Item{past}, now, schedule.ImportOptions{}); !errors.Is(err, schedule.ErrWouldCancel) {
		t.Fatalf("without AllowCancel: %v, want ErrWouldCancel", err)
	}
	if l, _ := s.FreeSlots(ctx, "nl", now, 0, 10); len(l) != 2 {
		t.Fatalf("after the refused and the dry imports: %v, want a and c still free", ids(l))
	}
	if ap, _ := s.Appointments(ctx, 1, now); len(ap) != 1 {
		t.Fatalf("the booking: %+v, want kept", ap)
	}
	// Taking out slots nobody booked needs no flag.
	if res, err := s.Import(ctx, schedule.KindCoaching, []schedule.Item{b}, now, schedule.ImportOptions{}); err != nil || len(res.Cancelled) != 2 {
		t.Fatalf("taking out free slots: %+v %v", res, err)
	}
	if res, err := s.Import(ctx, schedule.KindCoaching, nil, now, schedule.ImportOptions{AllowCancel: true}); err != nil || len(res.CancelsBookings()) != 1 {
		t.Fatalf("with AllowCancel: %+v %v", res, err)
	}
	if ap, _ := s.Appointments(ctx, 1, now); len(ap) != 0 {
		t.Fatalf("after the allowed cancel: %+v", ap)
	}
}

func TestMalformedTimesAreReportedAsMalformed(t *testing.T) {
	slotFile := "slots:\n  - id: a-1\n    start: 2026-12-10 9:00\n    duration: 45m\n    coach: Lotte\n    languages: [nl]\n    place: phone\n"
	_, err := schedule.ParseSlots([]byte(slotFile))
	if err == nil || !strings.Contains(err.Error(), "write 2026-12-10 09:00") || strings.Contains(err.Error(), "summer") {
		t.Fatalf("start 9:00: %v, want malformed with the right way to write it", err)
	}
	sched := "schedules:\n  - id: tw\n    house: talentenwerf\n    title: Bouw\n    every: week\n    weekday: tuesday\n    time: \"9:00\"\n    from: 2026-12-01\n    duration: 2h\n    address: X\n    seats: 5\n    lang: nl\n"
	if _, err := schedule.ParseSessions([]byte(sched), at(2027, 1, 1, 0, 0)); err == nil || !strings.Contains(err.Error(), `write "09:00"`) {
		t.Fatalf("time 9:00: %v", err)
	}
	if _, err := schedule.ParseSlots([]byte(strings.Replace(slotFile, "2026-12-10 9:00", "2027-03-28 02:30", 1))); err == nil || !strings.Contains(err.Error(), "summer time") {
		t.Fatalf("a real gap is still told as one: %v", err)
	}
}

// Sessions carry their languages, an interpreter flag, and titles and
// descriptions per language with Dutch as the fallback; slots their
// coach's Slack id and a video link.
func TestLanguagesInterpretersAndTitles(t *testing.T) {
	file := `sessions:
  - id: bouw
    house: talentenwerf
    title:
      nl: Werken in de bouw
      ar: العمل في البناء
      en: Working in construction
    description:
      nl: Breng je identiteitskaart mee.
      en: Bring your identity card.
    start: 2026-12-01 10:00
    duration: 2h
    address: Noorderlaan 100
    seats: 20
    languages: [nl, en]
    interpreter: yes
`
	items, err := schedule.ParseSessions([]byte(file), at(2027, 1, 1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	it := items[0]
	if it.Title != "Werken in de bouw" || it.Titles["ar"] != "العمل في البناء" || it.Descriptions["en"] != "Bring your identity card." ||
		it.Descriptions["nl"] != "Breng je identiteitskaart mee." || !it.Interpreter || strings.Join(it.Languages, ",") != "nl,en" {
		t.Fatalf("parsed %+v", it)
	}
	for _, bad := range []struct{ from, to, want string }{
		{"      nl: Werken in de bouw\n", "", "give the Dutch text too"},
		{"interpreter: yes", "interpreter: maybe", "yes or no"},
		{"languages: [nl, en]", "languages: [nl, xx]", `"xx"`},
		{"    languages: [nl, en]\n", "    languages: [nl]\n    lang: nl\n", "not both"},
	} {
		if _, err := schedule.ParseSessions([]byte(strings.Replace(file, bad.from, bad.to, 1)), at(2027, 1, 1, 0, 0)); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%q → %q: %v, want …%s…", bad.from, bad.to, err, bad.want)
		}
	}
	slots := "slots:\n  - id: v-1\n    start: 2026-12-10 09:00\n    duration: 45m\n    coach: Olena\n    slack: U0123ABCD\n    languages: [nl, uk]\n    interpreter: yes\n    place: video\n    link: https://meet.example.org/werk-1\n"
	got, err := schedule.ParseSlots([]byte(slots))
	if err != nil || got[0].CoachStaff != "U0123ABCD" || got[0].Link != "https://meet.example.org/werk-1" || !got[0].Interpreter {
		t.Fatalf("slot: %+v %v", got, err)
	}
	if _, err := schedule.ParseSlots([]byte(strings.Replace(slots, "https://", "http://", 1))); err == nil || !strings.Contains(err.Error(), "https://") {
		t.Fatalf("a plain http link: %v", err)
	}
}

// A coach's link for a video talk: kept with the talk, and sent at once to
// whoever holds it when the two-hour reminder (which carries it) is past.
func TestVideoLinkFromTheCoach(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	now := at(2026, 11, 23, 10, 0)
	items, _ := schedule.ParseSlots([]byte("slots:\n  - id: v-1\n    start: 2026-11-24 11:00\n    duration: 45m\n    coach: Olena\n    languages: [nl]\n    place: video\n"))
	mustImport(t, s, schedule.KindCoaching, now, items[0])
	s.Book(ctx, 7, "v-1", "", now)
	if told, err := s.SetLink(ctx, "v-1", "https://meet.example.org/a", now); err != nil || told != 0 {
		t.Fatalf("link a day ahead: told %d %v, want 0 (the reminder carries it)", told, err)
	}
	if it, _ := s.Get(ctx, "v-1"); it.Link != "https://meet.example.org/a" {
		t.Fatalf("link not kept: %+v", it)
	}
	late := at(2026, 11, 24, 10, 0)
	if told, err := s.SetLink(ctx, "v-1", "https://meet.example.org/b", late); err != nil || told != 1 {
		t.Fatalf("link an hour before: told %d %v, want 1", told, err)
	}
	due, _ := s.Due(ctx, late, time.Minute, 10)
	if !strings.Contains(kindsOf(due), "7:link") {
		t.Fatalf("due: %s, want the link for 7", kindsOf(due))
	}
	if _, err := s.SetLink(ctx, "v-1", "javascript:alert(1)", late); !errors.Is(err, dialogs.ErrInvalid) {
		t.Fatalf("a bad link: %v", err)
	}
	if _, err := s.SetLink(ctx, "nope", "https://meet.example.org/c", late); !errors.Is(err, dialogs.ErrNotFound) {
		t.Fatalf("an unknown talk: %v", err)
	}
}

// The items listing shows seats taken and left and who waits.
func TestListShowsSeatsAndWaiting(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	now := at(2026, 11, 23, 10, 0)
	mustImport(t, s, schedule.KindCoaching, now, slot("talk", at(2026, 11, 24, 9, 0), "nl"))
	mustImport(t, s, schedule.KindSession, now, session("info", at(2026, 11, 24, 13, 0), 1, "port"), session("next", at(2026, 11, 30, 13, 0), 5, "port"))
	s.Book(ctx, 1, "info", "", now)
	s.JoinWaitlist(ctx, 2, "info", now)
	all, err := s.List(ctx, at(2026, 11, 24, 0, 0), at(2026, 11, 25, 0, 0))
	if err != nil || len(all) != 2 || all[0].Item.ID != "talk" || all[1].Item.ID != "info" ||
		all[1].Taken != 1 || all[1].Left != 0 || all[1].Queued != 1 || all[0].Left != 1 {
		t.Fatalf("list of the 24th: %+v %v", all, err)
	}
}

// The calendar files of one booking share a UID; every change raises
// SEQUENCE; a cancellation is a METHOD:CANCEL; two parsers read each the
// same.
func TestCalendarFilesUpdateAndCancel(t *testing.T) {
	it := session("tw-2027-03-28", at(2027, 3, 28, 10, 0), 20, "construction") // the day summer time starts
	text := schedule.CalendarText{Key: "tw", Summary: "Infosessie bouw", Location: "Noorderlaan 100, Antwerpen",
		Description: "Neem je identiteitskaart mee; een lange regel die over vijfenzeventig tekens gaat zodat ze gevouwen moet worden."}
	ref42 := pseudonym.New([]byte("test")).Calendar(42)
	first := calendartest.Parse(t, schedule.ICS(it, ref42, text, at(2027, 3, 1, 9, 0)))
	if first.Method != "PUBLISH" || first.Sequence != 0 || first.Status != "CONFIRMED" || first.TZID != "Europe/Brussels" ||
		!first.Start.Equal(time.Date(2027, 3, 28, 8, 0, 0, 0, time.UTC)) || !strings.Contains(first.Location, "Noorderlaan") {
		t.Fatalf("first file: %+v", first)
	}
	if first.UID != schedule.UID("tw", ref42) || strings.Contains(first.UID, "42") {
		t.Fatalf("UID %q: want schedule.UID, without the chat id", first.UID)
	}
	moved := it
	moved.Start = at(2027, 3, 28, 11, 0)
	text.Seq = 1
	second := calendartest.Parse(t, schedule.ICS(moved, ref42, text, at(2027, 3, 2, 9, 0)))
	if second.UID != first.UID || second.Sequence != 1 || !second.Start.Equal(time.Date(2027, 3, 28, 9, 0, 0, 0, time.UTC)) {
		t.Fatalf("moved file: %+v, want the same UID, SEQUENCE 1, 11:00", second)
	}
	text.Seq, text.Cancel = 2, true
	gone := calendartest.Parse(t, schedule.ICS(moved, ref42, text, at(2027, 3, 3, 9, 0)))
	if gone.Method != "CANCEL" || gone.Status != "CANCELLED" || gone.UID != first.UID || gone.Sequence != 2 {
		t.Fatalf("cancellation: %+v", gone)
	}
	if other := calendartest.Parse(t, schedule.ICS(it, pseudonym.New([]byte("test")).Calendar(43), text, at(2027, 3, 1, 9, 0))); other.UID == first.UID {
		t.Fatal("two people's files share a UID")
	}
}

// Every booking key has a lifetime (that of its item, or at least that
// of its person), but the two queues listed as permanent on purpose.
func TestEveryBookingKeyExpires(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	s := schedule.NewStore(rdb, prefix)
	s.Retention = 24 * time.Hour // shorter than the items: the person's list must outlive it
	ctx := context.Background()
	now := at(2026, 11, 23, 10, 0)
	a, b := slot("aa", at(2026, 11, 25, 9, 0), "nl"), slot("bb", at(2026, 11, 26, 9, 0), "nl")
	info := session("info", at(2026, 11, 27, 13, 0), 1, "port")
	gone := session("gone", at(2026, 11, 28, 13, 0), 5, "port")
	mustImport(t, s, schedule.KindCoaching, now, a, b)
	mustImport(t, s, schedule.KindSession, now, info, gone)
	s.Book(ctx, 1, a.ID, a.Version, now)
	s.Move(ctx, 1, a.ID, b.ID, b.Version, now)
	s.Book(ctx, 1, info.ID, info.Version, now)
	s.JoinWaitlist(ctx, 2, info.ID, now)
	s.JoinWaitlist(ctx, 3, info.ID, now)
	s.Book(ctx, 4, gone.ID, gone.Version, now)
	s.Cancel(ctx, 1, info.ID, now)
	mustImport(t, s, schedule.KindSession, now, session("info", at(2026, 11, 27, 13, 0), 3, "port")) // more seats; gone is taken out
	s.Attend(ctx, b.ID, 1, true, at(2026, 11, 26, 9, 30))
	keys, _ := rdb.Keys(ctx, prefix+":*").Result()
	if len(keys) < 8 {
		t.Fatalf("only %d keys: %v", len(keys), keys)
	}
	for _, k := range keys {
		ttl := rdb.PTTL(ctx, k).Val()
		name := strings.TrimPrefix(k, prefix+":")
		permanent := false
		for _, p := range schedule.Permanent {
			permanent = permanent || name == p
		}
		switch {
		case permanent && ttl >= 0:
			t.Errorf("%s is listed as permanent but expires", k)
		case !permanent && ttl < 0:
			t.Errorf("%s has no lifetime", k)
		case strings.Contains(k, ":person:") && ttl < 30*24*time.Hour:
			// a retention of a day, but it names talks kept a month after they end
			t.Errorf("%s lives %s, less than the items it names", k, ttl)
		}
	}
}
