package staff

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Ref is the pseudonymous reference staff see for a chat: stable, so that
// all notifications about one person carry the same one, and not the chat
// id, which would let anyone in Slack write to them outside the bot.
func Ref(chatID int64) string {
	sum := sha256.Sum256([]byte("werkwijzer-staff:" + strconv.FormatInt(chatID, 10)))
	return "WW-" + strings.ToUpper(hex.EncodeToString(sum[:5]))
}

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
}

func (d *Requests) key(ref string) string { return staffKey(d.prefix, "ho:"+ref) }
func (d *Requests) waiting() string       { return staffKey(d.prefix, "ho:waiting") }
func (d *Requests) open() string          { return staffKey(d.prefix, "ho:open") }
func (d *Requests) posted(ref string) string {
	return staffKey(d.prefix, "posted:"+ref)
}
func (d *Requests) thread(channel, ts string) string {
	return staffKey(d.prefix, "thread:"+channel+":"+ts)
}

// openScript files a request unless one is open. KEYS: request, waiting,
// open. ARGV: ref, chat, notification, due (ms), TTL (ms).
var openScript = redis.NewScript(`
local st = redis.call('HGET', KEYS[1], 'state')
if st == 'waiting' or st == 'active' then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'chat', ARGV[2], 'n', ARGV[3], 'state', 'waiting')
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1])
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

// Posted records where Slack put a notification about a person: for a
// handover, the message whose thread a take-over will use; for every kind,
// a list /forget uses to redact what staff were shown.
func (d *Requests) Posted(ctx context.Context, n Notification, channel, ts string) error {
	p := d.rdb.TxPipeline()
	if n.Kind == KindHandover {
		p.Eval(ctx, `if redis.call('HGET', KEYS[1], 'state') == 'waiting' then
  redis.call('HSET', KEYS[1], 'channel', ARGV[1], 'ts', ARGV[2]) end return 1`,
			[]string{d.key(n.ChatRef)}, channel, ts)
	}
	p.RPush(ctx, d.posted(n.ChatRef), channel+" "+ts)
	p.Expire(ctx, d.posted(n.ChatRef), d.Retention)
	_, err := p.Exec(ctx)
	return err
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
// open, thread. ARGV: ref, the state it must be in ("" for any open one).
var closeScript = redis.NewScript(`
local st = redis.call('HGET', KEYS[1], 'state')
if st ~= 'waiting' and st ~= 'active' then return 0 end
if ARGV[2] ~= '' and st ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1], KEYS[4])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[1])
return 1`)

// close ends ref's request if it is in state (any open state for ""), and
// returns it as it was, or nil when it was not.
func (d *Requests) close(ctx context.Context, ref, state string) (*Request, error) {
	r, err := d.Get(ctx, ref)
	if err != nil || r == nil {
		return nil, err
	}
	ok, err := closeScript.Run(ctx, d.rdb, []string{d.key(ref), d.waiting(), d.open(), d.thread(r.Channel, r.TS)},
		ref, state).Int()
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

// Counts tells how many requests wait and how many are being handled.
func (d *Requests) Counts(ctx context.Context) (waiting, active int64, err error) {
	p := d.rdb.Pipeline()
	w := p.ZCard(ctx, d.waiting())
	o := p.SCard(ctx, d.open())
	if _, err := p.Exec(ctx); err != nil {
		return 0, 0, err
	}
	return w.Val(), max(0, o.Val()-w.Val()), nil
}

// Forget removes all the desk holds on chatID, for /forget, and returns the
// open request as it was (nil if none) and where Slack shows posts about
// the person, so that the caller can redact them.
func (d *Requests) Forget(ctx context.Context, chatID int64) (*Request, []Location, error) {
	ref := Ref(chatID)
	r, err := d.close(ctx, ref, "")
	if err != nil {
		return nil, nil, err
	}
	list, err := d.rdb.LRange(ctx, d.posted(ref), 0, -1).Result()
	if err != nil {
		return r, nil, err
	}
	if err := d.rdb.Del(ctx, d.posted(ref)).Err(); err != nil {
		return r, nil, err
	}
	var locs []Location
	for _, s := range list {
		if ch, ts, ok := strings.Cut(s, " "); ok {
			locs = append(locs, Location{ch, ts})
		}
	}
	return r, locs, nil
}

// Location is a Slack message.
type Location struct{ Channel, TS string }

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
