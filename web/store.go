package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Store keeps what the web channel holds in Redis: sessions, the message
// log each page reads, the client message ids already handled, push
// subscriptions and Telegram link codes. The keys are listed in the
// package doc.
type Store struct {
	rdb    redis.UniversalClient
	prefix string
	// Retention is how long a conversation is kept after its last
	// message, as for Telegram (RETENTION_DAYS).
	Retention time.Duration
	// instance names this process in the news it publishes.
	instance string
}

// NewStore returns a Store on rdb under prefix.
func NewStore(rdb redis.UniversalClient, prefix string) *Store {
	b := make([]byte, 8)
	rand.Read(b)
	return &Store{rdb: rdb, prefix: prefix, Retention: 180 * 24 * time.Hour, instance: hex.EncodeToString(b)}
}

// Log holds at most this many entries per conversation: enough to show a
// returning person where they were, little enough to send on a slow line.
const logMax = 200

// idsMax is how many client message ids are remembered per conversation:
// a page resends only its few unanswered messages.
const idsMax = 200

// freshSession is the lifetime of a session nobody has written in yet: a
// page opened once and left, or a crawler, is gone by tomorrow.
const freshSession = 24 * time.Hour

// The person's keys share the store package's hash tag {u<id>}, so that in
// a Redis Cluster a script can write them together.
func (s *Store) user(chat int64) string {
	return s.prefix + ":{u" + strconv.FormatInt(chat, 10) + "}"
}
func (s *Store) meta(chat int64) string { return s.user(chat) + ":web" }
func (s *Store) log(chat int64) string  { return s.user(chat) + ":web:log" }
func (s *Store) ids(chat int64) string  { return s.user(chat) + ":web:ids" }
func (s *Store) session(sid string) string {
	return s.prefix + ":web:s:" + sessionHash(sid)
}
func (s *Store) linkCode(code string) string { return s.prefix + ":web:tg:" + code }
func (s *Store) news() string                { return s.prefix + ":web:news" }

// sessionHash names a session in Redis: a stolen key list gives no cookie.
func sessionHash(sid string) string {
	sum := sha256.Sum256([]byte("werkwijzer-web-session:" + sid))
	return hex.EncodeToString(sum[:16])
}

// NewSession stores a session for a new web conversation and returns its
// chat id. It lives a day until the person first writes.
func (s *Store) NewSession(ctx context.Context, sid string) (int64, error) {
	chat := newChatID()
	// Two slots in a cluster: a pipeline, not a transaction. A meta hash
	// without its session (a failure in between) only waits out its day.
	p := s.rdb.Pipeline()
	p.Set(ctx, s.session(sid), chat, freshSession)
	p.HSet(ctx, s.meta(chat), "sess", sessionHash(sid))
	p.Expire(ctx, s.meta(chat), freshSession)
	_, err := p.Exec(ctx)
	return chat, err
}

// Chat returns the conversation of session sid, or 0 for a session that
// does not exist (never did, expired, or was revoked by /forget).
func (s *Store) Chat(ctx context.Context, sid string) (int64, error) {
	v, err := s.rdb.Get(ctx, s.session(sid)).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err == nil && !IsChat(v) {
		return 0, fmt.Errorf("web: session names chat %d outside the web range", v)
	}
	return v, err
}

// assignScript gives a client message id its update id, the same one
// every time the page resends it. KEYS: ids, meta (one slot: the session
// key is in another, so it is renewed apart). ARGV: client id, the
// retention in ms, how many ids to keep, the pre-consent lifetime in ms.
// It returns the update id, the highest update id whose answer is fully in
// the log, and the lifetime it gave the keys: the retention once the
// person agreed to the privacy notice, a day before (as the conversation
// itself).
var assignScript = redis.NewScript(`
local done = tonumber(redis.call('HGET', KEYS[2], 'done') or '0')
local n = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not n then
  n = redis.call('HINCRBY', KEYS[2], 'seq', 1)
  redis.call('ZADD', KEYS[1], n, ARGV[1])
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[3]) + 1))
end
local ttl = ARGV[4]
if redis.call('HGET', KEYS[2], 'agreed') then ttl = ARGV[2] end
for i = 1, 2 do redis.call('PEXPIRE', KEYS[i], ttl) end
return {tonumber(n), done, tonumber(ttl)}`)

