package schedule_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	ics "github.com/arran4/golang-ical"
	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs/booking"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/pseudonym"
	"github.com/werkwijzer/werkwijzer/schedule"
)

func TestMain(m *testing.M) { redistest.Main(m) }

var bxl = schedule.Brussels

func at(y int, mo time.Month, d, h, mi int) time.Time { return time.Date(y, mo, d, h, mi, 0, 0, bxl) }

func TestExampleFilesParse(t *testing.T) {
	slots, _ := os.ReadFile("slots.example.yaml")
	if items, err := schedule.ParseSlots(slots); err != nil || len(items) != 3 {
		t.Fatalf("slots example: %d items, %v", len(items), err)
	}
	sessions, _ := os.ReadFile("sessions.example.yaml")
	items, err := schedule.ParseSessions(sessions, at(2027, 1, 31, 0, 0))
	if err != nil {
		t.Fatalf("sessions example: %v", err)
	}
	ids := map[string]bool{}
	for _, it := range items {
		ids[it.ID] = true
	}
	for _, want := range []string{"onderwijstalent-kerst", "talentenwerf-2026-12-01", "talentenwerf-2026-12-15", "talentenstroom-2027-01-28"} {
		if !ids[want] {
			t.Errorf("sessions example lacks %s (has %v)", want, ids)
		}
	}
}

func TestBadFilesAreRefusedWithLineAndReason(t *testing.T) {
	slot := "slots:\n  - id: a-1\n    start: 2027-03-09 10:00\n    duration: 45m\n    coach: Lotte\n    languages: [nl]\n    place: phone\n"
	for _, tc := range []struct {
		name, file string
		line       int
		reason     string
	}{
		{"unknown field", slot + "    room: 3\n", 8, `unknown field "room"`},
		{"spring gap", strings.Replace(slot, "2027-03-09 10:00", "2027-03-28 02:30", 1), 3, "does not exist"},
		{"not a date", strings.Replace(slot, "2027-03-09 10:00", "9/3/2027 10u", 1), 3, "not a date"},
		{"language", strings.Replace(slot, "[nl]", "[nl, klingon]", 1), 6, `"klingon"`},
		{"duration", strings.Replace(slot, "45m", "long", 1), 4, "45m or 2h"},
		{"place", strings.Replace(slot, "phone", "pigeon", 1), 7, "address, phone or video"},
		{"address needed", strings.Replace(slot, "phone", "address", 1), 2, "missing address"},
		{"twice", slot + strings.TrimPrefix(slot, "slots:\n"), 8, "used twice (also on line 2)"},
	} {
		_, err := schedule.ParseSlots([]byte(tc.file))
		var le *schedule.LineError
		if !errors.As(err, &le) || le.Line != tc.line || !strings.Contains(le.Reason, tc.reason) {
			t.Errorf("%s: got %v, want line %d: …%s…", tc.name, err, tc.line, tc.reason)
		}
	}
	sched := "schedules:\n  - id: tw\n    house: talentenwerf\n    title: Bouw\n    every: 2 weeks\n    weekday: tuesday\n    time: \"10:00\"\n    from: 2026-12-01\n    duration: 2h\n    address: Noorderlaan 100\n    seats: 20\n    lang: nl\n"
	for _, tc := range []struct {
		name, file string
		line       int
		reason     string
	}{
		{"house", strings.Replace(sched, "talentenwerf", "talentenhuis", 1), 3, "house"},
		{"seats", strings.Replace(sched, "seats: 20", "seats: 0", 1), 11, "seats"},
		{"weekday", strings.Replace(sched, "from: 2026-12-01", "from: 2026-12-02", 1), 8, "is a wednesday"},
		{"every", strings.Replace(sched, "2 weeks", "fortnightly", 1), 5, "2 weeks"},
	} {
		_, err := schedule.ParseSessions([]byte(tc.file), at(2027, 3, 1, 0, 0))
		var le *schedule.LineError
		if !errors.As(err, &le) || le.Line != tc.line || !strings.Contains(le.Reason, tc.reason) {
			t.Errorf("%s: got %v, want line %d: …%s…", tc.name, err, tc.line, tc.reason)
		}
	}
}

