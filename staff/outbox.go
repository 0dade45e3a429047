package staff

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"time"
	_ "time/tzdata" // Europe/Brussels must load on machines without zoneinfo

	"github.com/redis/go-redis/v9"
	"github.com/slack-go/slack"

	"github.com/werkwijzer/werkwijzer/clock"
)

// Group is the consumer group of the outbox stream. Every instance reads as
// a consumer of this one group, so that each entry goes to one of them.
const Group = "posters"

// Defaults of the Outbox's tunables.
const (
	// DefaultRetention matches RETENTION_DAYS' default: a person's index of
	// unposted notifications lives no longer than the rest of their data.
	DefaultRetention = 180 * 24 * time.Hour
	// DefaultClaimAfter is how long an entry may sit unacknowledged with
	// one consumer before another takes it over, assuming the first died.
	// It must comfortably exceed postTimeout plus a third of itself (the
	// longest an owner goes without touching its entry), or a live but slow
	// consumer would lose its entry to another and both would post it.
	DefaultClaimAfter = time.Minute
	// DefaultMaxAge is how long a notification may wait to be posted:
	// one Slack still refuses after a week (a channel deleted, a token
	// revoked) is stale news, and it holds what staff were to be told
	// about a person, so it is dropped (and logged) rather than kept.
	DefaultMaxAge = 7 * 24 * time.Hour
)

const (
	// postTimeout bounds one chat.postMessage call, so that a hanging
	// connection is retried rather than holding the entry forever.
	postTimeout = 20 * time.Second
	// Backoff on 5xx and network errors: start small, since most Slack
	// hiccups pass in a second, and cap it so a long outage is noticed
	// within half a minute of its end.
	backoffStart = 500 * time.Millisecond
	backoffMax   = 30 * time.Second
	readCount    = 10
	readBlock    = time.Second
)

// StreamKey is the outbox stream under prefix. Exported so that tests and
// the store's list of keys name the same key. Every staff key but the
// per-person index shares the hash tag {staff}, so that scripts can touch
// several of them in a Redis Cluster.
func StreamKey(prefix string) string { return staffKey(prefix, "outbox") }

func staffKey(prefix, name string) string { return prefix + ":{staff}:" + name }

// IndexKey is the set of chatID's unposted outbox entries. It carries the
// person's hash tag like every key of theirs in the store package, so that
// /forget's sweep of {u<id>} finds it and a cluster keeps it with them.
func IndexKey(prefix string, chatID int64) string {
	return prefix + ":{u" + strconv.FormatInt(chatID, 10) + "}:staffq"
}

// Outbox queues notifications for staff in a Redis Stream and posts them to
// Slack, so that none is lost and each is posted once.
//
// Lost: Enqueue returns once the notification is in Redis. A poster acks
// and deletes an entry only after Slack accepted it; until then the entry
// stays pending in the group. A 429 is waited out and a 5xx or network error
// retried with backoff; a poster that dies leaves its entries pending, and
// another poster (or itself, restarted) claims them after ClaimAfter
// (XAUTOCLAIM). An error Slack will not get over by itself (an unknown
// channel, a revoked token) is logged and the entry left pending: it is
// tried again every ClaimAfter until someone fixes the configuration.
//
// Once: the group hands each new entry to one consumer; a poster re-asserts
// that it still owns an entry (and that /forget did not delete it) right
// before every attempt to post it, which also resets its idle time so that
// nobody claims it while it is being retried. One window remains: a crash
// (or a pause longer than ClaimAfter) after Slack accepted a message but
// before its XACK reached Redis posts that message a second time. Slack's
// chat.postMessage has no idempotency key to close it; staff see a rare
// duplicate rather than a lost notification, which is the trade we want.
type Outbox struct {
	// Retention is the TTL of a person's index of unposted entries.
	Retention time.Duration
	// ClaimAfter is how long an entry may stay unacknowledged with one
	// consumer before another claims it; see DefaultClaimAfter.
	ClaimAfter time.Duration
	// MaxAge bounds how long an entry waits to be posted; see
	// DefaultMaxAge.
	MaxAge time.Duration

	rdb    redis.UniversalClient
	prefix string
	api    *slack.Client
	cfg    Config
	log    *slog.Logger
	// OnPosted, when set, learns where Slack put each posted notification,
	// so that a handover can be found again and /forget can redact posts.
	OnPosted func(ctx context.Context, n Notification, channel, ts string)
	// Clock times the waits between attempts (Slack's Retry-After is in
	// real seconds): the wall clock unless a test sets another.
	Clock clock.Clock
}

