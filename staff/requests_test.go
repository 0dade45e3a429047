package staff_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/handover"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/outreach"
	"github.com/werkwijzer/werkwijzer/pseudonym"
	"github.com/werkwijzer/werkwijzer/schedule"
	"github.com/werkwijzer/werkwijzer/staff"
	"github.com/werkwijzer/werkwijzer/staff/slacktest"
)

var brussels = clock.Brussels

// world is Redis, a fake Slack and a clock shared by the staff sides of
// several instances, and the staff events they inject.
type world struct {
	t        testing.TB
	rdb      redis.UniversalClient
	prefix   string
	f        *fakeSlack
	clock    *clock.Fake
	refs     *pseudonym.Key
	mu       sync.Mutex
	injected []dialogs.Event
}

func newWorld(t testing.TB, now time.Time) *world {
	t.Helper()
	rdb, prefix := redistest.Client(t)
	return &world{t: t, rdb: rdb, prefix: prefix, f: newFakeSlack(t), clock: clock.NewFake(now), refs: pseudonym.New([]byte(prefix))}
}

// staff is one instance's staff side in w.
func (w *world) staff() *staff.Staff {
	hours, _ := clock.ParseOfficeHours(clock.DefaultOfficeHours)
	s := staff.New(w.rdb, w.prefix, w.f.Client(), staff.Config{DefaultChannel: "C1"}, handover.Desk{Hours: hours, Wait: 30 * time.Minute},
		w.refs, w.clock, slog.New(slog.NewTextHandler(w.t.Output(), nil)))
	s.Inject = func(ctx context.Context, ev dialogs.Event) (int, error) {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.injected = append(w.injected, ev)
		return 1, nil
	}
	s.Team = &staff.Team{Staff: []string{"U1", "U-LOTTE", "U-KOEN"}, Admins: []string{"U-ADMIN"}}
	s.Eraser = w.f.AdminClient()
	return s
}

func (w *world) setNow(t time.Time) { w.clock.Set(t) }

func (w *world) events() []dialogs.Event {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]dialogs.Event(nil), w.injected...)
}

func handoverTurn(chat int64, update int64, at time.Time) *dialogs.Turn {
	return &dialogs.Turn{ChatID: chat, Update: update, Notes: []dialogs.Note{{
		ID: fmt.Sprintf("n%d", update), Kind: dialogs.NoteHandover, Lang: "ti", At: at, AtQuestion: "Opleiding"}}}
}

func TestTakeIsGivenToOneStaffMember(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, brussels)
	s := newWorld(t, now).staff()
	ctx := context.Background()
	if err := s.Deliver(ctx, handoverTurn(77, 1, now)); err != nil {
		t.Fatal(err)
	}
	ref := s.Ref(77)
	var wg sync.WaitGroup
	results := make([]error, 12)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, results[i] = s.Requests.Take(ctx, ref, fmt.Sprintf("U%d", i), "Naam", "C1", "1.1")
		}()
	}
	wg.Wait()
	var winners, told int
	for _, err := range results {
		switch {
		case err == nil:
			winners++
		case errors.Is(err, staff.ErrTaken):
			told++
		default:
			t.Fatalf("take: %v", err)
		}
	}
	if winners != 1 || told != len(results)-1 {
		t.Fatalf("%d took it and %d were told someone has it; want 1 and %d", winners, told, len(results)-1)
	}
	if _, err := s.Requests.Take(ctx, "WW-NOSUCHREF", "U1", "Naam", "C1", "1.1"); !errors.Is(err, staff.ErrClosed) {
		t.Fatalf("take of an unknown request: %v, want ErrClosed", err)
	}
	r, err := s.Requests.ByThread(ctx, "C1", "1.1")
	if err != nil || r == nil || r.Chat != 77 {
		t.Fatalf("thread lookup after take: %+v, %v", r, err)
	}
	if back, _ := s.Requests.Back(ctx, ref); back == nil {
		t.Fatal("hand back of a taken request did nothing")
	}
	if r, _ := s.Requests.ByThread(ctx, "C1", "1.1"); r != nil {
		t.Fatalf("thread still routes to the person after hand back: %+v", r)
	}
}

