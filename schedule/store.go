package schedule

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/booking"
)

// Store keeps items, seats, waiting lists and reminders in Redis.
type Store struct {
	rdb    redis.UniversalClient
	prefix string
	// Retention is how long a person's list of appointments lives.
	Retention time.Duration
	// Keep is how long an item and its seats are kept after it ended, for
	// attendance and no-shows.
	Keep time.Duration
}

// NewStore returns a Store on rdb under prefix.
func NewStore(rdb redis.UniversalClient, prefix string) *Store {
	return &Store{rdb: rdb, prefix: prefix, Retention: 180 * 24 * time.Hour, Keep: 30 * 24 * time.Hour}
}

// Get returns item id, or nil when there is none. A video link a coach
// gave (SetLink) is in it.
func (s *Store) Get(ctx context.Context, id string) (*Item, error) {
	v, err := s.rdb.HMGet(ctx, s.item(id), "json", "link").Result()
	if err != nil {
		return nil, err
	}
	body, ok := v[0].(string)
	if !ok {
		return nil, nil
	}
	var it Item
	if err := json.Unmarshal([]byte(body), &it); err != nil {
		return nil, err
	}
	if link, ok := v[1].(string); ok && link != "" {
		it.Link = link
	}
	return &it, nil
}

// Change is an item that moved, was cancelled or got more seats by an
// import, with the people who must be told.
type Change struct {
	Item Item
	// Was is the item before a move.
	Was     Item
	Booked  []int64
	Waiting []int64
}

// People counts who is told of c.
func (c Change) People() int { return len(c.Booked) + len(c.Waiting) }

// ImportResult says what an import did, or would do.
type ImportResult struct {
	Added, Updated, Unchanged int
	// Started counts items of the file that have begun: they are left as
	// they are.
	Started int
	// Moved items keep their bookings at a new time or place; Cancelled
	// ones are gone (with or without people); Promoted got more seats,
	// which went to people waiting (Booked). Their people are told.
	Moved, Cancelled, Promoted []Change
}

// CancelsBookings lists the cancellations that take someone's booking or
// waiting place.
func (r ImportResult) CancelsBookings() []Change {
	var out []Change
	for _, c := range r.Cancelled {
		if c.People() > 0 {
			out = append(out, c)
		}
	}
	return out
}

// ImportOptions make an import safe to try.
type ImportOptions struct {
	// DryRun says what the import would do and changes nothing.
	DryRun bool
	// AllowCancel lets an import cancel items that people booked or
	// wait for; without it such an import is refused (ErrWouldCancel)
	// and changes nothing: a file that lacks slots by mistake must not
	// silently cancel appointments.
	AllowCancel bool
}

// ErrWouldCancel refuses an import that would cancel bookings without
// ImportOptions.AllowCancel.
var ErrWouldCancel = dialogs.E(dialogs.ErrConflict, "schedule: import", errors.New("the file lacks items that people booked or wait for"))

