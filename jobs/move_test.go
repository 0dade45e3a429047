package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/jobs"
)

// A web chat carried over to Telegram keeps its alerts: the wish, what is
// queued, and what was planned already (never twice), the week's cap too.
func TestMoveChatKeepsAlerts(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	a := jobs.NewAlerts(rdb, prefix)
	ctx := context.Background()
	monday := time.Date(2026, 11, 23, 10, 0, 0, 0, bxl)
	a.Clock = clock.NewFake(monday)
	const web, tg = 1<<62 + 9, 4242
	a.Subscribe(ctx, web)
	if n, err := a.Plan(ctx, fitting(2, "a"), []jobs.Person{{Chat: web, Profile: amira()}}, monday); err != nil || n != 2 {
		t.Fatalf("plan: %d %v", n, err)
	}
	for range 2 {
		if err := a.MoveChat(ctx, web, tg); err != nil {
			t.Fatal(err)
		}
	}
	if people, _ := a.People(ctx); len(people) != 1 || people[0] != tg {
		t.Fatalf("who wants alerts after the move: %v", people)
	}
	due, err := a.Due(ctx, monday.Add(time.Hour), time.Minute, 10)
	if err != nil || len(due) != 2 || due[0].Chat != tg || due[1].Chat != tg {
		t.Fatalf("queued after the move: %+v (%v), want both for the Telegram chat", due, err)
	}
	// What was planned moved with it: the same vacancies are not planned
	// again, and the week's cap counts what was planned.
	if n, _ := a.Plan(ctx, fitting(3, "a"), []jobs.Person{{Chat: tg, Profile: amira()}}, monday.Add(2*time.Hour)); n != 1 {
		t.Fatalf("planning again after the move queued %d, want 1 (two known, cap of three)", n)
	}
}
