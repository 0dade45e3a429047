package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/bot"
	"github.com/werkwijzer/werkwijzer/bot/telegramtest"
	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/vacancies"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/jobs"
	"github.com/werkwijzer/werkwijzer/store"
)

// arrivals tells, per chat, when a message reached it: benchmarks wait on
// it instead of scanning everything the fake recorded.
type arrivals struct {
	mu sync.Mutex
	ch map[int64]chan time.Time
}

func newAnswers(tg *telegramtest.Server) *arrivals {
	a := &arrivals{ch: map[int64]chan time.Time{}}
	tg.Observe(func(m telegramtest.Message) {
		a.mu.Lock()
		c := a.ch[m.ChatID]
		a.mu.Unlock()
		if c != nil {
			select {
			case c <- m.At:
			default:
			}
		}
	})
	return a
}

// of is chat's channel, made before the chat's first message.
func (a *arrivals) of(chat int64) chan time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	c := a.ch[chat]
	if c == nil {
		c = make(chan time.Time, 64)
		a.ch[chat] = c
	}
	return c
}

func quantile(ds []time.Duration, q float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return float64(ds[int(q*float64(len(ds)-1))].Microseconds()) / 1000
}

// closedLoop has people each send a message as soon as their last one was
// answered, until n were answered, and returns the rate.
func closedLoop(tg *telegramtest.Server, a *arrivals, people, n int, first int64, text string) float64 {
	var left atomic.Int64
	left.Store(int64(n))
	var wg sync.WaitGroup
	start := time.Now()
	for p := 0; p < people; p++ {
		id := first + int64(p)
		c := tg.Chat(nil, id, "nl")
		got := a.of(id)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for left.Add(-1) >= 0 {
				tg.Push(c.MessageUpdate(map[string]any{"text": text}))
				<-got
			}
		}()
	}
	wg.Wait()
	return float64(n) / time.Since(start).Seconds()
}

