package bot_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"

	"github.com/werkwijzer/werkwijzer/bot"
	"github.com/werkwijzer/werkwijzer/bot/telegramtest"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/store"
)

// BenchmarkSender sends 3,000 messages to 3,000 chats, from 20 goroutines,
// through the Sender with its default limits, against a fake Bot API that
// answers 429 to any message beyond 30 in the last second. It reports the
// rate achieved as a share of Telegram's 30 a second, and the 429s met.
// One iteration takes about 100 seconds:
//
//	go test ./bot -run '^$' -bench Sender -benchtime 1x
func BenchmarkSender(b *testing.B) {
	rdb, prefix := redistest.Client(b)
	keys := store.Keys{Prefix: prefix}
	fake := telegramtest.New(b)
	var mu sync.Mutex
	var window []time.Time
	var refused atomic.Int64
	fake.SetFault(func(method string, chat int64) *telegramtest.Fault {
		mu.Lock()
		defer mu.Unlock()
		now := time.Now()
		for len(window) > 0 && now.Sub(window[0]) >= time.Second {
			window = window[1:]
		}
		if len(window) >= 30 {
			refused.Add(1)
			return &telegramtest.Fault{Status: 429, RetryAfter: 1, Desc: "Too Many Requests: retry after 1"}
		}
		window = append(window, now)
		return nil
	})
	api, err := tg.New(fake.Token, tg.WithServerURL(fake.URL), tg.WithSkipGetMe())
	if err != nil {
		b.Fatal(err)
	}
	const messages = 3000
	for i := 0; i < b.N; i++ {
		q := bot.NewQuota(rdb, keys.Instances()+time.Now().String(), bot.DefaultGlobalRate)
		q.Heartbeat(context.Background())
		s := &bot.Sender{Global: q, PerChat: bot.DefaultChatRate, ChatBurst: bot.DefaultChatBurst}
		work := make(chan int64)
		var wg sync.WaitGroup
		start := time.Now()
		for w := 0; w < 20; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for chat := range work {
					if err := s.Do(context.Background(), chat, func(ctx context.Context) error {
						_, err := api.SendMessage(ctx, &tg.SendMessageParams{ChatID: chat, Text: "Herinnering"})
						return err
					}); err != nil {
						b.Error(err)
					}
				}
			}()
		}
		for c := int64(0); c < messages; c++ {
			work <- 1_000_000 + c
		}
		close(work)
		wg.Wait()
		rate := messages / time.Since(start).Seconds()
		b.ReportMetric(rate, "msgs/s")
		b.ReportMetric(100*rate/30, "%-of-limit")
		b.ReportMetric(float64(refused.Load()), "429s")
	}
}