// Import makes items the future of kind: new ones are added, changed ones
// updated in place (bookings kept, reminders moved, seats added given to
// whoever waits), and future ones missing from items cancelled. What has
// started is left as it is. With opt.DryRun it only says what it would do.
func (s *Store) Import(ctx context.Context, kind Kind, items []Item, now time.Time, opt ImportOptions) (ImportResult, error) {
	var res ImportResult
	present := map[string]bool{}
	for _, it := range items {
		if it.Kind != kind {
			return res, fmt.Errorf("schedule: import %s: item %s is a %s", kind, it.ID, it.Kind)
		}
		present[it.ID] = true
	}
	// The plan first, read only: it is what --check shows, and what a
	// refused import would have done.
	future, err := s.rdb.ZRangeByScore(ctx, s.items(kind), &redis.ZRangeBy{Min: "(" + strconv.FormatInt(now.UnixMilli(), 10), Max: "+inf"}).Result()
	if err != nil {
		return res, err
	}
	var gone []string
	for _, id := range future {
		if present[id] {
			continue
		}
		it, err := s.Get(ctx, id)
		if err != nil {
			return res, err
		}
		if it == nil {
			gone = append(gone, id)
			continue
		}
		ch, err := s.people(ctx, *it)
		if err != nil {
			return res, err
		}
		res.Cancelled = append(res.Cancelled, ch)
	}
	type write struct {
		it      Item
		old     *Item
		promote int
	}
	var writes []write
	for _, it := range items {
		if it.Started(now) {
			res.Started++ // nothing changes after the start
			continue
		}
		old, err := s.Get(ctx, it.ID)
		if err != nil {
			return res, err
		}
		w := write{it: it, old: old}
		switch {
		case old == nil:
			res.Added++
		case old.Started(now):
			res.Started++
			continue
		case same(*old, it):
			res.Unchanged++
			continue
		default:
			res.Updated++
		}
		if old != nil {
			ch, err := s.people(ctx, it)
			if err != nil {
				return res, err
			}
			ch.Was = *old
			if it.Moved(*old) && len(ch.Booked) > 0 {
				res.Moved = append(res.Moved, Change{Item: it, Was: *old, Booked: ch.Booked})
			}
			if free := it.Seats - len(ch.Booked); free > 0 && len(ch.Waiting) > 0 {
				w.promote = min(free, len(ch.Waiting))
				res.Promoted = append(res.Promoted, Change{Item: it, Was: *old, Booked: ch.Waiting[:w.promote]})
			}
		}
		writes = append(writes, w)
	}
	if opt.DryRun {
		return res, nil
	}
	if !opt.AllowCancel {
		if c := res.CancelsBookings(); len(c) > 0 {
			return res, ErrWouldCancel
		}
	}
	for _, id := range gone {
		s.rdb.ZRem(ctx, s.items(kind), id)
	}
	for _, ch := range res.Cancelled {
		if err := s.cancelItem(ctx, ch.Item, now); err != nil {
			return res, err
		}
	}
	for _, w := range writes {
		it := w.it
		body, _ := json.Marshal(it)
		p := s.rdb.TxPipeline()
		p.HSet(ctx, s.item(it.ID), "json", body, "version", it.Version, "start", it.Start.UnixMilli(),
			"seats", it.Seats, "kind", string(it.Kind), "expires", s.expires(it).UnixMilli())
		if it.Link != "" {
			p.HDel(ctx, s.item(it.ID), "link") // the file's link wins over one given before
		}
		p.PExpireAt(ctx, s.item(it.ID), s.expires(it))
		p.PExpireAt(ctx, s.seats(it.ID), s.expires(it))
		p.PExpireAt(ctx, s.wait(it.ID), s.expires(it))
		p.PExpireAt(ctx, s.attended(it.ID), s.expires(it))
		p.ZAdd(ctx, s.items(kind), redis.Z{Score: float64(it.Start.UnixMilli()), Member: it.ID})
		if _, err := p.Exec(ctx); err != nil {
			return res, err
		}
		if w.old != nil && it.Moved(*w.old) {
			if err := s.moved(ctx, it, now); err != nil {
				return res, err
			}
		}
		if w.promote > 0 {
			if _, err := s.promote(ctx, it, now); err != nil {
				return res, err
			}
		}
	}
	return res, s.tidy(ctx, kind, now)
}

// same reports whether an import changes nothing of was.
func same(was, it Item) bool {
	a, _ := json.Marshal(was)
	b, _ := json.Marshal(it)
	return bytes.Equal(a, b)
}

// tidy drops from kind's list the ids of items no longer kept, and makes
// the list live as long as its last item.
func (s *Store) tidy(ctx context.Context, kind Kind, now time.Time) error {
	// An item lasts at most 12 hours (the files refuse longer ones).
	cut := now.Add(-s.Keep - 12*time.Hour).UnixMilli()
	if err := s.rdb.ZRemRangeByScore(ctx, s.items(kind), "-inf", "("+strconv.FormatInt(cut, 10)).Err(); err != nil {
		return err
	}
	last, err := s.rdb.ZRangeWithScores(ctx, s.items(kind), -1, -1).Result()
	if err != nil || len(last) == 0 {
		return err
	}
	end := time.UnixMilli(int64(last[0].Score)).Add(12*time.Hour + s.Keep)
	return s.rdb.PExpireAt(ctx, s.items(kind), end).Err()
}