// A session every Sunday at 10:00 stays at 10:00 Brussels time across the
// last Sunday of March and of October.
func TestScheduleKeepsLocalTimeAcrossSummerTime(t *testing.T) {
	file := func(from string) []byte {
		return []byte("schedules:\n  - id: tw\n    house: talentenwerf\n    title: Bouw\n    every: week\n    weekday: sunday\n    time: \"10:00\"\n    from: " + from + "\n    duration: 2h\n    address: X\n    seats: 5\n    lang: nl\n")
	}
	for _, tc := range []struct {
		from  string
		until time.Time
		want  []string // UTC starts
	}{
		{"2027-03-21", at(2027, 4, 5, 0, 0), []string{"2027-03-21T09:00:00Z", "2027-03-28T08:00:00Z", "2027-04-04T08:00:00Z"}},
		{"2027-10-24", at(2027, 11, 8, 0, 0), []string{"2027-10-24T08:00:00Z", "2027-10-31T09:00:00Z", "2027-11-07T09:00:00Z"}},
	} {
		items, err := schedule.ParseSessions(file(tc.from), tc.until)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range items {
			got = append(got, it.Start.UTC().Format(time.RFC3339))
			if it.Start.In(bxl).Hour() != 10 {
				t.Errorf("%s starts at %s in Brussels, want 10:00", it.ID, it.Start.In(bxl))
			}
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("from %s: starts %v, want %v", tc.from, got, tc.want)
		}
	}
}

func session(id string, start time.Time, seats int, sector string) schedule.Item {
	house := map[string]string{"construction": "talentenwerf", "port": "talentenstroom", "industry": "talentenfabriek", "education": "onderwijstalent"}[sector]
	file := fmt.Sprintf("sessions:\n  - id: %s\n    house: %s\n    title: T\n    start: %s\n    duration: 2h\n    address: Adres 1\n    seats: %d\n    lang: nl\n",
		id, house, start.In(bxl).Format("2006-01-02 15:04"), seats)
	items, err := schedule.ParseSessions([]byte(file), start.AddDate(1, 0, 0))
	if err != nil {
		panic(err)
	}
	return items[0]
}

func slot(id string, start time.Time, langs string) schedule.Item {
	file := fmt.Sprintf("slots:\n  - id: %s\n    start: %s\n    duration: 45m\n    coach: C\n    languages: [%s]\n    place: phone\n",
		id, start.In(bxl).Format("2006-01-02 15:04"), langs)
	items, err := schedule.ParseSlots([]byte(file))
	if err != nil {
		panic(err)
	}
	return items[0]
}

func newStore(t testing.TB) (*schedule.Store, redis.UniversalClient) {
	rdb, prefix := redistest.Client(t)
	return schedule.NewStore(rdb, prefix), rdb
}

