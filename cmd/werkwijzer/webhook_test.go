package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/bot/telegramtest"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/locales"
	"github.com/werkwijzer/werkwijzer/ops"
)

const testSecret = "s3cret-token_for-tests"

// instance starts werkwijzer in webhook mode, in-process, and returns its
// base URL.
func instance(t *testing.T, tg *telegramtest.Server, prefix string, opts ...func(*Main)) (string, *Main) {
	t.Helper()
	m := &Main{
		Config: Config{TelegramToken: tg.Token, TelegramAPIURL: tg.URL, RedisURL: redistest.URL(t), RedisPrefix: prefix,
			Retention: 180 * 24 * time.Hour, SendRate: 1000, ChatSendRate: 1000,
			WebhookURL: "https://bot.example.org/telegram", WebhookSecret: testSecret, HTTPAddr: "127.0.0.1:0",
			MetricsAddr: "127.0.0.1:0"},
		Stdout: io.Discard, Stderr: io.Discard, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		ready: make(chan struct{}),
	}
	for _, o := range opts {
		o(m)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := m.Serve(ctx); err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()
	t.Cleanup(func() { cancel(); <-done; m.Close() })
	select {
	case <-m.ready:
	case <-time.After(10 * time.Second):
		t.Fatal("instance did not start")
	}
	return "http://" + m.HTTPAddr(), m
}

func post(t *testing.T, base, secret string, update map[string]any) int {
	t.Helper()
	body, _ := json.Marshal(update)
	req, _ := http.NewRequest(http.MethodPost, base+"/telegram", bytes.NewReader(body))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("post: %v", err)
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Two instances behind one address share one Redis. One person's updates
// arrive alternately at each, and every update is also delivered a second
// time to the other instance at the same moment (a retry racing the first
// delivery). Each update is answered exactly once and in order.
func TestTwoWebhookInstancesKeepOneChatInOrder(t *testing.T) {
	tg := telegramtest.New(t)
	prefix := redistest.Prefix()
	a, _ := instance(t, tg, prefix)
	b, mb := instance(t, tg, prefix)
	if n := tg.Calls("setWebhook"); n != 2 {
		t.Fatalf("setWebhook called %d times, want once per instance", n)
	}

	want := map[int64][]string{}
	var wg sync.WaitGroup
	for person := int64(0); person < 4; person++ {
		chatID := 9000 + person
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 12; k++ {
				l := locales.Languages[(int(person)+k)%len(locales.Languages)]
				c := tg.Chat(t, chatID, l.Telegram)
				u := c.PressUpdate("lang:"+l.Code, 1)
				u["update_id"] = chatID*100 + int64(k)
				first, second := a, b
				if k%2 == 1 {
					first, second = b, a
				}
				var race sync.WaitGroup
				race.Add(2)
				codes := make([]int, 2)
				go func() { defer race.Done(); codes[0] = post(t, first, testSecret, u) }()
				go func() { defer race.Done(); codes[1] = post(t, second, testSecret, u) }()
				race.Wait()
				if codes[0] != 200 && codes[1] != 200 {
					t.Errorf("update %v: answers %v, want a 200", u["update_id"], codes)
				}
			}
		}()
		for k := 0; k < 12; k++ {
			l := locales.Languages[(int(person)+k)%len(locales.Languages)]
			period := texts.N(l.Code, "unit_days", 180, nil)
			want[chatID] = append(want[chatID], texts.T(l.Code, "language_changed", nil), texts.T(l.Code, "consent_notice", map[string]any{"Period": period}))
		}
	}
	wg.Wait()
	awaitTranscripts(t, tg, want, 30*time.Second)

	// A wrong secret changes nothing.
	before := len(tg.All())
	if code := post(t, a, "wrong", tg.Chat(t, 9100, "nl").MessageUpdate(map[string]any{"text": "/start", "update_id": 1})); code != http.StatusUnauthorized {
		t.Fatalf("wrong secret: %d, want 401", code)
	}
	if len(tg.All()) != before {
		t.Fatal("a call with a wrong secret was answered")
	}

	// Operations endpoints on their own address, not the public one.
	for _, path := range []string{"/healthz", "/metrics"} {
		resp, err := http.Get(b + path)
		if err != nil || resp.StatusCode != http.StatusNotFound {
			t.Fatalf("%s on the public address: %v %v, want 404", path, resp, err)
		}
		resp.Body.Close()
	}
	ops := "http://" + mb.MetricsAddr()
	resp, err := http.Get(ops + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("/healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = http.Get(ops + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`werkwijzer_updates_handled_total{outcome="handled"}`, "werkwijzer_messages_sent_total", "werkwijzer_update_handling_seconds_bucket"} {
		if !strings.Contains(string(metrics), want) {
			t.Fatalf("/metrics lacks %s", want)
		}
	}
}

// Both addresses, the one Telegram and Slack reach and the operations one,
// close connections that send nothing, and a slow request's headers, within
// their limits, so that idle or slow clients cannot pile up.
func TestHTTPAddressesCloseSlowAndIdleConnections(t *testing.T) {
	tg := telegramtest.New(t)
	_, m := instance(t, tg, redistest.Prefix(), func(m *Main) {
		m.limits = ops.Limits{ReadHeader: 200 * time.Millisecond, Read: 400 * time.Millisecond, Write: time.Second,
			Idle: 200 * time.Millisecond, MaxHeaderBytes: 4 << 10}
	})
	for _, addr := range []string{m.HTTPAddr(), m.MetricsAddr()} {
		var conns []net.Conn
		for i := 0; i < 20; i++ {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if i%2 == 1 {
				c.Write([]byte("POST /telegram HTTP/1.1\r\nHost: x\r\n")) // and no more
			}
			conns = append(conns, c)
		}
		for i, c := range conns {
			c.SetReadDeadline(time.Now().Add(2 * time.Second))
			_, err := io.Copy(io.Discard, c)
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatalf("%s: connection %d still open after 2 s", addr, i)
			}
		}
	}
}