// people are who hold a seat on it, and who wait, first first.
func (s *Store) people(ctx context.Context, it Item) (Change, error) {
	ch := Change{Item: it}
	holders, err := s.rdb.SMembers(ctx, s.seats(it.ID)).Result()
	if err != nil {
		return ch, err
	}
	waiting, err := s.rdb.LRange(ctx, s.wait(it.ID), 0, -1).Result()
	if err != nil {
		return ch, err
	}
	for _, h := range holders {
		if c, err := strconv.ParseInt(h, 10, 64); err == nil {
			ch.Booked = append(ch.Booked, c)
		}
	}
	slices.Sort(ch.Booked)
	for _, h := range waiting {
		if c, err := strconv.ParseInt(h, 10, 64); err == nil {
			ch.Waiting = append(ch.Waiting, c)
		}
	}
	return ch, nil
}

// moved re-plans the reminders of an item whose time or place changed, and
// queues the news for who holds it.
func (s *Store) moved(ctx context.Context, it Item, now time.Time) error {
	holders, err := s.rdb.SMembers(ctx, s.seats(it.ID)).Result()
	if err != nil {
		return err
	}
	p := s.rdb.TxPipeline()
	for _, h := range holders {
		chat, _ := strconv.ParseInt(h, 10, 64)
		for _, kind := range reminderKinds {
			p.ZRem(ctx, s.reminders(), reminderMember(chat, it.ID, kind))
		}
		for _, r := range Plan(it, now) {
			p.ZAdd(ctx, s.reminders(), redis.Z{Score: float64(r.Due.UnixMilli()), Member: reminderMember(chat, it.ID, r.Kind)})
		}
		p.ZAdd(ctx, s.reminders(), redis.Z{Score: float64(newsDue(now, it.Start).UnixMilli()), Member: reminderMember(chat, it.ID, ItemMoved)})
		p.HSet(ctx, s.person(chat), it.ID, "booked|"+string(it.Kind)+"|"+strconv.FormatInt(it.Start.UnixMilli(), 10))
		p.PExpire(ctx, s.person(chat), s.personTTL(it, now))
	}
	_, err = p.Exec(ctx)
	return err
}

// cancelItem removes an item that staff took out of the schedule.
// Its people are told, so it is kept a while as gone: the news names it.
func (s *Store) cancelItem(ctx context.Context, it Item, now time.Time) error {
	id := it.ID
	ch, err := s.people(ctx, it)
	if err != nil {
		return err
	}
	p := s.rdb.TxPipeline()
	for _, list := range [][]int64{ch.Booked, ch.Waiting} {
		for _, chat := range list {
			p.HDel(ctx, s.person(chat), id)
			for _, kind := range reminderKinds {
				p.ZRem(ctx, s.reminders(), reminderMember(chat, id, kind))
				p.ZRem(ctx, s.claimed(), reminderMember(chat, id, kind))
			}
			p.ZAdd(ctx, s.reminders(), redis.Z{Score: float64(newsDue(now, it.Start).UnixMilli()), Member: reminderMember(chat, id, ItemCancelled)})
		}
	}
	if ch.People() > 0 {
		body, _ := json.Marshal(it)
		p.Set(ctx, s.gone(id), body, s.ttl(it, now))
	}
	p.Del(ctx, s.item(id), s.seats(id), s.wait(id))
	p.ZRem(ctx, s.items(it.Kind), id)
	_, err = p.Exec(ctx)
	return err
}

// promoteScript gives a free seat of an item that has not started to the
// first person waiting.
//
// KEYS: 1 item, 2 its seats, 3 its waiting list, 4 the person first
// waiting, 5 reminders. ARGV: 1 now (ms), 2 who is first waiting, 3 item
// id, 4 person TTL (ms), then member/score pairs of their reminders.
var promoteScript = redis.NewScript(`
local it = redis.call('HMGET', KEYS[1], 'start', 'seats', 'kind', 'expires')
if not it[1] or tonumber(it[1]) <= tonumber(ARGV[1]) then return 'none' end
if (redis.call('LINDEX', KEYS[3], 0) or '') ~= ARGV[2] then return 'retry' end
if redis.call('SCARD', KEYS[2]) >= tonumber(it[2]) then return 'none' end
redis.call('LPOP', KEYS[3])
redis.call('SADD', KEYS[2], ARGV[2])
if it[4] then redis.call('PEXPIREAT', KEYS[2], it[4]) end
redis.call('HSET', KEYS[4], ARGV[3], 'booked|' .. it[3] .. '|' .. it[1])
if redis.call('PTTL', KEYS[4]) < tonumber(ARGV[4]) then redis.call('PEXPIRE', KEYS[4], ARGV[4]) end
for i = 5, #ARGV - 1, 2 do redis.call('ZADD', KEYS[5], ARGV[i+1], ARGV[i]) end
return 'promoted'`)

