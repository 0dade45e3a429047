package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
)

// Chats says which instance handles a chat and keeps, per chat, what waits
// to be handled (its inbox), so that one person's backlog waits in their own
// queue and never in front of anyone else.
//
// An instance holds a chat (its lock names the instance) for as long as it
// has work for it, not per update: taking the chat, checking that nothing
// waits ahead and loading the conversation are one script (Take), and so
// are recording a delivery, taking the next item with its conversation,
// and letting go once the inbox is empty (Next). An ordinary update
// therefore costs three round trips with the save in between, all of them
// group-committed with the other chats' work, as without a lock.
//
// Several instances share one Redis: an update or event for a chat that
// another instance holds goes into the inbox, and that instance takes it up
// before it lets go (letting go and queueing exclude each other in Redis).
// A chat whose holder stopped beating (killed) is taken over by whoever
// sweeps the waiting chats next (Waiting, Claim).
type Chats struct {
	rdb  redis.UniversalClient
	keys Keys
	c    *committer
	// Owner names this instance in its locks: the id it announces with a
	// heartbeat in the instances set (Keys.Instances).
	Owner string
	// TTL frees a chat whose holder died without a heartbeat to tell; it
	// is renewed with every item and must exceed the longest turn.
	TTL time.Duration
	// Stale is how long a holder may go without a heartbeat before its
	// chats are taken over.
	Stale time.Duration
	// InboundLimit is how many messages a person may send in a minute
	// before Take or Queue reports Notice, once; 0 for no limit.
	InboundLimit int
	// Clock dates the waiting marks and judges a heartbeat stale: the
	// same clock as the sweeps that read the marks (bot.Telegram's) and
	// the heartbeats (bot.Quota's). nil is the wall clock.
	Clock clock.Clock
}

// NewChats returns Chats on the Redis and the group commit of s, so that a
// chat's holding rides in the same pipelines as its conversation.
func NewChats(s *Sessions, owner string) *Chats {
	if owner == "" {
		b := make([]byte, 8)
		rand.Read(b)
		owner = hex.EncodeToString(b)
	}
	return &Chats{rdb: s.rdb, keys: s.keys, c: &s.outs, Owner: owner, TTL: 45 * time.Second, Stale: 6 * time.Second}
}

// InboxTTL bounds how long queued work waits: Telegram keeps an update for a
// day, and so do we.
const InboxTTL = 24 * time.Hour

// Status is what Take, Queue, Next and Claim found.
type Status int

// The statuses.
const (
	// Run: the chat is ours and nothing waits ahead; handle the item now,
	// with the loaded conversation.
	Run Status = iota
	// Drain: the item is queued and the chat is ours: handle the inbox.
	Drain
	// Queued: the item is queued and another instance holds the chat; it
	// takes the item up before it lets go.
	Queued
	// Next: the inbox's first item, with its conversation (Next, Claim).
	Next
	// Released: nothing waits; the chat is let go.
	Released
	// Lost: another instance holds the chat now (ours expired).
	Lost
)

// Work is one answer of Chats.
type Work struct {
	Status Status
	// Item is the inbox's first item (Next).
	Item []byte
	// State and Out are the chat's conversation and undelivered replies
	// (Run, Next).
	State *dialogs.State
	Out   *dialogs.Turn
	// Holder names the instance that holds the chat (Queued, Lost).
	Holder string
	// Notice: the person just went over the inbound limit; tell them once
	// that we are reading.
	Notice bool
}

// inbound counts a person's messages in a window of a minute and reports
// (1) the one that first goes over the limit. Over it, the window lasts ten
// minutes from the last message, so that one flood gets one notice.
// KEYS[n] is the counter, ARGV: how many, the limit.
const inbound = `
local notice = 0
local function count(key, n, limit)
  if n > 0 and limit > 0 then
    local c = redis.call('INCRBY', key, n)
    if c == n then redis.call('PEXPIRE', key, 60000) end
    if c > limit then
      redis.call('PEXPIRE', key, 600000)
      if c - n <= limit then notice = 1 end
    end
  end
end
`