// NewOutbox returns an Outbox on rdb under prefix that posts through api to
// the channels of cfg. Its tunables have their defaults; set the fields
// before calling Run to change them.
func NewOutbox(rdb redis.UniversalClient, prefix string, api *slack.Client, cfg Config, log *slog.Logger) *Outbox {
	if log == nil {
		log = slog.Default()
	}
	return &Outbox{
		Retention:  DefaultRetention,
		ClaimAfter: DefaultClaimAfter,
		MaxAge:     DefaultMaxAge,
		Clock:      clock.Real(),
		rdb:        rdb,
		prefix:     prefix,
		api:        api,
		cfg:        cfg,
		log:        log.With("component", "staff.outbox"),
	}
}

// Enqueue stores n for posting. Once it returns nil, n will be posted even
// if this process dies right after.
//
// The entry id also goes into the person's index for Forget. The stream and
// the index live in different cluster slots, so the two writes are not
// atomic: if the index write fails the notification is still posted (the
// error is logged, not returned, lest a retry enqueue it twice), and until
// then Forget does not see it.
func (o *Outbox) Enqueue(ctx context.Context, n Notification) error {
	body, err := json.Marshal(n)
	if err != nil {
		return err
	}
	stat := ""
	switch n.Kind {
	case KindSignup, KindOriented, KindHandover:
		if n.Again == 0 {
			stat = string(n.Kind)
		}
	}
	keys := []string{StreamKey(o.prefix), staffKey(o.prefix, "seen:"+n.ID), StatsKey(o.prefix, n.At.In(clock.Brussels))}
	id, err := enqueueScript.Run(ctx, o.rdb, keys, body, n.ID, stat, seenTTL.Milliseconds(), statsTTL.Seconds()).Text()
	if err != nil {
		return err
	}
	if id == "" {
		return nil // enqueued before: a turn delivered again
	}
	idx := IndexKey(o.prefix, n.ChatID)
	p := o.rdb.TxPipeline()
	p.SAdd(ctx, idx, id)
	p.Expire(ctx, idx, o.retention())
	if _, err := p.Exec(ctx); err != nil {
		o.log.Warn("staff outbox: entry not indexed for /forget", "entry", id, "err", err)
		return nil
	}
	// A poster may have posted the entry, and taken it out of the index,
	// before it was put there: then it is posted, and the index must not
	// say it waits (/mydata would show a notification that is not there).
	// A poster that posts it after this look takes it out itself.
	if left, err := o.rdb.XRange(ctx, StreamKey(o.prefix), id, id).Result(); err == nil && len(left) == 0 {
		o.rdb.SRem(ctx, idx, id)
	}
	return nil
}

// seenTTL bounds how long an enqueued notification's ID is remembered: far
// longer than a turn waits for delivery (store.OutboxTTL, an hour).
const seenTTL = 24 * time.Hour

// statsTTL keeps daily counts for /werkwijzer stats' week and a margin.
const statsTTL = 40 * 24 * time.Hour

// StatsKey is the hash of day's counts per kind (day in Brussels).
func StatsKey(prefix string, day time.Time) string {
	return staffKey(prefix, "stats:"+day.Format("2006-01-02"))
}

// enqueueScript adds a notification once per ID and counts it for the
// statistics. KEYS: stream, seen marker, day's stats. ARGV: body, ID ("" for
// no check), the kind to count ("" for none), the marker's TTL in ms, the
// stats' TTL in s. Returns the entry id, or "" when the ID was seen.
var enqueueScript = redis.NewScript(`
if ARGV[2] ~= '' then
  if not redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[4]) then return '' end
end
local id = redis.call('XADD', KEYS[1], '*', 'n', ARGV[1])
if ARGV[3] ~= '' then
  redis.call('HINCRBY', KEYS[3], ARGV[3], 1)
  redis.call('EXPIRE', KEYS[3], ARGV[5])
end
return id`)