// Assign returns the update id of client message id msg in chat (the same
// on every resend), and whether its answer is already in the log.
func (s *Store) Assign(ctx context.Context, chat int64, sid, msg string) (update int64, done bool, err error) {
	r, err := assignScript.Run(ctx, s.rdb, []string{s.ids(chat), s.meta(chat)},
		msg, s.Retention.Milliseconds(), idsMax, freshSession.Milliseconds()).Int64Slice()
	if err != nil {
		return 0, false, err
	}
	if err := s.rdb.PExpire(ctx, s.session(sid), time.Duration(r[2])*time.Millisecond).Err(); err != nil {
		return 0, false, err
	}
	return r[0], r[0] <= r[1], nil
}

// appendScript adds a turn's entries to the log, once: KEYS meta, log,
// ids (renewed with them); ARGV the retention in ms, the update id ("0"
// for what no client message asked, which is never repeated), the log's
// length, "1" when the person agreed to the privacy notice in this turn,
// the pre-consent lifetime in ms, then the entries' JSON. For an update id
// the log already took entries of, it adds only those it lacks (a crash
// between the log and the outbox), and marks the update done.
var appendScript = redis.NewScript(`
local u = ARGV[2]
local skip = 0
if u ~= '0' then
  local lg = redis.call('HGET', KEYS[1], 'lg')
  if lg then
    local lu, lk = string.match(lg, '^(%d+):(%d+)$')
    if lu == u then skip = tonumber(lk) end
  end
end
local last = tonumber(redis.call('HGET', KEYS[1], 'ent') or '0')
for i = 6 + skip, #ARGV do
  last = redis.call('HINCRBY', KEYS[1], 'ent', 1)
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], last .. '-0', 'm', ARGV[i])
end
if u ~= '0' then
  redis.call('HSET', KEYS[1], 'lg', u .. ':' .. (#ARGV - 5), 'done', u)
end
if ARGV[4] == '1' then redis.call('HSET', KEYS[1], 'agreed', '1') end
local ttl = ARGV[5]
if redis.call('HGET', KEYS[1], 'agreed') then ttl = ARGV[1] end
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ttl) end
return last`)

// Append adds entries to chat's log for update (0 for proactive ones) and
// returns the number of the last entry. agreed says the person accepted
// the privacy notice in this turn: from then on the web side is kept as
// long as the conversation (the retention), before that for a day.
func (s *Store) Append(ctx context.Context, chat, update int64, agreed bool, entries []Entry) (int64, error) {
	flag := "0"
	if agreed {
		flag = "1"
	}
	args := []any{s.Retention.Milliseconds(), update, logMax, flag, freshSession.Milliseconds()}
	for _, e := range entries {
		b, err := json.Marshal(e)
		if err != nil {
			return 0, err
		}
		args = append(args, b)
	}
	n, err := appendScript.Run(ctx, s.rdb, []string{s.meta(chat), s.log(chat), s.ids(chat)}, args...).Int64()
	if err != nil {
		return 0, err
	}
	if agreed {
		// From now on the session lives as long as the conversation.
		if sess, err := s.rdb.HGet(ctx, s.meta(chat), "sess").Result(); err == nil && sess != "" {
			if err := s.rdb.PExpire(ctx, s.prefix+":web:s:"+sess, s.Retention).Err(); err != nil {
				return 0, err
			}
		}
	}
	s.publish(ctx, chat)
	return n, nil
}

// publish tells the other instances that chat's log changed; this one
// wakes its own pages itself (Channel.deliver), so it skips its own news.
func (s *Store) publish(ctx context.Context, chat int64) {
	s.rdb.Publish(ctx, s.news(), s.instance+" "+strconv.FormatInt(chat, 10))
}

