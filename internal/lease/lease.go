// Package lease hands out the due members of a Redis sorted set (a queue
// scored by when each is due), each to one caller at a time: a claimed
// member moves to a second set scored by when its lease ends, and comes
// back to whoever claims next if it is not acknowledged by then. Several
// instances sharing Redis, and restarts, therefore send each reminder or
// alert once, or, when a sender dies between sending and acknowledging,
// again after the lease (which the conversations then show once). Sender
// is the one loop that turns any such queue (vacancy alerts, reminders and
// booking news) into messages.
package lease

import (
	"context"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Queue is a due set and its claimed set; both keys must share a hash tag
// on a Redis Cluster.
type Queue struct {
	RDB     redis.UniversalClient
	Due     string
	Claimed string
}

// Claim is one member handed out, with when it was due.
type Claim struct {
	Member string
	Due    time.Time
}

// claimScript hands out up to max members due at now, expired leases
// first. KEYS: due, claimed. ARGV: now (ms), lease end (ms), max. Returns
// member/score pairs.
var claimScript = redis.NewScript(`
local out = {}
local max = tonumber(ARGV[3])
for _, key in ipairs({KEYS[2], KEYS[1]}) do
  if #out/2 >= max then break end
  local due = redis.call('ZRANGEBYSCORE', key, '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, max - #out/2)
  for i = 1, #due, 2 do
    redis.call('ZREM', KEYS[1], due[i])
    redis.call('ZADD', KEYS[2], ARGV[2], due[i])
    table.insert(out, due[i])
    table.insert(out, due[i+1])
  end
end
return out`)

// Claim hands out up to max members due at now for lease: nobody else
// gets them until the lease ends. Acknowledge each once it is done.
func (q Queue) Claim(ctx context.Context, now time.Time, lease time.Duration, max int) ([]Claim, error) {
	res, err := claimScript.Run(ctx, q.RDB, []string{q.Due, q.Claimed}, now.UnixMilli(), now.Add(lease).UnixMilli(), max).StringSlice()
	if err != nil {
		return nil, err
	}
	out := make([]Claim, 0, len(res)/2)
	for i := 0; i+1 < len(res); i += 2 {
		ms, _ := strconv.ParseFloat(res[i+1], 64)
		out = append(out, Claim{Member: res[i], Due: time.UnixMilli(int64(ms))})
	}
	return out, nil
}

// Ack marks a claimed member done.
func (q Queue) Ack(ctx context.Context, member string) error {
	return q.RDB.ZRem(ctx, q.Claimed, member).Err()
}

// Later puts a claimed member back, due at t.
func (q Queue) Later(ctx context.Context, member string, t time.Time) error {
	p := q.RDB.TxPipeline()
	p.ZRem(ctx, q.Claimed, member)
	p.ZAdd(ctx, q.Due, redis.Z{Score: float64(t.UnixMilli()), Member: member})
	_, err := p.Exec(ctx)
	return err
}

// Depth is how many members wait, due or not, for the metrics.
func (q Queue) Depth(ctx context.Context) (int64, error) {
	return q.RDB.ZCard(ctx, q.Due).Result()
}