// Forget deletes chatID's notifications that are not posted yet, and their
// index, for /forget (Staff.Forget redacts what was posted). An entry a poster is
// posting at this very moment may still go out; one it is retrying will not
// (posters check before every attempt). The caller must not enqueue for
// the person while this runs (the bot handles one chat's updates in order).
func (o *Outbox) Forget(ctx context.Context, chatID int64) error {
	idx := IndexKey(o.prefix, chatID)
	ids, err := o.rdb.SMembers(ctx, idx).Result()
	if err != nil {
		return err
	}
	if len(ids) > 0 {
		// XDEL leaves the ids in the group's pending lists; posters ack
		// such deleted entries when they meet them.
		if err := o.rdb.XDel(ctx, StreamKey(o.prefix), ids...).Err(); err != nil {
			return err
		}
		// What XDEL marked deleted is gone from memory once trimmed: at
		// once when nothing older waits, else with what waits before it.
		o.trim(ctx, o.log, "")
	}
	return o.rdb.Del(ctx, idx).Err()
}

// Run posts the outbox as consumer until ctx ends. Give every instance its
// own consumer name (a stable one, such as the host name, lets a restarted
// instance resume its own pending entries at once instead of after
// ClaimAfter). Errors are logged and retried; Run returns only when ctx
// ends.
func (o *Outbox) Run(ctx context.Context, consumer string) {
	log := o.log.With("consumer", consumer)
	var bo backoff
	for ctx.Err() == nil {
		err := o.ensureGroup(ctx)
		if err == nil {
			break
		}
		log.Warn("staff outbox: cannot create consumer group", "err", err)
		if o.sleep(ctx, bo.next()) != nil {
			return
		}
	}
	bo = backoff{}
	stream := StreamKey(o.prefix)
	ownCursor := "0"     // our own pending entries, left by an earlier run
	claimCursor := "0-0" // XAUTOCLAIM's scan of everyone's pending entries
	var lastClaim time.Time
	for ctx.Err() == nil {
		var msgs []redis.XMessage
		var err error
		switch {
		case ownCursor != "":
			msgs, err = o.read(ctx, consumer, ownCursor, -1)
			if err == nil {
				if len(msgs) == 0 {
					ownCursor = ""
				} else {
					ownCursor = msgs[len(msgs)-1].ID
				}
			}
		case o.Clock.Now().Sub(lastClaim) >= o.claimAfter()/2:
			var next string
			msgs, next, err = o.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
				Stream: stream, Group: Group, Consumer: consumer,
				MinIdle: o.claimAfter(), Start: claimCursor, Count: readCount,
			}).Result()
			if err == nil {
				claimCursor = next
				if next == "0-0" { // scanned to the end; rest a while
					lastClaim = o.Clock.Now()
					// Also when nothing is posted (Slack refuses
					// everything), entries too old go.
					o.trim(ctx, log, "")
				}
			}
		default:
			msgs, err = o.read(ctx, consumer, ">", min(readBlock, o.claimAfter()/2))
		}
		if err != nil && !errors.Is(err, redis.Nil) {
			if ctx.Err() != nil {
				return
			}
			if redis.HasErrorPrefix(err, "NOGROUP") {
				// The stream was removed (a Redis without persistence
				// restarted); make the group again.
				err = o.ensureGroup(ctx)
			}
			log.Warn("staff outbox: read failed", "err", err)
			if o.sleep(ctx, bo.next()) != nil {
				return
			}
			continue
		}
		bo = backoff{}
		for _, m := range msgs {
			if ctx.Err() != nil {
				return
			}
			o.deliver(ctx, log, consumer, m)
		}
	}
}

// read reads entries for consumer from id on (">" for new ones, else its
// own pending ones), blocking up to block when block >= 0.
func (o *Outbox) read(ctx context.Context, consumer, id string, block time.Duration) ([]redis.XMessage, error) {
	res, err := o.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: Group, Consumer: consumer, Streams: []string{StreamKey(o.prefix), id},
		Count: readCount, Block: block,
	}).Result()
	if err != nil || len(res) == 0 {
		return nil, err
	}
	return res[0].Messages, nil
}

