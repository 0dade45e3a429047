package jobs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/vacancies"
	"github.com/werkwijzer/werkwijzer/internal/lease"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/jobs"
)

var bxl, _ = time.LoadLocation("Europe/Brussels")

func fitting(n int, prefix string) []jobs.Vacancy {
	var out []jobs.Vacancy
	for i := 0; i < n; i++ {
		out = append(out, vacancy(func(v *jobs.Vacancy) { v.ID = fmt.Sprintf("%s%d", prefix, i) }))
	}
	return out
}

func wants(p orientation.Profile, n vacancies.Narrow) vacancies.Wants {
	return vacancies.WantsOf(p, n, time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC))
}

func index(t testing.TB, a *jobs.Alerts, chat int64, w vacancies.Wants) {
	t.Helper()
	if err := a.Index(context.Background(), chat, w); err != nil {
		t.Fatal(err)
	}
}

// send hands out what is due at now as the sender does (Event, then Ack)
// and returns, per person, the vacancies shown.
func send(t *testing.T, a *jobs.Alerts, now time.Time) map[int64][]string {
	t.Helper()
	ctx := context.Background()
	shown := map[int64][]string{}
	for _, d := range mustDue(t, a, now) {
		ev, action, err := a.Event(ctx, d, now)
		if err != nil {
			t.Fatal(err)
		}
		if action == lease.Send {
			if ev.ChatID != d.Chat || ev.Data != d.Vacancy || ev.Kind != dialogs.KindAlert {
				t.Fatalf("event %+v for %+v", ev, d)
			}
			shown[d.Chat] = append(shown[d.Chat], d.Vacancy)
		}
		a.Ack(ctx, d)
	}
	return shown
}

func TestAlertsRespectCapRepeatsQuietHoursAndOptOut(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	a := jobs.NewAlerts(rdb, prefix)
	ctx := context.Background()
	monday := time.Date(2026, 11, 23, 10, 0, 0, 0, bxl)
	index(t, a, 1, wants(amira(), vacancies.Narrow{}))
	index(t, a, 2, wants(amira(), vacancies.Narrow{}))
	if n, err := a.PlanImport(ctx, fitting(5, "a"), monday); err != nil || n != 6 {
		t.Fatalf("first import: %d queued (%v), want the best 3 each (a week's cap)", n, err)
	}
	if got := send(t, a, monday); len(got[1]) != 3 || len(got[2]) != 3 {
		t.Fatalf("sent %v, want 3 each", got)
	}
	// The same week, a second import: planned, but their week is full.
	if n, _ := a.PlanImport(ctx, fitting(5, "b"), monday.Add(time.Hour)); n != 6 {
		t.Fatalf("a second import queued %d, want 6", n)
	}
	if got := send(t, a, monday.Add(time.Hour)); len(got) != 0 {
		t.Fatalf("sent %v in a full week", got)
	}
	// The same vacancies imported again are never planned again.
	if n, _ := a.PlanImport(ctx, fitting(5, "a"), monday.AddDate(0, 0, 7)); n != 0 {
		t.Fatalf("vacancies planned before: %d queued again", n)
	}
	// Person 2 stops: out of the index, their queued alerts gone.
	if err := a.Deliver(ctx, &dialogs.Turn{ChatID: 2, Notes: []dialogs.Note{{Kind: dialogs.NoteAlertsOff}, {Kind: dialogs.NoteMatching}}}); err != nil {
		t.Fatal(err)
	}
	nextWeek := monday.AddDate(0, 0, 7)
	a.PlanImport(ctx, fitting(2, "c"), nextWeek)
	// Quiet hours: planned at 22:00, due at 08:00 next day; nothing is
	// handed out at night.
	night := time.Date(2026, 12, 1, 22, 0, 0, 0, bxl)
	if got := jobs.SendAt(night); got.Hour() != 8 || got.Day() != 2 {
		t.Fatalf("SendAt(22:00) = %s", got)
	}
	if due, _ := a.Due(ctx, night, time.Minute, 100); len(due) != 0 {
		t.Fatalf("alerts handed out at 22:00: %d", len(due))
	}
	got := send(t, a, nextWeek.Add(time.Hour))
	if len(got[2]) != 0 || len(got[1]) != 2 {
		t.Fatalf("next week sent %v, want the 2 new ones to person 1 only", got)
	}
}

