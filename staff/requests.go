package staff

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Requests keeps the requests to talk to a person, from the request to the
// hand-back: who asked, whether a staff member took it and who, and in which
// Slack thread the conversation runs. Its state changes are atomic, so two
// staff members pressing "Overnemen" at once cannot both get it, and a
// request raised again is raised by one instance only.
type Requests struct {
	rdb    redis.UniversalClient
	prefix string
	// Retention bounds how long a request and its index live.
	Retention time.Duration
}

// NewRequests returns Requests on rdb under prefix.
func NewRequests(rdb redis.UniversalClient, prefix string) *Requests {
	return &Requests{rdb: rdb, prefix: prefix, Retention: DefaultRetention}
}

// The states of a request.
const (
	stateWaiting = "waiting"
	stateActive  = "active"
)

// Request is one open request for a person.
type Request struct {
	Ref  string
	Chat int64
	// Active is true once a staff member took it; Staff is their Slack user
	// id and Name their first name.
	Active      bool
	Staff, Name string
	// Channel and TS locate its latest Slack message; while active, the
	// conversation runs in that message's thread.
	Channel, TS  string
	Notification Notification
	// Since is when it was filed.
	Since time.Time
}

func (d *Requests) key(ref string) string { return staffKey(d.prefix, "ho:"+ref) }
func (d *Requests) waiting() string       { return staffKey(d.prefix, "ho:waiting") }
func (d *Requests) open() string          { return staffKey(d.prefix, "ho:open") }
func (d *Requests) about(channel, ts string) string {
	return staffKey(d.prefix, "about:"+channel+":"+ts)
}
func (d *Requests) posted(ref string) string {
	return staffKey(d.prefix, "posted:"+ref)
}
func (d *Requests) thread(channel, ts string) string {
	return staffKey(d.prefix, "thread:"+channel+":"+ts)
}

// openSet is the start of every script that touches the open requests
// (KEYS[3]): a sorted set by when each request expires, so that a request
// that expired leaves it too. A set of an earlier release (which never
// expired) is converted, its members given the longest lifetime, ARGV[1]
// ms from now; the set itself lives as long as its last member.
const openSet = `
local function openset(k, far)
  if redis.call('TYPE', k).ok == 'set' then
    local m = redis.call('SMEMBERS', k)
    redis.call('DEL', k)
    for _, r in ipairs(m) do redis.call('ZADD', k, far, r) end
    redis.call('PEXPIREAT', k, far)
  end
  redis.call('ZREMRANGEBYSCORE', k, '-inf', redis.call('TIME')[1] * 1000)
end
`

// openScript files a request unless one is open. KEYS: request, waiting,
// open. ARGV: ref, chat, notification, due (ms), TTL (ms).
var openScript = redis.NewScript(openSet + `
local now = redis.call('TIME')[1] * 1000
openset(KEYS[3], now + ARGV[5])
local st = redis.call('HGET', KEYS[1], 'state')
if st == 'waiting' or st == 'active' then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'chat', ARGV[2], 'n', ARGV[3], 'state', 'waiting', 'since', now)
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
redis.call('ZADD', KEYS[3], now + ARGV[5], ARGV[1])
redis.call('PEXPIRE', KEYS[3], ARGV[5])
return 1`)

// Open files n's request, to be raised again at due if nobody takes it. A
// request already open stays as it is (a person asking twice, or a turn
// delivered again).
func (d *Requests) Open(ctx context.Context, n Notification, due time.Time) error {
	body, err := json.Marshal(n)
	if err != nil {
		return err
	}
	return openScript.Run(ctx, d.rdb, []string{d.key(n.ChatRef), d.waiting(), d.open()},
		n.ChatRef, n.ChatID, body, due.UnixMilli(), d.Retention.Milliseconds()).Err()
}

// What a Location is, besides a notification's Kind: a reply the bot
// posted in a thread (the person's words, or a notice), and a message a
// person wrote in Slack (a staff member's answer in the thread, a
// colleague's remark about the person).
const (
	WhatThread = "thread"
	WhatHuman  = "human"
)

