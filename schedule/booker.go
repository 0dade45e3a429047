package schedule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/booking"
	"github.com/werkwijzer/werkwijzer/pseudonym"
)

// Booker is the Store as the booking flow books through it
// (booking.Scheduler), reading the time from Clock so that tests can move
// it.
type Booker struct {
	Store *Store
	Clock clock.Clock
	// OnNews, when set, hears of news queued for someone else (a seat
	// given from the waiting list), so that it is sent without waiting
	// for the next tick.
	OnNews func()
	// CalendarRef is the person's part of a calendar file's UID
	// (pseudonym.Key.Calendar of the deployment's key, so that a file
	// sent after a restart still replaces the entry of the one before).
	// Nil uses a key of this process alone.
	CalendarRef func(chat int64) string
}

var processKey = sync.OnceValue(pseudonym.Random)

var _ booking.Scheduler = (*Booker)(nil)

func (b *Booker) now() time.Time { return clock.Or(b.Clock).Now() }

// slotOf is it as the dialogs show it.
func slotOf(it Item) booking.Slot {
	s := booking.Slot{ID: it.ID, Version: it.Version, Session: it.Kind == KindSession, Start: it.Start,
		Duration: it.Duration, Address: it.Address, Coach: it.Coach, CoachStaff: it.CoachStaff, Languages: it.Langs(),
		Interpreter: it.Interpreter, Link: it.Link, Title: it.Title, Titles: it.Titles, Descriptions: it.Descriptions,
		House: it.House, Sector: it.Sector}
	if it.Mode == ModePhone || it.Mode == ModeVideo {
		s.Mode = string(it.Mode)
	}
	return s
}

// slot is it as the dialogs show it at now: with the reminders a booking
// made now still gets.
func (b *Booker) slot(it Item) booking.Slot {
	s := slotOf(it)
	s.Reminders = Ahead(it, b.now())
	return s
}

func (b *Booker) slots(ls []Listed) []booking.Slot {
	out := make([]booking.Slot, 0, len(ls))
	for _, l := range ls {
		s := b.slot(l.Item)
		s.SeatsFree = l.SeatsFree
		out = append(out, s)
	}
	return out
}

// Free lists free coaching slots, the coach speaking lang first.
func (b *Booker) Free(ctx context.Context, lang string, offset, n int) ([]booking.Slot, error) {
	ls, err := b.Store.FreeSlots(ctx, lang, b.now(), offset, n)
	return b.slots(ls), err
}

// Sessions lists info sessions, those of sectors first.
func (b *Booker) Sessions(ctx context.Context, sectors []string, offset, n int) ([]booking.Slot, error) {
	ls, err := b.Store.Sessions(ctx, sectors, b.now(), offset, n)
	return b.slots(ls), err
}

// Mine lists chat's future bookings and waiting-list places.
func (b *Booker) Mine(ctx context.Context, chat int64) ([]booking.Slot, error) {
	as, err := b.Store.Appointments(ctx, chat, b.now())
	out := make([]booking.Slot, 0, len(as))
	for _, a := range as {
		s := b.slot(a.Item)
		s.Held, s.Waiting = !a.Waiting, a.Waiting
		out = append(out, s)
	}
	return out, err
}

// Slot is id as chat stands with it; an item staff cancelled comes back
// marked so, for a while, so that its news can name it.
func (b *Booker) Slot(ctx context.Context, chat int64, id string) (*booking.Slot, error) {
	st := b.Store
	it, err := st.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if it == nil {
		body, err := st.rdb.Get(ctx, st.gone(id)).Bytes()
		if errors.Is(err, redis.Nil) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		var gone Item
		if err := json.Unmarshal(body, &gone); err != nil {
			return nil, err
		}
		s := slotOf(gone)
		s.Cancelled = true
		return &s, nil
	}
	s := b.slot(*it)
	held, err := st.rdb.SIsMember(ctx, st.seats(id), chatStr(chat)).Result()
	if err != nil {
		return nil, err
	}
	_, err = st.rdb.LPos(ctx, st.wait(id), chatStr(chat), redis.LPosArgs{}).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, err
	}
	s.Held, s.Waiting = held, err == nil
	return &s, nil
}

func (b *Booker) booking(ctx context.Context, r Result, id string) (booking.Result, error) {
	out := booking.Result{Outcome: r.Outcome}
	if r.Promoted != 0 && b.OnNews != nil {
		b.OnNews()
	}
	it, err := b.Store.Get(ctx, id)
	if err != nil || it == nil {
		return out, err
	}
	s := b.slot(*it)
	out.Slot = &s
	return out, nil
}

