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

// Held is what the alerts keep on chat, for /mydata: whether they are in
// the index of people who get alerts, the vacancies still waiting to be
// sent to them, and how many were handed out this week. (Which vacancies
// were sent is in their conversation: vacancies.State.Alerted.)
func (a *Alerts) Held(ctx context.Context, chat int64) (vacancies.AlertsHeld, error) {
	var h vacancies.AlertsHeld
	c := strconv.FormatInt(chat, 10)
	p := a.rdb.Pipeline()
	on := p.ZScore(ctx, a.key("ix", "until"), c)
	n := p.HGet(ctx, a.key("week", week(clock.Or(a.Clock).Now())), c)
	if _, err := p.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return h, err
	}
	h.Subscribed = on.Err() == nil
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
	slices.Sort(h.Queued)
	h.Planned = h.Queued
	return h, nil
}
