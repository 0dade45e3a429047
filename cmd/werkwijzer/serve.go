package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
	"golang.org/x/sync/errgroup"

	"github.com/werkwijzer/werkwijzer/bot"
	"github.com/werkwijzer/werkwijzer/internal/lease"
	"github.com/werkwijzer/werkwijzer/jobs"
	"github.com/werkwijzer/werkwijzer/ops"
	"github.com/werkwijzer/werkwijzer/schedule"
	"github.com/werkwijzer/werkwijzer/store"
	"github.com/werkwijzer/werkwijzer/web"
)

// Serve runs the Telegram bot until ctx ends: long polling, or a webhook
// when WebhookURL is set (on HTTPAddr, with Slack's endpoints); the web
// chat under /chat/ on HTTPAddr when WebURL is set (with or without
// Telegram); /healthz and /metrics on MetricsAddr when set. Every
// loop it starts runs under one errgroup, and Serve returns only once all
// of them have stopped: nothing touches Redis after it returns.
func (m *Main) Serve(ctx context.Context) error {
	if m.Config.TelegramToken == "" && m.Config.WebURL == "" {
		return errors.New("serve needs TELEGRAM_BOT_TOKEN (from @BotFather) or WEB_URL (the web chat); without them, use: werkwijzer chat")
	}
	if err := m.Open(ctx); err != nil {
		return err
	}
	c := m.Config
	clk := m.clock()
	keys := store.Keys{Prefix: c.RedisPrefix}
	m.Metrics = ops.NewMetrics()
	// Telegram's limits, the waits after a 429 and the chats' queues are
	// in real seconds whatever time the people's clock (m.Clock) says:
	// they keep m.Pace, the wall clock unless a test sets another.
	pace := m.pace()
	quota := bot.NewQuota(m.Redis, keys.Instances(), c.SendRate)
	quota.Clock = pace
	reach := store.NewReach(m.Redis, keys, c.Retention)
	var tgm *bot.Telegram
	if c.TelegramToken != "" {
		var err error
		if tgm, err = bot.NewTelegram(c.TelegramToken, c.TelegramAPIURL, m.Runtime, m.Texts, m.Log); err != nil {
			return err
		}
		defer tgm.Close()
		tgm.Metrics, tgm.Handled, tgm.Finished, tgm.Clock = m.Metrics, m.handled, m.finished, pace
		tgm.Sender = &bot.Sender{
			Global: quota, PerChat: c.ChatSendRate, ChatBurst: bot.DefaultChatBurst, Reach: reach, Clock: pace,
			Observe: func(outcome string) {
				if outcome == "ok" {
					m.Metrics.MessagesSent.Inc()
				} else {
					m.Metrics.TelegramErrors.WithLabelValues(outcome).Inc()
				}
			},
		}
	}
	// Each chat's work waits in its own queue in Redis and is held by one
	// instance at a time, named by its heartbeat id (the quota's): alerts,
	// reminders and staff events reach a chat from any instance sharing
	// Redis, and the chats of one that was killed are taken over within
	// seconds.
	if tgm != nil {
		chats := store.NewChats(m.Sessions, quota.ID())
		chats.InboundLimit, chats.Clock = c.InboundLimit, pace
		tgm.Chats = chats
		// The list of chats with work waiting names them: /forget takes
		// the person off it.
		m.Runtime.Forgetters = append(m.Runtime.Forgetters, chats)
	}
	if c.RedisURL != "" {
		// The web chat holds each of its chats for one turn at a time
		// across the instances (Telegram's are held by chats, above).
		if m.Web != nil {
			wl := store.NewTurnLocks(m.Redis, keys)
			wl.Owner, wl.Clock = quota.ID(), pace
			m.Web.Locks = wl
		}
		if err := quota.Heartbeat(ctx); err != nil {
			return err
		}
	}
	// Proactive messages go to the channel the conversation lives on.
	var tgInject, webInject injector
	if tgm != nil {
		tgInject = tgm.Inject
	}
	if m.Web != nil {
		webInject = m.Web.Inject
		if c.TelegramToken != "" || c.BotUsername != "" {
			if name, err := m.botUsername(ctx); err == nil {
				m.Web.TelegramBot = name
			} else {
				m.Log.Warn("no bot username: the landing page offers only the web chat", "err", err)
			}
		}
	}
	inject := route(tgInject, webInject)
	unreachable := func(ctx context.Context, chat int64) (bool, error) {
		if web.IsChat(chat) {
			return false, nil // a web chat can always wait for the next visit
		}
		return reach.Unreachable(ctx, chat)
	}
	if m.Staff != nil {
		m.Staff.Inject = routeCounted(tgm, m.Web)
	}
	depth := func(queue string) func(int64) {
		return func(n int64) { m.Metrics.QueueDepth.WithLabelValues(queue).Set(float64(n)) }
	}
	m.alertSender = &lease.Sender[jobs.Alert]{Name: "alerts", Source: m.Alerts, Inject: inject, Unreachable: unreachable,
		Depth: depth("alerts"), Clock: clk, Tick: m.Tick, Lease: 2 * time.Minute, Batch: 25, Log: m.Log}
	m.newsSender = &lease.Sender[schedule.Reminder]{Name: "reminders", Source: m.Schedule, Inject: inject, Unreachable: unreachable,
		Depth: depth("reminders"), Clock: clk, Tick: m.Tick, Wake: m.news, Lease: 2 * time.Minute, Batch: 50, Log: m.Log}

	// The address Telegram and Slack reach, and apart from it (not public)
	// the operations endpoints.
	mux := http.NewServeMux()
	if m.Staff != nil && c.SlackSigningSecret != "" {
		mux.Handle("/slack/", m.Staff.Handler())
	}
	if m.Web != nil {
		mux.Handle("/chat/", m.Web.Handler())
		mux.Handle("/chat", m.Web.Handler())
	}
	webhook := c.WebhookURL != "" && tgm != nil
	if webhook {
		u, _ := url.Parse(c.WebhookURL)
		path := u.Path
		if path == "" {
			path = "/"
		}
		mux.Handle(path, tgm.WebhookHandler(c.WebhookSecret))
	}
	limits := m.limits
	if limits == (ops.Limits{}) {
		limits = ops.DefaultLimits
	}
	type server struct {
		srv *http.Server
		ln  net.Listener
	}
	var servers []server
	if c.HTTPAddr != "" {
		ln, err := net.Listen("tcp", c.HTTPAddr)
		if err != nil {
			return fmt.Errorf("HTTP_ADDR: %w", err)
		}
		m.httpAddr = ln.Addr().String()
		servers = append(servers, server{ops.Server(mux, limits), ln})
	}
	if c.MetricsAddr != "" {
		ln, err := net.Listen("tcp", c.MetricsAddr)
		if err != nil {
			for _, s := range servers {
				s.ln.Close()
			}
			return fmt.Errorf("METRICS_ADDR: %w", err)
		}
		m.metricsAddr = ln.Addr().String()
		opsHandler := ops.Handler(m.Metrics, func(ctx context.Context) error { return m.Redis.Ping(ctx).Err() })
		servers = append(servers, server{ops.Server(opsHandler, limits), ln})
	}
	if tgm != nil {
		if err := tgm.SetCommands(ctx); err != nil {
			m.Log.Warn("could not publish the command list", "err", err)
		}
	}

	// Everything is built: from here on only goroutines, all in g.
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { quota.Run(gctx); return nil })
	g.Go(func() error { return m.alertSender.Run(gctx) })
	g.Go(func() error { return m.newsSender.Run(gctx) })
	if m.Web != nil {
		g.Go(func() error { return m.Web.Run(gctx) })
	}
	if m.Staff != nil {
		g.Go(func() error { m.Staff.Outbox.Run(gctx, c.Instance); return nil })
		g.Go(func() error { m.Staff.Run(gctx); return nil })
		if c.SlackAppToken != "" {
			api := slack.New(c.SlackToken, slack.OptionAppLevelToken(c.SlackAppToken), slack.OptionAPIURL(slackAPIURL(c.SlackAPIURL)),
				slack.OptionHTTPClient(m.slackHTTP))
			g.Go(func() error { m.Staff.RunSocket(gctx, socketmode.New(api)); return nil })
		}
	}
	for _, s := range servers {
		g.Go(func() error {
			if err := s.srv.Serve(s.ln); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		})
		g.Go(func() error {
			<-gctx.Done()
			// Let calls in flight finish (their updates are taken), within
			// the ten seconds a stop may take.
			sctx, cancel := context.WithTimeout(context.WithoutCancel(gctx), bot.ShutdownGrace)
			defer cancel()
			return s.srv.Shutdown(sctx)
		})
	}
	if webhook {
		// The chats' queues, which the webhook calls (and staff events,
		// alerts, reminders) feed; Poll runs them itself.
		g.Go(func() error { return tgm.Work(gctx) })
	}
	g.Go(func() error {
		if tgm == nil {
			m.started()
			m.Log.Info("serving the web chat", "addr", m.httpAddr, "url", c.WebURL)
			<-gctx.Done()
			return nil
		}
		if webhook {
			if err := tgm.RegisterWebhook(gctx, c.WebhookURL, c.WebhookSecret); err != nil {
				return err
			}
			m.started()
			m.Log.Info("serving Telegram", "mode", "webhook", "addr", m.httpAddr)
			<-gctx.Done()
			return nil
		}
		m.started()
		m.Log.Info("serving Telegram", "mode", "long polling")
		return tgm.Poll(gctx)
	})
	return g.Wait()
}

func (m *Main) started() {
	if m.ready != nil {
		close(m.ready)
	}
}
