package jobs

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs/vacancies"
)

var _ vacancies.AlertLog = (*Alerts)(nil)

// Held is what the alerts keep on chat, for /mydata: whether they are on
// the list, the vacancies planned for them (sent or still to send), those
// still waiting to be sent, and this week's count.
func (a *Alerts) Held(ctx context.Context, chat int64) (vacancies.AlertsHeld, error) {
	var h vacancies.AlertsHeld
	c := strconv.FormatInt(chat, 10)
	p := a.rdb.Pipeline()
	on := p.SIsMember(ctx, a.key("people"), c)
	planned := p.SMembers(ctx, a.key("sent", c))
	n := p.Get(ctx, a.key("week", c, week(clock.Or(a.Clock).Now())))
	if _, err := p.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return h, err
	}
	h.Subscribed = on.Val()
	h.Planned = planned.Val()
	slices.Sort(h.Planned)
	h.ThisWeek, _ = strconv.Atoi(n.Val())
	for _, k := range []string{a.key("queue"), a.key("claimed")} {
		it := a.rdb.ZScan(ctx, k, 0, c+"|*", 500).Iterator()
		for it.Next(ctx) {
			if v, ok := strings.CutPrefix(it.Val(), c+"|"); ok {
				h.Queued = append(h.Queued, v)
			}
		}
		if err := it.Err(); err != nil {
			return h, err
		}
	}
	return h, nil
}