// promote gives it's free seats to the people waiting, first first, and
// queues their news: an item given more seats.
func (s *Store) promote(ctx context.Context, it Item, now time.Time) ([]int64, error) {
	var out []int64
	for attempt := 0; attempt < 1000; attempt++ {
		first, err := s.rdb.LIndex(ctx, s.wait(it.ID), 0).Result()
		if errors.Is(err, redis.Nil) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		chat, _ := strconv.ParseInt(first, 10, 64)
		argv := []any{now.UnixMilli(), first, it.ID, s.personTTL(it, now).Milliseconds()}
		for _, r := range Plan(it, now) {
			argv = append(argv, reminderMember(chat, it.ID, r.Kind), r.Due.UnixMilli())
		}
		argv = append(argv, reminderMember(chat, it.ID, Promoted), newsDue(now, it.Start).UnixMilli())
		r, err := promoteScript.Run(ctx, s.rdb, []string{s.item(it.ID), s.seats(it.ID), s.wait(it.ID), s.k("person", first), s.reminders()}, argv...).Text()
		if err != nil {
			return out, err
		}
		switch r {
		case "none":
			return out, nil
		case "promoted":
			out = append(out, chat)
		}
	}
	return out, errors.New("schedule: waiting list too busy; try again")
}

// Outcome is what a press on "book" came to: the booking flow's own
// vocabulary, which the scripts below speak.
type Outcome = booking.Outcome

// The outcomes of Book, JoinWaitlist, Cancel and Move.
const (
	Booked      = booking.Booked
	Full        = booking.Full
	Already     = booking.Already
	HasCoaching = booking.HasCoaching
	Gone        = booking.Gone
	Changed     = booking.Changed
	Past        = booking.Past
	Started     = booking.Started
	Waiting     = booking.Waiting
	NotFull     = booking.NotFull
	Cancelled   = booking.Cancelled
	LeftWait    = booking.LeftWait
	NotBooked   = booking.NotBooked
)

// outcomes are the values a script may answer.
var outcomes = []Outcome{Booked, Full, Already, HasCoaching, Gone, Changed, Past, Started, Waiting, NotFull, Cancelled, LeftWait, NotBooked}

