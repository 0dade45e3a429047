package dialogstest

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs/booking"
)

// Item is a coaching slot or info session to put in a schedule, fake or
// real, for a test.
type Item struct {
	ID        string
	Session   bool
	Start     time.Time
	Duration  time.Duration
	Seats     int
	Coach     string
	Languages []string // the coach's, or the session's one
	Title     string
	House     string
	Sector    string
	Mode      string // "", "phone" or "video"
	Address   string
	// Interpreter: one can come on request. CoachStaff is the coach's id
	// in the staff tool; Link a video talk's.
	Interpreter  bool
	CoachStaff   string
	Link         string
	Titles       map[string]string
	Descriptions map[string]string
}

// Scheduler is an in-memory booking.Scheduler: seats, waiting lists, one
// future coaching talk per person, versions that change when an item
// moves. It reads the time from its clock, as the real one does.
type Scheduler struct {
	Clock clock.Clock

	mu      sync.Mutex
	items   map[string]*fakeItem
	order   []string
	version int
}

type fakeItem struct {
	Item
	version string
	seats   []int64
	waiting []int64
}

var (
	_ booking.Scheduler = (*Scheduler)(nil)
	_ booking.Records   = (*Scheduler)(nil)
)

// NewScheduler returns a schedule holding items.
func NewScheduler(clk clock.Clock, items ...Item) *Scheduler {
	s := &Scheduler{Clock: clk, items: map[string]*fakeItem{}}
	for _, it := range items {
		s.Put(it)
	}
	return s
}

// Put adds or replaces an item (a new version when it changes).
func (s *Scheduler) Put(it Item) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.version++
	f := s.items[it.ID]
	if f == nil {
		f = &fakeItem{}
		s.items[it.ID] = f
		s.order = append(s.order, it.ID)
	}
	f.Item, f.version = it, time.Duration(s.version).String()
}

// Remove takes an item out, as an import that lacks it would.
func (s *Scheduler) Remove(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.items, id)
	s.order = slices.DeleteFunc(s.order, func(x string) bool { return x == id })
}

// Holders are the people with a seat on id.
func (s *Scheduler) Holders(id string) []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.items[id]; f != nil {
		return slices.Clone(f.seats)
	}
	return nil
}

func (f *fakeItem) slot(chat int64, now time.Time) booking.Slot {
	sl := booking.Slot{ID: f.ID, Version: f.version, Session: f.Session, Start: f.Start, Duration: f.Duration,
		Address: f.Address, Mode: f.Mode, Coach: f.Coach, CoachStaff: f.CoachStaff, Languages: f.Languages,
		Interpreter: f.Interpreter, Link: f.Link, Title: f.Title, Titles: f.Titles, Descriptions: f.Descriptions,
		House: f.House, Sector: f.Sector, SeatsFree: max(f.Seats-len(f.seats), 0), Reminders: ahead(f.Start, now)}
	sl.Held, sl.Waiting = slices.Contains(f.seats, chat), slices.Contains(f.waiting, chat)
	return sl
}

// ahead are the reminders a booking made at now gets: the day before at
// 18:00 and two hours before (08:00 instead, when that falls at night and
// leaves half an hour), each only while still to come.
func ahead(start, now time.Time) []booking.Notice {
	var out []booking.Notice
	s := start.In(clock.Brussels)
	if eve := time.Date(s.Year(), s.Month(), s.Day()-1, 18, 0, 0, 0, clock.Brussels); eve.After(now) {
		out = append(out, booking.DayBefore)
	}
	two := start.Add(-2 * time.Hour)
	if clock.Quiet(two) {
		if morning := time.Date(s.Year(), s.Month(), s.Day(), clock.QuietTo, 0, 0, 0, clock.Brussels); start.Sub(morning) >= 30*time.Minute && morning.After(two) {
			two = morning
		}
	}
	if two.After(now) {
		out = append(out, booking.HoursBefore)
	}
	return out
}

func (s *Scheduler) list(session bool, first func(*fakeItem) bool, onlyFree bool, offset, n int) []booking.Slot {
	now := s.Clock.Now()
	var out []*fakeItem
	for _, id := range s.order {
		f := s.items[id]
		if f.Session != session || !f.Start.After(now) || onlyFree && len(f.seats) >= f.Seats {
			continue
		}
		out = append(out, f)
	}
	slices.SortStableFunc(out, func(a, b *fakeItem) int {
		if fa, fb := first(a), first(b); fa != fb {
			if fa {
				return -1
			}
			return 1
		}
		return a.Start.Compare(b.Start)
	})
	var slots []booking.Slot
	for i := offset; i < len(out) && i < offset+n; i++ {
		slots = append(slots, out[i].slot(0, now))
	}
	return slots
}

// Free implements booking.Scheduler.
func (s *Scheduler) Free(_ context.Context, lang string, offset, n int) ([]booking.Slot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.list(false, func(f *fakeItem) bool { return slices.Contains(f.Languages, lang) }, true, offset, n), nil
}

// Sessions implements booking.Scheduler.
func (s *Scheduler) Sessions(_ context.Context, sectors []string, offset, n int) ([]booking.Slot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.list(true, func(f *fakeItem) bool { return slices.Contains(sectors, f.Sector) }, false, offset, n), nil
}

