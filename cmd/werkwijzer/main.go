// Command werkwijzer runs the Werkwijzer bot: "serve" on Telegram, "chat" in
// the terminal. All wiring of the packages happens here.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/werkwijzer/werkwijzer/bot"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/jobs"
	"github.com/werkwijzer/werkwijzer/locales"
	"github.com/werkwijzer/werkwijzer/ops"
	"github.com/werkwijzer/werkwijzer/outreach"
	"github.com/werkwijzer/werkwijzer/schedule"
	"github.com/werkwijzer/werkwijzer/staff"
	"github.com/werkwijzer/werkwijzer/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "werkwijzer:", err)
		os.Exit(1)
	}
}

const usage = `Werkwijzer helps jobseekers in Antwerp find their way to work.

Usage:
  werkwijzer          chat in the terminal, or serve Telegram when TELEGRAM_BOT_TOKEN is set
  werkwijzer serve    run the Telegram bot (needs TELEGRAM_BOT_TOKEN)
  werkwijzer chat     chat with the bot in the terminal (buttons: type their number)
  werkwijzer import partners FILE
                      load the partner registry (YAML; see outreach/FORMAT.md)
  werkwijzer import vacancies FILE [--source NAME]
                      load vacancies: JobPosting JSON-LD or CSV (see jobs/FORMAT.md)
  werkwijzer import slots FILE | werkwijzer import sessions FILE
                      load coaching slots or info sessions (YAML; see schedule/FORMAT.md)
  werkwijzer attendance ITEM [WW-REF=yes|no ...]
                      list who booked ITEM, or record who came and who did not
  werkwijzer link --partner ID [--place TEXT] [--lang CODE] [--sector NAME]
                  [--expires DATE] [--qr FILE.png] [--poster FILE.html]
                      make a sign-up link for outreach workers, with a QR code or poster
  werkwijzer stats [--by partner|place|link] [--since DATE] [--csv]
                      how far people who came through sign-up links got, per week

Configuration is read from the environment; see README.md.
`

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := ""
	if len(args) > 0 {
		cmd = args[0]
	}
	if cmd == "" {
		cmd = "serve"
		if getenv("TELEGRAM_BOT_TOKEN") == "" {
			fmt.Fprintln(stderr, "No TELEGRAM_BOT_TOKEN set, so this is a chat in the terminal.\n"+
				"To connect Telegram: make a bot with @BotFather, then run TELEGRAM_BOT_TOKEN=<token> werkwijzer serve.")
			cmd = "chat"
		}
	}
	switch cmd {
	case "serve", "chat", "import", "link", "stats", "attendance":
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	m := &Main{Config: cfg, Stdin: stdin, Stdout: stdout, Stderr: stderr}
	defer m.Close()
	switch cmd {
	case "chat":
		return m.Chat(ctx)
	case "import":
		return m.Import(ctx, args[1:])
	case "link":
		return m.LinkCommand(ctx, args[1:])
	case "stats":
		return m.StatsCommand(ctx, args[1:])
	case "attendance":
		return m.AttendanceCommand(ctx, args[1:])
	}
	return m.Serve(ctx)
}

