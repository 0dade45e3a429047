package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/slack-go/slack"
	"golang.org/x/sync/errgroup"

	"github.com/werkwijzer/werkwijzer/answers"
	"github.com/werkwijzer/werkwijzer/bot"
	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/booking"
	"github.com/werkwijzer/werkwijzer/dialogs/faq"
	"github.com/werkwijzer/werkwijzer/dialogs/handover"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/privacy"
	"github.com/werkwijzer/werkwijzer/dialogs/signup"
	"github.com/werkwijzer/werkwijzer/dialogs/vacancies"
	"github.com/werkwijzer/werkwijzer/dialogs/weblink"
	"github.com/werkwijzer/werkwijzer/internal/lease"
	"github.com/werkwijzer/werkwijzer/jobs"
	"github.com/werkwijzer/werkwijzer/locales"
	"github.com/werkwijzer/werkwijzer/ops"
	"github.com/werkwijzer/werkwijzer/outreach"
	"github.com/werkwijzer/werkwijzer/pseudonym"
	"github.com/werkwijzer/werkwijzer/schedule"
	"github.com/werkwijzer/werkwijzer/staff"
	"github.com/werkwijzer/werkwijzer/store"
	"github.com/werkwijzer/werkwijzer/web"
)

// Main is the whole program, built from Config. Tests start it in-process.
// Open sets every field before Serve starts the first goroutine.
type Main struct {
	Config Config
	// Clock is the time of the conversations and of everything they
	// plan (reminders, alerts, expiry, office hours); the wall clock
	// when nil. The terminal demo moves it forward (/later 1d).
	Clock clock.Clock
	// Pace is the time of the transport: Telegram's and the web chat's
	// limits, the waits after a 429, the chats' queues (spills, sweeps,
	// heartbeats and their staleness) and Slack's retries. It follows
	// real seconds whatever Clock says, so it is the wall clock when nil;
	// a test sets a fake to drive a sweep or a takeover.
	Pace   clock.Clock
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer

	Redis redis.UniversalClient
	Log   *slog.Logger
	// Refs derives every reference to a person from their chat id, with
	// the deployment's secret.
	Refs     *pseudonym.Key
	Runtime  *bot.Runtime
	Sessions *store.Sessions
	Texts    *locales.Catalog
	Metrics  *ops.Metrics
	// Staff is the Slack side, when configured.
	Staff *staff.Staff
	// Partners, Links and Funnel are the outreach side: sign-up links and
	// what came of them.
	Partners *outreach.Registry
	Links    *outreach.Links
	Funnel   *outreach.Funnel
	// Catalogue holds the vacancies; Alerts queues new ones for people
	// who asked for them.
	Catalogue *jobs.Catalogue
	Alerts    *jobs.Alerts
	// Schedule keeps coaching slots and info sessions, Booker books them
	// for the booking flow.
	Schedule *schedule.Store
	Booker   *schedule.Booker
	// FAQ answers questions typed in people's own words.
	FAQ *answers.Store
	// Web is the web chat, when WEB_URL is set.
	Web       *web.Channel
	webLimits web.Limits // zero for the defaults; tests press faster than people
	// Tick is how often Serve sends due alerts and reminders; news wakes
	// the reminder sender early.
	Tick time.Duration
	news chan struct{}
	// The senders of alerts and of reminders and booking news (Serve).
	alertSender *lease.Sender[jobs.Alert]
	newsSender  *lease.Sender[schedule.Reminder]

	closers   []func() error
	slackHTTP *http.Client

	httpAddr, metricsAddr string
	// limits are the HTTP servers' (ops.DefaultLimits when zero; tests
	// shorten them).
	limits ops.Limits
	// handled learns how long each update took in the process
	// (bot.Telegram.Handled; benchmarks set it).
	handled func(time.Duration)
	// finished learns each update's id once it is answered (tests).
	finished func(update int64)
	ready    chan struct{} // closed once Serve listens; tests set it
}