// Book gives chat a seat on id as it was listed.
func (b *Booker) Book(ctx context.Context, chat int64, id, version string) (booking.Result, error) {
	r, _, err := b.Store.Book(ctx, chat, id, version, b.now())
	if err != nil {
		return booking.Result{}, err
	}
	return b.booking(ctx, r, id)
}

// Wait puts chat on a full session's waiting list.
func (b *Booker) Wait(ctx context.Context, chat int64, id string) (booking.Result, error) {
	r, err := b.Store.JoinWaitlist(ctx, chat, id, b.now())
	if err != nil {
		return booking.Result{}, err
	}
	return b.booking(ctx, r, id)
}

// Cancel gives chat's seat (or waiting place) on id back.
func (b *Booker) Cancel(ctx context.Context, chat int64, id string) (booking.Result, error) {
	r, err := b.Store.Cancel(ctx, chat, id, b.now())
	if err != nil {
		return booking.Result{}, err
	}
	return b.booking(ctx, r, id)
}

// Move swaps chat's seat on from for one on to.
func (b *Booker) Move(ctx context.Context, chat int64, from, to, version string) (booking.Result, error) {
	r, err := b.Store.Move(ctx, chat, from, to, version, b.now())
	if err != nil {
		return booking.Result{}, err
	}
	return b.booking(ctx, r, to)
}

// Calendar is the calendar file of s for chat (booking.Calendar).
func (b *Booker) Calendar(s booking.Slot, chat int64, text booking.CalendarText) []byte {
	it := Item{ID: s.ID, Start: s.Start, Duration: s.Duration}
	ref := b.CalendarRef
	if ref == nil {
		ref = processKey().Calendar
	}
	return ICS(it, ref(chat), CalendarText{Key: text.Key, Summary: text.Summary, Description: text.Description, Location: text.Location,
		Seq: text.Seq, Cancel: text.Cancel}, b.now())
}

// Forget is the schedule's share of /forget: the person gives back every
// seat (to whoever waits, who is told) and leaves no trace.
func (b *Booker) Forget(ctx context.Context, chat int64) error {
	promoted, err := b.Store.Forget(ctx, chat, b.now())
	if err != nil {
		return err
	}
	if len(promoted) > 0 && b.OnNews != nil {
		b.OnNews()
	}
	return nil
}

// SetLink records the link of video talk item, given by its coach
// (staff.Videos): it goes out with the two-hour reminder, or at once to
// whoever holds the talk when that reminder went already.
func (b *Booker) SetLink(ctx context.Context, item, link string) (told int, err error) {
	told, err = b.Store.SetLink(ctx, item, link, b.now())
	if err == nil && told > 0 && b.OnNews != nil {
		b.OnNews()
	}
	return told, err
}

// Holder is one person with a seat on an item, by reference, and what staff
// marked: Came is nil until marked.
type Holder struct {
	Ref  string
	Came *bool
}

// Roll is who holds a seat on item, by reference (refOf of their chat id),
// sorted, with what is marked; it is nil when the item is unknown.
func (b *Booker) Roll(ctx context.Context, item string, refOf func(int64) string) (*Item, []Holder, error) {
	it, err := b.Store.Get(ctx, item)
	if err != nil || it == nil {
		return nil, nil, err
	}
	holders, err := b.Store.Holders(ctx, item)
	if err != nil {
		return nil, nil, err
	}
	marked, err := b.Store.Attendance(ctx, item)
	if err != nil {
		return nil, nil, err
	}
	out := make([]Holder, 0, len(holders))
	for _, c := range holders {
		h := Holder{Ref: refOf(c)}
		if came, ok := marked[c]; ok {
			h.Came = &came
		}
		out = append(out, h)
	}
	slices.SortFunc(out, func(a, b Holder) int { return strings.Compare(a.Ref, b.Ref) })
	return it, out, nil
}

// AttendAll records, for each reference in marks, whether that person came
// to item, all or nothing: a reference without a seat records none of them
// (ErrNotBooked). It returns, per reference, whether it changed anything.
func (b *Booker) AttendAll(ctx context.Context, item string, marks map[string]bool, refOf func(int64) string) (map[string]bool, error) {
	if it, err := b.Store.Get(ctx, item); err != nil {
		return nil, err
	} else if it != nil && !it.Started(b.now()) {
		return nil, ErrNotStarted
	}
	holders, err := b.Store.Holders(ctx, item)
	if err != nil {
		return nil, err
	}
	byRef := map[string]int64{}
	for _, c := range holders {
		byRef[refOf(c)] = c
	}
	for ref := range marks {
		if _, ok := byRef[ref]; !ok {
			return nil, fmt.Errorf("%s: %w", ref, ErrNotBooked)
		}
	}
	changed := map[string]bool{}
	for ref, came := range marks {
		ch, err := b.Store.Attend(ctx, item, byRef[ref], came, b.now())
		if err != nil {
			return changed, err
		}
		changed[ref] = ch
	}
	if b.OnNews != nil {
		b.OnNews()
	}
	return changed, nil
}