// takeScript: KEYS lock, inbox, conv, out, in. ARGV me, ttl ms, item,
// counts (0/1), limit, inbox ttl ms.
var takeScript = redis.NewScript(inbound + `
count(KEYS[5], tonumber(ARGV[4]), tonumber(ARGV[5]))
local h = redis.call('GET', KEYS[1])
local mine = (not h) or h == ARGV[1]
if mine then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
if mine and redis.call('LLEN', KEYS[2]) == 0 then
  local v = redis.call('MGET', KEYS[3], KEYS[4])
  return {'run', notice, v[1], v[2]}
end
redis.call('RPUSH', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
if mine then return {'drain', notice} end
return {'queued', notice, h}`)

// queueScript: KEYS lock, inbox, in. ARGV me, ttl ms, front, counted,
// limit, inbox ttl ms, items...
var queueScript = redis.NewScript(inbound + `
count(KEYS[3], tonumber(ARGV[4]), tonumber(ARGV[5]))
if ARGV[3] ~= '' then redis.call('LPUSH', KEYS[2], ARGV[3]) end
for i = 7, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[i]) end
redis.call('PEXPIRE', KEYS[2], ARGV[6])
local h = redis.call('GET', KEYS[1])
if (not h) or h == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {'drain', notice}
end
return {'queued', notice, h}`)

// nextScript: KEYS lock, inbox, conv, out. ARGV me, ttl ms, the item done (empty
// for none), delivered (1 to clear the outbox).
var nextScript = redis.NewScript(`
local h = redis.call('GET', KEYS[1])
if h and h ~= ARGV[1] then return {'lost', 0, h} end
if ARGV[4] == '1' then redis.call('DEL', KEYS[4]) end
if ARGV[3] ~= '' and redis.call('LINDEX', KEYS[2], 0) == ARGV[3] then redis.call('LPOP', KEYS[2]) end
local head = redis.call('LINDEX', KEYS[2], 0)
if not head then
  if h then redis.call('DEL', KEYS[1]) end
  return {'released', 0}
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local v = redis.call('MGET', KEYS[3], KEYS[4])
return {'next', 0, v[1], v[2], head}`)

// claimScript: KEYS lock, inbox. ARGV me, ttl ms, a holder known dead
// (empty for none).
var claimScript = redis.NewScript(`
local h = redis.call('GET', KEYS[1])
if h and h ~= ARGV[1] and h ~= ARGV[3] then return {'lost', 0, h} end
if redis.call('LLEN', KEYS[2]) == 0 then
  if h then redis.call('DEL', KEYS[1]) end
  return {'released', 0}
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return {'drain', 0}`)

// releaseScript lets a chat go if it is still ours. KEYS lock. ARGV me.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`)

// unmarkScript removes a waiting mark that nobody renewed since it was
// read. KEYS waiting. ARGV chat, score read.
var unmarkScript = redis.NewScript(`
local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
if s and tonumber(s) <= tonumber(ARGV[2]) then return redis.call('ZREM', KEYS[1], ARGV[1]) end
return 0`)

func (c *Chats) ttl() int64 { return c.TTL.Milliseconds() }

func (c *Chats) now() time.Time { return clock.Or(c.Clock).Now() }

// Take is an item (an update or an event, as the caller stores it) that
// arrives for chat and that the caller would handle at once. When the chat
// is free or already ours and nothing waits in its inbox, Take holds it for
// this instance and returns Run with the conversation; otherwise the item
// goes to the end of the inbox (Drain when the chat is ours, Queued when
// another instance holds it) and the chat is marked waiting. counts says
// whether the item is a message the inbound limit counts.
func (c *Chats) Take(ctx context.Context, chat int64, item []byte, counts bool) (Work, error) {
	cmd, err := c.c.script(ctx, takeScript, []string{c.keys.Lock(chat), c.keys.Inbox(chat), c.keys.Conversation(chat),
		c.keys.Outbox(chat), c.keys.Inbound(chat)},
		[]any{c.Owner, c.ttl(), item, b2i(counts), c.InboundLimit, InboxTTL.Milliseconds()}, nil)
	if err != nil {
		return Work{}, err
	}
	w, err := c.read(cmd)
	if err != nil || w.Status == Run {
		return w, err
	}
	// Rarely here (a backlog, or another instance busy with the chat):
	// mark the chat waiting, so that whoever sweeps takes it up should
	// its holder die.
	return w, c.mark(ctx, chat)
}