func (o *Outbox) ensureGroup(ctx context.Context) error {
	// From "0", not "$": entries enqueued before any poster ran must be
	// posted too.
	err := o.rdb.XGroupCreateMkStream(ctx, StreamKey(o.prefix), Group, "0").Err()
	if redis.HasErrorPrefix(err, "BUSYGROUP") {
		return nil
	}
	return err
}

// deliver posts one entry until Slack accepts it, the entry is no longer
// ours, Slack refuses it for good, or ctx ends. Only the first acks it.
func (o *Outbox) deliver(ctx context.Context, log *slog.Logger, consumer string, m redis.XMessage) {
	log = log.With("entry", m.ID)
	raw, _ := m.Values["n"].(string)
	if raw == "" {
		// Deleted by Forget after it was handed to a consumer: XDEL keeps
		// the id pending, and reading it back gives no fields.
		o.rdb.XAck(ctx, StreamKey(o.prefix), Group, m.ID)
		return
	}
	var n Notification
	if err := json.Unmarshal([]byte(raw), &n); err != nil {
		// Enqueue wrote it, so this cannot happen short of someone else
		// writing to the stream; keeping it would retry it forever.
		log.Error("staff outbox: undecodable entry dropped", "err", err)
		o.done(ctx, log, m.ID, nil)
		return
	}
	log = log.With("kind", string(n.Kind))
	channel := o.cfg.ChannelFor(n.Kind)
	if n.Channel != "" {
		channel = n.Channel
	}
	var bo backoff
	for {
		if !o.stillOurs(ctx, log, consumer, m.ID) {
			return
		}
		pctx, cancel := context.WithTimeout(ctx, postTimeout)
		ch, ts, err := o.api.PostMessageContext(pctx, channel,
			slack.MsgOptionBlocks(Blocks(n)...), slack.MsgOptionText(Fallback(n), false))
		cancel()
		if err == nil {
			o.done(ctx, log, m.ID, &n)
			if o.OnPosted != nil {
				o.OnPosted(context.WithoutCancel(ctx), n, ch, ts)
			}
			return
		}
		if ctx.Err() != nil {
			return // stays pending: resumed or claimed by the next run
		}
		var wait time.Duration
		var rl *slack.RateLimitedError
		switch {
		case errors.As(err, &rl):
			wait = rl.RetryAfter
			if wait <= 0 {
				wait = bo.next()
			}
		case transient(err):
			wait = bo.next()
		default:
			log.Error("staff outbox: Slack refused the notification; it stays queued and is retried after ClaimAfter",
				"channel", channel, "err", err)
			return
		}
		log.Warn("staff outbox: post failed, retrying", "err", err, "wait", wait)
		if !o.wait(ctx, log, consumer, m.ID, wait) {
			return
		}
	}
}

// wait sleeps d while keeping the entry ours: a wait longer than ClaimAfter
// (a long Retry-After) would otherwise let another consumer claim it and
// post it too. It reports whether to go on.
func (o *Outbox) wait(ctx context.Context, log *slog.Logger, consumer, id string, d time.Duration) bool {
	step := max(o.claimAfter()/3, time.Millisecond)
	for d > 0 {
		s := min(d, step)
		if o.sleep(ctx, s) != nil {
			return false
		}
		d -= s
		if d > 0 && !o.stillOurs(ctx, log, consumer, id) {
			return false
		}
	}
	return true
}

// touchScript tells whether an entry is still the consumer's to post, and
// if so resets its idle time so nobody claims it. KEYS: the stream. ARGV:
// group, consumer, entry id. Returns 1 when it is ours, 0 when Forget
// deleted it (it is acked here), -1 when another consumer claimed it.
var touchScript = redis.NewScript(`
if #redis.call('XRANGE', KEYS[1], ARGV[3], ARGV[3]) == 0 then
  redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
  return 0
end
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1, ARGV[2])
if #p == 0 then return -1 end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
return 1`)