func mustImport(t testing.TB, s *schedule.Store, kind schedule.Kind, now time.Time, items ...schedule.Item) schedule.ImportResult {
	t.Helper()
	res, err := s.Import(context.Background(), kind, items, now, schedule.ImportOptions{AllowCancel: true})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// 500 people press "book" on a session with 20 seats at the same moment:
// exactly 20 get a seat, the rest are told it is full, and nobody holds
// two.
func TestFiveHundredPressesTwentySeats(t *testing.T) {
	s, _ := newStore(t)
	now := at(2026, 11, 23, 10, 0)
	it := session("race", at(2026, 12, 1, 10, 0), 20, "construction")
	mustImport(t, s, schedule.KindSession, now, it)
	ctx := context.Background()
	counts := map[schedule.Outcome]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < 500; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			chat := int64(1000 + i%490) // ten people press twice
			r, _, err := s.Book(ctx, chat, it.ID, it.Version, now)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			counts[r.Outcome]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if counts[schedule.Booked] != 20 || counts[schedule.Booked]+counts[schedule.Full]+counts[schedule.Already] != 500 {
		t.Fatalf("outcomes %v: want exactly 20 booked, the rest full (or already theirs)", counts)
	}
	listed, _ := s.Sessions(ctx, nil, now, 0, 10)
	if len(listed) != 1 || listed[0].SeatsFree != 0 {
		t.Fatalf("after the race: %+v, want the session listed with no seat left", listed)
	}
}

func TestOneFutureCoachingSlotPerPerson(t *testing.T) {
	s, _ := newStore(t)
	now := at(2026, 11, 23, 10, 0)
	a, b := slot("a-1", at(2026, 11, 25, 9, 0), "nl"), slot("b-1", at(2026, 11, 26, 9, 0), "nl")
	mustImport(t, s, schedule.KindCoaching, now, a, b)
	ctx := context.Background()
	if r, _, _ := s.Book(ctx, 7, a.ID, a.Version, now); r.Outcome != schedule.Booked {
		t.Fatalf("first slot: %s", r.Outcome)
	}
	if r, _, _ := s.Book(ctx, 7, b.ID, b.Version, now); r.Outcome != schedule.HasCoaching {
		t.Fatalf("second slot: %s, want has_coaching", r.Outcome)
	}
	// Once the first is over, a new one may be booked.
	later := at(2026, 11, 25, 10, 0)
	if r, _, _ := s.Book(ctx, 7, b.ID, b.Version, later); r.Outcome != schedule.Booked {
		t.Fatalf("after the first slot: %s", r.Outcome)
	}
}

func TestChangedGoneAndPastAreToldApart(t *testing.T) {
	s, _ := newStore(t)
	now := at(2026, 11, 23, 10, 0)
	a := slot("a-1", at(2026, 11, 25, 9, 0), "nl")
	mustImport(t, s, schedule.KindCoaching, now, a)
	listedVersion := a.Version
	moved := slot("a-1", at(2026, 11, 25, 11, 0), "nl")
	mustImport(t, s, schedule.KindCoaching, now, moved)
	ctx := context.Background()
	if r, _, _ := s.Book(ctx, 7, a.ID, listedVersion, now); r.Outcome != schedule.Changed {
		t.Fatalf("booking a slot moved since listing: %s, want changed", r.Outcome)
	}
	if r, _, _ := s.Book(ctx, 7, "nope", "x", now); r.Outcome != schedule.Gone {
		t.Fatalf("unknown slot: %s", r.Outcome)
	}
	if r, _, _ := s.Book(ctx, 7, moved.ID, moved.Version, at(2026, 11, 25, 11, 0)); r.Outcome != schedule.Past {
		t.Fatalf("a slot that started: %s, want past", r.Outcome)
	}
	if l, _ := s.FreeSlots(ctx, "nl", at(2026, 11, 25, 11, 0), 0, 10); len(l) != 0 {
		t.Fatalf("past slots offered: %+v", l)
	}
}

func TestListingOrder(t *testing.T) {
	s, _ := newStore(t)
	now := at(2026, 11, 23, 10, 0)
	mustImport(t, s, schedule.KindCoaching, now,
		slot("nl-early", at(2026, 11, 24, 9, 0), "nl"),
		slot("ar-late", at(2026, 11, 27, 9, 0), "nl, ar"),
		slot("ar-early", at(2026, 11, 26, 9, 0), "ar"))
	ctx := context.Background()
	l, _ := s.FreeSlots(ctx, "ar", now, 0, 10)
	if len(l) != 3 || l[0].Item.ID != "ar-early" || l[1].Item.ID != "ar-late" || l[2].Item.ID != "nl-early" {
		t.Fatalf("slots for an Arabic speaker: %v, want the coaches who speak Arabic first, by time", ids(l))
	}
	if p, _ := s.FreeSlots(ctx, "ar", now, 2, 2); len(p) != 1 || p[0].Item.ID != "nl-early" {
		t.Fatalf("page 2: %v", ids(p))
	}
	mustImport(t, s, schedule.KindSession, now,
		session("bouw", at(2026, 12, 1, 10, 0), 20, "construction"),
		session("haven", at(2026, 12, 3, 10, 0), 20, "port"))
	l, _ = s.Sessions(ctx, []string{"port"}, now, 0, 10)
	if len(l) != 2 || l[0].Item.ID != "haven" || l[0].SeatsFree != 20 {
		t.Fatalf("sessions for someone who chose port: %v", ids(l))
	}
}

func ids(l []schedule.Listed) []string {
	var out []string
	for _, x := range l {
		out = append(out, x.Item.ID)
	}
	return out
}

func TestCancelGivesTheSeatToWhoWaitsFirst(t *testing.T) {
	s, _ := newStore(t)
	now := at(2026, 11, 23, 10, 0)
	it := session("klein", at(2026, 12, 1, 10, 0), 1, "port")
	mustImport(t, s, schedule.KindSession, now, it)
	ctx := context.Background()
	s.Book(ctx, 1, it.ID, it.Version, now)
	if r, _, _ := s.Book(ctx, 2, it.ID, it.Version, now); r.Outcome != schedule.Full {
		t.Fatalf("second: %s", r.Outcome)
	}
	for _, c := range []int64{2, 3} {
		if r, _ := s.JoinWaitlist(ctx, c, it.ID, now); r.Outcome != schedule.Waiting {
			t.Fatalf("join waiting list: %s", r.Outcome)
		}
	}
	r, err := s.Cancel(ctx, 1, it.ID, now)
	if err != nil || r.Outcome != schedule.Cancelled || r.Promoted != 2 {
		t.Fatalf("cancel: %+v %v, want the seat given to 2", r, err)
	}
	ap, _ := s.Appointments(ctx, 2, now)
	if len(ap) != 1 || ap[0].Waiting {
		t.Fatalf("promoted person's appointments: %+v", ap)
	}
	ap, _ = s.Appointments(ctx, 3, now)
	if len(ap) != 1 || !ap[0].Waiting {
		t.Fatalf("the second in line: %+v", ap)
	}
	if ap, _ := s.Appointments(ctx, 1, now); len(ap) != 0 {
		t.Fatalf("who cancelled still has %+v", ap)
	}
	// The promoted person is told at once and reminded; who cancelled
	// is not.
	due, _ := s.Due(ctx, at(2026, 12, 1, 9, 0), time.Minute, 10)
	if got := kindsOf(due); len(due) != 3 || got != "2:promoted 2:day 2:hours" {
		t.Fatalf("reminders: %+v, want person 2 told and both of their reminders", due)
	}
}

func TestMoveNeverEndsWithBothOrNone(t *testing.T) {
	s, _ := newStore(t)
	now := at(2026, 11, 23, 10, 0)
	a, b, c := slot("aa", at(2026, 11, 25, 9, 0), "nl"), slot("bb", at(2026, 11, 26, 9, 0), "nl"), slot("cc", at(2026, 11, 27, 9, 0), "nl")
	mustImport(t, s, schedule.KindCoaching, now, a, b, c)
	ctx := context.Background()
	s.Book(ctx, 1, a.ID, a.Version, now)
	s.Book(ctx, 2, c.ID, c.Version, now) // c is taken
	if r, _ := s.Move(ctx, 1, a.ID, b.ID, b.Version, now); r.Outcome != schedule.Booked {
		t.Fatalf("move to a free slot: %s", r.Outcome)
	}
	if r, _ := s.Move(ctx, 1, b.ID, c.ID, c.Version, now); r.Outcome != schedule.Full {
		t.Fatalf("move to a taken slot: %s", r.Outcome)
	}
	ap, _ := s.Appointments(ctx, 1, now)
	if len(ap) != 1 || ap[0].Item.ID != b.ID {
		t.Fatalf("after the moves: %+v, want exactly slot b", ap)
	}
	if l, _ := s.FreeSlots(ctx, "nl", now, 0, 10); len(l) != 1 || l[0].Item.ID != a.ID {
		t.Fatalf("free slots: %v, want a (given back)", ids(l))
	}
}

func TestReminderPlan(t *testing.T) {
	now := at(2026, 11, 20, 10, 0)
	for _, tc := range []struct {
		start time.Time
		want  []string
	}{
		{at(2026, 11, 25, 14, 0), []string{"day 2026-11-24 18:00", "hours 2026-11-25 12:00"}},
		{at(2026, 11, 25, 8, 30), []string{"day 2026-11-24 18:00", "hours 2026-11-25 08:00"}}, // out of the quiet hours
		{at(2026, 11, 25, 8, 15), []string{"day 2026-11-24 18:00", "hours 2026-11-25 06:15"}}, // cannot wait
		{at(2026, 11, 20, 15, 0), []string{"hours 2026-11-20 13:00"}},                         // booked the same day
	} {
		var got []string
		for _, r := range schedule.Plan(schedule.Item{ID: "x", Start: tc.start}, now) {
			got = append(got, string(r.Kind)+" "+r.Due.In(bxl).Format("2006-01-02 15:04"))
		}
		if strings.Join(got, ", ") != strings.Join(tc.want, ", ") {
			t.Errorf("start %s: %v, want %v", tc.start, got, tc.want)
		}
	}
}

// Each reminder goes to one of two claimers; one not acknowledged comes
// back after its lease; one acknowledged never; a cancelled booking's
// never.
func TestRemindersAreHandedOutOnce(t *testing.T) {
	s, _ := newStore(t)
	now := at(2026, 11, 23, 10, 0)
	it := session("s1", at(2026, 11, 25, 14, 0), 5, "port")
	mustImport(t, s, schedule.KindSession, now, it)
	ctx := context.Background()
	for _, c := range []int64{1, 2, 3} {
		s.Book(ctx, c, it.ID, it.Version, now)
	}
	s.Cancel(ctx, 3, it.ID, now)
	dayBefore := at(2026, 11, 24, 18, 0)
	var got [2][]schedule.Reminder
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func() { defer wg.Done(); got[i], _ = s.Due(ctx, dayBefore, 10*time.Minute, 10) }()
	}
	wg.Wait()
	all := append(got[0], got[1]...)
	if len(all) != 2 {
		t.Fatalf("day-before reminders handed out: %+v, want persons 1 and 2 once each", all)
	}
	for _, r := range all {
		if r.Chat == 3 {
			t.Fatal("a reminder for someone who cancelled")
		}
	}
	s.Ack(ctx, all[0])
	// The other sender died: after the lease its reminder comes back, once.
	if again, _ := s.Due(ctx, dayBefore.Add(5*time.Minute), 10*time.Minute, 10); len(again) != 0 {
		t.Fatalf("handed out again within the lease: %+v", again)
	}
	again, _ := s.Due(ctx, dayBefore.Add(11*time.Minute), 10*time.Minute, 10)
	if len(again) != 1 || again[0].Chat != all[1].Chat {
		t.Fatalf("after the lease: %+v, want the unacknowledged one", again)
	}
	s.Ack(ctx, again[0])
	if more, _ := s.Due(ctx, dayBefore.Add(time.Hour), 10*time.Minute, 10); len(more) != 0 {
		t.Fatalf("acknowledged reminders came back: %+v", more)
	}
}