func (m *Main) clock() clock.Clock { return clock.Or(m.Clock) }

func (m *Main) pace() clock.Clock { return clock.Or(m.Pace) }

func (m *Main) now() time.Time { return m.clock().Now() }

// Open connects to Redis (or starts the embedded one) and builds every
// component and the runtime; Serve, Chat and the staff commands call it.
func (m *Main) Open(ctx context.Context) error {
	if m.Log == nil {
		m.Log = slog.New(slog.NewJSONHandler(m.Stderr, &slog.HandlerOptions{Level: m.Config.LogLevel}))
	}
	if m.Tick == 0 {
		m.Tick = 10 * time.Second
	}
	clk := m.clock()
	texts, err := locales.Load()
	if err != nil {
		return err
	}
	m.Texts = texts
	if m.Redis == nil {
		rdb, closeFn, err := store.Open(ctx, m.Config.RedisURL)
		if err != nil {
			return err
		}
		m.Redis = rdb
		m.closers = append(m.closers, closeFn)
	}
	c := m.Config
	prefix := c.RedisPrefix
	secret, err := outreach.Secret(ctx, m.Redis, prefix, c.LinkSecret)
	if err != nil {
		return err
	}
	refSecret, err := pseudonym.Load(ctx, m.Redis, prefix, c.PseudonymSecret)
	if err != nil {
		return err
	}
	m.Refs = pseudonym.New(refSecret)
	bot.SetLogKey(m.Refs)
	m.Partners = outreach.NewRegistry(m.Redis, prefix)
	m.Links = outreach.NewLinks(m.Redis, prefix, secret, m.Partners)
	m.Links.Clock = clk
	m.Funnel = outreach.NewFunnel(m.Redis, prefix)
	m.Funnel.Partners = m.Partners
	m.Sessions = store.NewSessions(m.Redis, store.Keys{Prefix: prefix})

	m.Catalogue = jobs.NewCatalogue(m.Redis, prefix)
	m.Alerts = jobs.NewAlerts(m.Redis, prefix)
	m.Alerts.PerWeek, m.Alerts.RetainSent, m.Alerts.Clock = max(c.AlertsPerWeek, 1), c.Retention, clk
	// An older version listed who wants alerts; the index replaces the
	// list, once.
	if n, err := m.Alerts.Migrate(ctx, m.Sessions, c.Retention); err != nil {
		return err
	} else if n > 0 {
		m.Log.Info("alerts: people moved into the index", "people", n)
	}
	m.Schedule = schedule.NewStore(m.Redis, prefix)
	m.Schedule.Retention = c.Retention
	m.news = make(chan struct{}, 1)
	m.Booker = &schedule.Booker{Store: m.Schedule, Clock: clk, OnNews: m.pokeNews, CalendarRef: m.Refs.Calendar}
	if c.RedisURL == "" {
		// The embedded Redis is a demo: give it the sample vacancies and a
		// fictional schedule, so a newcomer sees what the bot offers. A
		// real Redis gets only what staff import: fictional vacancies and
		// times must never reach real people.
		if err := loadSample(ctx, m.Catalogue, m.now()); err != nil {
			return err
		}
		if err := loadDemoSchedule(ctx, m.Schedule, m.now()); err != nil {
			return err
		}
	}

	m.FAQ = answers.NewStore(m.Redis, prefix)
	m.FAQ.Clock = clk

	if c.WebURL != "" {
		if err := m.openWeb(ctx); err != nil {
			return err
		}
	}

	receivers := []bot.NoteReceiver{m.Funnel, m.Alerts}
	forgetters := []bot.Forgetter{m.Alerts, m.Booker}
	var held privacy.StaffSide
	if c.SlackToken != "" {
		// Its own transport, so that Close leaves no idle connection.
		m.slackHTTP = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
		m.closers = append(m.closers, func() error { m.slackHTTP.CloseIdleConnections(); return nil })
		api := slack.New(c.SlackToken, slack.OptionAPIURL(slackAPIURL(c.SlackAPIURL)), slack.OptionHTTPClient(m.slackHTTP))
		m.Staff = staff.New(m.Redis, prefix, api, c.SlackChannels, c.Desk, m.Refs, clk, m.Log)
		m.Staff.Outbox.Clock = m.pace() // Slack's Retry-After is in real seconds
		m.Staff.SetRetention(c.Retention)
		m.Staff.SigningSecret = c.SlackSigningSecret
		m.Staff.Team = c.SlackTeam
		if c.SlackUserToken != "" {
			m.Staff.Eraser = slack.New(c.SlackUserToken, slack.OptionAPIURL(slackAPIURL(c.SlackAPIURL)), slack.OptionHTTPClient(m.slackHTTP))
		}
		m.Staff.Links = outreach.Maker{Links: m.Links, Username: m.botUsername, Landing: c.WebURL}
		m.Staff.Digest, m.Staff.Attendance, m.Staff.Videos = m.Funnel, m.Booker, m.Booker
		// Staff hear first: while a staff member has the conversation, a
		// turn's only output is the person's words in their thread.
		receivers = append([]bot.NoteReceiver{m.Staff}, receivers...)
		forgetters = append(forgetters, m.Staff)
		held = m.Staff
	}
	if m.Web != nil {
		receivers = append(receivers, m.Web)
		forgetters = append(forgetters, m.Web)
	}

	engine := dialogs.NewEngine(texts, clk)
	engine.Retention = c.Retention
	engine.Office = c.Office
	if m.Web != nil {
		// Before the sign-up links: a web chat's code is not a bad link.
		engine.Register(weblink.Flow{Codes: m.Web, Web: m.Web})
	}
	engine.Register(
		orientation.Flow{AskShare: c.staffCanAnswer(), Interpreted: m.Booker.InterpretedSectors},
		privacy.Flow{Staff: held},
		signup.Flow{Links: m.Links},
		vacancies.Flow{Finder: &jobs.Finder{Catalogue: m.Catalogue, T: texts.T, Clock: clk},
			Staff: c.SlackToken != "", Alerts: m.Alerts},
		booking.Flow{Schedule: m.Booker, Calendar: m.Booker.Calendar, Records: m.Booker},
		dialogs.IntentButtons{dialogs.IntentStopAlerts: "job:alerts:off", dialogs.IntentAppointments: "bk:me",
			dialogs.IntentJobs: "menu:jobs", dialogs.IntentAlerts: "job:alerts:on"},
		faq.Flow{Answers: m.FAQ},
	)
	if c.staffCanAnswer() {
		engine.Register(handover.Flow{Desk: c.Desk})
	}
	m.Runtime = &bot.Runtime{Log: m.Log, Service: &dialogs.Service{Engine: engine, Sessions: m.Sessions, NoteKey: refSecret},
		Receivers: receivers, Forgetters: forgetters}
	if m.Web != nil {
		m.Web.Conv = web.FromRuntime(m.Runtime)
	}
	return nil
}