// Posted records where Slack put a notification about a person: for a
// handover, the message whose thread a take-over will use; for every kind,
// a list /forget uses to redact what staff were shown, and the message's
// reference to the person, so that what anyone writes in its thread is
// recorded too (Wrote).
func (d *Requests) Posted(ctx context.Context, n Notification, channel, ts string) error {
	p := d.rdb.TxPipeline()
	if n.Kind == KindHandover {
		p.Eval(ctx, `if redis.call('HGET', KEYS[1], 'state') == 'waiting' then
  redis.call('HSET', KEYS[1], 'channel', ARGV[1], 'ts', ARGV[2]) end return 1`,
			[]string{d.key(n.ChatRef)}, channel, ts)
	}
	p.RPush(ctx, d.posted(n.ChatRef), channel+" "+ts+" "+string(n.Kind))
	p.Expire(ctx, d.posted(n.ChatRef), d.Retention)
	p.Set(ctx, d.about(channel, ts), n.ChatRef, d.Retention)
	_, err := p.Exec(ctx)
	return err
}

// Wrote records a message in Slack that is about or from the person ref:
// what (WhatThread or WhatHuman) says who wrote it, and so how /forget
// removes it.
func (d *Requests) Wrote(ctx context.Context, ref, channel, ts, what string) error {
	p := d.rdb.TxPipeline()
	p.RPush(ctx, d.posted(ref), channel+" "+ts+" "+what)
	p.Expire(ctx, d.posted(ref), d.Retention)
	_, err := p.Exec(ctx)
	return err
}