// Config is everything read from the environment.
type Config struct {
	TelegramToken  string
	TelegramAPIURL string
	RedisURL       string
	RedisPrefix    string
	Retention      time.Duration
	LogLevel       slog.Level
	// SendRate and ChatSendRate bound messages a second to Telegram: in all
	// (across instances sharing Redis) and to one chat.
	SendRate     float64
	ChatSendRate float64
	// WebhookURL and WebhookSecret switch serve from long polling to a
	// webhook; HTTPAddr is where it, /healthz and /metrics listen.
	WebhookURL    string
	WebhookSecret string
	HTTPAddr      string

	// Slack, for staff: notifications need the bot token and a channel;
	// taking over conversations also needs the signing secret, with which
	// Slack signs its requests to HTTPAddr.
	SlackToken         string
	SlackAPIURL        string
	SlackChannels      staff.Config
	SlackSigningSecret string
	// SlackAppToken (xapp-…) switches Slack's requests to Socket Mode: the
	// bot connects to Slack, for sites that cannot expose a URL.
	SlackAppToken string
	OfficeHours   dialogs.OfficeHours
	// HandoverWait is how soon staff answer a request for a person, as
	// told to the person; a request waiting longer is raised again.
	HandoverWait time.Duration
	// Instance names this process among those sharing Redis, as a consumer
	// of the staff outbox.
	Instance string
	// BotUsername makes sign-up links; asked of Telegram when empty.
	BotUsername string
	// LinkSecret signs link codes; made once and kept in Redis when empty.
	LinkSecret string
	// AlertsPerWeek caps the vacancy alerts a person gets in a week.
	AlertsPerWeek int
}

func loadConfig(getenv func(string) string) (Config, error) {
	c := Config{
		TelegramToken:  getenv("TELEGRAM_BOT_TOKEN"),
		TelegramAPIURL: getenv("TELEGRAM_API_URL"),
		RedisURL:       getenv("REDIS_URL"),
		RedisPrefix:    getenv("REDIS_PREFIX"),
		WebhookURL:     getenv("WEBHOOK_URL"),
		WebhookSecret:  getenv("WEBHOOK_SECRET"),
		HTTPAddr:       getenv("HTTP_ADDR"),
		Retention:      dialogs.DefaultRetention,
		SendRate:       bot.DefaultGlobalRate,
		ChatSendRate:   bot.DefaultChatRate,
	}
	for env, limit := range map[string]*float64{"SEND_RATE": &c.SendRate, "CHAT_SEND_RATE": &c.ChatSendRate} {
		if v := getenv(env); v != "" {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil || n <= 0 {
				return c, fmt.Errorf("%s must be a number of messages a second, got %q", env, v)
			}
			*limit = n
		}
	}
	if c.RedisPrefix == "" {
		c.RedisPrefix = store.DefaultPrefix
	}
	if c.WebhookURL != "" {
		if c.WebhookSecret == "" {
			return c, errors.New("WEBHOOK_URL needs WEBHOOK_SECRET: without it anyone who learns the URL can post updates")
		}
		if u, err := url.Parse(c.WebhookURL); err != nil || u.Scheme != "https" || u.Host == "" {
			return c, fmt.Errorf("WEBHOOK_URL must be an https URL, got %q", c.WebhookURL)
		}
		if c.HTTPAddr == "" {
			c.HTTPAddr = ":8080"
		}
	}
	if v := getenv("RETENTION_DAYS"); v != "" {
		d, err := strconv.Atoi(v)
		if err != nil || d < 1 {
			return c, fmt.Errorf("RETENTION_DAYS must be a whole number of days, got %q", v)
		}
		c.Retention = time.Duration(d) * 24 * time.Hour
	}
	if err := loadSlack(&c, getenv); err != nil {
		return c, err
	}
	if v := getenv("LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return c, fmt.Errorf("LOG_LEVEL: %w", err)
		}
	}
	return c, nil
}