// Attend records whether the holder whose reference (refOf of their chat
// id) is ref came to item; changed is false when it was so marked already.
// Someone without a seat is ErrNotBooked.
func (b *Booker) Attend(ctx context.Context, item, ref string, refOf func(int64) string, came bool) (bool, error) {
	holders, err := b.Store.Holders(ctx, item)
	if err != nil {
		return false, err
	}
	for _, c := range holders {
		if refOf(c) == ref {
			changed, err := b.Store.Attend(ctx, item, c, came, b.now())
			if err == nil && changed && b.OnNews != nil {
				b.OnNews()
			}
			return changed, err
		}
	}
	return false, ErrNotBooked
}

// ErrNotBooked is attendance marked for someone who holds no seat on the
// item (cancelled or moved since the notification): of kind
// dialogs.ErrNotFound, which is what the staff side answers.
var ErrNotBooked = dialogs.E(dialogs.ErrNotFound, "schedule: attendance", errors.New("this person has no seat on this appointment"))

// Holders are the people with a seat on id.
func (s *Store) Holders(ctx context.Context, id string) ([]int64, error) {
	ms, err := s.rdb.SMembers(ctx, s.seats(id)).Result()
	var out []int64
	for _, m := range ms {
		if c, err := strconv.ParseInt(m, 10, 64); err == nil {
			out = append(out, c)
		}
	}
	return out, err
}

// ErrNotStarted refuses attendance marked before the appointment began:
// nobody can have come, or not, yet. Of kind dialogs.ErrInvalid.
var ErrNotStarted = dialogs.E(dialogs.ErrInvalid, "schedule: attendance", errors.New("this appointment has not started yet"))

// Attend records whether chat came to id, and queues what follows for the
// person: a kind message after a no-show, a count for the funnel after
// they came. changed is false when it was marked so already (a second
// press), which queues nothing; a correction queues again. It can be
// marked from the start of the appointment on (ErrNotStarted before).
func (s *Store) Attend(ctx context.Context, id string, chat int64, came bool, now time.Time) (changed bool, err error) {
	it, err := s.Get(ctx, id)
	if err != nil {
		return false, err
	}
	if it != nil && !it.Started(now) {
		return false, ErrNotStarted
	}
	held, err := s.rdb.SIsMember(ctx, s.seats(id), chatStr(chat)).Result()
	if err != nil {
		return false, err
	}
	if !held {
		return false, ErrNotBooked
	}
	v, news := "no", NoShow
	if came {
		v, news = "yes", Attended
	}
	prev, err := s.rdb.HGet(ctx, s.attended(id), chatStr(chat)).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return false, err
	}
	if prev == v {
		return false, nil
	}
	p := s.rdb.TxPipeline()
	p.HSet(ctx, s.attended(id), chatStr(chat), v)
	if it != nil {
		p.PExpireAt(ctx, s.attended(id), s.expires(*it))
	} else {
		p.Expire(ctx, s.attended(id), s.Keep)
	}
	due := now // "came" says nothing to the person: it only counts
	if !came {
		due = newsDue(now, time.Time{})
	}
	p.ZAdd(ctx, s.reminders(), redis.Z{Score: float64(due.UnixMilli()), Member: reminderMember(chat, id, news)})
	_, err = p.Exec(ctx)
	return err == nil, err
}

// Attendance is what was marked for id, per person: true came, false did
// not; people not in it are not marked yet.
func (s *Store) Attendance(ctx context.Context, id string) (map[int64]bool, error) {
	m, err := s.rdb.HGetAll(ctx, s.attended(id)).Result()
	out := map[int64]bool{}
	for k, v := range m {
		if c, err := strconv.ParseInt(k, 10, 64); err == nil {
			out[c] = v == "yes"
		}
	}
	return out, err
}

// InterpretedSectors are the sectors with a future info session that
// offers an interpreter (orientation.Flow.Interpreted): the advice may put
// such a session first for someone who speaks no Dutch.
func (b *Booker) InterpretedSectors(ctx context.Context) ([]string, error) {
	ls, err := b.Store.upcoming(ctx, KindSession, b.now(), func(Item) bool { return false }, false)
	var out []string
	for _, l := range ls {
		if l.Item.Interpreter && !slices.Contains(out, l.Item.Sector) {
			out = append(out, l.Item.Sector)
		}
	}
	return out, err
}