// Planning reads only those in the new vacancies' sectors, and plans by
// each one's rules: never outside their sectors, never what "not for me"
// narrowed away, and people whose record expired are dropped.
func TestPlanIsByEachPersonsRules(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	a := jobs.NewAlerts(rdb, prefix)
	a.PerWeek = 5
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, bxl)
	index(t, a, 1, wants(amira(), vacancies.Narrow{}))
	index(t, a, 2, wants(amira(), vacancies.Narrow{MaxKm: 3}))                                            // nothing at 4 km
	index(t, a, 3, wants(amira(), vacancies.Narrow{NoSectors: []string{orientation.SectorConstruction}})) // port only now
	care := amira()
	care.Sectors = []string{orientation.SectorCare}
	index(t, a, 4, wants(care, vacancies.Narrow{}))
	open := amira()
	open.Sectors = nil
	index(t, a, 5, wants(open, vacancies.Narrow{}))
	gone := vacancies.WantsOf(amira(), vacancies.Narrow{}, now.Add(-48*time.Hour))
	index(t, a, 6, gone)
	build := vacancy(func(v *jobs.Vacancy) { v.ID = "build" })
	near := vacancy(func(v *jobs.Vacancy) { v.ID, v.Postcode = "near", "2140" })
	retail := vacancy(func(v *jobs.Vacancy) { v.ID, v.Sector = "retail", orientation.SectorRetail })
	if _, err := a.PlanImport(ctx, []jobs.Vacancy{build, near, retail}, now); err != nil {
		t.Fatal(err)
	}
	got := map[int64][]string{}
	for _, d := range mustDue(t, a, now) {
		got[d.Chat] = append(got[d.Chat], d.Vacancy)
	}
	want := map[int64]string{1: "build near", 2: "near", 4: "", 5: "build near retail"} // PerWeek 5
	for chat, w := range want {
		g := strings.Join(sorted(got[chat]), " ")
		if g != w {
			t.Errorf("person %d got %q, want %q", chat, g, w)
		}
	}
	if len(got[3]) != 0 || len(got[6]) != 0 {
		t.Errorf("person 3 (tired of construction) got %v, person 6 (expired) got %v", got[3], got[6])
	}
	if n, _ := a.Count(ctx); n != 5 {
		t.Errorf("the index holds %d people, want 5 (the expired record dropped)", n)
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// The index follows the notes of a turn: a NoteMatching with what matching
// needs puts the person in (under the hashes of their sectors), one
// without takes them out.
func TestDeliverKeepsTheIndexCurrent(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	a := jobs.NewAlerts(rdb, prefix)
	ctx := context.Background()
	note := func(w *vacancies.Wants) *dialogs.Turn {
		n := dialogs.Note{Kind: dialogs.NoteMatching}
		if w != nil {
			n.Data, _ = json.Marshal(w)
		}
		return &dialogs.Turn{ChatID: 77, Notes: []dialogs.Note{n}}
	}
	w := wants(amira(), vacancies.Narrow{})
	if err := a.Deliver(ctx, note(&w)); err != nil {
		t.Fatal(err)
	}
	for s, in := range map[string]bool{"construction": true, "port": true, "care": false, "any": false} {
		if ok, _ := rdb.HExists(ctx, prefix+":{alerts}:ix:"+s, "77").Result(); ok != in {
			t.Errorf("in ix:%s: %v, want %v", s, ok, in)
		}
	}
	w.Narrow.NoSectors = []string{orientation.SectorPort}
	a.Deliver(ctx, note(&w))
	if ok, _ := rdb.HExists(ctx, prefix+":{alerts}:ix:port", "77").Result(); ok {
		t.Error("still under port after 'not this sector'")
	}
	a.Deliver(ctx, note(nil))
	if n, _ := a.Count(ctx); n != 0 {
		t.Fatalf("the index holds %d after alerts off", n)
	}
	keys, _ := rdb.Keys(ctx, prefix+":{alerts}:ix:*").Result()
	for _, k := range keys {
		if ok, _ := rdb.HExists(ctx, k, "77").Result(); ok {
			t.Errorf("%s still holds the person", k)
		}
	}
}

// Two senders never get the same alert; one not acknowledged (its sender
// died) comes back after the lease.
func TestAlertsAreHandedOutOnce(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	a := jobs.NewAlerts(rdb, prefix)
	a.PerWeek = 50
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, bxl)
	for i := 0; i < 20; i++ {
		index(t, a, int64(100+i), wants(amira(), vacancies.Narrow{}))
	}
	a.PlanImport(ctx, fitting(3, "v"), now)
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				due, err := a.Due(ctx, now, time.Minute, 7)
				if err != nil || len(due) == 0 {
					return
				}
				mu.Lock()
				for _, d := range due {
					seen[fmt.Sprint(d.Chat, d.Vacancy)]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != 60 {
		t.Fatalf("%d distinct alerts handed out, want 60", len(seen))
	}
	for k, n := range seen {
		if n != 1 {
			t.Fatalf("alert %s handed out %d times", k, n)
		}
	}
	if again, _ := a.Due(ctx, now.Add(2*time.Minute), time.Minute, 100); len(again) != 60 {
		t.Fatalf("after the lease, %d alerts came back, want all 60 (none acknowledged)", len(again))
	}
	for _, d := range mustDue(t, a, now.Add(4*time.Minute)) {
		a.Ack(ctx, d)
	}
	if left := mustDue(t, a, now.Add(10*time.Minute)); len(left) != 0 {
		t.Fatalf("%d acknowledged alerts came back", len(left))
	}
	if d, _ := a.Depth(ctx); d != 0 {
		t.Fatalf("queue depth %d after all were sent", d)
	}
}

func mustDue(t *testing.T, a *jobs.Alerts, at time.Time) []jobs.Alert {
	t.Helper()
	d, err := a.Due(context.Background(), at, time.Minute, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestForgetRemovesAlertTraces(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	a := jobs.NewAlerts(rdb, prefix)
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, bxl)
	index(t, a, 918273645, wants(amira(), vacancies.Narrow{}))
	index(t, a, 5, wants(amira(), vacancies.Narrow{}))
	a.PlanImport(ctx, fitting(2, "v"), now)
	rdb.SAdd(ctx, prefix+":{alerts}:people", 918273645) // an older version's list
	a.Clock = clock.NewFake(now)
	if err := a.Forget(ctx, 918273645); err != nil {
		t.Fatal(err)
	}
	keys, _ := rdb.Keys(ctx, prefix+":*").Result()
	for _, k := range keys {
		var vals []string
		switch rdb.Type(ctx, k).Val() {
		case "zset":
			vals = rdb.ZRange(ctx, k, 0, -1).Val()
		case "set":
			vals = rdb.SMembers(ctx, k).Val()
		case "hash":
			vals = rdb.HKeys(ctx, k).Val()
		}
		if strings.Contains(k+" "+strings.Join(vals, " "), "918273645") {
			t.Fatalf("%s still names the person after /forget", k)
		}
	}
	if n, _ := a.Count(ctx); n != 1 {
		t.Fatalf("/forget of one took %d others with them", 1-n)
	}
}

// An older version's list of who wants alerts moves into the index once.
func TestMigrateMovesTheOldListIntoTheIndex(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	a := jobs.NewAlerts(rdb, prefix)
	ctx := context.Background()
	st := &dialogs.State{V: dialogs.StateVersion, Agreed: now, LastSeen: now}
	orientation.Part.Write(st, orientation.State{Oriented: now, Profile: amira()})
	vacancies.Part.Write(st, vacancies.State{Alerts: true})
	rdb.SAdd(ctx, prefix+":{alerts}:people", 8, 9)
	convs := fakeConvs{8: st}
	if n, err := a.Migrate(ctx, convs, 180*24*time.Hour); err != nil || n != 1 {
		t.Fatalf("Migrate = %d, %v; want the one who still wants alerts", n, err)
	}
	if ok, _ := rdb.HExists(ctx, prefix+":{alerts}:ix:construction", "8").Result(); !ok {
		t.Fatal("not indexed")
	}
	if n, _ := rdb.Exists(ctx, prefix+":{alerts}:people").Result(); n != 0 {
		t.Fatal("the old list is still there")
	}
	if n, _ := a.Migrate(ctx, convs, time.Hour); n != 0 {
		t.Fatal("migrated twice")
	}
}

type fakeConvs map[int64]*dialogs.State

func (f fakeConvs) States(_ context.Context, chats []int64) ([]*dialogs.State, error) {
	out := make([]*dialogs.State, len(chats))
	for i, c := range chats {
		out[i] = f[c]
	}
	return out, nil
}

// indexMany puts n people into a's index, in pipelines.
func indexMany(b testing.TB, rdb redis.UniversalClient, a *jobs.Alerts, ps []orientation.Profile) {
	b.Helper()
	ctx := context.Background()
	var wg sync.WaitGroup
	work := make(chan int)
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				if err := a.Index(ctx, int64(i+1), wants(ps[i], vacancies.Narrow{})); err != nil {
					b.Error(err)
				}
			}
		}()
	}
	for i := range ps {
		work <- i
	}
	close(work)
	wg.Wait()
}

