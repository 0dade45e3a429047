package jobs_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs/vacancies"
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

func TestAlertsRespectCapRepeatsQuietHoursAndOptOut(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	a := jobs.NewAlerts(rdb, prefix)
	ctx := context.Background()
	monday := time.Date(2026, 11, 23, 10, 0, 0, 0, bxl)
	people := []jobs.Person{{Chat: 1, Profile: amira()}, {Chat: 2, Profile: amira()}}
	a.Subscribe(ctx, 1)
	a.Subscribe(ctx, 2)
	if n, err := a.Plan(ctx, fitting(5, "a"), people, monday); err != nil || n != 6 {
		t.Fatalf("first import: %d queued (%v), want 3 each (the weekly cap)", n, err)
	}
	if n, _ := a.Plan(ctx, fitting(5, "b"), people, monday.Add(time.Hour)); n != 0 {
		t.Fatalf("a second import in the same week queued %d, want 0 (cap reached)", n)
	}
	nextWeek := monday.AddDate(0, 0, 7)
	if n, _ := a.Plan(ctx, fitting(5, "a"), people[:1], nextWeek); n != 2 {
		t.Fatalf("the same vacancies next week: %d queued, want only the 2 not sent before", n)
	}
	// Quiet hours: planned at 22:00, due at 08:00 next day; nothing is
	// handed out at night.
	night := time.Date(2026, 12, 1, 22, 0, 0, 0, bxl)
	if got := jobs.SendAt(night); got.Hour() != 8 || got.Day() != 2 {
		t.Fatalf("SendAt(22:00) = %s", got)
	}
	if due, _ := a.Due(ctx, night, time.Minute, 100); len(due) != 0 {
		t.Fatalf("alerts handed out at 22:00: %d", len(due))
	}
	// Person 2 stops: their queued alerts go.
	a.Unsubscribe(ctx, 2)
	due, _ := a.Due(ctx, nextWeek.Add(time.Hour), time.Minute, 100)
	for _, d := range due {
		if d.Chat == 2 {
			t.Fatal("an alert for someone who stopped them")
		}
	}
	if len(due) != 5 {
		t.Fatalf("%d alerts due for person 1, want 5 (3 + 2)", len(due))
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
	var people []jobs.Person
	for i := 0; i < 20; i++ {
		people = append(people, jobs.Person{Chat: int64(100 + i), Profile: amira()})
	}
	a.Plan(ctx, fitting(3, "v"), people, now)
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
	a.Subscribe(ctx, 918273645)
	a.Plan(ctx, fitting(2, "v"), []jobs.Person{{Chat: 918273645, Profile: amira()}}, now)
	a.Clock = clock.NewFake(now)
	if err := a.Forget(ctx, 918273645); err != nil {
		t.Fatal(err)
	}
	keys, _ := rdb.Keys(ctx, prefix+":*").Result()
	for _, k := range keys {
		vals := append(rdb.ZRange(ctx, k, 0, -1).Val(), rdb.SMembers(ctx, k).Val()...)
		if strings.Contains(k+strings.Join(vals, " "), "918273645") {
			t.Fatalf("%s still names the person after /forget", k)
		}
	}
}

// BenchmarkPlanAlerts plans an import of 1,000 vacancies for 100,000
// people who want alerts (profiles in memory, the queue in Redis).
func BenchmarkPlanAlerts(b *testing.B) {
	rdb, prefix := redistest.Client(b)
	vs := manyVacancies(1000)
	ps := manyProfiles(100000)
	people := make([]jobs.Person, len(ps))
	for i, p := range ps {
		people[i] = jobs.Person{Chat: int64(i + 1), Profile: p}
	}
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, bxl)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a := jobs.NewAlerts(rdb, fmt.Sprintf("%s%d", prefix, i))
		if _, err := a.Plan(context.Background(), vs, people, now); err != nil {
			b.Fatal(err)
		}
	}

}

// People who answered alike share a ranking, but one who said "not for me"
// is ranked on their own: the rejected vacancy is never planned for them.
func TestPlanHonoursEachPersonsNotForMe(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	a := jobs.NewAlerts(rdb, prefix)
	a.PerWeek = 1
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, bxl)
	near := vacancy(func(v *jobs.Vacancy) { v.ID, v.Postcode = "near", "2100" })
	far := vacancy(func(v *jobs.Vacancy) { v.ID, v.Postcode = "far", "2660" })
	var fb jobs.Feedback
	fb.Reject(amira(), near, vacancies.WrongHours)
	a.Plan(ctx, []jobs.Vacancy{near, far}, []jobs.Person{{Chat: 1, Profile: amira()}, {Chat: 2, Profile: amira(), Feedback: &fb}}, now)
	got := map[int64]string{}
	for _, d := range mustDue(t, a, now) {
		got[d.Chat] = d.Vacancy
	}
	if got[1] != "near" || got[2] != "far" {
		t.Fatalf("planned %v, want the nearest for 1 and, since 2 rejected it, the other for 2", got)
	}
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
	a.Subscribe(ctx, 1)
	a.Subscribe(ctx, 2)
	if _, err := a.Plan(ctx, fitting(2, "a"), []jobs.Person{{Chat: 1, Profile: amira()}, {Chat: 2, Profile: amira()}}, monday); err != nil {
		t.Fatal(err)
	}
	due, _ := a.Due(ctx, monday, time.Minute, 10)
	for _, al := range due {
		if al.Chat == 1 && al.Vacancy == "a0" {
			a.Ack(ctx, al)
		}
	}
	h, err := a.Held(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !h.Subscribed || strings.Join(h.Planned, ",") != "a0,a1" || strings.Join(h.Queued, ",") != "a1" || h.ThisWeek != 2 {
		t.Fatalf("held: %+v, want on the list, a0 and a1 planned, a1 still to send, 2 this week", h)
	}
	a.Forget(ctx, 1)
	if h, _ := a.Held(ctx, 1); h.Subscribed || len(h.Planned)+len(h.Queued)+h.ThisWeek != 0 {
		t.Fatalf("held after /forget: %+v", h)
	}
	if h, _ := a.Held(ctx, 2); !h.Subscribed || len(h.Planned) != 2 {
		t.Fatalf("another person's alerts changed: %+v", h)
	}
}