// stillOurs runs touchScript, retrying while Redis is unreachable (nothing
// could be acked then anyway).
func (o *Outbox) stillOurs(ctx context.Context, log *slog.Logger, consumer, id string) bool {
	var bo backoff
	for {
		r, err := touchScript.Run(ctx, o.rdb, []string{StreamKey(o.prefix)}, Group, consumer, id).Int()
		if err == nil {
			if r == -1 {
				log.Warn("staff outbox: entry claimed by another consumer; leaving it to them")
			}
			return r == 1
		}
		if ctx.Err() != nil {
			return false
		}
		log.Warn("staff outbox: cannot check entry", "err", err)
		if o.sleep(ctx, bo.next()) != nil {
			return false
		}
	}
}

// done acks and deletes a posted entry, trims the stream and takes the
// entry out of the person's index. It keeps trying for a while even when
// ctx ends (a shutdown right after a post), since every failure here means
// a second post later.
func (o *Outbox) done(ctx context.Context, log *slog.Logger, id string, n *Notification) {
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	var bo backoff
	for !o.trim(actx, log, id) {
		if o.sleep(actx, bo.next()) != nil {
			log.Error("staff outbox: posted entry not acked; it will be posted again")
			return
		}
	}
	if n != nil {
		// Enqueue may index the entry only now: it looks whether the
		// entry is still there once it did (and Forget deletes what is
		// not there).
		o.rdb.SRem(actx, IndexKey(o.prefix, n.ChatID), id)
	}
}

// trimScript acks and deletes a posted entry (ARGV[2], "" for none) and
// trims the stream: XDEL only marks an entry deleted, so what was posted
// stays in the stream's memory (and in a dump of it) until it is trimmed;
// everything before the first entry still to post goes, and with it
// entries older than the age limit, posted or not (by Redis's clock,
// which made the ids). KEYS: stream. ARGV: group, entry id, the age limit
// (ms). Returns how many entries the age limit took that had not been
// posted.
var trimScript = redis.NewScript(`
if ARGV[2] ~= '' then
  redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
  redis.call('XDEL', KEYS[1], ARGV[2])
end
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
if #first == 0 then
  redis.call('XTRIM', KEYS[1], 'MAXLEN', 0)
  return 0
end
redis.call('XTRIM', KEYS[1], 'MINID', first[1][1])
local t = redis.call('TIME')
local cut = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - tonumber(ARGV[3])
if cut <= 0 then return 0 end
return redis.call('XTRIM', KEYS[1], 'MINID', string.format('%.0f', cut) .. '-0')`)

// trim runs trimScript; false means Redis did not answer.
func (o *Outbox) trim(ctx context.Context, log *slog.Logger, id string) bool {
	dropped, err := trimScript.Run(ctx, o.rdb, []string{StreamKey(o.prefix)}, Group, id, o.maxAge().Milliseconds()).Int()
	if err != nil {
		log.Warn("staff outbox: cannot ack or trim", "err", err)
		return false
	}
	if dropped > 0 {
		log.Error("staff outbox: notifications Slack refused for longer than the age limit were dropped", "count", dropped, "max_age", o.maxAge())
	}
	return true
}

func (o *Outbox) maxAge() time.Duration {
	if o.MaxAge > 0 {
		return o.MaxAge
	}
	return DefaultMaxAge
}

// transient tells errors worth retrying soon (Slack's 5xx, its own
// temporary failures, the network) from those that need a person (a bad
// channel or token, a malformed message).
func transient(err error) bool {
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		return sc.Code >= 500 || sc.Code == 408
	}
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		switch se.Err {
		case "internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited":
			return true
		}
		return false
	}
	return true // network errors, timeouts, a garbled answer
}

func (o *Outbox) sleep(ctx context.Context, d time.Duration) error {
	return clock.Sleep(ctx, o.Clock, d)
}

func (o *Outbox) retention() time.Duration {
	if o.Retention > 0 {
		return o.Retention
	}
	return DefaultRetention
}

func (o *Outbox) claimAfter() time.Duration {
	if o.ClaimAfter > 0 {
		return o.ClaimAfter
	}
	return DefaultClaimAfter
}

var brussels = clock.Brussels

// backoff doubles from backoffStart up to backoffMax.
type backoff struct{ d time.Duration }

func (b *backoff) next() time.Duration {
	if b.d == 0 {
		b.d = backoffStart
	} else {
		b.d = min(2*b.d, backoffMax)
	}
	return b.d
}
