package schedule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

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

func (s *Store) k(parts ...string) string {
	return s.prefix + ":{book}:" + strings.Join(parts, ":")
}
func (s *Store) item(id string) string     { return s.k("item", id) }
func (s *Store) items(kind Kind) string    { return s.k("items", string(kind)) }
func (s *Store) seats(id string) string    { return s.k("seats", id) }
func (s *Store) wait(id string) string     { return s.k("wait", id) }
func (s *Store) person(chat int64) string  { return s.k("person", strconv.FormatInt(chat, 10)) }
func (s *Store) attended(id string) string { return s.k("attended", id) }
func (s *Store) reminders() string         { return s.k("reminders") }
func (s *Store) claimed() string           { return s.k("claimed") }
func (s *Store) gone(id string) string     { return s.k("gone", id) }
func chatStr(chat int64) string            { return strconv.FormatInt(chat, 10) }
func (s *Store) ttl(it Item, now time.Time) time.Duration {
	return max(it.End().Sub(now)+s.Keep, time.Minute)
}

// Get returns item id, or nil when there is none.
func (s *Store) Get(ctx context.Context, id string) (*Item, error) {
	b, err := s.rdb.HGet(ctx, s.item(id), "json").Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var it Item
	return &it, json.Unmarshal(b, &it)
}

// Change is an item that moved or was cancelled by an import, with the
// people who must be told.
type Change struct {
	Item    Item
	Booked  []int64
	Waiting []int64
}

// ImportResult says what an import did.
type ImportResult struct {
	Added, Updated, Unchanged int
	// Moved items kept their bookings at a new time or place; Cancelled
	// ones are gone. Their people must be told.
	Moved, Cancelled []Change
}

// Import makes items the future of kind: new ones are added, changed ones
// updated in place (bookings kept, reminders moved), and future ones
// missing from items cancelled. Past items are left alone.
func (s *Store) Import(ctx context.Context, kind Kind, items []Item, now time.Time) (ImportResult, error) {
	var res ImportResult
	present := map[string]bool{}
	for _, it := range items {
		if it.Kind != kind {
			return res, fmt.Errorf("schedule: import %s: item %s is a %s", kind, it.ID, it.Kind)
		}
		present[it.ID] = true
	}
	future, err := s.rdb.ZRangeByScore(ctx, s.items(kind), &redis.ZRangeBy{Min: strconv.FormatInt(now.UnixMilli(), 10), Max: "+inf"}).Result()
	if err != nil {
		return res, err
	}
	for _, id := range future {
		if present[id] {
			continue
		}
		ch, err := s.cancelItem(ctx, id, now)
		if err != nil {
			return res, err
		}
		if ch != nil {
			res.Cancelled = append(res.Cancelled, *ch)
		}
	}
	for _, it := range items {
		if !it.End().After(now) {
			continue // the past is history, not a plan
		}
		old, err := s.Get(ctx, it.ID)
		if err != nil {
			return res, err
		}
		switch {
		case old == nil:
			res.Added++
		case old.Version == it.Version && old.Coach == it.Coach && old.Title == it.Title && slices.Equal(old.Languages, it.Languages):
			res.Unchanged++
			continue
		default:
			res.Updated++
		}
		body, _ := json.Marshal(it)
		p := s.rdb.TxPipeline()
		p.HSet(ctx, s.item(it.ID), "json", body, "version", it.Version, "start", it.Start.UnixMilli(),
			"seats", it.Seats, "kind", string(it.Kind))
		p.PExpire(ctx, s.item(it.ID), s.ttl(it, now))
		p.ZAdd(ctx, s.items(kind), redis.Z{Score: float64(it.Start.UnixMilli()), Member: it.ID})
		if _, err := p.Exec(ctx); err != nil {
			return res, err
		}
		if old != nil && old.Version != it.Version {
			ch, err := s.moved(ctx, it, now)
			if err != nil {
				return res, err
			}
			res.Moved = append(res.Moved, ch)
		}
	}
	return res, nil
}

// moved re-plans the reminders of an item whose time or place changed, and
// lists who holds it.
func (s *Store) moved(ctx context.Context, it Item, now time.Time) (Change, error) {
	ch := Change{Item: it}
	holders, err := s.rdb.SMembers(ctx, s.seats(it.ID)).Result()
	if err != nil {
		return ch, err
	}
	p := s.rdb.TxPipeline()
	for _, h := range holders {
		chat, _ := strconv.ParseInt(h, 10, 64)
		ch.Booked = append(ch.Booked, chat)
		for _, kind := range reminderKinds {
			p.ZRem(ctx, s.reminders(), reminderMember(chat, it.ID, kind))
		}
		for _, r := range Plan(it, now) {
			p.ZAdd(ctx, s.reminders(), redis.Z{Score: float64(r.Due.UnixMilli()), Member: reminderMember(chat, it.ID, r.Kind)})
		}
		p.ZAdd(ctx, s.reminders(), redis.Z{Score: float64(newsDue(now, it.Start).UnixMilli()), Member: reminderMember(chat, it.ID, ItemMoved)})
		p.HSet(ctx, s.person(chat), it.ID, "booked|"+string(it.Kind)+"|"+strconv.FormatInt(it.Start.UnixMilli(), 10))
	}
	_, err = p.Exec(ctx)
	return ch, err
}