// staffCanAnswer tells whether Slack can reach us (signed HTTP requests or
// Socket Mode): only then can staff take a conversation over, and only
// then does the bot offer a person.
func (c Config) staffCanAnswer() bool {
	return c.SlackToken != "" && (c.SlackSigningSecret != "" || c.SlackAppToken != "")
}

func (m *Main) pokeNews() {
	select {
	case m.news <- struct{}{}:
	default:
	}
}

func loadSample(ctx context.Context, c *jobs.Catalogue, now time.Time) error {
	empty, err := c.Empty(ctx)
	if err != nil || !empty {
		return err
	}
	vs, err := jobs.Sample()
	if err != nil {
		return err
	}
	_, err = c.Import(ctx, "sample", vs, now)
	return err
}

func loadDemoSchedule(ctx context.Context, s *schedule.Store, now time.Time) error {
	slots, sessions, err := schedule.Demo(now)
	if err != nil {
		return err
	}
	if _, err := s.Import(ctx, schedule.KindCoaching, slots, now, schedule.ImportOptions{}); err != nil {
		return err
	}
	_, err = s.Import(ctx, schedule.KindSession, sessions, now, schedule.ImportOptions{})
	return err
}

// slackAPIURL is Slack's Web API, or another one (tests) that must end in
// a slash, as slack-go joins method names to it.
func slackAPIURL(u string) string {
	if u == "" {
		return slack.APIURL
	}
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}

