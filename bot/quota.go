package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/werkwijzer/werkwijzer/clock"
)

// Quota keeps all instances together within one rate (Telegram's ~30
// messages a second for the bot) without a Redis call per message: each
// instance announces itself in a sorted set every Beat, counts the
// instances seen recently, and allows itself its share, locally. Asking
// Redis per message would cost a round trip on every answer; an instance
// joining or leaving shifts the shares within one Beat, and a 429 in that
// moment is waited out by the Sender.
type Quota struct {
	rdb   redis.UniversalClient
	key   string
	id    string
	total float64
	Beat  time.Duration
	// Clock paces and beats; the wall clock unless a test sets another
	// before Run.
	Clock clock.Clock

	mu      sync.Mutex
	limiter *rate.Limiter
	share   int // instances sharing the rate at the last beat
}

// NewQuota returns a Quota of perSecond messages for all instances using key.
// Until its first beat it assumes it is alone.
func NewQuota(rdb redis.UniversalClient, key string, perSecond float64) *Quota {
	b := make([]byte, 8)
	rand.Read(b)
	return &Quota{rdb: rdb, key: key, id: hex.EncodeToString(b), total: perSecond, Beat: 2 * time.Second,
		Clock: clock.Real(), limiter: rate.NewLimiter(rate.Limit(perSecond), 1), share: 1}
}

// Wait blocks until this instance may send one more message.
func (q *Quota) Wait(ctx context.Context) error {
	q.mu.Lock()
	l := q.limiter
	q.mu.Unlock()
	return waitFor(ctx, q.Clock, l)
}

// ID is this instance's name in the instances set: chat locks carry it, so
// that another instance can tell a dead holder from a live one.
func (q *Quota) ID() string { return q.id }

// Instances is how many instances shared the rate at the last beat.
func (q *Quota) Instances() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.share
}

// Heartbeat announces this instance once and takes its new share.
func (q *Quota) Heartbeat(ctx context.Context) error {
	now := q.Clock.Now()
	var card *redis.IntCmd
	_, err := q.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.ZAdd(ctx, q.key, redis.Z{Score: float64(now.UnixMilli()), Member: q.id})
		p.ZRemRangeByScore(ctx, q.key, "-inf", strconv.FormatInt(now.Add(-3*q.Beat).UnixMilli(), 10))
		p.Expire(ctx, q.key, 10*q.Beat)
		card = p.ZCard(ctx, q.key)
		return nil
	})
	if err != nil {
		return err
	}
	n := int(card.Val())
	if n < 1 {
		n = 1
	}
	q.mu.Lock()
	if n != q.share {
		q.share = n
		q.limiter.SetLimit(rate.Limit(q.total / float64(n)))
	}
	q.mu.Unlock()
	return nil
}

// Run beats until ctx ends, then withdraws this instance so the others
// take its share at once.
func (q *Quota) Run(ctx context.Context) {
	t := q.Clock.NewTicker(q.Beat)
	defer t.Stop()
	for {
		q.Heartbeat(ctx)
		select {
		case <-ctx.Done():
			c, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
			q.rdb.ZRem(c, q.key, q.id)
			cancel()
			return
		case <-t.C():
		}
	}
}

// chatLimits keeps the per-chat pace in this process: one instance handles
// a chat at a time, so its replies all leave from here. Idle entries are
// dropped so the map does not grow with every person ever seen.
type chatLimits struct {
	limit rate.Limit
	burst int
	clock clock.Clock

	mu    sync.Mutex
	m     map[int64]*chatLimit
	swept time.Time
}

type chatLimit struct {
	*rate.Limiter
	used time.Time
}

func (c *chatLimits) wait(ctx context.Context, chatID int64) error {
	now := c.clock.Now()
	c.mu.Lock()
	if c.m == nil {
		c.m = map[int64]*chatLimit{}
	}
	l := c.m[chatID]
	if l == nil {
		l = &chatLimit{Limiter: rate.NewLimiter(c.limit, c.burst)}
		c.m[chatID] = l
	}
	l.used = now
	if now.Sub(c.swept) > time.Minute {
		for id, x := range c.m {
			if now.Sub(x.used) > time.Minute {
				delete(c.m, id)
			}
		}
		c.swept = now
	}
	c.mu.Unlock()
	return waitFor(ctx, c.clock, l.Limiter)
}

// waitFor is rate.Limiter.Wait on clk: the limiter's own Wait reads the
// wall clock, so the reservation is taken at clk's now and waited out on
// clk's timer.
func waitFor(ctx context.Context, clk clock.Clock, l *rate.Limiter) error {
	now := clk.Now()
	r := l.ReserveN(now, 1)
	if !r.OK() {
		return fmt.Errorf("rate: a burst of %d cannot take one message", l.Burst())
	}
	delay := r.DelayFrom(now)
	if deadline, ok := ctx.Deadline(); ok && delay > time.Until(deadline) {
		// As rate.Limiter.Wait: fail now rather than hold a slot the
		// caller cannot use.
		r.CancelAt(now)
		return fmt.Errorf("rate: waiting %v would pass the deadline", delay)
	}
	if err := clock.Sleep(ctx, clk, delay); err != nil {
		r.CancelAt(clk.Now())
		return err
	}
	return nil
}