// cancelItem removes an item that staff took out of the schedule.
// Its people are told, so it is kept a while as gone: the news names it.
func (s *Store) cancelItem(ctx context.Context, id string, now time.Time) (*Change, error) {
	it, err := s.Get(ctx, id)
	if err != nil || it == nil {
		s.rdb.ZRem(ctx, s.items(KindCoaching), id)
		s.rdb.ZRem(ctx, s.items(KindSession), id)
		return nil, err
	}
	ch := &Change{Item: *it}
	holders, _ := s.rdb.SMembers(ctx, s.seats(id)).Result()
	waiting, _ := s.rdb.LRange(ctx, s.wait(id), 0, -1).Result()
	p := s.rdb.TxPipeline()
	for _, list := range [][]string{holders, waiting} {
		for _, h := range list {
			chat, _ := strconv.ParseInt(h, 10, 64)
			p.HDel(ctx, s.person(chat), id)
			for _, kind := range reminderKinds {
				p.ZRem(ctx, s.reminders(), reminderMember(chat, id, kind))
				p.ZRem(ctx, s.claimed(), reminderMember(chat, id, kind))
			}
			p.ZAdd(ctx, s.reminders(), redis.Z{Score: float64(newsDue(now, it.Start).UnixMilli()), Member: reminderMember(chat, id, ItemCancelled)})
		}
	}
	if len(holders)+len(waiting) > 0 {
		body, _ := json.Marshal(it)
		p.Set(ctx, s.gone(id), body, s.ttl(*it, now))
	}
	for _, h := range holders {
		c, _ := strconv.ParseInt(h, 10, 64)
		ch.Booked = append(ch.Booked, c)
	}
	for _, h := range waiting {
		c, _ := strconv.ParseInt(h, 10, 64)
		ch.Waiting = append(ch.Waiting, c)
	}
	p.Del(ctx, s.item(id), s.seats(id), s.wait(id))
	p.ZRem(ctx, s.items(it.Kind), id)
	_, err = p.Exec(ctx)
	return ch, err
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
	Waiting     = booking.Waiting
	NotFull     = booking.NotFull
	Cancelled   = booking.Cancelled
	LeftWait    = booking.LeftWait
	NotBooked   = booking.NotBooked
)

// outcomes are the values a script may answer.
var outcomes = []Outcome{Booked, Full, Already, HasCoaching, Gone, Changed, Past, Waiting, NotFull, Cancelled, LeftWait, NotBooked}

// opScript books, joins a waiting list, cancels or moves, atomically.
//
// KEYS: 1 target item, 2 its seats, 3 its waiting list, 4 the person,
// 5 reminders, 6 claimed, 7 the old item (move), 8 its seats, 9 its waiting
// list, 10 the person first waiting for the seat given back.
// ARGV: 1 op (book, wait, cancel, move), 2 chat, 3 now (ms), 4 target id,
// 5 expected version ("" for any), 6 person TTL (ms), 7 old id, 8 who was
// first waiting ("" for nobody), 9 the count of reminder pairs that follow
// for the person, then member/score pairs for the person, then for the
// promoted person.
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
local nmine = tonumber(ARGV[9])
-- give back chat's seat in item (keys ki, ks, kw) and promote the first
-- person waiting, whose person key is KEYS[10]
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
  if first then
    redis.call('LPOP', KEYS[kw])
    redis.call('SADD', KEYS[ks], first)
    local it = redis.call('HMGET', KEYS[ki], 'kind', 'start')
    redis.call('HSET', KEYS[10], id, 'booked|' .. it[1] .. '|' .. it[2])
    redis.call('PEXPIRE', KEYS[10], ARGV[6])
    remind(10 + 2*nmine, (#ARGV - 9 - 2*nmine) / 2)
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
  redis.call('LREM', KEYS[3], 0, chat)
  redis.call('HSET', KEYS[4], ARGV[4], 'booked|' .. it[4] .. '|' .. it[2])
  redis.call('PEXPIRE', KEYS[4], ARGV[6])
  remind(10, nmine)
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
  redis.call('HSET', KEYS[4], ARGV[4], 'waiting|session|0')
  redis.call('PEXPIRE', KEYS[4], ARGV[6])
  return {'waiting'}
elseif op == 'cancel' then
  if (redis.call('LINDEX', KEYS[3], 0) or '') ~= ARGV[8] then return {'retry'} end
  local r, first = release(1, 2, 3, ARGV[4])
  return {r, first or ''}
elseif op == 'move' then
  if (redis.call('LINDEX', KEYS[9], 0) or '') ~= ARGV[8] then return {'retry'} end
  if redis.call('SISMEMBER', KEYS[8], chat) == 0 then return {'not_booked'} end
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
	if old != nil {
		oldID = old.ID
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
		argv := []any{op, chat, now.UnixMilli(), target.ID, version, s.Retention.Milliseconds(), oldID, first, len(mine) / 2}
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
