package jobs

import (
	"context"
	"fmt"
	"slices"
	"sort"
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

// Alerts sends new matching vacancies to people who asked for them: at most
// PerWeek a week each, never the same vacancy twice, never between 21:00 and
// 08:00 (Brussels). An import is planned at once (Plan) into a queue that
// the senders (Due, Ack) drain at Telegram's pace, across instances and
// restarts.
//
// Keys, sharing the hash tag {alerts}:
//
//	<p>:{alerts}:people            set     chat ids that want alerts.
//	<p>:{alerts}:queue             zset    "<chat>|<vacancy id>" by when to send.
//	<p>:{alerts}:claimed           zset    the same, being sent, by lease end.
//	<p>:{alerts}:sent:<chat>       set     vacancy ids planned for the person
//	                                       (never twice). TTL: RetainSent.
//	<p>:{alerts}:week:<chat>:<w>   string  alerts planned in ISO week w. TTL: 8 days.
//
// They name people: Forget removes them.
type Alerts struct {
	rdb    redis.UniversalClient
	prefix string
	// PerWeek caps the alerts a person gets in one ISO week.
	PerWeek int
	// RetainSent is how long a person's planned vacancies are remembered.
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

// Subscribe and Unsubscribe keep the list of people who want alerts. One
// who stops loses what was queued for them.
func (a *Alerts) Subscribe(ctx context.Context, chat int64) error {
	return a.rdb.SAdd(ctx, a.key("people"), chat).Err()
}

// Unsubscribe takes chat off the list and out of the queue.
func (a *Alerts) Unsubscribe(ctx context.Context, chat int64) error {
	if err := a.rdb.SRem(ctx, a.key("people"), chat).Err(); err != nil {
		return err
	}
	return a.dropQueued(ctx, chat)
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
	if err := a.Unsubscribe(ctx, chat); err != nil {
		return err
	}
	c := strconv.FormatInt(chat, 10)
	keys := []string{a.key("sent", c)}
	for d := 0; d <= 7; d += 7 {
		keys = append(keys, a.key("week", c, week(now.AddDate(0, 0, -d))))
	}
	return a.rdb.Del(ctx, keys...).Err()
}

// People lists who wants alerts.
func (a *Alerts) People(ctx context.Context) ([]int64, error) {
	ms, err := a.rdb.SMembers(ctx, a.key("people")).Result()
	if err != nil {
		return nil, err
	}
	out := make([]int64, 0, len(ms))
	for _, m := range ms {
		if c, err := strconv.ParseInt(m, 10, 64); err == nil {
			out = append(out, c)
		}
	}
	return out, nil
}

// Person is what planning needs of someone who wants alerts.
type Person struct {
	Chat     int64
	Profile  orientation.Profile
	Feedback *Feedback
}

// SendAt is when a message planned at now may go: now, or the end of the
// quiet hours.
func SendAt(now time.Time) time.Time { return clock.AfterQuiet(now) }

// planScript queues, best first, the vacancies not planned for the person
// before, while their week has room. KEYS: queue, sent, week. ARGV: chat,
// due (ms), cap, sent TTL (s), then vacancy ids best first. Returns how
// many it queued.
var planScript = redis.NewScript(`
local n = tonumber(redis.call('GET', KEYS[3]) or '0')
local cap = tonumber(ARGV[3])
local queued = 0
for i = 5, #ARGV do
  if n >= cap then break end
  if redis.call('SADD', KEYS[2], ARGV[i]) == 1 then
    redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1] .. '|' .. ARGV[i])
    n = n + 1
    queued = queued + 1
  end
end
if queued > 0 then
  redis.call('EXPIRE', KEYS[2], ARGV[4])
  redis.call('SET', KEYS[3], n, 'EX', 691200)
end
return queued`)

// Plan matches new vacancies against the people who want alerts and
// queues, per person, the best ones not sent before that their week still
// has room for. It returns how many alerts it queued.
func (a *Alerts) Plan(ctx context.Context, vacancies []Vacancy, people []Person, now time.Time) (int, error) {
	due := SendAt(now).UnixMilli()
	w := week(now)
	queued := 0
	p := a.rdb.Pipeline()
	var cmds []*redis.Cmd
	flush := func() error {
		if len(cmds) == 0 {
			return nil
		}
		if _, err := p.Exec(ctx); err != nil {
			return err
		}
		for _, c := range cmds {
			n, _ := c.Int()
			queued += n
		}
		cmds = cmds[:0]
		return nil
	}
	// Many people answer alike: rank once per kind of answers (what Score
	// reads), and apart only for people whose "not for me" changes it.
	best := map[string][]string{}
	rank := func(p orientation.Profile, fb *Feedback) []string {
		var ms []Match
		for _, v := range vacancies {
			if m, ok := Score(p, v, fb, now); ok {
				ms = append(ms, m)
			}
		}
		sort.SliceStable(ms, func(i, j int) bool { return ms[i].Score > ms[j].Score })
		// A few more than the cap, in case the best were sent before.
		ids := make([]string, 0, min(len(ms), a.PerWeek+20))
		for _, m := range ms[:min(len(ms), a.PerWeek+20)] {
			ids = append(ids, m.Vacancy.ID)
		}
		return ids
	}
	for _, person := range people {
		var ids []string
		if person.Feedback != nil && len(person.Feedback.Rejected) > 0 {
			ids = rank(person.Profile, person.Feedback)
		} else {
			k := shape(person.Profile)
			cached, ok := best[k]
			if !ok {
				cached = rank(person.Profile, nil)
				best[k] = cached
			}
			ids = cached
		}
		if len(ids) == 0 {
			continue
		}
		c := strconv.FormatInt(person.Chat, 10)
		args := []any{c, due, a.PerWeek, int(a.RetainSent.Seconds())}
		for _, id := range ids {
			args = append(args, id)
		}
		cmds = append(cmds, planScript.Eval(ctx, p, []string{a.key("queue"), a.key("sent", c), a.key("week", c, w)}, args...))
		if len(cmds) >= 500 {
			if err := flush(); err != nil {
				return queued, err
			}
		}
	}
	return queued, flush()
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
// conversation shows once, if it still fits and they still want alerts.
func (a *Alerts) Event(_ context.Context, al Alert, _ time.Time) (dialogs.Event, lease.Action, error) {
	return dialogs.Event{ChatID: al.Chat, Kind: dialogs.KindAlert, Data: al.Vacancy}, lease.Send, nil
}

// Conversations reads stored conversations: planning needs who still
// agrees, still wants alerts, and what they answered. The store
// implements it.
type Conversations interface {
	States(ctx context.Context, chats []int64) ([]*dialogs.State, error)
}

// PersonOf is what planning reads of a stored conversation; ok is false
// for someone who no longer agrees or no longer wants alerts (the list of
// people may lag behind their conversation).
func PersonOf(chat int64, st *dialogs.State) (Person, bool) {
	if st == nil || !st.Consented() {
		return Person{}, false
	}
	v, err := vacancies.Part.Read(st)
	if err != nil || !v.Alerts {
		return Person{}, false
	}
	o, err := orientation.Part.Read(st)
	if err != nil {
		return Person{}, false
	}
	p := Person{Chat: chat, Profile: o.Profile}
	if len(v.Rejected) > 0 {
		p.Feedback = &Feedback{Rejected: map[string]vacancies.Rejected{}}
		for _, r := range v.Rejected {
			p.Feedback.Rejected[r.ID] = r
		}
	}
	return p, true
}

// PlanImport plans the fresh vacancies of an import for everyone who wants
// alerts, reading their conversations from convs.
func (a *Alerts) PlanImport(ctx context.Context, fresh []Vacancy, convs Conversations, now time.Time) (int, error) {
	if len(fresh) == 0 {
		return 0, nil
	}
	chats, err := a.People(ctx)
	if err != nil {
		return 0, err
	}
	states, err := convs.States(ctx, chats)
	if err != nil {
		return 0, err
	}
	var people []Person
	for i, c := range chats {
		if p, ok := PersonOf(c, states[i]); ok {
			people = append(people, p)
		}
	}
	return a.Plan(ctx, fresh, people, now)
}

// Ack marks an alert sent.
func (a *Alerts) Ack(ctx context.Context, al Alert) error {
	return a.queue().Ack(ctx, strconv.FormatInt(al.Chat, 10)+"|"+al.Vacancy)
}

// queue is the alerts due, handed out under a lease.
func (a *Alerts) queue() lease.Queue {
	return lease.Queue{RDB: a.rdb, Due: a.key("queue"), Claimed: a.key("claimed")}
}

// Deliver keeps the list of people who want alerts in step with what
// they said (a turn's notes). Delivering a turn twice does no harm.
func (a *Alerts) Deliver(ctx context.Context, turn *dialogs.Turn) error {
	for _, n := range turn.Notes {
		var err error
		switch n.Kind {
		case dialogs.NoteAlertsOn:
			err = a.Subscribe(ctx, turn.ChatID)
		case dialogs.NoteAlertsOff:
			err = a.Unsubscribe(ctx, turn.ChatID)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Depth is how many alerts wait, for the metrics.
func (a *Alerts) Depth(ctx context.Context) (int64, error) {
	return a.queue().Depth(ctx)
}

// shape is what Score reads of a profile: people with the same shape get
// the same ranking.
func shape(p orientation.Profile) string {
	sec := slices.Clone(p.Sectors)
	slices.Sort(sec)
	av := slices.Clone(p.Availability)
	slices.Sort(av)
	return strings.Join([]string{home(p), p.District, p.Licence, p.Dutch, p.Education,
		strings.Join(sec, ","), strings.Join(av, ",")}, "|")
}