// BenchmarkThroughput compares the whole bot, with the send limits lifted,
// with a minimal bot on the same fake Bot API and Redis, in the same run:
// go-telegram/bot's own polling, answering each update with one Redis
// command (INCR) and one message, in a goroutine per update and in no
// order. A hundred people each send /menu as soon as the last answer came;
// the bot answers each with the menu: fetch, its chat's queue, the chat
// held in Redis, the conversation loaded, the dialogs, the save, the send,
// the delivery recorded. It reports both rates, their ratio, the time an
// update took inside the process (from its fetch to its delivery record),
// and Redis round trips per update.
//
//	go test ./cmd/werkwijzer -run '^$' -bench Throughput -benchtime 20000x
func BenchmarkThroughput(b *testing.B) {
	const people = 100
	opts, err := redis.ParseURL(redistest.URL(b))
	if err != nil {
		b.Fatal(err)
	}
	prefix := redistest.Prefix()

	// The reference.
	refTG := telegramtest.New(b)
	refAnswers := newAnswers(refTG)
	refRedis := redis.NewClient(opts)
	defer refRedis.Close()
	ref, err := tg.New(refTG.Token, tg.WithServerURL(refTG.URL), tg.WithSkipGetMe(),
		tg.WithDefaultHandler(func(ctx context.Context, api *tg.Bot, u *models.Update) {
			if u.Message == nil {
				return
			}
			refRedis.Incr(ctx, prefix+":ref:"+strconv.FormatInt(u.Message.Chat.ID, 10))
			api.SendMessage(ctx, &tg.SendMessageParams{ChatID: u.Message.Chat.ID, Text: "ok"})
		}))
	if err != nil {
		b.Fatal(err)
	}
	refCtx, refStop := context.WithCancel(context.Background())
	refDone := make(chan struct{})
	go func() { ref.Start(refCtx); close(refDone) }()

	// Ours.
	ourTG := telegramtest.New(b)
	ourAnswers := newAnswers(ourTG)
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	trips := store.CountRoundTrips(rdb)
	var mu sync.Mutex
	var took []time.Duration
	m := &Main{Redis: rdb,
		Config: Config{TelegramToken: ourTG.Token, TelegramAPIURL: ourTG.URL, RedisURL: redistest.URL(b), RedisPrefix: prefix,
			Retention: 180 * 24 * time.Hour, SendRate: 1e6, ChatSendRate: 1e6},
		Stdout: io.Discard, Stderr: io.Discard, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), ready: make(chan struct{}),
		handled: func(d time.Duration) { mu.Lock(); took = append(took, d); mu.Unlock() }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { m.Serve(ctx); close(done) }()
	defer func() { cancel(); <-done; m.Close() }()
	<-m.ready
	for p := 0; p < people; p++ {
		atMenu(b, m, int64(30000+p))
	}
	// Warm both up (connections, the scripts in Redis).
	closedLoop(refTG, refAnswers, people, people, 40000, "hallo")
	closedLoop(ourTG, ourAnswers, people, people, 30000, "/menu")
	mu.Lock()
	took = took[:0]
	mu.Unlock()

	// In turns, so that both meet the same machine (other work on it
	// comes and goes).
	const rounds = 10
	var refTime, ourTime time.Duration
	var ourTrips int64
	b.ResetTimer()
	for r := 0; r < rounds; r++ {
		n := b.N / rounds
		refTime += time.Duration(float64(n) / closedLoop(refTG, refAnswers, people, n, 40000, "hallo") * float64(time.Second))
		before := trips.Load()
		ourTime += time.Duration(float64(n) / closedLoop(ourTG, ourAnswers, people, n, 30000, "/menu") * float64(time.Second))
		ourTrips += trips.Load() - before
	}
	refStop()
	<-refDone
	n := float64(b.N / rounds * rounds)
	refRate, ourRate := n/refTime.Seconds(), n/ourTime.Seconds()
	mu.Lock()
	saturated := append([]time.Duration(nil), took...)
	took = took[:0]
	mu.Unlock()

	// Inside the process, at a rate a busy bot meets (a tenth of what it
	// can do here), not at saturation, where every update waits for the
	// hundred before it whatever the bot does.
	const rate, seconds = 300, 5
	steadyTrips := trips.Load()
	tick := time.NewTicker(time.Second / rate)
	for i := 0; i < rate*seconds; i++ {
		<-tick.C
		c := ourTG.Chat(nil, 30000+int64(i%people), "nl")
		ourTG.Push(c.MessageUpdate(map[string]any{"text": "/menu"}))
	}
	tick.Stop()
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		got := len(took)
		mu.Unlock()
		if got >= rate*seconds || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	steadyTrips = trips.Load() - steadyTrips
	b.StopTimer()
	mu.Lock()
	defer mu.Unlock()
	b.ReportMetric(refRate, "ref-updates/s")
	b.ReportMetric(ourRate, "updates/s")
	b.ReportMetric(ourRate/refRate, "x-ref")
	b.ReportMetric(float64(ourTrips)/n, "redis-trips/update")
	b.ReportMetric(quantile(saturated, 0.99), "p99-ms-saturated")
	b.ReportMetric(quantile(took, 0.50), "p50-ms-at-300/s")
	b.ReportMetric(quantile(took, 0.99), "p99-ms-at-300/s")
	b.ReportMetric(float64(steadyTrips)/float64(len(took)), "redis-trips/update-at-300/s")
}

// scenario is a werkwijzer with the default limits (29 messages a second,
// one a second per chat, the inbound limit), on the fake Bot API and a
// real Redis shared as in production (REDIS_URL), for the benchmarks that
// play out one situation (-benchtime 1x).
func scenario(b *testing.B, opts ...func(*Main)) (*telegramtest.Server, *arrivals, *Main) {
	b.Helper()
	tg := telegramtest.New(b)
	a := newAnswers(tg)
	m := &Main{
		Config: Config{TelegramToken: tg.Token, TelegramAPIURL: tg.URL, RedisURL: redistest.URL(b), RedisPrefix: redistest.Prefix(),
			Retention: 180 * 24 * time.Hour, SendRate: bot.DefaultGlobalRate, ChatSendRate: bot.DefaultChatRate,
			InboundLimit: DefaultInboundLimit, AlertsPerWeek: 3},
		Stdout: io.Discard, Stderr: io.Discard, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), ready: make(chan struct{})}
	for _, o := range opts {
		o(m)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { m.Serve(ctx); close(done) }()
	b.Cleanup(func() { cancel(); <-done; m.Close() })
	<-m.ready
	return tg, a, m
}

// step is one thing a person does and waits for: it returns how long the
// first message of the answer took, and then waits for the rest.
func step(tg *telegramtest.Server, a *arrivals, chat int64, update map[string]any, messages int) time.Duration {
	got := a.of(chat)
	for len(got) > 0 {
		<-got
	}
	start := time.Now()
	tg.Push(update)
	first := <-got
	for i := 1; i < messages; i++ {
		select {
		case <-got:
		case <-time.After(5 * time.Second):
		}
	}
	return first.Sub(start)
}