// Mine implements booking.Scheduler.
func (s *Scheduler) Mine(_ context.Context, chat int64) ([]booking.Slot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Clock.Now()
	var out []booking.Slot
	for _, id := range s.order {
		f := s.items[id]
		if sl := f.slot(chat, now); (sl.Held || sl.Waiting) && f.Start.After(now) {
			out = append(out, sl)
		}
	}
	slices.SortStableFunc(out, func(a, b booking.Slot) int { return a.Start.Compare(b.Start) })
	return out, nil
}

// Records implements booking.Records: every item chat holds or waits
// for, past ones too, as the real schedule keeps them.
func (s *Scheduler) Records(_ context.Context, chat int64) ([]booking.Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Clock.Now()
	var out []booking.Record
	for _, id := range s.order {
		if sl := s.items[id].slot(chat, now); sl.Held || sl.Waiting {
			out = append(out, booking.Record{Slot: sl})
		}
	}
	slices.SortStableFunc(out, func(a, b booking.Record) int { return a.Slot.Start.Compare(b.Slot.Start) })
	return out, nil
}

// Slot implements booking.Scheduler.
func (s *Scheduler) Slot(_ context.Context, chat int64, id string) (*booking.Slot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.items[id]
	if f == nil {
		return nil, nil
	}
	sl := f.slot(chat, s.Clock.Now())
	return &sl, nil
}

// check is what stands between chat and a seat on f; except is a coaching
// talk being moved away from.
func (s *Scheduler) check(chat int64, f *fakeItem, version, except string) booking.Outcome {
	now := s.Clock.Now()
	switch {
	case f == nil:
		return booking.Gone
	case version != "" && version != f.version:
		return booking.Changed
	case !f.Start.After(now):
		return booking.Past
	case slices.Contains(f.seats, chat):
		return booking.Already
	}
	if !f.Session {
		for _, o := range s.items {
			if !o.Session && o.ID != except && o.Start.After(now) && slices.Contains(o.seats, chat) {
				return booking.HasCoaching
			}
		}
	}
	if len(f.seats) >= f.Seats {
		return booking.Full
	}
	return booking.Booked
}

func (s *Scheduler) result(out booking.Outcome, id string) booking.Result {
	r := booking.Result{Outcome: out}
	if f := s.items[id]; f != nil {
		sl := f.slot(0, s.Clock.Now())
		r.Slot = &sl
	}
	return r
}

func take(f *fakeItem, chat int64) {
	f.seats = append(f.seats, chat)
	f.waiting = slices.DeleteFunc(f.waiting, func(c int64) bool { return c == chat })
}

// release gives chat's seat on f back to whoever waits first.
func release(f *fakeItem, chat int64) booking.Outcome {
	if !slices.Contains(f.seats, chat) {
		if slices.Contains(f.waiting, chat) {
			f.waiting = slices.DeleteFunc(f.waiting, func(c int64) bool { return c == chat })
			return booking.LeftWait
		}
		return booking.NotBooked
	}
	f.seats = slices.DeleteFunc(f.seats, func(c int64) bool { return c == chat })
	if len(f.waiting) > 0 {
		first := f.waiting[0]
		f.waiting = f.waiting[1:]
		f.seats = append(f.seats, first)
	}
	return booking.Cancelled
}

// Book implements booking.Scheduler.
func (s *Scheduler) Book(_ context.Context, chat int64, id, version string) (booking.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.items[id]
	out := s.check(chat, f, version, "")
	if out == booking.Booked {
		take(f, chat)
	}
	return s.result(out, id), nil
}

// Wait implements booking.Scheduler.
func (s *Scheduler) Wait(_ context.Context, chat int64, id string) (booking.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.items[id]
	if f != nil && !f.Session {
		return s.result(booking.Full, id), nil // coaching talks have no waiting list
	}
	switch out := s.check(chat, f, "", ""); out {
	case booking.Booked:
		return s.result(booking.NotFull, id), nil
	case booking.Full:
	default:
		return s.result(out, id), nil
	}
	if !slices.Contains(f.waiting, chat) {
		f.waiting = append(f.waiting, chat)
	}
	return s.result(booking.Waiting, id), nil
}

// Cancel implements booking.Scheduler.
func (s *Scheduler) Cancel(_ context.Context, chat int64, id string) (booking.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.items[id]
	if f == nil {
		return booking.Result{Outcome: booking.NotBooked}, nil
	}
	if !f.Start.After(s.Clock.Now()) {
		return s.result(booking.Started, id), nil // nothing changes after the start
	}
	return s.result(release(f, chat), id), nil
}

// Move implements booking.Scheduler.
func (s *Scheduler) Move(_ context.Context, chat int64, from, to, version string) (booking.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, target := s.items[from], s.items[to]
	if old == nil || target == nil {
		return s.result(booking.Gone, to), nil
	}
	if !slices.Contains(old.seats, chat) {
		return s.result(booking.NotBooked, to), nil
	}
	if !old.Start.After(s.Clock.Now()) {
		return s.result(booking.Started, to), nil
	}
	out := s.check(chat, target, version, from)
	if out == booking.Booked {
		release(old, chat)
		take(target, chat)
	}
	return s.result(out, to), nil
}