func loadSlack(c *Config, getenv func(string) string) error {
	c.SlackToken, c.SlackAPIURL = getenv("SLACK_BOT_TOKEN"), getenv("SLACK_API_URL")
	c.SlackSigningSecret = getenv("SLACK_SIGNING_SECRET")
	c.SlackAppToken = getenv("SLACK_APP_TOKEN")
	c.SlackChannels = staff.Config{DefaultChannel: getenv("SLACK_CHANNEL"), Channels: map[staff.Kind]string{}}
	for _, k := range staff.Kinds {
		if ch := getenv("SLACK_CHANNEL_" + strings.ToUpper(string(k))); ch != "" {
			c.SlackChannels.Channels[k] = ch
		}
	}
	if c.SlackToken != "" && c.SlackChannels.DefaultChannel == "" {
		return errors.New("SLACK_BOT_TOKEN needs SLACK_CHANNEL, the channel staff notifications go to")
	}
	if (c.SlackSigningSecret != "" || c.SlackAppToken != "") && c.SlackToken == "" {
		return errors.New("SLACK_SIGNING_SECRET and SLACK_APP_TOKEN need SLACK_BOT_TOKEN")
	}
	hours := getenv("OFFICE_HOURS")
	if hours == "" {
		hours = dialogs.DefaultOfficeHours
	}
	var err error
	if c.OfficeHours, err = dialogs.ParseOfficeHours(hours); err != nil {
		return fmt.Errorf("OFFICE_HOURS: %w", err)
	}
	c.HandoverWait = 30 * time.Minute
	if v := getenv("HANDOVER_WAIT_MINUTES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return fmt.Errorf("HANDOVER_WAIT_MINUTES must be a whole number of minutes, got %q", v)
		}
		c.HandoverWait = time.Duration(n) * time.Minute
	}
	if c.SlackSigningSecret != "" && c.HTTPAddr == "" {
		c.HTTPAddr = ":8080" // Slack must reach us
	}
	c.BotUsername = strings.TrimPrefix(getenv("TELEGRAM_BOT_USERNAME"), "@")
	c.LinkSecret = getenv("LINK_SECRET")
	c.AlertsPerWeek = 3
	if v := getenv("ALERTS_PER_WEEK"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return fmt.Errorf("ALERTS_PER_WEEK must be a whole number from 1, got %q", v)
		}
		c.AlertsPerWeek = n
	}
	c.Instance = getenv("INSTANCE_NAME")
	if c.Instance == "" {
		host, _ := os.Hostname()
		c.Instance = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	return nil
}

// Main is the whole program, built from Config. Tests start it in-process.
type Main struct {
	Config Config
	Now    dialogs.Clock
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer

	Redis   redis.UniversalClient
	Log     *slog.Logger
	Runtime *bot.Runtime
	Texts   *locales.Catalog
	Metrics *ops.Metrics
	// Staff is the Slack side, when configured.
	Staff *staff.Staff
	// Partners, Links and Funnel are the outreach side: sign-up links and
	// what came of them.
	Partners *outreach.Registry
	Links    *outreach.Links
	Funnel   *outreach.Funnel
	// Alerts queues new vacancies for people who asked for them.
	Alerts *jobs.Alerts
	// Schedule keeps coaching slots and info sessions, Booker books them
	// for the dialogs.
	Schedule *schedule.Store
	Booker   *schedule.Booker
	// alertTick is how often Serve sends due alerts and reminders (tests
	// shorten it); news wakes the reminder sender early.
	alertTick time.Duration
	news      chan struct{}

	closers []func() error

	httpAddr string
	ready    chan struct{} // closed once Serve listens; tests set it
}