// BenchmarkPlanAlerts plans an import of 1,000 vacancies for 100,000
// people in the index (setup indexes them first).
//
//	go test ./jobs -run '^$' -bench PlanAlerts -benchtime 3x
func BenchmarkPlanAlerts(b *testing.B) {
	rdb, prefix := redistest.Client(b)
	vs := manyVacancies(1000)
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, bxl)
	a := jobs.NewAlerts(rdb, prefix)
	indexMany(b, rdb, a, manyProfiles(100000))
	b.ResetTimer()
	queued := 0
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for j := range vs {
			vs[j].ID = fmt.Sprintf("%d-%d", i, j) // new vacancies every time
		}
		b.StartTimer()
		n, err := a.PlanImport(context.Background(), vs, now.AddDate(0, 0, 7*i))
		if err != nil {
			b.Fatal(err)
		}
		queued += n
	}
	b.ReportMetric(float64(queued)/float64(b.N), "alerts/op")
}

// BenchmarkIndexMemory indexes people in a Redis of its own and reports
// what one costs in Redis memory (two sectors each, as many choose).
//
//	go test ./jobs -run '^$' -bench IndexMemory -benchtime 10000x
func BenchmarkIndexMemory(b *testing.B) {
	srv, err := redistest.Start()
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Stop()
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer rdb.Close()
	ctx := context.Background()
	used := func() int64 {
		for _, line := range strings.Split(rdb.Info(ctx, "memory").Val(), "\r\n") {
			if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
				n, _ := strconv.ParseInt(v, 10, 64)
				return n
			}
		}
		b.Fatal("no used_memory in INFO")
		return 0
	}
	a := jobs.NewAlerts(rdb, "ww")
	ps := manyProfiles(b.N)
	for i := range ps {
		ps[i].Sectors = []string{orientation.Sectors[i%8], orientation.Sectors[(i+3)%8]}
		ps[i].Availability = []string{orientation.AvailFullTime, orientation.AvailShifts}
	}
	before := used()
	b.ResetTimer()
	for i := range ps {
		if err := a.Index(ctx, int64(100000000+i), wants(ps[i], vacancies.Narrow{})); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(used()-before)/float64(b.N), "bytes/person")
}

