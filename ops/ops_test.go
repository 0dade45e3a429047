package ops_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/werkwijzer/werkwijzer/ops"
)

func get(t *testing.T, srv *httptest.Server, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

func TestHealthzFollowsPing(t *testing.T) {
	var down atomic.Bool
	srv := httptest.NewServer(ops.Handler(ops.NewMetrics(), func(ctx context.Context) error {
		if _, ok := ctx.Deadline(); !ok {
			t.Error("ping got a context without a deadline")
		}
		if down.Load() {
			return errors.New("dial tcp redis://:s3cret@10.0.0.7:6379: connection refused")
		}
		return nil
	}))
	defer srv.Close()

	if code, body := get(t, srv, "/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Fatalf("healthy: %d %q, want 200 \"ok\\n\"", code, body)
	}
	down.Store(true)
	code, body := get(t, srv, "/healthz")
	if code != http.StatusServiceUnavailable {
		t.Fatalf("ping failing: %d, want 503", code)
	}
	if strings.Contains(body, "s3cret") || strings.Contains(body, "10.0.0.7") || body == "" {
		t.Fatalf("ping failing: body %q should give a short reason without the error's details", body)
	}
}

func TestHealthzTimesOutAHangingPing(t *testing.T) {
	srv := httptest.NewServer(ops.Handler(ops.NewMetrics(), func(ctx context.Context) error {
		<-ctx.Done()
		return ctx.Err()
	}))
	defer srv.Close()
	if code, _ := get(t, srv, "/healthz"); code != http.StatusServiceUnavailable {
		t.Fatalf("hanging ping: %d, want 503", code)
	}
}

func TestMetricsAreExposed(t *testing.T) {
	m := ops.NewMetrics()
	m.UpdatesHandled.WithLabelValues(ops.OutcomeHandled).Inc()
	m.UpdatesHandled.WithLabelValues(ops.OutcomeDuplicate).Add(2)
	m.HandlingSeconds.Observe(0.012)
	m.TelegramErrors.WithLabelValues("429").Inc()
	m.MessagesSent.Inc()
	m.QueueDepth.WithLabelValues("updates").Set(3)
	srv := httptest.NewServer(ops.Handler(m, nil))
	defer srv.Close()

	code, body := get(t, srv, "/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{
		`werkwijzer_updates_handled_total{outcome="handled"} 1`,
		`werkwijzer_updates_handled_total{outcome="duplicate"} 2`,
		`werkwijzer_update_handling_seconds_bucket{le="0.001"} 0`,
		`werkwijzer_update_handling_seconds_bucket{le="10"} 1`,
		`werkwijzer_update_handling_seconds_count 1`,
		`werkwijzer_telegram_errors_total{code="429"} 1`,
		`werkwijzer_messages_sent_total 1`,
		`werkwijzer_queue_depth{queue="updates"} 3`,
		"go_goroutines",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// Two Metrics in one process must not collide, as they would on
// Prometheus' global registry.
func TestMetricsHaveTheirOwnRegistry(t *testing.T) {
	a, b := ops.NewMetrics(), ops.NewMetrics()
	a.MessagesSent.Inc()
	srv := httptest.NewServer(ops.Handler(b, nil))
	defer srv.Close()
	if _, body := get(t, srv, "/metrics"); !strings.Contains(body, "werkwijzer_messages_sent_total 0") {
		t.Fatal("a count of one Metrics showed in another's /metrics")
	}
}

func TestUnknownPathIsNotFound(t *testing.T) {
	srv := httptest.NewServer(ops.Handler(ops.NewMetrics(), nil))
	defer srv.Close()
	for _, p := range []string{"/", "/debug/pprof/", "/metricsx", "/healthz/x"} {
		if code, _ := get(t, srv, p); code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, code)
		}
	}
}