// About is the person whose notification is the Slack message channel/ts,
// or "" when it is none of ours.
func (d *Requests) About(ctx context.Context, channel, ts string) (string, error) {
	ref, err := d.rdb.Get(ctx, d.about(channel, ts)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	return ref, err
}

// Known tells whether ref is a person Slack was told about (and who has not
// erased their data): a reference typed in the channel is recorded only
// for them.
func (d *Requests) Known(ctx context.Context, ref string) (bool, error) {
	n, err := d.rdb.Exists(ctx, d.posted(ref)).Result()
	return n == 1, err
}

// Locations is where Slack shows messages about or from ref, each once.
func (d *Requests) Locations(ctx context.Context, ref string) ([]Location, error) {
	list, err := d.rdb.LRange(ctx, d.posted(ref), 0, -1).Result()
	return parseLocations(list), err
}

func parseLocations(list []string) []Location {
	var locs []Location
	seen := map[string]bool{}
	for _, s := range list {
		f := strings.Fields(s)
		if len(f) < 2 || seen[f[0]+" "+f[1]] {
			continue
		}
		seen[f[0]+" "+f[1]] = true
		l := Location{Channel: f[0], TS: f[1], What: string(KindMessage)}
		if len(f) > 2 {
			l.What = f[2]
		}
		locs = append(locs, l)
	}
	return locs
}

// Get returns the open request ref, or nil.
func (d *Requests) Get(ctx context.Context, ref string) (*Request, error) {
	m, err := d.rdb.HGetAll(ctx, d.key(ref)).Result()
	if err != nil || len(m) == 0 || (m["state"] != stateWaiting && m["state"] != stateActive) {
		return nil, err
	}
	chat, _ := strconv.ParseInt(m["chat"], 10, 64)
	r := &Request{Ref: ref, Chat: chat, Active: m["state"] == stateActive, Staff: m["staff"], Name: m["name"],
		Channel: m["channel"], TS: m["ts"]}
	if ms, err := strconv.ParseInt(m["since"], 10, 64); err == nil {
		r.Since = time.UnixMilli(ms)
	}
	json.Unmarshal([]byte(m["n"]), &r.Notification)
	return r, nil
}

// takeScript gives a waiting request to one staff member. KEYS: request,
// waiting, thread. ARGV: ref, user, name, channel, ts, TTL (ms). Returns
// "taken", "busy" (someone has it) or "closed".
var takeScript = redis.NewScript(`
local st = redis.call('HGET', KEYS[1], 'state')
if st == 'active' then return 'busy' end
if st ~= 'waiting' then return 'closed' end
redis.call('HSET', KEYS[1], 'state', 'active', 'staff', ARGV[2], 'name', ARGV[3], 'channel', ARGV[4], 'ts', ARGV[5])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[6])
return 'taken'`)

// Take results.
var (
	// ErrTaken means another staff member has the conversation.
	ErrTaken = errors.New("staff: someone else has this conversation")
	// ErrClosed means the request is no longer open: withdrawn, handed
	// back, or the person erased their data.
	ErrClosed = errors.New("staff: this request is no longer open")
)

// Take gives the request ref to the staff member user (first name name),
// pressing the button on the message channel/ts, whose thread then carries
// the conversation. It returns the request as it is now: taken by user, or
// with ErrTaken, held by someone else.
func (d *Requests) Take(ctx context.Context, ref, user, name, channel, ts string) (*Request, error) {
	res, err := takeScript.Run(ctx, d.rdb, []string{d.key(ref), d.waiting(), d.thread(channel, ts)},
		ref, user, name, channel, ts, d.Retention.Milliseconds()).Text()
	if err != nil {
		return nil, err
	}
	r, err := d.Get(ctx, ref)
	switch {
	case err != nil:
		return nil, err
	case res == "closed" || r == nil:
		return nil, ErrClosed
	case res == "busy":
		return r, ErrTaken
	}
	return r, nil
}

// releaseScript puts a taken request back to waiting. KEYS: request,
// waiting, thread. ARGV: ref, due (ms).
var releaseScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'state') ~= 'active' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'waiting')
redis.call('HDEL', KEYS[1], 'staff', 'name')
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('DEL', KEYS[3])
return 1`)

// Release puts a taken request back, as if nobody had pressed: for when
// the person could not be told someone took over.
func (d *Requests) Release(ctx context.Context, ref string, due time.Time) error {
	r, err := d.Get(ctx, ref)
	if err != nil || r == nil {
		return err
	}
	return releaseScript.Run(ctx, d.rdb, []string{d.key(ref), d.waiting(), d.thread(r.Channel, r.TS)}, ref, due.UnixMilli()).Err()
}

// closeScript ends a request in the state ARGV[2]. KEYS: request, waiting,
// open, thread. ARGV: ref, the state it must be in ("" for any open one),
// the retention (ms).
var closeScript = redis.NewScript(`
local far = redis.call('TIME')[1] * 1000 + ARGV[3]
` + openSet + `
openset(KEYS[3], far)
local st = redis.call('HGET', KEYS[1], 'state')
if st ~= 'waiting' and st ~= 'active' then return 0 end
if ARGV[2] ~= '' and st ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1], KEYS[4])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return 1`)

// close ends ref's request if it is in state (any open state for ""), and
// returns it as it was, or nil when it was not.
func (d *Requests) close(ctx context.Context, ref, state string) (*Request, error) {
	r, err := d.Get(ctx, ref)
	if err != nil || r == nil {
		return nil, err
	}
	ok, err := closeScript.Run(ctx, d.rdb, []string{d.key(ref), d.waiting(), d.open(), d.thread(r.Channel, r.TS)},
		ref, state, d.Retention.Milliseconds()).Int()
	if err != nil || ok == 0 {
		return nil, err
	}
	return r, nil
}

// Back ends a taken request: the staff member hands the conversation back
// to the bot. It returns the request as it was, or nil if it was not taken.
func (d *Requests) Back(ctx context.Context, ref string) (*Request, error) {
	return d.close(ctx, ref, stateActive)
}

// Cancel ends a request nobody took yet: the person withdrew it.
func (d *Requests) Cancel(ctx context.Context, ref string) (*Request, error) {
	return d.close(ctx, ref, stateWaiting)
}

// ByThread finds the taken request whose conversation runs in the thread
// under channel/ts, or nil.
func (d *Requests) ByThread(ctx context.Context, channel, ts string) (*Request, error) {
	ref, err := d.rdb.Get(ctx, d.thread(channel, ts)).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	r, err := d.Get(ctx, ref)
	if err != nil || r == nil || !r.Active {
		return nil, err
	}
	return r, nil
}

// dueScript claims the requests due to be raised again and sets their next
// due time, so that each is raised by one instance. KEYS: waiting. ARGV:
// now (ms), next (ms), limit.
var dueScript = redis.NewScript(`
local refs = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
for _, r in ipairs(refs) do redis.call('ZADD', KEYS[1], ARGV[2], r) end
return refs`)

// Due claims up to limit requests that waited past their due time at now,
// and makes them due again at next.
func (d *Requests) Due(ctx context.Context, now, next time.Time, limit int) ([]*Request, error) {
	refs, err := dueScript.Run(ctx, d.rdb, []string{d.waiting()}, now.UnixMilli(), next.UnixMilli(), limit).StringSlice()
	if err != nil {
		return nil, err
	}
	var out []*Request
	for _, ref := range refs {
		r, err := d.Get(ctx, ref)
		if err != nil {
			return out, err
		}
		if r == nil || r.Active {
			d.rdb.ZRem(ctx, d.waiting(), ref) // expired or taken meanwhile
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

// countScript counts the open requests and those waiting. KEYS: waiting,
// (unused), open. ARGV: the retention (ms).
var countScript = redis.NewScript(`
local far = redis.call('TIME')[1] * 1000 + ARGV[1]
` + openSet + `
openset(KEYS[3], far)
return {redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[3])}`)

// Counts tells how many requests wait and how many are being handled.
func (d *Requests) Counts(ctx context.Context) (waiting, active int64, err error) {
	n, err := countScript.Run(ctx, d.rdb, []string{d.waiting(), d.waiting(), d.open()}, d.Retention.Milliseconds()).Int64Slice()
	if err != nil || len(n) != 2 {
		return 0, 0, err
	}
	return n[0], max(0, n[1]-n[0]), nil
}

// Forget removes all the desk holds on the person ref, for /forget, and
// returns the open request as it was (nil if none) and where Slack shows
// messages about or from them, so that the caller can redact them.
func (d *Requests) Forget(ctx context.Context, ref string) (*Request, []Location, error) {
	r, err := d.close(ctx, ref, "")
	if err != nil {
		return nil, nil, err
	}
	locs, err := d.Locations(ctx, ref)
	if err != nil {
		return r, nil, err
	}
	keys := []string{d.posted(ref)}
	for _, l := range locs {
		if l.What != WhatThread && l.What != WhatHuman {
			keys = append(keys, d.about(l.Channel, l.TS))
		}
	}
	// They share the hash tag {staff}: one DEL in a Redis Cluster too.
	if err := d.rdb.Del(ctx, keys...).Err(); err != nil {
		return r, nil, err
	}
	return r, locs, nil
}

// Location is a Slack message, and what it is: a notification's Kind,
// WhatThread or WhatHuman.
type Location struct{ Channel, TS, What string }

func (l Location) String() string { return l.Channel + " " + l.TS + " " + l.What }

// redactKey is the Slack messages /forget could not redact at once
// (Slack was down or rate-limited): Locations with no reference, tried
// again until done.
func (d *Requests) redactKey() string { return staffKey(d.prefix, "redact") }

// Unredacted queues locs to be redacted later.
func (d *Requests) Unredacted(ctx context.Context, locs []Location) error {
	if len(locs) == 0 {
		return nil
	}
	vals := make([]any, len(locs))
	for i, l := range locs {
		vals[i] = l.String()
	}
	p := d.rdb.TxPipeline()
	p.RPush(ctx, d.redactKey(), vals...)
	p.Expire(ctx, d.redactKey(), d.Retention)
	_, err := p.Exec(ctx)
	return err
}

// ToRedact takes up to n queued locations off the queue.
func (d *Requests) ToRedact(ctx context.Context, n int) ([]Location, error) {
	list, err := d.rdb.LPopCount(ctx, d.redactKey(), n).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	return parseLocations(list), err
}

// firstTime marks a Slack event id as seen; false means it was handled (or
// is being handled) already: Slack delivers an event again when we answer
// slowly.
func (d *Requests) firstTime(ctx context.Context, eventID string) (bool, error) {
	if eventID == "" {
		return true, nil
	}
	return d.rdb.SetNX(ctx, staffKey(d.prefix, "event:"+eventID), "1", time.Hour).Result()
}

// unsee forgets an event id whose handling failed, so Slack's retry is
// handled.
func (d *Requests) unsee(ctx context.Context, eventID string) {
	if eventID != "" {
		d.rdb.Del(context.WithoutCancel(ctx), staffKey(d.prefix, "event:"+eventID))
	}
}