// A request nobody takes is raised again once, across instances, only in
// office hours, and never once taken.
func TestUntakenRequestIsRaisedAgainOnce(t *testing.T) {
	asked := time.Date(2026, 11, 23, 10, 0, 0, 0, brussels) // a Monday
	w := newWorld(t, asked)
	a, b := w.staff(), w.staff()
	rdb, prefix := w.rdb, w.prefix
	ctx := context.Background()
	if err := a.Deliver(ctx, handoverTurn(88, 1, asked)); err != nil {
		t.Fatal(err)
	}
	raise := func(at time.Time) {
		w.setNow(at)
		var wg sync.WaitGroup
		for _, s := range []*staff.Staff{a, b} {
			wg.Add(1)
			go func() { defer wg.Done(); s.RaiseAgain(ctx) }()
		}
		wg.Wait()
	}
	again := func() int {
		n := 0
		for _, m := range rdb.XRange(ctx, staff.StreamKey(prefix), "-", "+").Val() {
			var x staff.Notification
			json.Unmarshal([]byte(m.Values["n"].(string)), &x)
			if x.Again > 0 {
				n++
			}
		}
		return n
	}
	raise(asked.Add(29 * time.Minute))
	if again() != 0 || len(w.events()) != 0 {
		t.Fatalf("raised before the wait was over: %d, told %d", again(), len(w.events()))
	}
	raise(asked.Add(31 * time.Minute))
	if ev := w.events(); again() != 1 || len(ev) != 1 || ev[0].Command != handover.StaffStillWaiting || ev[0].ChatID != 88 {
		t.Fatalf("after the wait: %d raised, person told %+v; want once each", again(), ev)
	}
	raise(asked.Add(40 * time.Minute))
	if again() != 1 {
		t.Fatalf("raised again %d times within one wait", again())
	}
	// Monday evening: the team is gone; nothing until it opens again.
	raise(time.Date(2026, 11, 23, 22, 0, 0, 0, brussels))
	if again() != 1 {
		t.Fatal("raised outside office hours")
	}
	raise(time.Date(2026, 11, 24, 9, 1, 0, 0, brussels))
	if again() != 2 || len(w.events()) != 2 {
		t.Fatalf("not raised when the team came back: %d", again())
	}
	if _, err := a.Requests.Take(ctx, a.Ref(88), "U1", "Lotte", "C1", "1.5"); err != nil {
		t.Fatal(err)
	}
	raise(time.Date(2026, 11, 24, 12, 0, 0, 0, brussels))
	if again() != 2 {
		t.Fatal("raised again after someone took it")
	}
}

// A request outside office hours is due the wait after the next opening.
func TestRequestAtNightIsDueAfterOpening(t *testing.T) {
	asked := time.Date(2026, 11, 28, 23, 0, 0, 0, brussels) // Saturday night
	w := newWorld(t, asked)
	s := w.staff()
	ctx := context.Background()
	s.Deliver(ctx, handoverTurn(99, 1, asked))
	for _, tc := range []struct {
		at   time.Time
		want int
	}{
		{time.Date(2026, 11, 30, 9, 20, 0, 0, brussels), 0},
		{time.Date(2026, 11, 30, 9, 31, 0, 0, brussels), 1},
	} {
		w.setNow(tc.at)
		s.RaiseAgain(ctx)
		if got := len(w.events()); got != tc.want {
			t.Fatalf("at %s: person told %d times, want %d", tc.at, got, tc.want)
		}
	}
}