// Open connects to Redis (or starts the embedded one) and builds the
// runtime; Serve and Chat call it.
func (m *Main) Open(ctx context.Context) error {
	if m.Log == nil {
		m.Log = slog.New(slog.NewJSONHandler(m.Stderr, &slog.HandlerOptions{Level: m.Config.LogLevel}))
	}
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
	prefix := m.Config.RedisPrefix
	secret, err := outreach.Secret(ctx, m.Redis, prefix, m.Config.LinkSecret)
	if err != nil {
		return err
	}
	m.Partners = outreach.NewRegistry(m.Redis, prefix)
	m.Links = outreach.NewLinks(m.Redis, prefix, secret, m.Partners)
	m.Funnel = outreach.NewFunnel(m.Redis, prefix)
	if m.Now != nil {
		m.Links.Now = m.Now
	}
	engine := dialogs.NewEngine(texts, m.Now)
	engine.Retention = m.Config.Retention
	if c := m.Config; c.SlackToken != "" {
		engine.Staff = true
		api := slack.New(c.SlackToken, slack.OptionAPIURL(slackAPIURL(c.SlackAPIURL)))
		m.Staff = staff.New(m.Redis, c.RedisPrefix, api, c.SlackChannels, m.Log)
		m.Staff.SetRetention(c.Retention)
		m.Staff.Hours, m.Staff.Wait, m.Staff.SigningSecret = c.OfficeHours, c.HandoverWait, c.SlackSigningSecret
		m.Staff.MakeLink, m.Staff.Digest, m.Staff.Attend = m.slackLink, m.digest, m.attend
		if m.Now != nil {
			m.Staff.Now, m.Staff.Outbox.Now = m.Now, m.Now
		}
		if c.staffCanAnswer() {
			engine.Desk = &dialogs.Desk{Hours: c.OfficeHours, Wait: c.HandoverWait}
		}
	}
	catalogue := jobs.NewCatalogue(m.Redis, prefix)
	if m.Config.RedisURL == "" {
		// The embedded Redis is a demo: give it the sample vacancies, so a
		// newcomer sees what the bot offers. A real Redis gets only what
		// staff import: fictional vacancies must never reach real people.
		if err := loadSample(ctx, catalogue, m.now()); err != nil {
			return err
		}
	}
	finder := &jobs.Finder{Catalogue: catalogue, T: texts.T, Now: m.now, CacheFor: 30 * time.Second}
	m.Alerts = jobs.NewAlerts(m.Redis, prefix)
	m.Alerts.PerWeek = max(m.Config.AlertsPerWeek, 1)
	m.Alerts.RetainSent = m.Config.Retention
	engine.Jobs = true
	m.Schedule = schedule.NewStore(m.Redis, prefix)
	m.Schedule.Retention = m.Config.Retention
	m.news = make(chan struct{}, 1)
	m.Booker = &schedule.Booker{Store: m.Schedule, Now: m.now, OnNews: m.pokeNews}
	if m.Config.RedisURL == "" {
		// As with the vacancies: fictional times only on the demo Redis.
		if err := loadDemoSchedule(ctx, m.Schedule, m.now()); err != nil {
			return err
		}
	}
	engine.Booking, engine.Calendar = true, m.Booker.Calendar
	m.Runtime = &bot.Runtime{Log: m.Log, Service: &dialogs.Service{Engine: engine, Links: m.Links, Jobs: finder, Schedule: m.Booker,
		Sessions: store.NewSessions(m.Redis, store.Keys{Prefix: m.Config.RedisPrefix})}}
	return nil
}

