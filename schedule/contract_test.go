package schedule_test

import (
	"context"
	"fmt"
	"slices"
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
		return openSchedule(t, clk, items)
	})
}

// The Booker's records for /mydata keep the contract the fake keeps,
// with staff's marks and imports as staff make them.
func TestRecordsContract(t *testing.T) {
	dialogstest.RecordsContract(t, func(t testing.TB, clk *clock.Fake, items []dialogstest.Item) dialogstest.Schedule {
		return openSchedule(t, clk, items)
	})
}

// contractSchedule is the Booker with what staff do, as the contracts
// call it.
type contractSchedule struct {
	*schedule.Booker
	t     testing.TB
	clk   *clock.Fake
	items []dialogstest.Item
}

// Mark is a staff member marking attendance.
func (s *contractSchedule) Mark(ctx context.Context, id string, chat int64, came bool) error {
	_, err := s.Store.Attend(ctx, id, chat, came, s.clk.Now())
	return err
}

// TakeOut imports the schedule again without id.
func (s *contractSchedule) TakeOut(ctx context.Context, id string) error {
	s.items = slices.DeleteFunc(s.items, func(it dialogstest.Item) bool { return it.ID == id })
	return importItems(s.t, s.Store, s.clk, s.items)
}

func openSchedule(t testing.TB, clk *clock.Fake, items []dialogstest.Item) *contractSchedule {
	rdb, prefix := redistest.Client(t)
	st := schedule.NewStore(rdb, prefix)
	if err := importItems(t, st, clk, items); err != nil {
		t.Fatal(err)
	}
	return &contractSchedule{Booker: &schedule.Booker{Store: st, Clock: clk}, t: t, clk: clk, items: slices.Clone(items)}
}

// importItems imports items as staff write them, in the files' format.
func importItems(t testing.TB, st *schedule.Store, clk *clock.Fake, items []dialogstest.Item) error {
	opt := schedule.ImportOptions{AllowCancel: true} // staff confirmed it
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
	for _, b := range []*strings.Builder{&slots, &sessions} {
		if !strings.Contains(b.String(), "- id:") {
			s := strings.TrimSuffix(b.String(), "\n")
			b.Reset()
			b.WriteString(s + " []\n")
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
	if _, err := st.Import(ctx, schedule.KindCoaching, cs, clk.Now(), opt); err != nil {
		return err
	}
	_, err = st.Import(ctx, schedule.KindSession, ss, clk.Now(), opt)
	return err
}
