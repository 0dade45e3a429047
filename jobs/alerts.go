package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/vacancies"
	"github.com/werkwijzer/werkwijzer/internal/lease"
)

// Alerts sends new matching vacancies to people who asked for them: the
// best of each import, at most PerWeek a week each (counted as they are
// sent), never the same vacancy twice, never between 21:00 and 08:00
// (Brussels). An import is planned at once (PlanImport) into a queue
// that the senders (Due, Ack) drain at Telegram's pace, across instances and
// restarts.
//
// Planning reads only the candidates for what was imported: an index keeps,
// per sector, a compact record of what matching needs of each person who
// wants alerts (their answers and what "not for me" taught). The
// conversation tells it when that changes (a dialogs.NoteMatching, which
// Deliver hands here with the turn's other notes), and /forget erases it
// (Forget). A conversation's part and this index live in different cluster
// slots, so no script writes both; the note, stored with the turn's save,
// reaches the index once the turn is delivered, and again if the turn is
// delivered again.
//
// Keys, sharing the hash tag {alerts}:
//
//	<p>:{alerts}:ix:<sector>       hash    chat → the person's record (about 25
//	                                       bytes), for each sector they chose
//	                                       (orientation.Sectors) and are not
//	                                       tired of; ix:any for those who named
//	                                       none. Fields go with the person.
//	<p>:{alerts}:ix:until          zset    chat → when their record expires
//	                                       (their conversation's, a day at
//	                                       most later): planning drops expired
//	                                       records first.
//	<p>:{alerts}:queue             zset    "<chat>|<vacancy id>" by when to send.
//	<p>:{alerts}:claimed           zset    the same, being sent, by lease end.
//	<p>:{alerts}:planned           zset    vacancy ids planned once, by when that
//	                                       is forgotten (RetainSent, or a week past
//	                                       validThrough): a vacancy imported again
//	                                       is never planned again, for anyone.
//	<p>:{alerts}:week:<w>          hash    chat → alerts handed out in ISO week w.
//	                                       TTL: 8 days.
//
// All but planned name people: Forget removes every trace. A vacancy is
// planned when an import first brings it, for everyone it fits then; so
// nobody gets it twice, and the shown-once list of the conversation
// (vacancies.State.Alerted) catches one handed out twice. Older versions kept
// <p>:{alerts}:people (who wants alerts), :sent:<chat> and
// :week:<chat>:<w>; Migrate moves the first into the index once, and
// Forget removes the others.
type Alerts struct {
	rdb    redis.UniversalClient
	prefix string
	// PerWeek caps the alerts a person gets in one ISO week.
	PerWeek int
	// RetainSent is how long a vacancy remembers whom it was planned for.
	RetainSent time.Duration
	// Clock tells the week that /forget erases the counts of.
	Clock clock.Clock
}

// NewAlerts returns Alerts under prefix, with the default cap of 3 a week.
func NewAlerts(rdb redis.UniversalClient, prefix string) *Alerts {
	return &Alerts{rdb: rdb, prefix: prefix, PerWeek: 3, RetainSent: 180 * 24 * time.Hour, Clock: clock.Real()}
}

func (a *Alerts) key(parts ...string) string {
	return a.prefix + ":{alerts}:" + strings.Join(parts, ":")
}

