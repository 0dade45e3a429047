package schedule

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/dialogs"
)

// Booker is the Store as the dialogs book through it (dialogs.Scheduler),
// reading the time from Now so that tests can move it.
type Booker struct {
	Store *Store
	Now   func() time.Time
	// OnNews, when set, hears of news queued for someone else (a seat
	// given from the waiting list), so that it is sent without waiting
	// for the next tick.
	OnNews func()
}

var _ dialogs.Scheduler = (*Booker)(nil)

func (b *Booker) now() time.Time {
	if b.Now == nil {
		return time.Now()
	}
	return b.Now()
}

// slotOf is it as the dialogs show it.
func slotOf(it Item) dialogs.Slot {
	s := dialogs.Slot{ID: it.ID, Version: it.Version, Session: it.Kind == KindSession, Start: it.Start,
		Duration: it.Duration, Address: it.Address, Coach: it.Coach, Languages: it.Languages,
		Title: it.Title, House: it.House, Sector: it.Sector}
	if it.Mode == ModePhone || it.Mode == ModeVideo {
		s.Mode = string(it.Mode)
	}
	if it.Lang != "" {
		s.Languages = []string{it.Lang}
	}
	return s
}

func slots(ls []Listed) []dialogs.Slot {
	out := make([]dialogs.Slot, 0, len(ls))
	for _, l := range ls {
		s := slotOf(l.Item)
		s.SeatsFree = l.SeatsFree
		out = append(out, s)
	}
	return out
}

// Free lists free coaching slots, the coach speaking lang first.
func (b *Booker) Free(ctx context.Context, lang string, offset, n int) ([]dialogs.Slot, error) {
	ls, err := b.Store.FreeSlots(ctx, lang, b.now(), offset, n)
	return slots(ls), err
}

// Sessions lists info sessions, those of sectors first.
func (b *Booker) Sessions(ctx context.Context, sectors []string, offset, n int) ([]dialogs.Slot, error) {
	ls, err := b.Store.Sessions(ctx, sectors, b.now(), offset, n)
	return slots(ls), err
}

// Mine lists chat's future bookings and waiting-list places.
func (b *Booker) Mine(ctx context.Context, chat int64) ([]dialogs.Slot, error) {
	as, err := b.Store.Appointments(ctx, chat, b.now())
	out := make([]dialogs.Slot, 0, len(as))
	for _, a := range as {
		s := slotOf(a.Item)
		s.Held, s.Waiting = !a.Waiting, a.Waiting
		out = append(out, s)
	}
	return out, err
}

// Slot is id as chat stands with it; an item staff cancelled comes back
// marked so, for a while, so that its news can name it.
func (b *Booker) Slot(ctx context.Context, chat int64, id string) (*dialogs.Slot, error) {
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
	s := slotOf(*it)
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

func (b *Booker) booking(ctx context.Context, r Result, id string) (dialogs.Booking, error) {
	out := dialogs.Booking{Outcome: string(r.Outcome)}
	if r.Promoted != 0 && b.OnNews != nil {
		b.OnNews()
	}
	it, err := b.Store.Get(ctx, id)
	if err != nil || it == nil {
		return out, err
	}
	s := slotOf(*it)
	out.Slot = &s
	return out, nil
}

// Book gives chat a seat on id as it was listed.
func (b *Booker) Book(ctx context.Context, chat int64, id, version string) (dialogs.Booking, error) {
	r, _, err := b.Store.Book(ctx, chat, id, version, b.now())
	if err != nil {
		return dialogs.Booking{}, err
	}
	return b.booking(ctx, r, id)
}

// Wait puts chat on a full session's waiting list.
func (b *Booker) Wait(ctx context.Context, chat int64, id string) (dialogs.Booking, error) {
	r, err := b.Store.JoinWaitlist(ctx, chat, id, b.now())
	if err != nil {
		return dialogs.Booking{}, err
	}
	return b.booking(ctx, r, id)
}

// Cancel gives chat's seat (or waiting place) on id back.
func (b *Booker) Cancel(ctx context.Context, chat int64, id string) (dialogs.Booking, error) {
	r, err := b.Store.Cancel(ctx, chat, id, b.now())
	if err != nil {
		return dialogs.Booking{}, err
	}
	return b.booking(ctx, r, id)
}

// Move swaps chat's seat on from for one on to.
func (b *Booker) Move(ctx context.Context, chat int64, from, to, version string) (dialogs.Booking, error) {
	r, err := b.Store.Move(ctx, chat, from, to, version, b.now())
	if err != nil {
		return dialogs.Booking{}, err
	}
	return b.booking(ctx, r, to)
}

// Calendar is the calendar file of s for chat (dialogs.Engine.Calendar).
func (b *Booker) Calendar(s dialogs.Slot, chat int64, text dialogs.CalendarText) []byte {
	it := Item{ID: s.ID, Start: s.Start, Duration: s.Duration}
	return ICS(it, chat, CalendarText{Key: text.Key, Summary: text.Summary, Description: text.Description, Location: text.Location}, b.now())
}

// Deliver is the schedule's share of a turn's notes: a person who used
// /forget gives back every seat and leaves no trace (bot.NoteSink).
func (b *Booker) Deliver(ctx context.Context, turn *dialogs.Turn) error {
	for _, n := range turn.Notes {
		if n.Kind != dialogs.NoteForget {
			continue
		}
		promoted, err := b.Store.Forget(ctx, turn.ChatID, b.now())
		if err != nil {
			return err
		}
		if len(promoted) > 0 && b.OnNews != nil {
			b.OnNews()
		}
	}
	return nil
}

// ErrNotBooked is attendance marked for someone who holds no seat on the
// item (cancelled or moved since the notification).
var ErrNotBooked = errors.New("schedule: this person has no seat on this appointment")

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

// Attend records whether chat came to id, and queues what follows for the
// person: a kind message after a no-show, a count for the funnel after
// they came. changed is false when it was marked so already (a second
// press), which queues nothing; a correction queues again.
func (s *Store) Attend(ctx context.Context, id string, chat int64, came bool, now time.Time) (changed bool, err error) {
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
	p.Expire(ctx, s.attended(id), s.Keep)
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