// opScript books, joins a waiting list, cancels or moves, atomically. What
// has started is not cancelled or moved, and nobody is promoted into it.
//
// KEYS: 1 target item, 2 its seats, 3 its waiting list, 4 the person,
// 5 reminders, 6 claimed, 7 the old item (move), 8 its seats, 9 its waiting
// list, 10 the person first waiting for the seat given back.
// ARGV: 1 op (book, wait, cancel, move), 2 chat, 3 now (ms), 4 target id,
// 5 expected version ("" for any), 6 person TTL (ms), 7 old id, 8 who was
// first waiting ("" for nobody), 9 the count of reminder pairs that follow
// for the person, 10 when the target's keys expire (ms), then
// member/score pairs for the person, then for the promoted person.
var opScript = redis.NewScript(`
local op, chat, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local kinds = {'day', 'hours'}
local function unremind(who, id)
  for _, k in ipairs(kinds) do
    local m = who .. '|' .. id .. '|' .. k
    redis.call('ZREM', KEYS[5], m)
    redis.call('ZREM', KEYS[6], m)
  end
end
local function remind(from, n)
  for i = from, from + 2*n - 1, 2 do redis.call('ZADD', KEYS[5], ARGV[i+1], ARGV[i]) end
end
-- a person's list lives at least as long as what it names
local function keep(key)
  if redis.call('PTTL', key) < tonumber(ARGV[6]) then redis.call('PEXPIRE', key, ARGV[6]) end
end
local function started(ki)
  local st = redis.call('HGET', KEYS[ki], 'start')
  return st and tonumber(st) <= now
end
local nmine = tonumber(ARGV[9])
-- give back chat's seat in item (keys ki, ks, kw) and promote the first
-- person waiting, whose person key is KEYS[10], unless it has started
local function release(ki, ks, kw, id)
  if redis.call('SREM', KEYS[ks], chat) == 0 then
    if redis.call('LREM', KEYS[kw], 0, chat) > 0 then
      redis.call('HDEL', KEYS[4], id)
      return 'left_waiting', false
    end
    return 'not_booked', false
  end
  redis.call('HDEL', KEYS[4], id)
  unremind(chat, id)
  local first = redis.call('LINDEX', KEYS[kw], 0)
  if first and not started(ki) then
    redis.call('LPOP', KEYS[kw])
    redis.call('SADD', KEYS[ks], first)
    local it = redis.call('HMGET', KEYS[ki], 'kind', 'start')
    redis.call('HSET', KEYS[10], id, 'booked|' .. it[1] .. '|' .. it[2])
    keep(KEYS[10])
    remind(11 + 2*nmine, (#ARGV - 10 - 2*nmine) / 2)
    return 'cancelled', first
  end
  return 'cancelled', false
end
local function check(except)
  local it = redis.call('HMGET', KEYS[1], 'version', 'start', 'seats', 'kind')
  if not it[1] then return 'gone' end
  if ARGV[5] ~= '' and it[1] ~= ARGV[5] then return 'changed' end
  if tonumber(it[2]) <= now then return 'past' end
  if redis.call('SISMEMBER', KEYS[2], chat) == 1 then return 'already' end
  if it[4] == 'coaching' then
    local mine = redis.call('HGETALL', KEYS[4])
    for i = 1, #mine, 2 do
      local st, k, s = string.match(mine[i+1], '^(%a+)|(%a+)|(%d+)$')
      if st == 'booked' and k == 'coaching' and tonumber(s) > now and mine[i] ~= except then return 'has_coaching' end
    end
  end
  if redis.call('SCARD', KEYS[2]) >= tonumber(it[3]) then return 'full' end
  return 'ok', it
end
local function take(it)
  redis.call('SADD', KEYS[2], chat)
  redis.call('PEXPIREAT', KEYS[2], ARGV[10])
  redis.call('LREM', KEYS[3], 0, chat)
  redis.call('HSET', KEYS[4], ARGV[4], 'booked|' .. it[4] .. '|' .. it[2])
  keep(KEYS[4])
  remind(11, nmine)
end
if op == 'book' then
  local r, it = check('')
  if r ~= 'ok' then return {r} end
  take(it)
  return {'booked'}
elseif op == 'wait' then
  local r = check('')
  if r ~= 'full' then
    if r == 'ok' then return {'not_full'} end
    return {r}
  end
  if redis.call('LPOS', KEYS[3], chat) then return {'waiting'} end
  redis.call('RPUSH', KEYS[3], chat)
  redis.call('PEXPIREAT', KEYS[3], ARGV[10])
  redis.call('HSET', KEYS[4], ARGV[4], 'waiting|session|0')
  keep(KEYS[4])
  return {'waiting'}
elseif op == 'cancel' then
  if started(1) then return {'started'} end
  if (redis.call('LINDEX', KEYS[3], 0) or '') ~= ARGV[8] then return {'retry'} end
  local r, first = release(1, 2, 3, ARGV[4])
  return {r, first or ''}
elseif op == 'move' then
  if (redis.call('LINDEX', KEYS[9], 0) or '') ~= ARGV[8] then return {'retry'} end
  if redis.call('SISMEMBER', KEYS[8], chat) == 0 then return {'not_booked'} end
  if started(7) then return {'started'} end
  local r, it = check(ARGV[7])
  if r ~= 'ok' then return {r} end
  local _, first = release(7, 8, 9, ARGV[7])
  take(it)
  return {'booked', first or ''}
end
return {'unknown op'}`)

// Result is an Outcome with, for a seat given back, who got it.
type Result struct {
	Outcome Outcome
	// Promoted is the person first on the waiting list who now has the
	// seat; 0 for nobody. They must be told, with a way to give it back.
	Promoted int64
}

