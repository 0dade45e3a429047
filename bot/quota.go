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
//
// Within an instance the share goes by Class: a message waits only for
// those of a more urgent class and for those of its own class that came
// first. So replies go before a broadcast of alerts however long it is,
// and the broadcast takes whatever the replies leave.
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
	limiter *queueLimiter
	share   int // instances sharing the rate at the last beat
}

// NewQuota returns a Quota of perSecond messages for all instances using key.
// Until its first beat it assumes it is alone.
func NewQuota(rdb redis.UniversalClient, key string, perSecond float64) *Quota {
	b := make([]byte, 8)
	rand.Read(b)
	q := &Quota{rdb: rdb, key: key, id: hex.EncodeToString(b), total: perSecond, Beat: 2 * time.Second,
		Clock: clock.Real(), limiter: &queueLimiter{}, share: 1}
	q.limiter.setRate(perSecond)
	return q
}

// Wait blocks until this instance may send one more message of class c:
// after every waiting message of a more urgent class, and after those of
// class c that waited first.
func (q *Quota) Wait(ctx context.Context, c Class) error {
	return q.limiter.wait(ctx, q.Clock, c)
}

// Waiting is how many messages wait for this instance's share right now:
// a backlog of sends shows here before people notice late answers.
func (q *Quota) Waiting() int {
	q.limiter.mu.Lock()
	defer q.limiter.mu.Unlock()
	n := 0
	for _, w := range q.limiter.waiting {
		n += len(w)
	}
	return n
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
		q.limiter.setRate(q.total / float64(n))
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

// Class is how urgently a message must go out.
type Class int

// The classes, most urgent first.
const (
	// Follow is a reply after the first of one turn (an edit, then a new
	// message): the person has seen the turn begin, so it is finished
	// before anything else starts, and not paced a second apart.
	Follow Class = iota
	// Reply answers what a person just did.
	Reply
	// Proactive is what the bot says unasked: vacancy alerts, reminders,
	// booking news. It waits for every reply, and keeps the chat's pace.
	Proactive
	classes
)

// queueLimiter lets one message through every interval, in the order of
// Class and, within a class, of arrival. It is a token bucket of one token
// (as rate.Limiter with a burst of 1), with a queue in front: rate.Limiter
// hands out reservations in the order they are asked for, which would put
// a reply behind every alert already waiting.
type queueLimiter struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time // when the next message may go
	waiting  [classes][]*waiter
}

type waiter struct{ wake chan struct{} }

func (l *queueLimiter) setRate(perSecond float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.interval = time.Duration(float64(time.Second) / perSecond)
}

// head is the waiter whose turn is next; l.mu is held.
func (l *queueLimiter) head() *waiter {
	for c := range l.waiting {
		if len(l.waiting[c]) > 0 {
			return l.waiting[c][0]
		}
	}
	return nil
}

func poke(w *waiter) {
	if w != nil {
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
}

// remove takes w out of its queue and wakes whoever is head now; l.mu is
// held.
func (l *queueLimiter) remove(c Class, w *waiter) {
	q := l.waiting[c]
	for i := range q {
		if q[i] == w {
			l.waiting[c] = append(q[:i:i], q[i+1:]...)
			break
		}
	}
	poke(l.head())
}

func (l *queueLimiter) wait(ctx context.Context, clk clock.Clock, c Class) error {
	if c < 0 || c >= classes {
		c = Reply
	}
	w := &waiter{wake: make(chan struct{}, 1)}
	l.mu.Lock()
	before := l.head()
	l.waiting[c] = append(l.waiting[c], w)
	if before != nil && l.head() != before {
		poke(before) // it waits behind us now
	}
	for {
		if l.head() == w {
			now := clk.Now()
			if !now.Before(l.next) {
				// A message that comes a little late (its sender was busy
				// with Redis between two) keeps the time it was late for,
				// up to half an interval: a sender that keeps one message
				// waiting then still gets the whole rate, and a sliding
				// second never sees more than one extra.
				start := l.next
				if floor := now.Add(-l.interval / 2); start.Before(floor) {
					start = floor
				}
				l.next = start.Add(l.interval)
				l.remove(c, w)
				l.mu.Unlock()
				return nil
			}
			delay := l.next.Sub(now)
			l.mu.Unlock()
			t := clk.NewTimer(delay)
			select {
			case <-t.C():
			case <-w.wake: // someone more urgent came first
			case <-ctx.Done():
				t.Stop()
				return l.leave(c, w, ctx.Err())
			}
			t.Stop()
		} else {
			l.mu.Unlock()
			select {
			case <-w.wake:
			case <-ctx.Done():
				return l.leave(c, w, ctx.Err())
			}
		}
		l.mu.Lock()
	}
}

func (l *queueLimiter) leave(c Class, w *waiter, err error) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.remove(c, w)
	return err
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
	return waitFor(ctx, c.clock, c.limiter(chatID))
}

// follow counts a message in the chat's pace without waiting for it: the
// next turn waits for it instead.
func (c *chatLimits) follow(chatID int64) {
	c.limiter(chatID).ReserveN(c.clock.Now(), 1)
}

// paced reports whether the chat's next message would wait more than
// a moment (50 ms).
func (c *chatLimits) paced(chatID int64) bool {
	c.mu.Lock()
	l := c.m[chatID]
	c.mu.Unlock()
	if l == nil {
		return false
	}
	missing := 1 - l.TokensAt(c.clock.Now())
	return missing > 0 && missing/float64(c.limit) > 0.05
}

func (c *chatLimits) limiter(chatID int64) *rate.Limiter {
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
	return l.Limiter
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
	// ctx's deadline is real time (a bound on calls over the network),
	// whatever clk says.
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