func TestReimportMovesAndCancelsWithTheirPeople(t *testing.T) {
	s, _ := newStore(t)
	now := at(2026, 11, 23, 10, 0)
	a, b := session("aa", at(2026, 12, 1, 10, 0), 1, "port"), session("bb", at(2026, 12, 2, 10, 0), 1, "port")
	mustImport(t, s, schedule.KindSession, now, a, b)
	ctx := context.Background()
	s.Book(ctx, 1, a.ID, a.Version, now)
	s.Book(ctx, 2, b.ID, b.Version, now)
	s.JoinWaitlist(ctx, 3, b.ID, now)
	a2 := session("aa", at(2026, 12, 1, 14, 0), 1, "port")
	res := mustImport(t, s, schedule.KindSession, now, a2)
	if len(res.Moved) != 1 || res.Moved[0].Booked[0] != 1 || len(res.Cancelled) != 1 ||
		res.Cancelled[0].Booked[0] != 2 || res.Cancelled[0].Waiting[0] != 3 {
		t.Fatalf("re-import: %+v", res)
	}
	due, _ := s.Due(ctx, at(2026, 12, 1, 11, 59), time.Minute, 10)
	if got := kindsOf(due); got != "1:moved 2:cancelled 3:cancelled 1:day" {
		t.Fatalf("reminders after the move: %s, want the news for all three, then person 1's day-before only (the 2-hour one is now at 12:00)", got)
	}
	if ap, _ := s.Appointments(ctx, 2, now); len(ap) != 0 {
		t.Fatalf("a cancelled session is still an appointment: %+v", ap)
	}
}

