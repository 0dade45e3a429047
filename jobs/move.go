package jobs

import (
	"context"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/clock"
)

// MoveChat gives chat from's place in the index (their wish for alerts),
// the alerts queued for it and the week's count to chat to: the
// conversation of a web chat went on in Telegram. What was planned is
// planned for everyone at once, so it is never planned again for to
// either. It is safe to call again.
func (a *Alerts) MoveChat(ctx context.Context, from, to int64) error {
	f, t := strconv.FormatInt(from, 10), strconv.FormatInt(to, 10)
	for _, k := range a.indexes() {
		rec, err := a.rdb.HGet(ctx, k, f).Result()
		if err == redis.Nil {
			continue
		}
		if err != nil {
			return err
		}
		p := a.rdb.TxPipeline()
		p.HSet(ctx, k, t, rec)
		p.HDel(ctx, k, f)
		if _, err := p.Exec(ctx); err != nil {
			return err
		}
	}
	if until, err := a.rdb.ZScore(ctx, a.key("ix", "until"), f).Result(); err == nil {
		p := a.rdb.TxPipeline()
		p.ZAdd(ctx, a.key("ix", "until"), redis.Z{Score: until, Member: t})
		p.ZRem(ctx, a.key("ix", "until"), f)
		if _, err := p.Exec(ctx); err != nil {
			return err
		}
	} else if err != redis.Nil {
		return err
	}
	for _, k := range []string{a.key("queue"), a.key("claimed")} {
		var members []string
		it := a.rdb.ZScan(ctx, k, 0, f+"|*", 500).Iterator()
		for i := 0; it.Next(ctx); i++ {
			if i%2 == 0 && strings.HasPrefix(it.Val(), f+"|") {
				members = append(members, it.Val())
			}
		}
		if err := it.Err(); err != nil {
			return err
		}
		for _, m := range members {
			score, err := a.rdb.ZScore(ctx, k, m).Result()
			if err == redis.Nil {
				continue
			}
			if err != nil {
				return err
			}
			p := a.rdb.TxPipeline()
			p.ZAdd(ctx, k, redis.Z{Score: score, Member: t + strings.TrimPrefix(m, f)})
			p.ZRem(ctx, k, m)
			if _, err := p.Exec(ctx); err != nil {
				return err
			}
		}
	}
	// The week's count moves only where to has none of its own: the cap
	// holds across both chats.
	now := clock.Or(a.Clock).Now()
	for d := 0; d <= 7; d += 7 {
		k := a.key("week", week(now.AddDate(0, 0, -d)))
		n, err := a.rdb.HGet(ctx, k, f).Result()
		if err == redis.Nil {
			continue
		}
		if err != nil {
			return err
		}
		p := a.rdb.TxPipeline()
		p.HSetNX(ctx, k, t, n)
		p.HDel(ctx, k, f)
		if _, err := p.Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}