func (s *Store) run(ctx context.Context, op string, chat int64, target Item, version string, old *Item, now time.Time) (Result, error) {
	oldID := ""
	ttl := s.personTTL(target, now)
	if old != nil {
		oldID = old.ID
		ttl = max(ttl, s.personTTL(*old, now))
	}
	released := target.ID
	if op == "move" {
		released = oldID
	}
	for attempt := 0; attempt < 20; attempt++ {
		// Whoever waits first gets a seat given back; their key must be
		// named up front (KEYS), so it is looked up first and the script
		// checks it is still them.
		first, err := s.rdb.LIndex(ctx, s.wait(released), 0).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return Result{}, err
		}
		next := s.k("person", "none")
		if first != "" {
			next = s.k("person", first)
		}
		mine := []any{}
		if op == "book" || op == "move" {
			for _, r := range Plan(target, now) {
				mine = append(mine, reminderMember(chat, target.ID, r.Kind), r.Due.UnixMilli())
			}
		}
		argv := []any{op, chat, now.UnixMilli(), target.ID, version, ttl.Milliseconds(), oldID, first, len(mine) / 2,
			s.expires(target).UnixMilli()}
		argv = append(argv, mine...)
		if first != "" {
			firstChat, _ := strconv.ParseInt(first, 10, 64)
			promotedItem := target
			if old != nil {
				promotedItem = *old
			}
			for _, r := range Plan(promotedItem, now) {
				argv = append(argv, reminderMember(firstChat, promotedItem.ID, r.Kind), r.Due.UnixMilli())
			}
			argv = append(argv, reminderMember(firstChat, promotedItem.ID, Promoted), newsDue(now, promotedItem.Start).UnixMilli())
		}
		keys := []string{s.item(target.ID), s.seats(target.ID), s.wait(target.ID), s.person(chat), s.reminders(), s.claimed(),
			s.item(oldID), s.seats(oldID), s.wait(oldID), next}
		res, err := opScript.Run(ctx, s.rdb, keys, argv...).StringSlice()
		if err != nil {
			return Result{}, err
		}
		if res[0] == "retry" {
			continue // the waiting list changed under us
		}
		if !slices.Contains(outcomes, Outcome(res[0])) {
			return Result{}, fmt.Errorf("schedule: the booking script answered %q", res[0])
		}
		r := Result{Outcome: Outcome(res[0])}
		if len(res) > 1 && res[1] != "" {
			r.Promoted, _ = strconv.ParseInt(res[1], 10, 64)
		}
		return r, nil
	}
	return Result{}, errors.New("schedule: waiting list too busy; try again")
}

// Book gives chat a seat on item id as it was listed (version), if one is
// free, the item did not change, and the person holds no other future
// coaching slot.
func (s *Store) Book(ctx context.Context, chat int64, id, version string, now time.Time) (Result, *Item, error) {
	it, err := s.Get(ctx, id)
	if err != nil || it == nil {
		return Result{Outcome: Gone}, nil, err
	}
	r, err := s.run(ctx, "book", chat, *it, version, nil, now)
	return r, it, err
}

// JoinWaitlist puts chat on a full session's waiting list.
func (s *Store) JoinWaitlist(ctx context.Context, chat int64, id string, now time.Time) (Result, error) {
	it, err := s.Get(ctx, id)
	if err != nil || it == nil {
		return Result{Outcome: Gone}, err
	}
	if it.Kind != KindSession {
		return Result{Outcome: Full}, nil // coaching slots have no waiting list
	}
	return s.run(ctx, "wait", chat, *it, "", nil, now)
}

// Cancel gives chat's seat on id back (or takes them off its waiting list)
// and gives it to whoever waits first.
func (s *Store) Cancel(ctx context.Context, chat int64, id string, now time.Time) (Result, error) {
	it, err := s.Get(ctx, id)
	if err != nil {
		return Result{}, err
	}
	if it == nil {
		s.rdb.HDel(ctx, s.person(chat), id)
		return Result{Outcome: NotBooked}, nil
	}
	return s.run(ctx, "cancel", chat, *it, "", nil, now)
}

// Move swaps chat's seat on from for one on to, at once: they end with the
// new seat, or, when it cannot be had, with the old one still.
func (s *Store) Move(ctx context.Context, chat int64, from, to, version string, now time.Time) (Result, error) {
	old, err := s.Get(ctx, from)
	if err != nil {
		return Result{}, err
	}
	target, err := s.Get(ctx, to)
	if err != nil || target == nil || old == nil {
		return Result{Outcome: Gone}, err
	}
	return s.run(ctx, "move", chat, *target, version, old, now)
}

