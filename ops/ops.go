// Package ops serves what operators need to run Werkwijzer, on METRICS_ADDR:
// a health check for the load balancer or orchestrator (/healthz) and
// Prometheus metrics (/metrics) to see whether people are being answered.
//
// It knows nothing about conversations and must not depend on dialogs (nor
// on Telegram or Redis): channels and stores report into Metrics, and the
// caller hands Handler whatever ping tells whether the bot can work. Every
// HTTP server of ours, the public one too, keeps the Limits of Server.
package ops

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Outcomes of an update, the values of UpdatesHandled's "outcome" label.
// They are constants so every caller spells them the same way and
// dashboards do not split one outcome over two series.
const (
	OutcomeHandled   = "handled"
	OutcomeDuplicate = "duplicate"
	OutcomeFailed    = "failed"
	OutcomeIgnored   = "ignored"
)

// PingTimeout bounds a health check, so a hanging Redis makes /healthz
// answer 503 before the prober gives up on us.
const PingTimeout = 2 * time.Second

// Metrics are the numbers an operator watches to know whether people are
// being answered. They live on a registry of their own rather than
// Prometheus' global one, so tests (and two bots in one process) do not
// collide on registration.
type Metrics struct {
	// UpdatesHandled counts updates by outcome (OutcomeHandled,
	// OutcomeDuplicate, OutcomeFailed, OutcomeIgnored): a rise in failed
	// means people wait for retries, a rise in duplicate means Telegram is
	// redelivering, i.e. we answer too slowly or confirm too late.
	UpdatesHandled *prometheus.CounterVec
	// HandlingSeconds is how long one update takes end to end, so slowness
	// shows before Telegram starts redelivering.
	HandlingSeconds prometheus.Histogram
	// TelegramErrors counts failed Bot API calls by code ("429", "403",
	// "500", "network"): 429 means we send faster than allowed, 403 that
	// people blocked the bot, the rest that Telegram or the network is down.
	TelegramErrors *prometheus.CounterVec
	// MessagesSent counts what reached people, to compare with the limits
	// Telegram sets on a bot.
	MessagesSent prometheus.Counter
	// QueueDepth is the work waiting, per queue, so a backlog is visible
	// before people notice late answers.
	QueueDepth *prometheus.GaugeVec

	reg *prometheus.Registry
}

// NewMetrics creates the metrics on a private registry that also carries the
// Go runtime and process collectors, so memory, goroutines and file
// descriptors are scraped with the bot's own numbers.
func NewMetrics() *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		UpdatesHandled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "werkwijzer_updates_handled_total",
			Help: "Telegram updates by outcome: handled, duplicate, failed or ignored.",
		}, []string{"outcome"}),
		HandlingSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "werkwijzer_update_handling_seconds",
			Help: "Time to handle one update end to end, replies included.",
			// 1 ms .. ~10 s: a turn is a few Redis round trips and one or
			// two Bot API calls; beyond 10 s something is wrong anyway.
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}),
		TelegramErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "werkwijzer_telegram_errors_total",
			Help: "Failed Bot API calls by code: an HTTP status such as 429, 403, 500, or network.",
		}, []string{"code"}),
		MessagesSent: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "werkwijzer_messages_sent_total",
			Help: "Messages, edits and documents that reached Telegram.",
		}),
		QueueDepth: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "werkwijzer_queue_depth",
			Help: "Work waiting to be done, per queue.",
		}, []string{"queue"}),
		reg: reg,
	}
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.UpdatesHandled, m.HandlingSeconds, m.TelegramErrors, m.MessagesSent, m.QueueDepth,
	)
	return m
}

// Registry is where the metrics live, for serving them and for adding a
// collector of a package that keeps its own numbers.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves /healthz and /metrics, and nothing else, so the operations
// port exposes no more than operators need.
//
// /healthz answers 200 "ok" when ping (typically a Redis PING) succeeds
// within PingTimeout and 503 otherwise; the reason it gives is generic, as
// ping's error may hold addresses or credentials. ping may be nil when
// there is nothing to check.
func Handler(m *Metrics, ping func(ctx context.Context) error) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if ping != nil {
			ctx, cancel := context.WithTimeout(r.Context(), PingTimeout)
			defer cancel()
			if err := ping(ctx); err != nil {
				reason := "unhealthy: dependency unreachable\n"
				if errors.Is(ctx.Err(), context.DeadlineExceeded) {
					reason = "unhealthy: dependency timed out\n"
				}
				w.WriteHeader(http.StatusServiceUnavailable)
				w.Write([]byte(reason))
				return
			}
		}
		w.Write([]byte("ok\n"))
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.Registry(), promhttp.HandlerOpts{
		Registry: m.Registry(), // counts scrape errors on the same registry
	}))
	mux.Handle("/", http.NotFoundHandler())
	return mux
}

// Limits are what an HTTP server of ours allows a client, so that slow or
// idle connections (a slowloris, a scanner that opens and waits) are closed
// instead of piling up goroutines and file descriptors.
type Limits struct {
	// ReadHeader bounds reading a request's headers, from the moment the
	// connection opens: a connection that sends nothing is closed then.
	ReadHeader time.Duration
	// Read bounds reading a whole request, body included.
	Read time.Duration
	// Write bounds a request from its headers to the end of its answer:
	// it must exceed the longest handler (a webhook call waits for its
	// update at most about a second; Slack wants answers within 3 s).
	Write time.Duration
	// Idle closes a kept-alive connection that sends no next request.
	Idle time.Duration
	// MaxHeaderBytes bounds a request's headers; Telegram's and Slack's
	// are well under a kilobyte or two.
	MaxHeaderBytes int
}

// DefaultLimits are the limits of the public address (Telegram's webhook,
// Slack) and of the operations address.
var DefaultLimits = Limits{ReadHeader: 5 * time.Second, Read: 15 * time.Second, Write: 30 * time.Second,
	Idle: 20 * time.Second, MaxHeaderBytes: 16 << 10}

// Server is an http.Server for h within l.
func Server(h http.Handler, l Limits) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: l.ReadHeader, ReadTimeout: l.Read, WriteTimeout: l.Write,
		IdleTimeout: l.Idle, MaxHeaderBytes: l.MaxHeaderBytes}
}
