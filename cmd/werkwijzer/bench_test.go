package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/bot/telegramtest"
	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/vacancies"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/jobs"
	"github.com/werkwijzer/werkwijzer/locales"
	"github.com/werkwijzer/werkwijzer/store"
)

// BenchmarkRuntime measures the whole path of an ordinary answer: the bot
// fetches an update from the fake Bot API, orders it, runs the dialogs,
// saves to a real Redis and sends the reply. Fifty people each press a
// button as soon as the previous answer arrived (a closed loop), so latency
// is what one person waits.
//
//	go test ./cmd/werkwijzer -run '^$' -bench Runtime -benchtime 3000x
func BenchmarkRuntime(b *testing.B) {
	tg := telegramtest.New(b)
	opts, err := redis.ParseURL(redistest.URL(b))
	if err != nil {
		b.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	rdb.Ping(context.Background())
	trips := store.CountRoundTrips(rdb)
	m := &Main{Redis: rdb,
		Config: Config{TelegramToken: tg.Token, TelegramAPIURL: tg.URL, RedisPrefix: redistest.Prefix(),
			Retention: 180 * 24 * time.Hour, SendRate: 100000, ChatSendRate: 100000},
		Stdout: io.Discard, Stderr: io.Discard, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), ready: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { m.Serve(ctx); close(done) }()
	defer func() { cancel(); <-done; m.Close() }()
	<-m.ready

	const people = 50
	var mu sync.Mutex
	var latencies []time.Duration
	b.ResetTimer()
	start := time.Now()
	startTrips := trips.Load()
	var wg sync.WaitGroup
	for p := 0; p < people; p++ {
		n := b.N / people
		if p < b.N%people {
			n++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := int64(20000 + p)
			for k := 0; k < n; k++ {
				l := locales.Languages[(p+k)%len(locales.Languages)]
				c := tg.Chat(b, id, l.Telegram)
				before := len(tg.Messages(id))
				t0 := time.Now()
				tg.Push(c.PressUpdate("lang:"+l.Code, 1))
				for len(tg.Messages(id)) < before+2 {
					time.Sleep(100 * time.Microsecond)
				}
				mu.Lock()
				latencies = append(latencies, time.Since(t0))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	q := func(f float64) float64 {
		return float64(latencies[int(f*float64(len(latencies)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "updates/s")
	b.ReportMetric(float64(trips.Load()-startTrips)/float64(b.N), "redis-trips/update")
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}

// BenchmarkConversationMemory stores finished onboardings in a Redis of its
// own and reports what one conversation costs in Redis memory.
//
//	go test ./cmd/werkwijzer -run '^$' -bench ConversationMemory -benchtime 10000x
func BenchmarkConversationMemory(b *testing.B) {
	srv, err := redistest.Start()
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Stop()
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer rdb.Close()
	ctx := context.Background()
	used := func() int64 {
		info := rdb.Info(ctx, "memory").Val()
		for _, line := range strings.Split(info, "\r\n") {
			if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
				n, _ := strconv.ParseInt(v, 10, 64)
				return n
			}
		}
		b.Fatal("no used_memory in INFO")
		return 0
	}
	sessions := store.NewSessions(rdb, store.Keys{Prefix: store.DefaultPrefix})
	now := time.Now()
	st := conversation(b, &dialogs.State{V: dialogs.StateVersion, Lang: "ar", Step: dialogs.StepMenu, Agreed: now,
		Created: now, LastSeen: now, LastUpdate: 123456789}, orientation.State{Oriented: now,
		Profile: orientation.Profile{Name: "Amira", Age: orientation.Age25to49, Dutch: orientation.DutchLittle, Situation: orientation.SituationOCMW,
			Education: orientation.EducationSecondary, Diploma: orientation.DiplomaNotRecognised, Sectors: []string{"care", "cleaning"},
			Licence: orientation.LicenceB, Availability: []string{"parttime", "weekends"}, District: "deurne", Postcode: "2100",
			Goal: orientation.GoalLearn, Support: []string{"childcare"}}}, false)
	before := used()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := sessions.Save(ctx, int64(100000000+i), st, time.Hour, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(used()-before)/float64(b.N), "bytes/conversation")
}

// BenchmarkAlertsOneVacancyStoredProfiles measures what an import of one
// new vacancy costs with 100,000 people who want alerts, their
// conversations stored in Redis and indexed as their turns' notes index
// them: from the import (the catalogue's write) to the alerts queued. The
// vacancy is in industry: about 22,000 of them (industry, and those who
// named no sector) get it.
//
//	go test ./cmd/werkwijzer -run '^$' -bench AlertsOneVacancy -benchtime 20x
func BenchmarkAlertsOneVacancyStoredProfiles(b *testing.B) {
	rdb, prefix := redistest.Client(b)
	start := time.Date(2026, 11, 23, 10, 0, 0, 0, clock.Brussels)
	clk := clock.NewFake(start)
	m := &Main{Config: Config{RedisURL: redistest.URL(b), RedisPrefix: prefix, Retention: 180 * 24 * time.Hour, AlertsPerWeek: 3},
		Redis: rdb, Clock: clk, Stdout: io.Discard, Stderr: io.Discard, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ctx := context.Background()
	if err := m.Open(ctx); err != nil {
		b.Fatal(err)
	}
	storePeople(b, m, start, 100000)
	v := jobs.Vacancy{ID: "new", Title: "Operator", Employer: "E", Postcode: "2000", Sector: orientation.SectorIndustry, FullTime: true}
	queued := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		clk.Set(start.AddDate(0, 0, 7*i)) // a new week, so that the weekly cap has room
		v.ID = fmt.Sprintf("new-%d", i)
		b.StartTimer()
		res, err := m.Catalogue.Import(ctx, fmt.Sprintf("feed-%d", i), []jobs.Vacancy{v}, m.now())
		if err != nil {
			b.Fatal(err)
		}
		n, err := m.planAlerts(ctx, res.New)
		if err != nil {
			b.Fatal(err)
		}
		queued += n
	}
	b.StopTimer()
	b.ReportMetric(float64(queued)/float64(b.N), "alerts/op")
}

// storePeople stores n finished onboardings that asked for alerts, and
// hands each one's NoteMatching to the alerts, as a turn would.
func storePeople(b *testing.B, m *Main, now time.Time, n int) {
	ctx := context.Background()
	var wg sync.WaitGroup
	work := make(chan int)
	for w := 0; w < 64; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				d := orientation.Districts[i%len(orientation.Districts)]
				p := orientation.Profile{District: d.ID, Postcode: d.Postcode, Dutch: []string{"none", "little", "conversational", "fluent"}[i%4],
					Licence: "none", Sectors: []string{orientation.Sectors[i%len(orientation.Sectors)]}, Availability: []string{"fulltime"}}
				want := vacancies.WantsOf(p, vacancies.Narrow{}, now.Add(m.Config.Retention))
				st := conversation(b, &dialogs.State{V: dialogs.StateVersion, Lang: "nl", Step: dialogs.StepMenu, Agreed: now},
					orientation.State{Oriented: now, Profile: p}, true)
				vacancies.Part.Write(st, vacancies.State{Alerts: true, Indexed: want.Fingerprint()})
				if err := m.Sessions.Save(ctx, int64(i+1), st, time.Hour, nil); err != nil {
					b.Error(err)
				}
				data, _ := json.Marshal(want)
				if err := m.Alerts.Deliver(ctx, &dialogs.Turn{ChatID: int64(i + 1), Notes: []dialogs.Note{{Kind: dialogs.NoteMatching, Data: data}}}); err != nil {
					b.Error(err)
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		work <- i
	}
	close(work)
	wg.Wait()
}

// catalogue imports 10,000 vacancies in eight places around Antwerp,
// across the sectors, some part-time, some in shifts.
func catalogue(b *testing.B, now time.Time) *jobs.Catalogue {
	rdb, prefix := redistest.Client(b)
	cat := jobs.NewCatalogue(rdb, prefix)
	var vs []jobs.Vacancy
	pcs := []string{"2000", "2018", "2030", "2100", "2140", "2600", "2660", "2800"}
	for i := 0; i < 10000; i++ {
		vs = append(vs, jobs.Vacancy{ID: fmt.Sprint("v", i), Title: "T", Employer: "E", Postcode: pcs[i%len(pcs)],
			Sector: orientation.Sectors[i%len(orientation.Sectors)], FullTime: true, PartTime: i%4 == 0, Shifts: i%3 == 0,
			Description: strings.Repeat("Een regel over het werk. ", 20), URL: fmt.Sprint("https://jobs.example/", i)})
	}
	if _, err := cat.Import(context.Background(), "bench", vs, now); err != nil {
		b.Fatal(err)
	}
	return cat
}

var jobsForMeProfile = orientation.Profile{District: "deurne", Postcode: "2100", Dutch: "little", Licence: "none",
	Sectors: []string{orientation.SectorIndustry}, Availability: []string{"fulltime"}}

// BenchmarkJobsForMe measures "Jobs for me" over 10,000 vacancies in the
// Redis catalogue, as every turn pays it: the catalogue's version checked
// in Redis (so an import shows at once), the matching in memory, the
// cards read from Redis (five here: a turn shows one).
//
//	go test ./cmd/werkwijzer -run '^$' -bench 'JobsForMe$' -benchtime 200x
func BenchmarkJobsForMe(b *testing.B) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, clock.Brussels)
	f := &jobs.Finder{Catalogue: catalogue(b, now), T: locales.MustLoad().T, Clock: clock.NewFake(now)}
	s := vacancies.Seeker{Profile: jobsForMeProfile}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if got, err := f.Offers(context.Background(), "ar", s, vacancies.Chosen, 0, 5); err != nil || len(got) != 5 {
			b.Fatal(len(got), err)
		}
	}
}

// BenchmarkJobsForMeFromRedis measures the same right after an import
// changed the catalogue: what matching needs of all 10,000 vacancies is
// read from Redis again (the first turn after each import pays this).
//
//	go test ./cmd/werkwijzer -run '^$' -bench JobsForMeFromRedis -benchtime 200x
func BenchmarkJobsForMeFromRedis(b *testing.B) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, clock.Brussels)
	cat := catalogue(b, now)
	f := &jobs.Finder{Catalogue: cat, T: locales.MustLoad().T, Clock: clock.NewFake(now)}
	s := vacancies.Seeker{Profile: jobsForMeProfile}
	extra := jobs.Vacancy{ID: "extra", Title: "T", Employer: "E", Postcode: "2000", Sector: orientation.SectorRetail, FullTime: true}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		list := []jobs.Vacancy{}
		if i%2 == 0 {
			list = append(list, extra)
		}
		if _, err := cat.Import(context.Background(), "touch", list, now); err != nil { // the version moves
			b.Fatal(err)
		}
		b.StartTimer()
		if got, err := f.Offers(context.Background(), "ar", s, vacancies.Chosen, 0, 5); err != nil || len(got) != 5 {
			b.Fatal(len(got), err)
		}
	}
}