// Queue puts items at the end of chat's inbox, after front (when not nil):
// an item being handled that must keep its place ahead of them should this
// instance die. counted is how many of the items the inbound limit counts.
// It returns Drain when the chat is now ours (free, or held by us already),
// else Queued.
func (c *Chats) Queue(ctx context.Context, chat int64, front []byte, items [][]byte, counted int) (Work, error) {
	args := []any{c.Owner, c.ttl(), front, counted, c.InboundLimit, InboxTTL.Milliseconds()}
	for _, it := range items {
		args = append(args, it)
	}
	var mark *redis.IntCmd
	cmd, err := c.c.script(ctx, queueScript, []string{c.keys.Lock(chat), c.keys.Inbox(chat), c.keys.Inbound(chat)}, args,
		func(p redis.Pipeliner) {
			mark = p.ZAddNX(ctx, c.keys.Waiting(), redis.Z{Score: float64(c.now().UnixMilli()), Member: chat})
			p.Expire(ctx, c.keys.Waiting(), InboxTTL)
		})
	if err != nil {
		return Work{}, err
	}
	if err := mark.Err(); err != nil {
		return Work{}, err
	}
	return c.read(cmd)
}

// Next records that done (an item as stored, or nil) was handled: it
// leaves the inbox if it is at its head, and with delivered the chat's
// outbox is cleared. It then returns the inbox's next item with the
// conversation (Next), or lets the chat go when nothing waits (Released),
// or Lost when another instance holds the chat. A free chat with work is
// taken.
func (c *Chats) Next(ctx context.Context, chat int64, done []byte, delivered bool) (Work, error) {
	cmd, err := c.c.script(ctx, nextScript, []string{c.keys.Lock(chat), c.keys.Inbox(chat), c.keys.Conversation(chat), c.keys.Outbox(chat)},
		[]any{c.Owner, c.ttl(), done, b2i(delivered)}, nil)
	if err != nil {
		return Work{}, err
	}
	return c.read(cmd)
}

// Release lets chat go, whatever waits in its inbox (the instance stops,
// or cannot go on): another instance, or this one later, takes it up.
func (c *Chats) Release(ctx context.Context, chat int64) error {
	return releaseScript.Run(ctx, c.rdb, []string{c.keys.Lock(chat)}, c.Owner).Err()
}

// Waiting is a chat marked as having queued work, and since when.
type Waiting struct {
	Chat  int64
	Since float64 // ms, as stored
}

// Waiting lists up to max chats marked waiting since before t.
func (c *Chats) Waiting(ctx context.Context, t time.Time, max int) ([]Waiting, error) {
	zs, err := c.rdb.ZRangeByScoreWithScores(ctx, c.keys.Waiting(), &redis.ZRangeBy{
		Min: "-inf", Max: strconv.FormatInt(t.UnixMilli(), 10), Count: int64(max)}).Result()
	if err != nil {
		return nil, err
	}
	out := make([]Waiting, 0, len(zs))
	for _, z := range zs {
		s, _ := z.Member.(string)
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			continue
		}
		out = append(out, Waiting{Chat: id, Since: z.Score})
	}
	return out, nil
}