// HTTPAddr is the address the HTTP server listens on, once Serve has
// started it (tests ask for port 0).
func (m *Main) HTTPAddr() string { return m.httpAddr }

// MetricsAddr is the address of /healthz and /metrics, once Serve has
// started them.
func (m *Main) MetricsAddr() string { return m.metricsAddr }

// Chat runs the terminal chat until input ends. It delivers what serve
// delivers: reminders, booking news and vacancy alerts through the same
// lease senders, and, without Slack, what staff would be told as marked
// lines. Its clock is the wall clock that "/later 1d" moves forward, so a
// newcomer sees tomorrow's reminder arrive.
func (m *Main) Chat(ctx context.Context) error {
	if m.Log == nil {
		// Keep the conversation readable: only real problems on stderr.
		m.Log = slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	offset, _ := m.Clock.(*clock.Offset)
	if m.Clock == nil {
		offset = &clock.Offset{}
		m.Clock = offset
	}
	if err := m.Open(ctx); err != nil {
		return err
	}
	echo := false
	if f, ok := m.Stdin.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice == 0 {
			echo = true // piped: show what was "typed" so the transcript reads well
		}
	}
	t := &bot.Terminal{Runtime: m.Runtime, In: m.Stdin, Out: m.Stdout, ChatID: 1, Lang: os.Getenv("LANG_HINT"), Echo: echo,
		Staff: m.Staff == nil}
	clk := m.clock()
	m.alertSender = &lease.Sender[jobs.Alert]{Name: "alerts", Source: m.Alerts, Inject: t.Inject,
		Clock: clk, Tick: m.Tick, Lease: 2 * time.Minute, Batch: 25, Log: m.Log}
	m.newsSender = &lease.Sender[schedule.Reminder]{Name: "reminders", Source: m.Schedule, Inject: t.Inject,
		Clock: clk, Tick: m.Tick, Wake: m.news, Lease: 2 * time.Minute, Batch: 50, Log: m.Log}
	if offset != nil {
		t.Later = func(ctx context.Context, d time.Duration) int {
			// The demo lives through the time it skips: a reminder due at
			// 18:00 comes at 18:00, not dropped as passed because the
			// clock landed on tomorrow noon in one jump.
			n := 0
			for left := d; left > 0; left -= laterStep {
				offset.Advance(min(left, laterStep))
				n += m.newsSender.Round(ctx) + m.alertSender.Round(ctx)
			}
			return n
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	chat, stop := context.WithCancel(gctx)
	g.Go(func() error { return m.alertSender.Run(chat) })
	g.Go(func() error { return m.newsSender.Run(chat) })
	g.Go(func() error {
		defer stop() // input ended: the senders stop too
		return t.Run(gctx)
	})
	return g.Wait()
}

// laterStep is how far the demo's "/later" moves the clock between two
// looks at what fell due: well inside the time a reminder stays worth
// sending.
const laterStep = 10 * time.Minute

// Close releases what Open took. Serve returns only once every goroutine
// it started has stopped, so nothing uses Redis after this.
func (m *Main) Close() error {
	var errs []error
	for i := len(m.closers) - 1; i >= 0; i-- {
		errs = append(errs, m.closers[i]())
	}
	m.closers = nil
	return errors.Join(errs...)
}
