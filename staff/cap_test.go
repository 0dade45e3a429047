package staff_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/handover"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/pseudonym"
	"github.com/werkwijzer/werkwijzer/staff"
)

// One person's "interested" posts are capped per hour; another person's
// are not held back by them; a turn delivered twice counts once; /forget
// drops the count.
func TestInterestedPostsOfOnePersonAreCappedPerHour(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	f := newFakeSlack(t)
	s := staff.New(rdb, prefix, f.Client(), staff.Config{DefaultChannel: "C1"}, handover.Desk{}, pseudonym.New([]byte("test")), clock.Real(),
		slog.New(slog.NewTextHandler(t.Output(), nil)))
	ctx := context.Background()
	turn := func(chat int64, i int) *dialogs.Turn {
		return &dialogs.Turn{ChatID: chat, Notes: []dialogs.Note{{ID: fmt.Sprintf("n%d.%d", chat, i), Kind: dialogs.NoteInterested, At: time.Now(),
			Fields: []dialogs.Field{{Label: "Vacature", Value: fmt.Sprint("Vacature ", i)}}}}}
	}
	for i := 0; i < staff.InterestedPerHour+3; i++ {
		tr := turn(7, i)
		if err := s.Deliver(ctx, tr); err != nil {
			t.Fatal(err)
		}
		if err := s.Deliver(ctx, tr); err != nil { // delivered again after a crash
			t.Fatal(err)
		}
	}
	if err := s.Deliver(ctx, turn(8, 0)); err != nil {
		t.Fatal(err)
	}
	run(t, s.Outbox, "c1")
	// Once the outbox is drained nothing more can be posted.
	waitPosted(t, f, rdb, prefix, staff.InterestedPerHour+1)
	if got := len(f.Posts()); got != staff.InterestedPerHour+1 {
		t.Fatalf("%d posts, want %d of the first person and 1 of the second", got, staff.InterestedPerHour+1)
	}
	if err := s.Forget(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if n, _ := rdb.Exists(ctx, prefix+":{u7}:staffcap").Result(); n != 0 {
		t.Fatal("/forget left the count")
	}
}