// Appointment is one of a person's bookings or waiting-list places.
type Appointment struct {
	Item    Item
	Waiting bool
}

// Appointments lists chat's future bookings and waiting-list places, by
// start.
func (s *Store) Appointments(ctx context.Context, chat int64, now time.Time) ([]Appointment, error) {
	m, err := s.rdb.HGetAll(ctx, s.person(chat)).Result()
	if err != nil {
		return nil, err
	}
	var out []Appointment
	for id, v := range m {
		it, err := s.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if it == nil || !it.Start.After(now) {
			continue
		}
		out = append(out, Appointment{Item: *it, Waiting: strings.HasPrefix(v, "waiting")})
	}
	slices.SortFunc(out, func(a, b Appointment) int { return a.Item.Start.Compare(b.Item.Start) })
	return out, nil
}

// Listed is an item as offered, with the seats it has left.
type Listed struct {
	Item      Item
	SeatsFree int
}

// upcoming lists kind's future items with their free seats, ordered by
// first (true sorts before false) then start.
func (s *Store) upcoming(ctx context.Context, kind Kind, now time.Time, first func(Item) bool, onlyFree bool) ([]Listed, error) {
	ids, err := s.rdb.ZRangeByScore(ctx, s.items(kind), &redis.ZRangeBy{Min: "(" + strconv.FormatInt(now.UnixMilli(), 10), Max: "+inf"}).Result()
	if err != nil {
		return nil, err
	}
	var out []Listed
	for _, id := range ids {
		it, err := s.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if it == nil {
			continue
		}
		n, err := s.rdb.SCard(ctx, s.seats(id)).Result()
		if err != nil {
			return nil, err
		}
		free := it.Seats - int(n)
		if onlyFree && free <= 0 {
			continue
		}
		out = append(out, Listed{Item: *it, SeatsFree: max(free, 0)})
	}
	slices.SortStableFunc(out, func(a, b Listed) int {
		fa, fb := first(a.Item), first(b.Item)
		if fa != fb {
			if fa {
				return -1
			}
			return 1
		}
		return a.Item.Start.Compare(b.Item.Start)
	})
	return out, nil
}

// FreeSlots lists future coaching slots with a free seat, those whose coach
// speaks lang first, then by start; offset and n page through them.
func (s *Store) FreeSlots(ctx context.Context, lang string, now time.Time, offset, n int) ([]Listed, error) {
	all, err := s.upcoming(ctx, KindCoaching, now, func(it Item) bool { return it.Speaks(lang) }, true)
	return page(all, offset, n), err
}

// Sessions lists future info sessions, those of sectors first, with the
// seats they have left (full ones too: they offer the waiting list).
func (s *Store) Sessions(ctx context.Context, sectors []string, now time.Time, offset, n int) ([]Listed, error) {
	all, err := s.upcoming(ctx, KindSession, now, func(it Item) bool { return slices.Contains(sectors, it.Sector) }, false)
	return page(all, offset, n), err
}

func page(all []Listed, offset, n int) []Listed {
	if offset >= len(all) {
		return nil
	}
	return all[offset:min(len(all), offset+n)]
}