// Claim takes a waiting chat for this instance when its inbox holds work
// and nobody alive holds it: free, ours (left over), or held by an instance
// whose heartbeat stopped. It returns Drain when the chat is now ours;
// Released when nothing waits any more (the mark is then removed); Lost
// when an instance alive holds it.
func (c *Chats) Claim(ctx context.Context, w Waiting) (Status, error) {
	st, holder, err := c.claim(ctx, w.Chat, "")
	if err != nil {
		return 0, err
	}
	if st == Lost {
		dead, err := c.dead(ctx, holder)
		if err != nil || !dead {
			return Lost, err
		}
		if st, _, err = c.claim(ctx, w.Chat, holder); err != nil {
			return 0, err
		}
	}
	if st == Released {
		err = unmarkScript.Run(ctx, c.rdb, []string{c.keys.Waiting()}, w.Chat, w.Since).Err()
	}
	return st, err
}

func (c *Chats) claim(ctx context.Context, chat int64, dead string) (Status, string, error) {
	w, err := c.read(claimScript.Run(ctx, c.rdb, []string{c.keys.Lock(chat), c.keys.Inbox(chat)}, c.Owner, c.ttl(), dead))
	return w.Status, w.Holder, err
}

// dead reports whether instance owner has not beaten for Stale.
func (c *Chats) dead(ctx context.Context, owner string) (bool, error) {
	beat, err := c.rdb.ZScore(ctx, c.keys.Instances(), owner).Result()
	if errors.Is(err, redis.Nil) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return c.now().Sub(time.UnixMilli(int64(beat))) >= c.Stale, nil
}

func (c *Chats) mark(ctx context.Context, chat int64) error {
	return c.c.do(ctx, func(p redis.Pipeliner) {
		p.ZAddNX(ctx, c.keys.Waiting(), redis.Z{Score: float64(c.now().UnixMilli()), Member: chat})
		p.Expire(ctx, c.keys.Waiting(), InboxTTL)
	})
}

// Forget takes chat off the list of chats with work waiting, for /forget:
// the list names chats. It is called while the goodbye is handled, by the
// instance that holds the chat and drains whatever else its inbox holds
// before it lets go; only the sweep that would find it after a crash is
// lost, for those few seconds, and what the person sends later marks the
// chat again.
func (c *Chats) Forget(ctx context.Context, chat int64) error {
	return c.rdb.ZRem(ctx, c.keys.Waiting(), chat).Err()
}

var statuses = map[string]Status{"run": Run, "drain": Drain, "queued": Queued, "next": Next, "released": Released, "lost": Lost}

// read decodes a script's answer: {status, notice, ...}, where run and
// next carry the conversation and outbox (and next the item), queued and
// lost the holder.
func (c *Chats) read(cmd *redis.Cmd) (Work, error) {
	vals, err := cmd.Slice()
	if err != nil {
		return Work{}, err
	}
	name, _ := vals[0].(string)
	st, ok := statuses[name]
	if !ok {
		return Work{}, fmt.Errorf("store: chats: unknown answer %q", name)
	}
	w := Work{Status: st}
	if n, _ := vals[1].(int64); n == 1 {
		w.Notice = true
	}
	switch w.Status {
	case Run, Next:
		if w.State, w.Out, err = decode(at(vals, 2), at(vals, 3)); err != nil {
			return Work{}, err
		}
		if w.Status == Next {
			s, _ := at(vals, 4).(string)
			w.Item = []byte(s)
		}
	case Queued, Lost:
		w.Holder, _ = at(vals, 2).(string)
	}
	return w, nil
}

func at(vals []any, i int) any {
	if i < len(vals) {
		return vals[i]
	}
	return nil
}

// decode reads a stored conversation and outbox, either absent.
func decode(conv, out any) (*dialogs.State, *dialogs.Turn, error) {
	var st *dialogs.State
	if v, ok := conv.(string); ok {
		st = &dialogs.State{}
		if err := json.Unmarshal([]byte(v), st); err != nil {
			return nil, nil, fmt.Errorf("store: decode conversation: %w", err)
		}
	}
	var turn *dialogs.Turn
	if v, ok := out.(string); ok {
		turn = &dialogs.Turn{}
		if err := json.Unmarshal([]byte(v), turn); err != nil {
			return nil, nil, fmt.Errorf("store: decode outbox: %w", err)
		}
	}
	return st, turn, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