// Serve runs the Telegram bot until ctx ends: long polling, or a webhook
// when WebhookURL is set; /healthz and /metrics on HTTPAddr when set.
func (m *Main) Serve(ctx context.Context) error {
	if m.Config.TelegramToken == "" {
		return errors.New("serve needs TELEGRAM_BOT_TOKEN (from @BotFather); without it, use: werkwijzer chat")
	}
	if err := m.Open(ctx); err != nil {
		return err
	}
	tgm, err := bot.NewTelegram(m.Config.TelegramToken, m.Config.TelegramAPIURL, m.Runtime, m.Texts, m.Log)
	if err != nil {
		return err
	}
	keys := store.Keys{Prefix: m.Config.RedisPrefix}
	tgm.Funnel, tgm.Alerts, tgm.Schedule = m.Funnel, m.Alerts, m.Booker
	m.Metrics = ops.NewMetrics()
	tgm.Metrics = m.Metrics
	quota := bot.NewQuota(m.Redis, keys.Instances(), m.Config.SendRate)
	go quota.Run(ctx)
	tgm.Sender = &bot.Sender{
		Global: quota, PerChat: m.Config.ChatSendRate, ChatBurst: bot.DefaultChatBurst,
		Reach: store.NewReach(m.Redis, keys, m.Config.Retention),
		Observe: func(outcome string) {
			if outcome == "ok" {
				m.Metrics.MessagesSent.Inc()
			} else {
				m.Metrics.TelegramErrors.WithLabelValues(outcome).Inc()
			}
		},
	}
	if m.Staff != nil {
		tgm.Staff = m.Staff
		m.Staff.Inject = tgm.Inject
		// Staff events reach a chat from any instance, beside its own
		// updates: hold chats in Redis in polling mode too.
		tgm.Locks = store.NewLocks(m.Redis, keys)
		go m.Staff.Outbox.Run(ctx, m.Config.Instance)
		go m.Staff.Run(ctx)
		if c := m.Config; c.SlackAppToken != "" {
			api := slack.New(c.SlackToken, slack.OptionAppLevelToken(c.SlackAppToken), slack.OptionAPIURL(slackAPIURL(c.SlackAPIURL)))
			go m.Staff.RunSocket(ctx, socketmode.New(api))
		}
	}
	go m.sendAlerts(ctx, tgm)
	go m.sendNews(ctx, tgm)
	if err := tgm.SetCommands(ctx); err != nil {
		m.Log.Warn("could not publish the command list", "err", err)
	}

	mux := http.NewServeMux()
	opsHandler := ops.Handler(m.Metrics, func(ctx context.Context) error { return m.Redis.Ping(ctx).Err() })
	mux.Handle("/healthz", opsHandler)
	mux.Handle("/metrics", opsHandler)
	if m.Staff != nil && m.Config.SlackSigningSecret != "" {
		mux.Handle("/slack/", m.Staff.Handler())
	}
	webhook := m.Config.WebhookURL != ""
	if webhook {
		u, _ := url.Parse(m.Config.WebhookURL)
		path := u.Path
		if path == "" {
			path = "/"
		}
		tgm.Locks = store.NewLocks(m.Redis, keys)
		mux.Handle(path, tgm.WebhookHandler(m.Config.WebhookSecret))
	}
	var srv *http.Server
	served := make(chan error, 1)
	if m.Config.HTTPAddr != "" {
		ln, err := net.Listen("tcp", m.Config.HTTPAddr)
		if err != nil {
			return fmt.Errorf("HTTP_ADDR: %w", err)
		}
		m.httpAddr = ln.Addr().String()
		srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() { served <- srv.Serve(ln) }()
	}
	if webhook {
		if err := tgm.RegisterWebhook(ctx, m.Config.WebhookURL, m.Config.WebhookSecret); err != nil {
			return err
		}
		m.started()
		m.Log.Info("serving Telegram", "mode", "webhook", "addr", m.httpAddr)
		select {
		case <-ctx.Done():
		case err := <-served:
			return err
		}
	} else {
		m.started()
		m.Log.Info("serving Telegram", "mode", "long polling")
		if err := tgm.Poll(ctx); err != nil {
			return err
		}
	}
	if srv != nil {
		// Let calls in flight finish (their updates are answered and saved),
		// within the ten seconds a stop may take.
		sctx, cancel := context.WithTimeout(context.Background(), bot.ShutdownGrace)
		defer cancel()
		srv.Shutdown(sctx)
	}
	return nil
}

func (m *Main) started() {
	if m.ready != nil {
		close(m.ready)
	}
}

// staffCanAnswer tells whether Slack can reach us (signed HTTP requests or
// Socket Mode): only then can staff take a conversation over, and only
// then does the bot offer a person.
func (c Config) staffCanAnswer() bool {
	return c.SlackToken != "" && (c.SlackSigningSecret != "" || c.SlackAppToken != "")
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

// Chat runs the terminal chat until input ends.
func (m *Main) Chat(ctx context.Context) error {
	if m.Log == nil {
		// Keep the conversation readable: only real problems on stderr.
		m.Log = slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
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
		Sinks: []bot.NoteSink{m.Funnel, m.Alerts, m.Booker}}
	return t.Run(ctx)
}

// Close releases what Open took.
func (m *Main) Close() error {
	var errs []error
	for i := len(m.closers) - 1; i >= 0; i-- {
		errs = append(errs, m.closers[i]())
	}
	m.closers = nil
	return errors.Join(errs...)
}