// BenchmarkFlood: one person sends 2,000 messages in a burst while 200
// others go through the first onboarding steps (/start, the language, the
// privacy notice, their name), arriving over a minute and answering three
// seconds after each answer. With the default limits, the flood is answered
// at one message a second and only delays its sender; the others' time to
// the first message of each answer is reported (p50, p99, max), with how
// much of the flood was answered meanwhile and how often its sender was
// told that the bot is reading. About 75 s:
//
//	go test ./cmd/werkwijzer -run '^$' -bench Flood -benchtime 1x
func BenchmarkFlood(b *testing.B) {
	if b.N > 1 {
		b.Fatal("one run is the whole scenario: -benchtime 1x")
	}
	tg, a, m := scenario(b)
	const flooder, people, floods = 50000, 200, 2000
	atMenu(b, m, flooder)
	fc := tg.Chat(b, flooder, "nl")
	notice := texts.T("nl", "inbound_reading", nil)
	var fromFlood, notices atomic.Int64
	tg.Observe(func(msg telegramtest.Message) {
		if msg.ChatID == flooder {
			if msg.Text == notice {
				notices.Add(1)
			} else {
				fromFlood.Add(1)
			}
			return
		}
		a.mu.Lock()
		c := a.ch[msg.ChatID]
		a.mu.Unlock()
		if c != nil {
			select {
			case c <- msg.At:
			default:
			}
		}
	})
	b.ResetTimer()
	for i := 0; i < floods; i++ {
		tg.Push(fc.MessageUpdate(map[string]any{"text": fmt.Sprintf("hallo? %d", i)}))
	}
	var mu sync.Mutex
	var waits []time.Duration
	var wg sync.WaitGroup
	for p := 0; p < people; p++ {
		id := int64(51000 + p)
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(p) * time.Minute / people)
			c := tg.Chat(b, id, "nl")
			var mine []time.Duration
			mine = append(mine, step(tg, a, id, c.MessageUpdate(map[string]any{"text": "/start"}), 2))
			for _, s := range []struct {
				press string
				n     int
			}{{"lang:nl", 2}, {"consent:yes", 1}} {
				time.Sleep(3 * time.Second)
				mine = append(mine, step(tg, a, id, c.PressUpdate(s.press, c.LastWithButtons().MessageID), s.n))
			}
			time.Sleep(3 * time.Second)
			mine = append(mine, step(tg, a, id, c.MessageUpdate(map[string]any{"text": "Sam"}), 1))
			mu.Lock()
			waits = append(waits, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(quantile(waits, 0.50), "others-p50-ms")
	b.ReportMetric(quantile(waits, 0.99), "others-p99-ms")
	b.ReportMetric(quantile(waits, 1), "others-max-ms")
	b.ReportMetric(float64(fromFlood.Load()), "flood-answered")
	b.ReportMetric(float64(notices.Load()), "reading-notices")
}

// daytime is the wall clock moved to 10:00 in Brussels today, so that the
// broadcast benchmark is not held by the quiet hours whenever it runs.
type daytime struct{ offset time.Duration }

func newDaytime() daytime {
	now := time.Now().In(clock.Brussels)
	ten := time.Date(now.Year(), now.Month(), now.Day(), 10, 0, 0, 0, clock.Brussels)
	return daytime{ten.Sub(now)}
}

func (d daytime) Now() time.Time                         { return time.Now().Add(d.offset) }
func (d daytime) NewTicker(t time.Duration) clock.Ticker { return clock.Real().NewTicker(t) }
func (d daytime) NewTimer(t time.Duration) clock.Timer   { return clock.Real().NewTimer(t) }

// BenchmarkBroadcast: a vacancy import plans 3,000 alerts at once, and
// while they go out 100 people each press a button once, at a random
// moment. With the default limits the presses are answered first (their
// time to the first message: p50, p95, max), and the alerts take what is
// left of Telegram's 29 a second: the rate of the alerts alone and of all
// messages, as a share of the limit, over the broadcast, and the alerts'
// share of what the replies left. About 110 s, with
// a minute of setting up the people:
//
//	go test ./cmd/werkwijzer -run '^$' -bench Broadcast -benchtime 1x
func BenchmarkBroadcast(b *testing.B) {
	if b.N > 1 {
		b.Fatal("one run is the whole scenario: -benchtime 1x")
	}
	clk := newDaytime()
	tg, a, m := scenario(b, func(m *Main) { m.Clock, m.Tick = clk, 200*time.Millisecond })
	ctx := context.Background()
	const alerted, tappers = 3000, 100
	now := clk.Now()
	v := jobs.Vacancy{ID: "broadcast", Title: "Operator", Employer: "Fabriek", Postcode: "2000", Sector: orientation.SectorIndustry,
		FullTime: true, Posted: now}
	if _, err := m.Catalogue.Import(ctx, "bench", []jobs.Vacancy{v}, now); err != nil {
		b.Fatal(err)
	}
	profile := orientation.Profile{Name: "Sam", District: "deurne", Postcode: "2100", Dutch: orientation.DutchConversational,
		Licence: orientation.LicenceB, Sectors: []string{orientation.SectorIndustry}, Availability: []string{"fulltime"}}
	for i := 0; i < alerted+tappers; i++ {
		id := int64(60000 + i)
		st := conversation(b, &dialogs.State{V: dialogs.StateVersion, Lang: "nl", Step: dialogs.StepMenu, Agreed: now, Created: now},
			orientation.State{Oriented: now, Profile: profile}, i < alerted)
		if err := m.Sessions.Save(ctx, id, st, time.Hour, nil); err != nil {
			b.Fatal(err)
		}
		if i < alerted {
			if err := m.Alerts.Index(ctx, id, vacancies.WantsOf(profile, vacancies.Narrow{}, now.Add(time.Hour))); err != nil {
				b.Fatal(err)
			}
		}
	}
	var mu sync.Mutex
	var alertTimes []time.Time
	var all []time.Time
	tg.Observe(func(msg telegramtest.Message) {
		mu.Lock()
		all = append(all, msg.At)
		if msg.ChatID < 60000+alerted {
			alertTimes = append(alertTimes, msg.At)
		}
		mu.Unlock()
		a.mu.Lock()
		c := a.ch[msg.ChatID]
		a.mu.Unlock()
		if c != nil {
			select {
			case c <- msg.At:
			default:
			}
		}
	})
	b.ResetTimer()
	if n, err := m.planAlerts(ctx, []jobs.Vacancy{v}); err != nil || n != alerted {
		b.Fatalf("planned %d alerts (%v), want %d", n, err, alerted)
	}
	m.pokeNews()
	var waits []time.Duration
	var wg sync.WaitGroup
	for p := 0; p < tappers; p++ {
		id := int64(60000 + alerted + p)
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Somewhere in the first 90 s of the broadcast (it takes about
			// 100 s at the limit).
			time.Sleep(time.Duration(p*7919%tappers) * 900 * time.Millisecond)
			c := tg.Chat(b, id, "nl")
			w := step(tg, a, id, c.PressUpdate("menu:help", 1), 2)
			mu.Lock()
			waits = append(waits, w)
			mu.Unlock()
		}()
	}
	wg.Wait()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		mu.Lock()
		n := len(alertTimes)
		mu.Unlock()
		if n >= alerted || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.StopTimer()
	mu.Lock()
	defer mu.Unlock()
	if len(alertTimes) < alerted {
		b.Fatalf("%d of %d alerts sent in three minutes", len(alertTimes), alerted)
	}
	first, last := alertTimes[0], alertTimes[len(alertTimes)-1]
	span := last.Sub(first).Seconds()
	inSpan := 0
	for _, t := range all {
		if !t.Before(first) && !t.After(last) {
			inSpan++
		}
	}
	b.ReportMetric(quantile(waits, 0.50), "press-p50-ms")
	b.ReportMetric(quantile(waits, 0.95), "press-p95-ms")
	b.ReportMetric(quantile(waits, 1), "press-max-ms")
	b.ReportMetric(float64(len(alertTimes)-1)/span, "alerts/s")
	b.ReportMetric(100*float64(len(alertTimes)-1)/span/bot.DefaultGlobalRate, "alerts-%-of-limit")
	b.ReportMetric(100*float64(inSpan-1)/span/bot.DefaultGlobalRate, "all-%-of-limit")
	// The replies' messages come out of the same 29 a second: of what
	// they left, the alerts took this share.
	replies := inSpan - len(alertTimes)
	b.ReportMetric(100*float64(len(alertTimes)-1)/(span*bot.DefaultGlobalRate-float64(replies)), "alerts-%-of-what-replies-left")
}