// Since returns chat's log entries after entry number after, oldest
// first, with their numbers set.
func (s *Store) Since(ctx context.Context, chat, after int64) ([]Entry, error) {
	msgs, err := s.rdb.XRangeN(ctx, s.log(chat), "("+strconv.FormatInt(after, 10)+"-0", "+", logMax).Result()
	if err != nil {
		return nil, err
	}
	out := make([]Entry, 0, len(msgs))
	for _, m := range msgs {
		var e Entry
		raw, _ := m.Values["m"].(string)
		if err := json.Unmarshal([]byte(raw), &e); err != nil {
			return nil, fmt.Errorf("web: decode log entry: %w", err)
		}
		e.N, _ = strconv.ParseInt(m.ID[:len(m.ID)-2], 10, 64)
		out = append(out, e)
	}
	return out, nil
}

// Entry returns entry n of chat's log, or nil when it is no longer there.
func (s *Store) Entry(ctx context.Context, chat, n int64) (*Entry, error) {
	id := strconv.FormatInt(n, 10) + "-0"
	msgs, err := s.rdb.XRangeN(ctx, s.log(chat), id, id, 1).Result()
	if err != nil || len(msgs) == 0 {
		return nil, err
	}
	var e Entry
	raw, _ := msgs[0].Values["m"].(string)
	if err := json.Unmarshal([]byte(raw), &e); err != nil {
		return nil, err
	}
	e.N = n
	return &e, nil
}

// Meta is what the channel keeps of a web conversation besides its log.
type Meta struct {
	Lang string
	// Push is the browser's push subscription (JSON), "" when the person
	// has not allowed notifications.
	Push string
}

// Meta reads chat's language and push subscription.
func (s *Store) Meta(ctx context.Context, chat int64) (Meta, error) {
	v, err := s.rdb.HMGet(ctx, s.meta(chat), "lang", "push").Result()
	if err != nil {
		return Meta{}, err
	}
	str := func(x any) string { s, _ := x.(string); return s }
	return Meta{Lang: str(v[0]), Push: str(v[1])}, nil
}

// setIfThere sets a field of a conversation's web hash only while the
// conversation has one: a late write must not bring back someone who
// used /forget.
var setIfThere = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`)

// SetLang records the language the conversation is in, for the page's own
// texts on the next visit.
func (s *Store) SetLang(ctx context.Context, chat int64, lang string) error {
	return setIfThere.Run(ctx, s.rdb, []string{s.meta(chat)}, "lang", lang).Err()
}

// SetPush records the browser's push subscription; "" removes it.
func (s *Store) SetPush(ctx context.Context, chat int64, sub string) error {
	if sub == "" {
		return s.rdb.HDel(ctx, s.meta(chat), "push").Err()
	}
	return setIfThere.Run(ctx, s.rdb, []string{s.meta(chat)}, "push", sub).Err()
}

// Forget removes everything the web channel holds of chat: the session
// (so that its cookie opens nothing any more), the log, the message ids,
// the push subscription and an unused Telegram link code.
func (s *Store) Forget(ctx context.Context, chat int64) error {
	if !IsChat(chat) {
		return nil
	}
	v, err := s.rdb.HMGet(ctx, s.meta(chat), "sess", "tgcode").Result()
	if err != nil {
		return err
	}
	keys := []string{s.meta(chat), s.log(chat), s.ids(chat)}
	// The session and the code keys live in other slots of a cluster:
	// one DEL each.
	if sess, ok := v[0].(string); ok && sess != "" {
		if err := s.rdb.Del(ctx, s.prefix+":web:s:"+sess).Err(); err != nil {
			return err
		}
	}
	if code, ok := v[1].(string); ok && code != "" {
		if err := s.rdb.Del(ctx, s.linkCode(code)).Err(); err != nil {
			return err
		}
	}
	if err := s.rdb.Del(ctx, keys...).Err(); err != nil {
		return err
	}
	s.publish(ctx, chat)
	return nil
}