// Forget cancels chat's future bookings and waiting places (giving their
// seats to whoever waits, who are returned to be told), and removes every
// trace of them.
func (s *Store) Forget(ctx context.Context, chat int64, now time.Time) ([]Result, error) {
	ids, err := s.rdb.HKeys(ctx, s.person(chat)).Result()
	if err != nil {
		return nil, err
	}
	var out []Result
	for _, id := range ids {
		it, err := s.Get(ctx, id)
		if err != nil {
			return out, err
		}
		if it != nil && it.Start.After(now) {
			r, err := s.Cancel(ctx, chat, id, now)
			if err != nil {
				return out, err
			}
			if r.Promoted != 0 {
				out = append(out, r)
			}
		}
		// A past booking kept its seat for the record: the person leaves
		// it too.
		p := s.rdb.TxPipeline()
		p.SRem(ctx, s.seats(id), chatStr(chat))
		p.LRem(ctx, s.wait(id), 0, chatStr(chat))
		p.HDel(ctx, s.attended(id), chatStr(chat))
		if _, err := p.Exec(ctx); err != nil {
			return out, err
		}
	}
	p := s.rdb.TxPipeline()
	p.Del(ctx, s.person(chat))
	for _, id := range ids {
		for _, kind := range allKinds {
			p.ZRem(ctx, s.reminders(), reminderMember(chat, id, kind))
			p.ZRem(ctx, s.claimed(), reminderMember(chat, id, kind))
		}
	}
	if _, err = p.Exec(ctx); err != nil {
		return out, err
	}
	// News about items no longer in their list (one staff cancelled)
	// still names them: find it by its member's prefix.
	for _, key := range []string{s.reminders(), s.claimed()} {
		iter := s.rdb.ZScan(ctx, key, 0, chatStr(chat)+"|*", 200).Iterator()
		for iter.Next(ctx) {
			m := iter.Val()
			if !strings.HasPrefix(m, chatStr(chat)+"|") {
				continue // a score, or another person's
			}
			if err := s.rdb.ZRem(ctx, key, m).Err(); err != nil {
				return out, err
			}
		}
		if err := iter.Err(); err != nil {
			return out, err
		}
	}
	return out, nil
}

// Status is an item as staff see it in a listing: its seats taken and
// left, and the people waiting.
type Status struct {
	Item                Item
	Taken, Left, Queued int
}

// List is every slot and session starting from from until to (the zero
// time for no end), by start, with their seats and waiting lists.
func (s *Store) List(ctx context.Context, from, to time.Time) ([]Status, error) {
	max := "+inf"
	if !to.IsZero() {
		max = "(" + strconv.FormatInt(to.UnixMilli(), 10)
	}
	var out []Status
	for _, kind := range []Kind{KindCoaching, KindSession} {
		ids, err := s.rdb.ZRangeByScore(ctx, s.items(kind), &redis.ZRangeBy{Min: strconv.FormatInt(from.UnixMilli(), 10), Max: max}).Result()
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			it, err := s.Get(ctx, id)
			if err != nil {
				return nil, err
			}
			if it == nil {
				continue
			}
			taken, err := s.rdb.SCard(ctx, s.seats(id)).Result()
			if err != nil {
				return nil, err
			}
			queued, err := s.rdb.LLen(ctx, s.wait(id)).Result()
			if err != nil {
				return nil, err
			}
			out = append(out, Status{Item: *it, Taken: int(taken), Left: max0(it.Seats - int(taken)), Queued: int(queued)})
		}
	}
	slices.SortStableFunc(out, func(a, b Status) int { return a.Item.Start.Compare(b.Item.Start) })
	return out, nil
}

func max0(n int) int { return max(n, 0) }

// ErrNotVideo refuses a link for an item that is not a video talk, or
// that is unknown.
var ErrNotVideo = dialogs.E(dialogs.ErrNotFound, "schedule: video link", errors.New("no video talk with this id"))

// SetLink records the link of a video talk, given by its coach. It goes
// out with the two-hour reminder; when that has gone already, its holders
// get it now. told counts them.
func (s *Store) SetLink(ctx context.Context, id, link string, now time.Time) (told int, err error) {
	if err := CheckLink(link); err != nil {
		return 0, dialogs.E(dialogs.ErrInvalid, "schedule: video link", err)
	}
	it, err := s.Get(ctx, id)
	if err != nil {
		return 0, err
	}
	if it == nil || it.Mode != ModeVideo {
		return 0, ErrNotVideo
	}
	if it.Started(now) {
		return 0, dialogs.E(dialogs.ErrInvalid, "schedule: video link", errors.New("this talk has started"))
	}
	if err := s.rdb.HSet(ctx, s.item(id), "link", link).Err(); err != nil {
		return 0, err
	}
	due := true // the two-hour reminder, which carries the link, is still ahead
	for _, r := range Plan(*it, now) {
		if r.Kind == HoursBefore {
			due = false
		}
	}
	if !due {
		return 0, nil
	}
	holders, err := s.Holders(ctx, id)
	if err != nil {
		return 0, err
	}
	p := s.rdb.TxPipeline()
	for _, c := range holders {
		p.ZAdd(ctx, s.reminders(), redis.Z{Score: float64(now.UnixMilli()), Member: reminderMember(c, id, VideoLink)})
	}
	_, err = p.Exec(ctx)
	return len(holders), err
}
