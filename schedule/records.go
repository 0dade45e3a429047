package schedule

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/dialogs/booking"
)

var _ booking.Records = (*Booker)(nil)

// Records is everything the schedule keeps on chat, for /mydata: each
// appointment in their list (past ones too, while their items are kept),
// whether they hold a seat or wait, what staff marked, and the reminders
// and news queued for them, also about items staff took out.
func (b *Booker) Records(ctx context.Context, chat int64) ([]booking.Record, error) {
	st := b.Store
	m, err := st.rdb.HGetAll(ctx, st.person(chat)).Result()
	if err != nil {
		return nil, err
	}
	planned, err := st.planned(ctx, chat)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(m)+len(planned))
	for id := range m {
		ids = append(ids, id)
	}
	for id := range planned {
		if _, ok := m[id]; !ok {
			ids = append(ids, id)
		}
	}
	var out []booking.Record
	for _, id := range ids {
		it, gone, err := st.itemOrGone(ctx, id)
		if err != nil {
			return nil, err
		}
		r := booking.Record{Slot: booking.Slot{ID: id}, Planned: planned[id]}
		if it != nil {
			r.Slot = slotOf(*it)
		}
		r.Slot.Cancelled = gone
		v, inList := m[id]
		r.Slot.Waiting = inList && strings.HasPrefix(v, "waiting")
		r.Slot.Held = inList && !r.Slot.Waiting
		came, err := st.rdb.HGet(ctx, st.attended(id), chatStr(chat)).Result()
		switch {
		case errors.Is(err, redis.Nil):
		case err != nil:
			return nil, err
		default:
			yes := came == "yes"
			r.Came = &yes
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b booking.Record) int {
		if c := a.Slot.Start.Compare(b.Slot.Start); c != 0 {
			return c
		}
		return strings.Compare(a.Slot.ID, b.Slot.ID)
	})
	return out, nil
}

// itemOrGone is item id, or what is left of it after staff took it out
// (gone true), or nil when nothing is.
func (s *Store) itemOrGone(ctx context.Context, id string) (*Item, bool, error) {
	it, err := s.Get(ctx, id)
	if err != nil || it != nil {
		return it, false, err
	}
	body, err := s.rdb.Get(ctx, s.gone(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	var gone Item
	if err := json.Unmarshal(body, &gone); err != nil {
		return nil, false, err
	}
	return &gone, true, nil
}

// planned is chat's queued reminders and news, by item.
func (s *Store) planned(ctx context.Context, chat int64) (map[string][]booking.Notice, error) {
	out := map[string][]booking.Notice{}
	for _, key := range []string{s.reminders(), s.claimed()} {
		it := s.rdb.ZScan(ctx, key, 0, chatStr(chat)+"|*", 200).Iterator()
		for it.Next(ctx) {
			r, ok := parseMember(it.Val())
			if ok && r.Chat == chat && !slices.Contains(out[r.Item], r.Kind) {
				out[r.Item] = append(out[r.Item], r.Kind)
			}
		}
		if err := it.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
