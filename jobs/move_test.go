package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs/vacancies"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/jobs"
)

// A web chat carried over to Telegram keeps its alerts: the wish, what is
// queued, and the week's count; the vacancies planned are not planned
// again, and the web chat holds nothing any more.
func TestMoveChatKeepsAlerts(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	a := jobs.NewAlerts(rdb, prefix)
	ctx := context.Background()
	monday := time.Date(2026, 11, 23, 10, 0, 0, 0, bxl)
	a.Clock = clock.NewFake(monday)
	const web, tg = 1<<62 + 9, 4242
	index(t, a, web, wants(amira(), vacancies.Narrow{}))
	if n, err := a.PlanImport(ctx, fitting(5, "a"), monday); err != nil || n != 3 {
		t.Fatalf("plan: %d %v", n, err)
	}
	// One of the three was shown in the web chat already.
	due := mustDue(t, a, monday)
	if _, _, err := a.Event(ctx, due[0], monday); err != nil {
		t.Fatal(err)
	}
	a.Ack(ctx, due[0])
	for range 2 {
		if err := a.MoveChat(ctx, web, tg); err != nil {
			t.Fatal(err)
		}
	}
	if h, _ := a.Held(ctx, web); h.Subscribed || len(h.Queued) != 0 || h.ThisWeek != 0 {
		t.Fatalf("the web chat still holds %+v after the move", h)
	}
	h, err := a.Held(ctx, tg)
	if err != nil || !h.Subscribed || len(h.Queued) != 2 || h.ThisWeek != 1 {
		t.Fatalf("the Telegram chat holds %+v (%v), want in the index, 2 queued, 1 this week", h, err)
	}
	// The cap holds across both: two more this week, and no more.
	if got := send(t, a, monday.Add(time.Hour)); len(got[tg]) != 2 || len(got[web]) != 0 {
		t.Fatalf("sent after the move %v, want the 2 queued to the Telegram chat", got)
	}
	if n, _ := a.PlanImport(ctx, fitting(5, "a"), monday.Add(2*time.Hour)); n != 0 {
		t.Fatalf("planning the same vacancies again after the move queued %d", n)
	}
	if n, _ := a.PlanImport(ctx, fitting(2, "b"), monday.Add(3*time.Hour)); n != 2 {
		t.Fatalf("new vacancies after the move queued %d for the Telegram chat, want 2", n)
	}
	if got := send(t, a, monday.Add(3*time.Hour)); len(got) != 0 {
		t.Fatalf("sent %v in a week already full", got)
	}
}