func week(t time.Time) string {
	y, w := t.In(brussels).ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

// indexes are the index's hashes: one per sector, and "any".
func (a *Alerts) indexes() []string {
	out := make([]string, 0, len(orientation.Sectors)+1)
	for _, s := range orientation.Sectors {
		out = append(out, a.key("ix", s))
	}
	return append(out, a.key("ix", "any"))
}

// Index makes w what planning knows of chat: they want alerts.
func (a *Alerts) Index(ctx context.Context, chat int64, w vacancies.Wants) error {
	c := strconv.FormatInt(chat, 10)
	rec := encodeWants(w)
	p := a.rdb.TxPipeline()
	for _, k := range a.indexes() {
		p.HDel(ctx, k, c)
	}
	for _, s := range indexSectors(w) {
		p.HSet(ctx, a.key("ix", s), c, rec)
	}
	p.ZAdd(ctx, a.key("ix", "until"), redis.Z{Score: float64(w.Until.Unix()), Member: c})
	_, err := p.Exec(ctx)
	return err
}

// Unindex takes chat out of the index: they want no alerts (any more).
func (a *Alerts) Unindex(ctx context.Context, chats ...int64) error {
	if len(chats) == 0 {
		return nil
	}
	fields := make([]string, len(chats))
	members := make([]any, len(chats))
	for i, c := range chats {
		fields[i] = strconv.FormatInt(c, 10)
		members[i] = fields[i]
	}
	p := a.rdb.TxPipeline()
	for _, k := range a.indexes() {
		p.HDel(ctx, k, fields...)
	}
	p.ZRem(ctx, a.key("ix", "until"), members...)
	_, err := p.Exec(ctx)
	return err
}

// indexSectors are the hashes w is kept in: the sectors the person chose
// and did not turn down, or "any" for someone who named none.
func indexSectors(w vacancies.Wants) []string {
	k := newSeeker(vacancies.Seeker{Profile: w.Profile, Narrow: w.Narrow}, time.Time{})
	if k.open {
		return []string{"any"}
	}
	var out []string
	for _, s := range w.Profile.Sectors {
		if slices.Contains(orientation.Sectors, s) && !slices.Contains(w.Narrow.NoSectors, s) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// encodeWants is w as the index keeps it: version 1, home postcode, Dutch
// rank, licence, education rank, chosen sectors (as indexes of
// orientation.Sectors), availability (f, p, s, w), then what "not for me"
// taught: the km limit, the hours and the sectors taken out. Until is in
// ix:until, so that people who answered alike have equal records.
func encodeWants(w vacancies.Wants) string {
	p := w.Profile
	return strings.Join([]string{"1", home(p), strconv.Itoa(dutchRank(p.Dutch)), p.Licence,
		strconv.Itoa(slices.Index(educationOrder, p.Education)), sectorCodes(p.Sectors), availCodes(p.Availability),
		strconv.Itoa(w.Narrow.MaxKm), availCodes(w.Narrow.NoHours), sectorCodes(w.Narrow.NoSectors)}, "|")
}

var availOrder = []string{orientation.AvailFullTime, orientation.AvailPartTime, orientation.AvailShifts, orientation.AvailWeekends}

const availLetters = "fpsw"

func sectorCodes(ss []string) string {
	var b []byte
	for _, s := range ss {
		if i := slices.Index(orientation.Sectors, s); i >= 0 {
			b = append(b, byte('0'+i))
		}
	}
	return string(b)
}

func availCodes(av []string) string {
	var b []byte
	for _, v := range av {
		if i := slices.Index(availOrder, v); i >= 0 {
			b = append(b, availLetters[i])
		}
	}
	return string(b)
}

func decodeWants(rec string) (vacancies.Seeker, bool) {
	f := strings.Split(rec, "|")
	if len(f) != 10 || f[0] != "1" {
		return vacancies.Seeker{}, false
	}
	var s vacancies.Seeker
	s.Profile.Postcode = f[1]
	if d, err := strconv.Atoi(f[2]); err == nil && d >= 0 && d < len(dutchOrder) {
		s.Profile.Dutch = dutchOrder[d]
	}
	s.Profile.Licence = f[3]
	if e, err := strconv.Atoi(f[4]); err == nil && e >= 0 && e < len(educationOrder) {
		s.Profile.Education = educationOrder[e]
	}
	sectors := func(codes string) []string {
		var out []string
		for _, c := range []byte(codes) {
			if i := int(c - '0'); i >= 0 && i < len(orientation.Sectors) {
				out = append(out, orientation.Sectors[i])
			}
		}
		return out
	}
	avail := func(codes string) []string {
		var out []string
		for _, c := range []byte(codes) {
			if i := strings.IndexByte(availLetters, c); i >= 0 {
				out = append(out, availOrder[i])
			}
		}
		return out
	}
	s.Profile.Sectors, s.Profile.Availability = sectors(f[5]), avail(f[6])
	s.Narrow.MaxKm, _ = strconv.Atoi(f[7])
	s.Narrow.NoHours, s.Narrow.NoSectors = avail(f[8]), sectors(f[9])
	return s, true
}

// Deliver keeps the index in step with what the conversations said (a
// turn's notes): NoteMatching indexes the person or takes them out;
// NoteAlertsOff also drops what was queued for them. Delivering a turn
// twice does no harm.
func (a *Alerts) Deliver(ctx context.Context, turn *dialogs.Turn) error {
	for _, n := range turn.Notes {
		var err error
		switch n.Kind {
		case dialogs.NoteMatching:
			var w vacancies.Wants
			if len(n.Data) == 0 {
				err = a.Unindex(ctx, turn.ChatID)
			} else if err = json.Unmarshal(n.Data, &w); err == nil {
				err = a.Index(ctx, turn.ChatID, w)
			}
		case dialogs.NoteAlertsOff:
			if err = a.Unindex(ctx, turn.ChatID); err == nil {
				err = a.dropQueued(ctx, turn.ChatID)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (a *Alerts) dropQueued(ctx context.Context, chat int64) error {
	pattern := strconv.FormatInt(chat, 10) + "|*"
	for _, k := range []string{a.key("queue"), a.key("claimed")} {
		var members []any
		it := a.rdb.ZScan(ctx, k, 0, pattern, 500).Iterator()
		for i := 0; it.Next(ctx); i++ {
			if i%2 == 0 { // ZSCAN yields member, score, member, score…
				members = append(members, it.Val())
			}
		}
		if err := it.Err(); err != nil {
			return err
		}
		if len(members) > 0 {
			if err := a.rdb.ZRem(ctx, k, members...).Err(); err != nil {
				return err
			}
		}
	}
	return nil
}

// Forget removes every trace of chat, for /forget.
func (a *Alerts) Forget(ctx context.Context, chat int64) error {
	now := clock.Or(a.Clock).Now()
	if err := a.Unindex(ctx, chat); err != nil {
		return err
	}
	if err := a.dropQueued(ctx, chat); err != nil {
		return err
	}
	c := strconv.FormatInt(chat, 10)
	p := a.rdb.Pipeline()
	keys := []string{a.key("sent", c)} // an older version's
	for d := 0; d <= 7; d += 7 {
		w := week(now.AddDate(0, 0, -d))
		p.HDel(ctx, a.key("week", w), c)
		keys = append(keys, a.key("week", c, w))
	}
	p.Del(ctx, keys...)
	p.SRem(ctx, a.key("people"), c)
	_, err := p.Exec(ctx)
	return err
}

// Count is how many people the index holds.
func (a *Alerts) Count(ctx context.Context) (int64, error) {
	return a.rdb.ZCard(ctx, a.key("ix", "until")).Result()
}

// SendAt is when a message planned at now may go: now, or the end of the
// quiet hours.
func SendAt(now time.Time) time.Time { return clock.AfterQuiet(now) }

// weekScript counts an alert against its person's week, unless the week
// is full. KEYS: the week's counts. ARGV: chat, cap, the key's TTL (s).
// Returns 1 when it may be shown, 0 when the week is full.
var weekScript = redis.NewScript(`
local n = redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('EXPIRE', KEYS[1], ARGV[3])
if n > tonumber(ARGV[2]) then
  redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
  return 0
end
return 1`)

// queueBatch is how many alerts one ZADD queues.
const queueBatch = 1000

// Planned is what planning queues for one person: vacancy ids, best first.
type Planned struct {
	Chat      int64
	Vacancies []string
}

// PlanImport plans the fresh vacancies of an import for everyone in the
// index whose sectors they are in, and returns how many alerts it queued.
// It reads only those people's records, ranks once for people who
// answered alike, and queues, per person, the best PerWeek of the
// vacancies never planned before.
func (a *Alerts) PlanImport(ctx context.Context, fresh []Vacancy, now time.Time) (int, error) {
	if len(fresh) == 0 {
		return 0, nil
	}
	if err := a.prune(ctx, now); err != nil {
		return 0, err
	}
	fresh, err := a.unplanned(ctx, fresh)
	if err != nil || len(fresh) == 0 {
		return 0, err
	}
	sectors := []string{"any"}
	for _, v := range fresh {
		if !slices.Contains(sectors, v.Sector) {
			sectors = append(sectors, v.Sector)
		}
	}
	cmds := make([]*redis.MapStringStringCmd, len(sectors))
	if _, err := a.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, s := range sectors {
			cmds[i] = p.HGetAll(ctx, a.key("ix", s))
		}
		return nil
	}); err != nil {
		return 0, err
	}
	records := map[string]string{}
	for _, c := range cmds {
		for chat, rec := range c.Val() {
			records[chat] = rec
		}
	}
	facts := make([]Facts, len(fresh))
	for i, v := range fresh {
		facts[i] = FactsOf(v)
	}
	ranked := map[string][]string{}
	var plan []Planned
	for chat, rec := range records {
		ids, ok := ranked[rec]
		if !ok {
			s, valid := decodeWants(rec)
			if valid {
				ids = a.rank(s, facts, now)
			}
			ranked[rec] = ids
		}
		c, err := strconv.ParseInt(chat, 10, 64)
		if err != nil || len(ids) == 0 {
			continue
		}
		plan = append(plan, Planned{Chat: c, Vacancies: ids})
	}
	return a.Queue(ctx, plan, fresh, now)
}

// rank is the fresh vacancies s would get as alerts, best first: those of
// their own list (never one outside their sectors), as many as a week
// holds.
func (a *Alerts) rank(s vacancies.Seeker, facts []Facts, now time.Time) []string {
	ms := newSeeker(s, now).search(facts, vacancies.Chosen)
	ids := make([]string, 0, min(len(ms), a.PerWeek))
	for _, m := range ms[:min(len(ms), a.PerWeek)] {
		ids = append(ids, m.Facts.ID)
	}
	return ids
}

// unplanned are the vacancies of vs never planned before.
func (a *Alerts) unplanned(ctx context.Context, vs []Vacancy) ([]Vacancy, error) {
	ids := make([]string, len(vs))
	for i, v := range vs {
		ids[i] = v.ID
	}
	scores, err := a.rdb.ZMScore(ctx, a.key("planned"), ids...).Result()
	if err != nil {
		return nil, err
	}
	var out []Vacancy
	for i, v := range vs {
		if scores[i] == 0 {
			out = append(out, v)
		}
	}
	return out, nil
}

// prune drops from the index the people whose records expired with their
// conversation.
func (a *Alerts) prune(ctx context.Context, now time.Time) error {
	if err := a.rdb.ZRemRangeByScore(ctx, a.key("planned"), "-inf", strconv.FormatInt(now.UnixMilli(), 10)).Err(); err != nil {
		return err
	}
	gone, err := a.rdb.ZRangeByScore(ctx, a.key("ix", "until"), &redis.ZRangeBy{Min: "-inf", Max: strconv.FormatInt(now.Unix(), 10)}).Result()
	if err != nil || len(gone) == 0 {
		return err
	}
	chats := make([]int64, 0, len(gone))
	for _, g := range gone {
		if c, err := strconv.ParseInt(g, 10, 64); err == nil {
			chats = append(chats, c)
		}
	}
	return a.Unindex(ctx, chats...)
}

// Queue queues plan (vacancies of vs, by id) at now, at most PerWeek per
// person, and marks the vacancies planned; it returns how many alerts it
// queued. The week's cap is kept when an alert is sent (Event): an alert
// planned for someone whose week filled meanwhile is dropped then. So
// planning is two commands per thousand alerts, whatever the cap.
func (a *Alerts) Queue(ctx context.Context, plan []Planned, vs []Vacancy, now time.Time) (int, error) {
	due := float64(SendAt(now).UnixMilli())
	planned := make([]redis.Z, 0, len(vs))
	known := map[string]bool{}
	for _, v := range vs {
		exp := now.Add(a.RetainSent)
		if !v.ValidThrough.IsZero() && v.ValidThrough.Add(7*24*time.Hour).Before(exp) {
			exp = v.ValidThrough.Add(7 * 24 * time.Hour)
		}
		planned = append(planned, redis.Z{Score: float64(exp.UnixMilli()), Member: v.ID})
		known[v.ID] = true
	}
	p := a.rdb.Pipeline()
	var adds []*redis.IntCmd
	batch := make([]redis.Z, 0, queueBatch)
	flush := func() {
		if len(batch) > 0 {
			adds = append(adds, p.ZAddNX(ctx, a.key("queue"), batch...))
			batch = make([]redis.Z, 0, queueBatch)
		}
	}
	for _, pl := range plan {
		c := strconv.FormatInt(pl.Chat, 10) + "|"
		n := 0
		for _, id := range pl.Vacancies {
			if n == a.PerWeek {
				break
			}
			if known[id] {
				batch = append(batch, redis.Z{Score: due, Member: c + id})
				n++
			}
		}
		if len(batch) >= queueBatch {
			flush()
		}
	}
	flush()
	if len(planned) > 0 {
		p.ZAddNX(ctx, a.key("planned"), planned...)
	}
	if _, err := p.Exec(ctx); err != nil {
		return 0, err
	}
	queued := 0
	for _, c := range adds {
		queued += int(c.Val())
	}
	return queued, nil
}

// Alert is one queued alert.
type Alert struct {
	Chat    int64
	Vacancy string
}

// Due claims up to max alerts due at now for lease; send each, then Ack it.
// One not acknowledged in time is handed out again (the conversation
// remembers the vacancies it showed, so the person does not see it twice).
// Between 21:00 and 08:00 nothing is due.
func (a *Alerts) Due(ctx context.Context, now time.Time, lease time.Duration, max int) ([]Alert, error) {
	if !SendAt(now).Equal(now) {
		return nil, nil
	}
	claims, err := a.queue().Claim(ctx, now, lease, max)
	if err != nil {
		return nil, err
	}
	var out []Alert
	for _, cl := range claims {
		c, v, ok := strings.Cut(cl.Member, "|")
		chat, err := strconv.ParseInt(c, 10, 64)
		if !ok || err != nil {
			a.queue().Ack(ctx, cl.Member)
			continue
		}
		out = append(out, Alert{Chat: chat, Vacancy: v})
	}
	return out, nil
}

// Event is what an alert shows its person: the vacancy, which the
// conversation shows once, if it still fits and they still want alerts;
// nothing when their week is full (PerWeek alerts handed out in this ISO
// week). An alert the conversation then does not show (they stopped, it no
// longer fits, it was shown already) still counts: a rare lost slot rather
// than a second read of the conversation.
func (a *Alerts) Event(ctx context.Context, al Alert, now time.Time) (dialogs.Event, lease.Action, error) {
	ok, err := weekScript.Run(ctx, a.rdb, []string{a.key("week", week(now))}, al.Chat, a.PerWeek, 8*24*3600).Int()
	if err != nil {
		return dialogs.Event{}, lease.Drop, err
	}
	if ok == 0 {
		return dialogs.Event{}, lease.Drop, nil
	}
	return dialogs.Event{ChatID: al.Chat, Kind: dialogs.KindAlert, Data: al.Vacancy}, lease.Send, nil
}

// Ack marks an alert sent.
func (a *Alerts) Ack(ctx context.Context, al Alert) error {
	return a.queue().Ack(ctx, strconv.FormatInt(al.Chat, 10)+"|"+al.Vacancy)
}

// queue is the alerts due, handed out under a lease.
func (a *Alerts) queue() lease.Queue {
	return lease.Queue{RDB: a.rdb, Due: a.key("queue"), Claimed: a.key("claimed")}
}

// Depth is how many alerts wait, for the metrics.
func (a *Alerts) Depth(ctx context.Context) (int64, error) {
	return a.queue().Depth(ctx)
}

// Conversations reads stored conversations; the store implements it.
// Only Migrate needs it: planning reads the index.
type Conversations interface {
	States(ctx context.Context, chats []int64) ([]*dialogs.State, error)
}

// WantsOfState is what the index needs of a stored conversation that
// wants alerts, expiring retention after the person was last seen; ok is
// false for one that does not agree, has not finished the orientation or
// wants no alerts.
func WantsOfState(st *dialogs.State, retention time.Duration) (vacancies.Wants, bool) {
	if st == nil || !st.Consented() {
		return vacancies.Wants{}, false
	}
	v, err := vacancies.Part.Read(st)
	if err != nil || !v.Alerts {
		return vacancies.Wants{}, false
	}
	o, err := orientation.Part.Read(st)
	if err != nil || !o.Done() {
		return vacancies.Wants{}, false
	}
	return vacancies.WantsOf(o.Profile, v.Narrow, st.LastSeen.Add(retention)), true
}

// Migrate moves an older version's list of people who want alerts
// (<p>:{alerts}:people) into the index, reading their conversations once,
// and removes the list. Without the list it costs one read.
func (a *Alerts) Migrate(ctx context.Context, convs Conversations, retention time.Duration) (int, error) {
	ms, err := a.rdb.SMembers(ctx, a.key("people")).Result()
	if err != nil || len(ms) == 0 {
		return 0, err
	}
	var chats []int64
	for _, m := range ms {
		if c, err := strconv.ParseInt(m, 10, 64); err == nil {
			chats = append(chats, c)
		}
	}
	states, err := convs.States(ctx, chats)
	if err != nil {
		return 0, err
	}
	n := 0
	for i, c := range chats {
		if w, ok := WantsOfState(states[i], retention); ok {
			if err := a.Index(ctx, c, w); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, a.rdb.Del(ctx, a.key("people")).Err()
}
