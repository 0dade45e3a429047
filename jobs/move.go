package jobs

import (
	"context"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/clock"
)

// MoveChat gives chat from's wish for alerts, the alerts queued for it and the
// vacancies already planned (never twice) to chat to: the conversation of
// a web chat went on in Telegram. It is safe to call again.
func (a *Alerts) MoveChat(ctx context.Context, from, to int64) error {
	f, t := strconv.FormatInt(from, 10), strconv.FormatInt(to, 10)
	if n, err := a.rdb.SRem(ctx, a.key("people"), f).Result(); err != nil {
		return err
	} else if n == 1 {
		if err := a.rdb.SAdd(ctx, a.key("people"), t).Err(); err != nil {
			return err
		}
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
	// The sets of what was planned and the week's counts keep their
	// lifetimes; they move only where to has none of its own.
	now := clock.Or(a.Clock).Now()
	pairs := [][2]string{{a.key("sent", f), a.key("sent", t)}}
	for d := 0; d <= 7; d += 7 {
		w := week(now.AddDate(0, 0, -d))
		pairs = append(pairs, [2]string{a.key("week", f, w), a.key("week", t, w)})
	}
	for _, p := range pairs {
		if err := a.rdb.RenameNX(ctx, p[0], p[1]).Err(); err != nil && !strings.Contains(err.Error(), "no such key") {
			return err
		}
	}
	return nil
}