// Held is what the alerts keep on a person, for /mydata: on the list,
// what was planned for them, what still waits to be sent, this week's
// count; and after /forget, nothing.
func TestHeldIsWhatTheAlertsKeep(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	a := jobs.NewAlerts(rdb, prefix)
	ctx := context.Background()
	monday := time.Date(2026, 11, 23, 10, 0, 0, 0, bxl)
	a.Clock = clock.NewFake(monday)
	index(t, a, 1, wants(amira(), vacancies.Narrow{}))
	index(t, a, 2, wants(amira(), vacancies.Narrow{}))
	if _, err := a.PlanImport(ctx, fitting(2, "a"), monday); err != nil {
		t.Fatal(err)
	}
	due, _ := a.Due(ctx, monday, time.Minute, 10)
	for _, al := range due {
		if al.Chat == 1 && al.Vacancy == "a0" {
			if _, _, err := a.Event(ctx, al, monday); err != nil { // handed out: it counts for the week
				t.Fatal(err)
			}
			a.Ack(ctx, al)
		}
	}
	h, err := a.Held(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !h.Subscribed || strings.Join(h.Queued, ",") != "a1" || h.ThisWeek != 1 {
		t.Fatalf("held: %+v, want in the index, a1 still to send, 1 handed out this week", h)
	}
	a.Forget(ctx, 1)
	if h, _ := a.Held(ctx, 1); h.Subscribed || len(h.Planned)+len(h.Queued)+h.ThisWeek != 0 {
		t.Fatalf("held after /forget: %+v", h)
	}
	if h, _ := a.Held(ctx, 2); !h.Subscribed || len(h.Queued) != 2 {
		t.Fatalf("another person's alerts changed: %+v", h)
	}
}