// A turn delivered twice (a crash before it was marked delivered) tells
// staff once, and counts once.
func TestSameTurnDeliveredTwiceNotifiesOnce(t *testing.T) {
	w := newWorld(t, time.Date(2026, 11, 23, 10, 0, 0, 0, brussels))
	s, rdb, prefix, f := w.staff(), w.rdb, w.prefix, w.f
	ctx := context.Background()
	turn := &dialogs.Turn{ChatID: 5, Update: 9, Notes: []dialogs.Note{{ID: "x.0", Kind: dialogs.NoteSignup, Lang: "pl", At: w.clock.Now()}}}
	for i := 0; i < 2; i++ {
		if err := s.Deliver(ctx, turn); err != nil {
			t.Fatal(err)
		}
	}
	if n := rdb.XLen(ctx, staff.StreamKey(prefix)).Val(); n != 1 {
		t.Fatalf("%d notifications queued for one signup delivered twice, want 1", n)
	}
	run(t, s.Outbox, "p1")
	waitPosted(t, f, rdb, prefix, 1)
	if got := len(f.Posts()); got != 1 {
		t.Fatalf("%d posts for one signup delivered twice, want 1", got)
	}
	st, err := s.Stats(ctx)
	if err != nil || st.SignupsToday != 1 || st.SignupsWeek != 1 {
		t.Fatalf("stats %+v, %v: want one signup today and this week", st, err)
	}
}

// A signup says where the person came from, when a sign-up link brought
// them.
func TestSignupSaysWhereThePersonCameFrom(t *testing.T) {
	w := newWorld(t, time.Date(2026, 11, 23, 10, 0, 0, 0, brussels))
	s := w.staff()
	src := &dialogs.Source{Code: "c1", Partner: "moskee-attaqwa", Place: "Borgerhout"}
	if err := s.Deliver(context.Background(), &dialogs.Turn{ChatID: 3, Update: 1, Notes: []dialogs.Note{
		{ID: "s1", Kind: dialogs.NoteSignup, Lang: "ar", At: w.clock.Now(), Source: src},
		{ID: "s2", Kind: dialogs.NoteLinkOpened, Lang: "ar", At: w.clock.Now(), Source: src}, // for the funnel, not staff
	}}); err != nil {
		t.Fatal(err)
	}
	run(t, s.Outbox, "p1")
	waitPosted(t, w.f, w.rdb, w.prefix, 1)
	posts := w.f.Posts()
	if len(posts) != 1 || !slices.Contains(fieldTexts(posts[0].Blocks), "*Via*\nmoskee-attaqwa · Borgerhout") {
		t.Fatalf("signup post: %d posts, fields %q", len(posts), fieldTexts(posts[0].Blocks))
	}
}

// Last week's figures go out once on Monday morning, one message per
// partner, however many instances tick.
func TestWeeklyDigestOncePerPartner(t *testing.T) {
	w := newWorld(t, time.Date(2026, 11, 30, 8, 59, 0, 0, brussels)) // Monday, before nine
	digest := &digester{w: w, weeks: []outreach.PartnerWeek{
		{Partner: "buurthuis-kiel", Name: "Buurthuis Kiel", Stages: []outreach.Labelled{{Label: "Link geopend", Count: 4}}},
		{Partner: "moskee-attaqwa", Name: "Moskee At-Taqwa", Stages: []outreach.Labelled{{Label: "Link geopend", Count: 2}}},
	}}
	a, b := w.staff(), w.staff()
	a.Digest, b.Digest = digest, digest
	ctx := context.Background()
	tick := func() {
		var wg sync.WaitGroup
		for _, s := range []*staff.Staff{a, b, a} {
			wg.Add(1)
			go func() { defer wg.Done(); s.WeeklyDigest(ctx) }()
		}
		wg.Wait()
	}
	queued := func() int { return int(w.rdb.XLen(ctx, staff.StreamKey(w.prefix)).Val()) }
	tick()
	if queued() != 0 {
		t.Fatal("digest before nine on Monday")
	}
	w.setNow(time.Date(2026, 11, 30, 9, 0, 30, 0, brussels))
	tick()
	tick()
	if got := queued(); got != 2 {
		t.Fatalf("%d digest messages queued, want one per partner (2)", got)
	}
	if want := time.Date(2026, 11, 23, 0, 0, 0, 0, brussels); !digest.asked[0].Equal(want) {
		t.Fatalf("digest of the week from %s, want last week's Monday %s", digest.asked[0], want)
	}
	w.setNow(time.Date(2026, 12, 1, 9, 0, 0, 0, brussels)) // Tuesday: nothing new
	tick()
	run(t, a.Outbox, "p1")
	waitPosted(t, w.f, w.rdb, w.prefix, 2)
	p := w.f.Posts()[0]
	if header(p.Blocks) != "Weekoverzicht inschrijflinks" || !slices.Contains(fieldTexts(p.Blocks), "*Week*\n2026-W48") {
		t.Fatalf("digest post: %q %q", header(p.Blocks), fieldTexts(p.Blocks))
	}
}