func TestCalendarFileParsesBack(t *testing.T) {
	it := session("tw-2027-03-28", at(2027, 3, 28, 10, 0), 20, "construction") // the day summer time starts
	data := schedule.ICS(it, pseudonym.New([]byte("test")).Calendar(42), schedule.CalendarText{Summary: "Infosessie bouw", Location: "Noorderlaan 100, Antwerpen",
		Description: "Neem je identiteitskaart mee; een lange regel die over vijfenzeventig tekens gaat zodat ze gevouwen moet worden."}, at(2027, 3, 1, 9, 0))
	text := string(data)
	if strings.Count(text, "\r\n") < 10 || strings.Contains(strings.ReplaceAll(text, "\r\n", ""), "\n") {
		t.Fatal("not CRLF line ends throughout")
	}
	for _, line := range strings.Split(text, "\r\n") {
		if len(line) > 75 {
			t.Fatalf("line longer than 75 octets: %q", line)
		}
	}
	if strings.Contains(text, "42") && strings.Contains(text, "UID:") && strings.Contains(text, ":42") {
		t.Fatal("the chat id is in the file")
	}
	cal, err := ics.ParseCalendar(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	evs := cal.Events()
	if len(evs) != 1 || len(cal.Timezones()) != 1 {
		t.Fatalf("%d events, %d time zones", len(evs), len(cal.Timezones()))
	}
	start := evs[0].GetProperty(ics.ComponentPropertyDtStart)
	if start.Value != "20270328T100000" || start.ICalParameters["TZID"][0] != "Europe/Brussels" {
		t.Fatalf("DTSTART %q %v", start.Value, start.ICalParameters)
	}
	got, err := evs[0].GetStartAt()
	if err != nil || !got.Equal(time.Date(2027, 3, 28, 8, 0, 0, 0, time.UTC)) {
		t.Fatalf("start read back as %s (%v), want 08:00 UTC", got, err)
	}
	if loc := evs[0].GetProperty(ics.ComponentPropertyLocation); loc == nil || !strings.Contains(loc.Value, "Noorderlaan") {
		t.Fatalf("location: %+v", loc)
	}
}

func TestForgetFreesTheSeatAndLeavesNoTrace(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	s := schedule.NewStore(rdb, prefix)
	now := at(2026, 11, 23, 10, 0)
	it := session("ff", at(2026, 12, 1, 10, 0), 1, "port")
	other := session("gg", at(2026, 12, 2, 10, 0), 5, "port")
	mustImport(t, s, schedule.KindSession, now, it, other)
	ctx := context.Background()
	const who = 918273645
	s.Book(ctx, who, it.ID, it.Version, now)
	s.Book(ctx, who, other.ID, other.Version, now)
	s.JoinWaitlist(ctx, 5, it.ID, now)
	// Staff cancel the other session: news for the person is queued, and
	// it names them too.
	mustImport(t, s, schedule.KindSession, now, it)
	promoted, err := s.Forget(ctx, who, now)
	if err != nil || len(promoted) != 1 || promoted[0].Promoted != 5 {
		t.Fatalf("forget: %+v %v, want the seat given to 5", promoted, err)
	}
	keys, _ := rdb.Keys(ctx, prefix+":*").Result()
	if len(keys) == 0 {
		t.Fatal("no keys at all: the test would prove nothing")
	}
	for _, k := range keys {
		var vals []string
		switch rdb.Type(ctx, k).Val() {
		case "set":
			vals = rdb.SMembers(ctx, k).Val()
		case "list":
			vals = rdb.LRange(ctx, k, 0, -1).Val()
		case "zset":
			vals = rdb.ZRange(ctx, k, 0, -1).Val()
		case "hash":
			for f, v := range rdb.HGetAll(ctx, k).Val() {
				vals = append(vals, f, v)
			}
		}
		if strings.Contains(k+strings.Join(vals, " "), "918273645") {
			t.Fatalf("after /forget, %s still names the person: %v", k, vals)
		}
	}
}

// The embedded Redis (the no-configuration default) runs the same scripts.
func TestBookingOnEmbeddedRedis(t *testing.T) {
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	s := schedule.NewStore(rdb, "ww")
	now := at(2026, 11, 23, 10, 0)
	it := session("mm", at(2026, 12, 1, 10, 0), 1, "port")
	mustImport(t, s, schedule.KindSession, now, it)
	ctx := context.Background()
	for _, step := range []struct {
		do   func() (schedule.Result, error)
		want schedule.Outcome
	}{
		{func() (schedule.Result, error) { r, _, err := s.Book(ctx, 1, it.ID, it.Version, now); return r, err }, schedule.Booked},
		{func() (schedule.Result, error) { r, _, err := s.Book(ctx, 2, it.ID, it.Version, now); return r, err }, schedule.Full},
		{func() (schedule.Result, error) { return s.JoinWaitlist(ctx, 2, it.ID, now) }, schedule.Waiting},
		{func() (schedule.Result, error) { return s.Cancel(ctx, 1, it.ID, now) }, schedule.Cancelled},
	} {
		r, err := step.do()
		if err != nil || r.Outcome != step.want {
			t.Fatalf("%+v %v, want %s", r, err, step.want)
		}
	}
	if due, err := s.Due(ctx, at(2026, 12, 1, 9, 0), time.Minute, 5); err != nil || len(due) != 3 {
		t.Fatalf("reminders on miniredis: %+v %v", due, err)
	}
}

// BenchmarkBookingRace measures bookings a second when everyone presses
// "book" on the same sessions at once (20 seats each, many more people).
func BenchmarkBookingRace(b *testing.B) {
	s, _ := newStore(b)
	now := at(2026, 11, 23, 10, 0)
	ctx := context.Background()
	var items []schedule.Item
	for i := 0; i < b.N/25+1; i++ {
		items = append(items, session(fmt.Sprintf("race-%d", i), at(2026, 12, 1, 10, 0).Add(time.Duration(i)*time.Minute), 20, "port"))
	}
	mustImport(b, s, schedule.KindSession, now, items...)
	var n int64
	var mu sync.Mutex
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			mu.Lock()
			n++
			i := n
			mu.Unlock()
			it := items[int(i/25)%len(items)]
			if _, _, err := s.Book(ctx, 100000+i, it.ID, it.Version, now); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func TestNewsWaitsOutTheNightUnlessItCannot(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	s := schedule.NewStore(rdb, prefix)
	ctx := context.Background()
	night := at(2026, 11, 23, 22, 30)
	later := session("later", at(2026, 11, 24, 14, 0), 1, "port")
	early := session("early", at(2026, 11, 24, 8, 30), 1, "port")
	mustImport(t, s, schedule.KindSession, night.Add(-time.Hour), later, early)
	for _, it := range []schedule.Item{later, early} {
		s.Book(ctx, 1, it.ID, it.Version, night)
		s.JoinWaitlist(ctx, 2, it.ID, night)
		if r, err := s.Cancel(ctx, 1, it.ID, night); err != nil || r.Promoted != 2 {
			t.Fatalf("cancel %s: %+v %v", it.ID, r, err)
		}
	}
	due, _ := s.Due(ctx, night, time.Minute, 10)
	if got := kindsOf(due); got != "2:promoted" || due[0].Item != "early" {
		t.Fatalf("at 22:30: %s %+v, want only the news about the 08:30 session (it cannot wait)", got, due)
	}
	s.Ack(ctx, due[0])
	due, _ = s.Due(ctx, at(2026, 11, 24, 7, 59), time.Minute, 10)
	for _, r := range due {
		if r.Kind == schedule.Promoted {
			t.Fatalf("news sent at 07:59: %+v", r)
		}
	}
	due, _ = s.Due(ctx, at(2026, 11, 24, 8, 0), time.Minute, 10)
	found := false
	for _, r := range due {
		found = found || r.Kind == schedule.Promoted && r.Item == "later"
	}
	if !found {
		t.Fatalf("at 08:00: %s, want the news about the 14:00 session", kindsOf(due))
	}
}

func TestAttendanceIsMarkedOnceAndTellsThePerson(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	s := schedule.NewStore(rdb, prefix)
	ctx := context.Background()
	now := at(2026, 11, 23, 10, 0)
	it := slot("talk", at(2026, 11, 23, 11, 0), "nl")
	mustImport(t, s, schedule.KindCoaching, now, it)
	s.Book(ctx, 7, it.ID, it.Version, now)
	after := at(2026, 11, 23, 12, 0)
	s.Due(ctx, after, time.Minute, 10) // the reminders, out of the way
	if _, err := s.Attend(ctx, it.ID, 8, false, after); !errors.Is(err, schedule.ErrNotBooked) {
		t.Fatalf("someone without a seat: %v, want ErrNotBooked", err)
	}
	if changed, err := s.Attend(ctx, it.ID, 7, false, after); err != nil || !changed {
		t.Fatalf("no-show: %v %v", changed, err)
	}
	if changed, _ := s.Attend(ctx, it.ID, 7, false, after); changed {
		t.Fatal("a second press on Niet gekomen counted again")
	}
	if due, _ := s.Due(ctx, after, time.Minute, 10); kindsOf(due) != "7:noshow" {
		t.Fatalf("after the no-show: %s, want one message for 7", kindsOf(due))
	}
	if changed, _ := s.Attend(ctx, it.ID, 7, true, after); !changed {
		t.Fatal("a correction to Aanwezig was ignored")
	}
	if m, _ := s.Attendance(ctx, it.ID); len(m) != 1 || !m[7] {
		t.Fatalf("attendance: %v", m)
	}
}

// A sender that was down finds reminders and news overdue at night: the
// day-before reminder is dropped, news waits for 08:00 unless the
// appointment is too soon, the two-hour reminder goes.
func TestOverdueAtNight(t *testing.T) {
	night := at(2026, 11, 23, 23, 10)
	later := session("later", at(2026, 11, 24, 14, 0), 5, "port")
	early := session("early", at(2026, 11, 24, 8, 30), 5, "port")
	for _, tc := range []struct {
		kind schedule.ReminderKind
		it   *schedule.Item
		at   time.Time
		drop bool
		want time.Time
	}{
		{schedule.DayBefore, &later, night, true, time.Time{}},
		{schedule.HoursBefore, &early, night, false, time.Time{}},
		{schedule.Promoted, &later, night, false, at(2026, 11, 24, 8, 0)},
		{schedule.ItemCancelled, nil, night, false, at(2026, 11, 24, 8, 0)},
		{schedule.Promoted, &early, night, false, time.Time{}},
		{schedule.DayBefore, &later, at(2026, 11, 23, 20, 0), false, time.Time{}},
	} {
		until, drop := schedule.Hold(schedule.Reminder{Kind: tc.kind}, tc.it, tc.at)
		if drop != tc.drop || !until.Equal(tc.want) {
			t.Errorf("%s at %s: until %s drop %v, want %s %v", tc.kind, tc.at.Format("15:04"), until, drop, tc.want, tc.drop)
		}
	}
	rdb, prefix := redistest.Client(t)
	s := schedule.NewStore(rdb, prefix)
	ctx := context.Background()
	mustImport(t, s, schedule.KindSession, night.Add(-time.Hour), later)
	s.Book(ctx, 1, later.ID, later.Version, night.Add(-time.Hour))
	due, _ := s.Due(ctx, at(2026, 11, 24, 12, 0), time.Minute, 10)
	if len(due) == 0 {
		t.Fatal("nothing due")
	}
	if err := s.Later(ctx, due[0], at(2026, 11, 25, 8, 0)); err != nil {
		t.Fatal(err)
	}
	again, _ := s.Due(ctx, at(2026, 11, 25, 8, 0), time.Minute, 10)
	if got := kindsOf(again); !strings.Contains(got, fmt.Sprintf("%d:%s", due[0].Chat, due[0].Kind)) {
		t.Fatalf("put off until the 25th, then due: %s, want %d:%s back", got, due[0].Chat, due[0].Kind)
	}
}

// kindsOf lists claimed reminders as "chat:kind", in the order handed out.
func kindsOf(rs []schedule.Reminder) string {
	var out []string
	for _, r := range rs {
		out = append(out, fmt.Sprintf("%d:%s", r.Chat, r.Kind))
	}
	return strings.Join(out, " ")
}

// Records is everything the schedule keeps on a person, for /mydata: past
// and future appointments, waiting places, what staff marked and the
// reminders planned; and nothing of anyone else.
func TestRecordsAreEverythingKeptOnAPerson(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	s := schedule.NewStore(rdb, prefix)
	ctx := context.Background()
	now := at(2026, 11, 23, 9, 0)
	talk := slot("talk", at(2026, 11, 23, 11, 0), "nl")
	full := session("tw", at(2026, 11, 30, 10, 0), 1, "construction")
	mustImport(t, s, schedule.KindCoaching, now, talk)
	mustImport(t, s, schedule.KindSession, now, full)
	s.Book(ctx, 7, talk.ID, talk.Version, now)
	s.Book(ctx, 8, full.ID, full.Version, now)
	s.JoinWaitlist(ctx, 7, full.ID, now)
	after := at(2026, 11, 23, 12, 0)
	s.Attend(ctx, talk.ID, 7, false, after)
	b := &schedule.Booker{Store: s, Clock: clock.NewFake(after)}
	recs, err := b.Records(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Fatalf("%d records, want the past talk and the waiting place: %+v", len(recs), recs)
	}
	past, wait := recs[0], recs[1]
	if past.Slot.ID != "talk" || !past.Slot.Held || past.Came == nil || *past.Came || !slices.Contains(past.Planned, booking.NoShow) {
		t.Errorf("the talk: %+v (came %v), want held, marked absent, the no-show message planned", past, past.Came)
	}
	if wait.Slot.ID != "tw" || !wait.Slot.Waiting || wait.Slot.Held || wait.Came != nil {
		t.Errorf("the session: %+v, want a waiting place, nothing marked", wait)
	}
	if other, _ := b.Records(ctx, 9); len(other) != 0 {
		t.Errorf("someone who booked nothing has records: %+v", other)
	}
	s.Forget(ctx, 7, after)
	if recs, _ := b.Records(ctx, 7); len(recs) != 0 {
		t.Errorf("records after /forget: %+v", recs)
	}
}
