package schedule

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/booking"
	"github.com/werkwijzer/werkwijzer/internal/lease"
)

// ReminderKind says which reminder or news: the booking flow's notices,
// queued as they are shown.
type ReminderKind = booking.Notice

// The reminders of a booking.
const (
	DayBefore   = booking.DayBefore
	HoursBefore = booking.HoursBefore
)

// The schedule's other news for a person, queued with the reminders and
// handed out the same way.
const (
	Promoted      = booking.Promoted
	NoShow        = booking.NoShow
	Attended      = booking.Attended
	ItemCancelled = booking.ItemCancel
	ItemMoved     = booking.ItemMoved
	VideoLink     = booking.VideoLink
)

var reminderKinds = []ReminderKind{DayBefore, HoursBefore}

// allKinds are every kind a person can have queued, for Forget.
var allKinds = []ReminderKind{DayBefore, HoursBefore, Promoted, NoShow, Attended, ItemCancelled, ItemMoved, VideoLink}

// newsDue is when news that is not a reminder goes out: now, or at the end
// of the quiet hours, unless the item starts too soon after that for the
// news to wait.
func newsDue(now, start time.Time) time.Time {
	morning := clock.AfterQuiet(now)
	if morning.Equal(now) {
		return now
	}
	if !start.IsZero() && start.Sub(morning) < time.Hour {
		return now
	}
	return morning
}

// DayBeforeHour is when the day-before reminder goes: early evening, when
// people plan tomorrow.
const DayBeforeHour = 18

// Reminder is one reminder to send.
type Reminder struct {
	Chat int64
	Item string
	Kind ReminderKind
	Due  time.Time
}

// Plan says when its reminders are due for a booking made at now: the day
// before at DayBeforeHour, and two hours before; a reminder whose time has
// passed is left out (booked late), and the two-hour one is moved out of
// the quiet hours to 08:00 when that is still at least half an hour
// before the start, else it is sent at its time: it cannot wait.
func Plan(it Item, now time.Time) []Reminder {
	start := it.Start.In(Brussels)
	var out []Reminder
	eve := time.Date(start.Year(), start.Month(), start.Day()-1, DayBeforeHour, 0, 0, 0, Brussels)
	if eve.After(now) {
		out = append(out, Reminder{Item: it.ID, Kind: DayBefore, Due: eve})
	}
	two := start.Add(-2 * time.Hour)
	if clock.Quiet(two) {
		morning := time.Date(start.Year(), start.Month(), start.Day(), clock.QuietTo, 0, 0, 0, Brussels)
		if start.Sub(morning) >= 30*time.Minute && morning.After(two) {
			two = morning
		}
	}
	if two.After(now) {
		out = append(out, Reminder{Item: it.ID, Kind: HoursBefore, Due: two})
	}
	return out
}

func reminderMember(chat int64, item string, kind ReminderKind) string {
	return strconv.FormatInt(chat, 10) + "|" + item + "|" + string(kind)
}

func parseMember(m string) (Reminder, bool) {
	parts := strings.Split(m, "|")
	if len(parts) != 3 {
		return Reminder{}, false
	}
	chat, err := strconv.ParseInt(parts[0], 10, 64)
	kind := ReminderKind(parts[2])
	return Reminder{Chat: chat, Item: parts[1], Kind: kind}, err == nil && slices.Contains(allKinds, kind)
}

// queue is the reminders and news, handed out under a lease.
func (s *Store) queue() lease.Queue {
	return lease.Queue{RDB: s.rdb, Due: s.reminders(), Claimed: s.claimed()}
}

// Due claims up to max reminders due at now for lease: no other caller
// gets them until the lease ends. Send each, then Ack it; one not acked in
// time is handed out again.
func (s *Store) Due(ctx context.Context, now time.Time, lease time.Duration, max int) ([]Reminder, error) {
	claims, err := s.queue().Claim(ctx, now, lease, max)
	if err != nil {
		return nil, err
	}
	var out []Reminder
	for _, c := range claims {
		r, ok := parseMember(c.Member)
		if !ok {
			s.queue().Ack(ctx, c.Member)
			continue
		}
		r.Due = c.Due
		out = append(out, r)
	}
	return out, nil
}

// Depth is how many reminders and news wait, due or not.
func (s *Store) Depth(ctx context.Context) (int64, error) { return s.queue().Depth(ctx) }

// Ack marks a claimed reminder sent.
func (s *Store) Ack(ctx context.Context, r Reminder) error {
	return s.queue().Ack(ctx, reminderMember(r.Chat, r.Item, r.Kind))
}

// Ahead are the reminders a booking of it made at now gets: what a
// confirmation may promise, and no more.
func Ahead(it Item, now time.Time) []ReminderKind {
	var out []ReminderKind
	for _, r := range Plan(it, now) {
		out = append(out, r.Kind)
	}
	return out
}

// Hold says what to do with a reminder or news handed out at now for it
// (nil when the item is gone): send it (zero time, false), drop it, or put
// it back until a time.
//
// Once the item has started, its reminders and news of it (a seat from the
// waiting list, a move, a video link) are dropped: they would be about
// something past. A day-before reminder found when the two-hour one is due
// too is dropped (that one says it); found earlier on the day itself, it
// goes, and is worded for today by the conversation.
//
// A sender that was down finds things overdue in the quiet hours: the
// day-before reminder is dropped (the two-hour one follows in the
// morning), news waits for the morning unless the appointment is too soon
// for that, and what cannot wait (the two-hour reminder, a mark of
// attendance that says nothing) goes.
func Hold(r Reminder, it *Item, now time.Time) (until time.Time, drop bool) {
	if it != nil {
		switch r.Kind {
		case DayBefore, HoursBefore, Promoted, ItemMoved, VideoLink:
			if it.Started(now) {
				return time.Time{}, true
			}
		}
		if r.Kind == DayBefore && !now.Before(it.Start.Add(-2*time.Hour)) {
			return time.Time{}, true
		}
	}
	if !clock.Quiet(now) {
		return time.Time{}, false
	}
	switch r.Kind {
	case HoursBefore, Attended:
		return time.Time{}, false
	case DayBefore:
		return time.Time{}, true
	}
	var start time.Time
	if it != nil {
		start = it.Start
	}
	if due := newsDue(now, start); due.After(now) {
		return due, false
	}
	return time.Time{}, false
}

// Event is what a claimed reminder or news item shows its person now
// (lease.Source): sent as is, dropped, or put back until the morning when
// it was found overdue in the quiet hours (a sender was down).
func (s *Store) Event(ctx context.Context, r Reminder, now time.Time) (dialogs.Event, lease.Action, error) {
	it, err := s.Get(ctx, r.Item)
	if err != nil {
		return dialogs.Event{}, lease.Keep, err
	}
	until, drop := Hold(r, it, now)
	switch {
	case drop:
		return dialogs.Event{}, lease.Drop, nil
	case !until.IsZero():
		return dialogs.Event{}, lease.Keep, s.Later(ctx, r, until)
	}
	return booking.NoticeEvent(r.Chat, r.Kind, r.Item), lease.Send, nil
}

// Later puts a claimed reminder back in the queue until t.
func (s *Store) Later(ctx context.Context, r Reminder, t time.Time) error {
	return s.queue().Later(ctx, reminderMember(r.Chat, r.Item, r.Kind), t)
}