// When the person cannot be told that someone took over, the request goes
// back to waiting, so that a second press works.
func TestTakeThatCannotReachThePersonIsUndone(t *testing.T) {
	w := newWorld(t, time.Date(2026, 11, 23, 10, 0, 0, 0, brussels))
	w.f.AddUser("U1", "Lotte")
	s := w.staff()
	s.SigningSecret = "shh"
	fail := true
	s.Inject = func(ctx context.Context, ev dialogs.Event) (int, error) {
		if fail {
			return 0, errors.New("telegram down")
		}
		return 1, nil
	}
	ctx := context.Background()
	if err := s.Deliver(ctx, handoverTurn(12, 1, w.clock.Now())); err != nil {
		t.Fatal(err)
	}
	press := func() int {
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, slacktest.Signed("shh", "/slack/actions", slacktest.Form,
			slacktest.BlockAction("U1", "C1", "1.1", staff.ActionHandoverTake, s.Ref(12)), time.Now()))
		return rec.Code
	}
	if code := press(); code != http.StatusOK {
		t.Fatalf("press: %d", code)
	}
	r, _ := s.Requests.Get(ctx, s.Ref(12))
	if r == nil || r.Active {
		t.Fatalf("after a take the person never heard of: %+v, want the request waiting again", r)
	}
	posts := w.f.Posts()
	if len(posts) == 0 || !strings.Contains(posts[len(posts)-1].Text, "opnieuw op *Overnemen*") {
		t.Fatalf("staff not told to press again: %+v", posts)
	}
	fail = false
	press()
	if r, _ := s.Requests.Get(ctx, s.Ref(12)); r == nil || !r.Active || r.Name != "Lotte" {
		t.Fatalf("second press: %+v", r)
	}
}

// digester hands out fixed weeks and remembers which Mondays it was asked.
type digester struct {
	w     *world
	weeks []outreach.PartnerWeek
	asked []time.Time
}

func (d *digester) Digest(_ context.Context, monday time.Time) ([]outreach.PartnerWeek, error) {
	d.w.mu.Lock()
	defer d.w.mu.Unlock()
	d.asked = append(d.asked, monday)
	return d.weeks, nil
}

// attendance answers every mark with err.
type attendance struct{ err error }

func (a attendance) Attend(context.Context, string, string, func(int64) string, bool) (bool, error) {
	return false, a.err
}

// The schedule says "not booked" in its own words (the person cancelled
// between the notification and the press); staff hear that the person has
// no seat, not that their press did not arrive.
func TestAttendanceOfSomeoneWithoutASeat(t *testing.T) {
	w := newWorld(t, time.Date(2026, 11, 23, 10, 0, 0, 0, brussels))
	s := w.staff()
	s.SigningSecret = "shh"
	s.Attendance = attendance{err: schedule.ErrNotBooked}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, slacktest.Signed("shh", "/slack/actions", slacktest.Form,
		slacktest.BlockAction("U1", "C1", "1.1", staff.ActionNoShow, "talk|"+s.Ref(12)), time.Now()))
	if e := w.f.Ephemerals(); len(e) != 1 || !strings.Contains(e[0].Text, "geen plaats (meer)") {
		t.Fatalf("staff were told %+v, want that the person has no seat (any more)", e)
	}
}
