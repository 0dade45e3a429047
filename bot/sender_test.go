package bot_test

import (
	"context"

	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"

	"github.com/werkwijzer/werkwijzer/bot"
	"github.com/werkwijzer/werkwijzer/bot/telegramtest"
	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/locales"
	"github.com/werkwijzer/werkwijzer/store"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// channel is the Telegram channel wired as cmd/werkwijzer wires it, against
// the fake Bot API and a real Redis.
type channel struct {
	tg    *telegramtest.Server
	tgm   *bot.Telegram
	reach *store.Reach
	// clock records the Sender's waits without spending them.
	clock *clock.Fake
	mu    sync.Mutex
}

func newChannel(t *testing.T) *channel {
	rdb, prefix := redistest.Client(t)
	keys := store.Keys{Prefix: prefix}
	texts := locales.MustLoad()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	sessions := store.NewSessions(rdb, keys)
	rt := &bot.Runtime{Log: log, Service: &dialogs.Service{Engine: dialogs.NewEngine(texts, nil), Sessions: sessions}}
	c := &channel{tg: telegramtest.New(t), reach: store.NewReach(rdb, keys, time.Hour)}
	tgm, err := bot.NewTelegram(c.tg.Token, c.tg.URL, rt, texts, log)
	if err != nil {
		t.Fatal(err)
	}
	c.clock = clock.NewJumping(time.Now())
	tgm.Sender = &bot.Sender{Global: bot.NewQuota(rdb, keys.Instances(), 1000), PerChat: 1000, Reach: c.reach, Clock: c.clock}
	tgm.Chats = store.NewChats(sessions, "")
	c.tgm = tgm
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { tgm.Poll(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return c
}

func TestTooManyRequestsIsWaitedOutAndRetried(t *testing.T) {
	c := newChannel(t)
	var refused atomic.Int32
	c.tg.SetFault(func(method string, chat int64) *telegramtest.Fault {
		if method == "sendMessage" && refused.Add(1) == 1 {
			return &telegramtest.Fault{Status: 429, RetryAfter: 7, Desc: "Too Many Requests: retry after 7"}
		}
		return nil
	})
	msgs := c.tg.Chat(t, 21, "en").Send("/start")
	if len(msgs) != 2 {
		t.Fatalf("after a 429 the greeting and picker should arrive once each, got %d messages", len(msgs))
	}
	// The pace between two messages to one chat is a millisecond here;
	// a second or more is waiting out a 429.
	var long []time.Duration
	for _, d := range c.clock.Slept() {
		if d >= time.Second {
			long = append(long, d)
		}
	}
	if len(long) != 1 || long[0] != 7*time.Second {
		t.Fatalf("waited %v, want retry_after's 7s once", long)
	}
}

func TestWrappedTooManyRequestsIsRecognised(t *testing.T) {
	clk := clock.NewJumping(time.Now())
	s := &bot.Sender{Clock: clk}
	calls := 0
	err := s.Do(context.Background(), 1, func(context.Context) error {
		calls++
		if calls < 3 {
			return fmt.Errorf("send reply: %w", &tg.TooManyRequestsError{Message: "too many", RetryAfter: calls})
		}
		return nil
	})
	if slept := clk.Slept(); err != nil || calls != 3 || len(slept) != 2 || slept[1] != 2*time.Second {
		t.Fatalf("err %v, calls %d, slept %v; want success on the third call after waiting 1s and 2s", err, calls, clk.Slept())
	}
	calls = 0
	err = (&bot.Sender{MaxRetries: 2, Clock: clock.NewJumping(time.Now())}).Do(context.Background(), 1,
		func(context.Context) error { calls++; return &tg.TooManyRequestsError{RetryAfter: 1} })
	if err == nil || calls != 3 {
		t.Fatalf("endless 429: err %v after %d calls, want an error after 3", err, calls)
	}
}

func TestBlockedUserIsMarkedUnreachable(t *testing.T) {
	c := newChannel(t)
	ctx := context.Background()
	blocked := atomic.Bool{}
	c.tg.SetFault(func(method string, chat int64) *telegramtest.Fault {
		if chat == 31 && blocked.Load() && method == "sendMessage" {
			return &telegramtest.Fault{Status: 403, Desc: "Forbidden: bot was blocked by the user"}
		}
		return nil
	})
	chat := c.tg.Chat(t, 31, "nl")
	chat.Send("/start")
	chat.Press("lang:nl")
	blocked.Store(true)
	before := c.tg.Calls("sendMessage")
	if msgs := chat.Send("/help"); len(msgs) != 0 {
		t.Fatalf("a blocked chat received %d messages", len(msgs))
	}
	if sends := c.tg.Calls("sendMessage") - before; sends != 1 {
		t.Fatalf("after the 403 the bot kept trying: %d sendMessage calls, want 1", sends)
	}
	if u, _ := c.reach.Unreachable(ctx, 31); !u {
		t.Fatal("403 did not mark the chat unreachable")
	}
	// They unblock and write again: reachable.
	blocked.Store(false)
	if msgs := chat.Send("/help"); len(msgs) == 0 {
		t.Fatal("no answer after unblocking")
	}
	if u, _ := c.reach.Unreachable(ctx, 31); u {
		t.Fatal("still unreachable after writing again")
	}
	// Blocking is also announced by my_chat_member.
	member := func(status string) map[string]any {
		return map[string]any{"my_chat_member": map[string]any{
			"chat": map[string]any{"id": 31, "type": "private"}, "from": map[string]any{"id": 31, "is_bot": false, "first_name": "A"},
			"date": 1, "old_chat_member": map[string]any{"status": "member", "user": map[string]any{"id": 1, "is_bot": true, "first_name": "B"}},
			"new_chat_member": map[string]any{"status": status, "user": map[string]any{"id": 1, "is_bot": true, "first_name": "B"}, "until_date": 0}}}
	}
	chat.Do(member("kicked"))
	if u, _ := c.reach.Unreachable(ctx, 31); !u {
		t.Fatal("my_chat_member kicked did not mark the chat unreachable")
	}
	chat.Do(member("member"))
	if u, _ := c.reach.Unreachable(ctx, 31); u {
		t.Fatal("my_chat_member member did not clear the mark")
	}
}

// Two senders sharing one Redis stand for two instances: once both have
// announced themselves, each takes half the rate, and together they stay
// within the bot-wide limit.
func TestRateLimitIsSharedAcrossInstances(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	keys := store.Keys{Prefix: prefix}
	fake := telegramtest.New(t)
	api, err := tg.New(fake.Token, tg.WithServerURL(fake.URL), tg.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	const limit = 10
	ctx := context.Background()
	quotas := []*bot.Quota{bot.NewQuota(rdb, keys.Instances(), limit), bot.NewQuota(rdb, keys.Instances(), limit)}
	for _, q := range quotas {
		q.Heartbeat(ctx)
	}
	for _, q := range quotas {
		q.Heartbeat(ctx) // the first one learns of the second
		if n := q.Instances(); n != 2 {
			t.Fatalf("an instance sees %d instances, want 2", n)
		}
	}
	var wg sync.WaitGroup
	for inst, q := range quotas {
		s := &bot.Sender{Global: q}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				chat := int64(inst*100 + i)
				if err := s.Do(ctx, chat, func(ctx context.Context) error {
					_, err := api.SendMessage(ctx, &tg.SendMessageParams{ChatID: chat, Text: "x"})
					return err
				}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	all := fake.All()
	if len(all) != 20 {
		t.Fatalf("%d messages arrived, want 20", len(all))
	}
	for i := range all {
		n := 0
		for j := range all {
			if d := all[j].At.Sub(all[i].At); d >= 0 && d < time.Second {
				n++
			}
		}
		if n > limit+2 { // each instance may start with a burst of one
			t.Fatalf("%d messages within one second from two instances, limit is %d", n, limit)
		}
	}
	// An instance that stops withdraws at once, so the others take its share.
	q := bot.NewQuota(rdb, keys.Instances(), limit)
	ctx2, cancel := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() { q.Run(ctx2); close(stopped) }()
	waitUntil(t, func() bool { quotas[0].Heartbeat(ctx); return quotas[0].Instances() == 3 })
	cancel()
	<-stopped
	if quotas[0].Heartbeat(ctx); quotas[0].Instances() != 2 {
		t.Fatalf("after one instance stopped: %d instances seen, want 2", quotas[0].Instances())
	}
}

// The pace of one chat: a short burst, then about one a second.
func TestChatPace(t *testing.T) {
	fake := telegramtest.New(t)
	api, _ := tg.New(fake.Token, tg.WithServerURL(fake.URL), tg.WithSkipGetMe())
	s := &bot.Sender{PerChat: 5, ChatBurst: 2}
	for i := 0; i < 6; i++ {
		s.Do(context.Background(), 77, func(ctx context.Context) error {
			_, err := api.SendMessage(ctx, &tg.SendMessageParams{ChatID: 77, Text: "x"})
			return err
		})
		s.Do(context.Background(), int64(100+i), func(ctx context.Context) error { // other chats are not held up
			_, err := api.SendMessage(ctx, &tg.SendMessageParams{ChatID: int64(100 + i), Text: "y"})
			return err
		})
	}
	msgs := fake.Messages(77)
	if span := msgs[5].At.Sub(msgs[0].At); span < 700*time.Millisecond {
		t.Fatalf("6 messages to one chat at 5/s with a burst of 2 took %v, want at least 0.8 s", span)
	}
}

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 5 s")
		}
	}
}
