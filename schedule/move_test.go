package schedule_test

import (
	"context"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/schedule"
)

// A web chat carried over to Telegram keeps its appointments: the seat,
// the place in the waiting list (ahead of whoever came after), and the
// reminders still to come, all under the new chat; moving again changes
// nothing.
func TestMoveChatKeepsAppointmentsAndPlaceInLine(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	now := at(2026, 11, 23, 10, 0)
	sl, se := slot("a-1", at(2026, 11, 25, 9, 0), "nl"), session("full", at(2026, 11, 27, 10, 0), 1, "construction")
	mustImport(t, s, schedule.KindCoaching, now, sl)
	mustImport(t, s, schedule.KindSession, now, se)
	const web, tg, other, later = 1<<62 + 5, 777, 100, 200
	if r, _, _ := s.Book(ctx, web, sl.ID, sl.Version, now); r.Outcome != schedule.Booked {
		t.Fatalf("book the slot: %s", r.Outcome)
	}
	s.Book(ctx, other, se.ID, se.Version, now)
	if r, _ := s.JoinWaitlist(ctx, web, se.ID, now); r.Outcome != schedule.Waiting {
		t.Fatalf("wait: %s", r.Outcome)
	}
	s.JoinWaitlist(ctx, later, se.ID, now)

	for range 2 {
		if err := s.MoveChat(ctx, web, tg); err != nil {
			t.Fatal(err)
		}
	}
	if a, _ := s.Appointments(ctx, web, now); len(a) != 0 {
		t.Fatalf("the web chat still holds %+v", a)
	}
	a, _ := s.Appointments(ctx, tg, now)
	if len(a) != 2 || a[0].Item.ID != sl.ID || a[0].Waiting || a[1].Item.ID != se.ID || !a[1].Waiting {
		t.Fatalf("the Telegram chat holds %+v, want the slot booked and the session waiting", a)
	}
	if h, _ := s.Holders(ctx, sl.ID); len(h) != 1 || h[0] != tg {
		t.Fatalf("the slot's seat is held by %v", h)
	}
	if r, _ := s.Cancel(ctx, other, se.ID, now); r.Promoted != tg {
		t.Fatalf("the freed seat went to %d, want the moved chat, first in line", r.Promoted)
	}
	due, err := s.Due(ctx, at(2026, 11, 24, 18, 0), time.Minute, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range due {
		if r.Chat != tg {
			t.Fatalf("a reminder for chat %d after the move: %+v", r.Chat, r)
		}
	}
	if len(due) == 0 {
		t.Fatal("no reminder due the day before: the check would prove nothing")
	}
}
