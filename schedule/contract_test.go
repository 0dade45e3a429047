package schedule_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs/booking"
	"github.com/werkwijzer/werkwijzer/dialogs/dialogstest"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/schedule"
)

// The Booker over Redis keeps the booking contract the in-memory fake of
// dialogstest keeps, with the items written as staff write them.
func TestBookerContract(t *testing.T) {
	dialogstest.SchedulerContract(t, func(t testing.TB, clk *clock.Fake, items []dialogstest.Item) booking.Scheduler {
		rdb, prefix := redistest.Client(t)
		st := schedule.NewStore(rdb, prefix)
		var slots, sessions strings.Builder
		slots.WriteString("slots:\n")
		sessions.WriteString("sessions:\n")
		for _, it := range items {
			start := it.Start.In(clock.Brussels).Format("2006-01-02 15:04")
			if it.Session {
				fmt.Fprintf(&sessions, "  - id: %s\n    house: %s\n    title: %s\n    start: %s\n    duration: %s\n    address: %s\n    seats: %d\n    lang: %s\n",
					it.ID, it.House, it.Title, start, it.Duration, it.Address, it.Seats, it.Languages[0])
				continue
			}
			place := "address"
			if it.Mode != "" {
				place = it.Mode
			}
			fmt.Fprintf(&slots, "  - id: %s\n    start: %s\n    duration: %s\n    coach: %s\n    languages: [%s]\n    place: %s\n",
				it.ID, start, it.Duration, it.Coach, strings.Join(it.Languages, ", "), place)
			if place == "address" {
				fmt.Fprintf(&slots, "    address: %s\n", it.Address)
			}
		}
		ctx := context.Background()
		cs, err := schedule.ParseSlots([]byte(slots.String()))
		if err != nil {
			t.Fatalf("%v\n%s", err, slots.String())
		}
		ss, err := schedule.ParseSessions([]byte(sessions.String()), clk.Now().Add(schedule.SessionsAhead))
		if err != nil {
			t.Fatalf("%v\n%s", err, sessions.String())
		}
		if _, err := st.Import(ctx, schedule.KindCoaching, cs, clk.Now(), schedule.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Import(ctx, schedule.KindSession, ss, clk.Now(), schedule.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		return &schedule.Booker{Store: st, Clock: clk}
	})
}
