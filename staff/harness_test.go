package staff_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/slack-go/slack"

	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/staff"
	"github.com/werkwijzer/werkwijzer/staff/slacktest"
)

func TestMain(m *testing.M) { redistest.Main(m) }

type post = slacktest.Post

// refuse, in a fake's failure list, is Slack's channel_not_found.
const refuse = slacktest.Refuse

type fakeSlack = slacktest.Fake

func newFakeSlack(t testing.TB, fail ...int) *fakeSlack { return slacktest.New(t, fail...) }

func newOutbox(t testing.TB, rdb redis.UniversalClient, prefix string, f *fakeSlack, cfg staff.Config) *staff.Outbox {
	t.Helper()
	return staff.NewOutbox(rdb, prefix, f.Client(), cfg, slog.New(slog.NewTextHandler(t.Output(), nil)))
}

// run runs o as consumer until the test ends, or until the returned stop is
// called; stop returns once Run has.
func run(t testing.TB, o *staff.Outbox, consumer string) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		o.Run(ctx, consumer)
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Errorf("Run(%q) did not return after cancel", consumer)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// waitFor polls cond until it holds, failing the test after 5 s.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// drained tells whether the outbox holds nothing: no entry, none pending.
func drained(t testing.TB, rdb redis.UniversalClient, prefix string) bool {
	t.Helper()
	ctx := context.Background()
	n, err := rdb.XLen(ctx, staff.StreamKey(prefix)).Result()
	if err != nil || n != 0 {
		return false
	}
	p, err := rdb.XPending(ctx, staff.StreamKey(prefix), staff.Group).Result()
	return err == nil && p.Count == 0
}

// waitPosted waits until the fake accepted n messages and the outbox is
// empty, so that nothing more can be posted once the posters stop.
func waitPosted(t testing.TB, f *fakeSlack, rdb redis.UniversalClient, prefix string, n int) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d posts and an empty outbox", n), func() bool {
		return len(f.Posts()) >= n && drained(t, rdb, prefix)
	})
}

func mustEnqueue(t testing.TB, o *staff.Outbox, n staff.Notification) {
	t.Helper()
	if err := o.Enqueue(context.Background(), n); err != nil {
		t.Fatalf("Enqueue(%s): %v", n.ChatRef, err)
	}
}

// header, fieldTexts, contextText and button read what staff see.
func header(bs []slack.Block) string {
	for _, b := range bs {
		if h, ok := b.(*slack.HeaderBlock); ok && h.Text != nil {
			return h.Text.Text
		}
	}
	return ""
}

func fieldTexts(bs []slack.Block) []string {
	var out []string
	for _, b := range bs {
		if s, ok := b.(*slack.SectionBlock); ok {
			for _, f := range s.Fields {
				out = append(out, f.Text)
			}
		}
	}
	return out
}

func contextText(bs []slack.Block) string {
	for _, b := range bs {
		if c, ok := b.(*slack.ContextBlock); ok {
			for _, e := range c.ContextElements.Elements {
				if tx, ok := e.(*slack.TextBlockObject); ok {
					return tx.Text
				}
			}
		}
	}
	return ""
}

func buttons(bs []slack.Block) []*slack.ButtonBlockElement {
	var out []*slack.ButtonBlockElement
	for _, b := range bs {
		if a, ok := b.(*slack.ActionBlock); ok {
			for _, e := range a.Elements.ElementSet {
				if btn, ok := e.(*slack.ButtonBlockElement); ok {
					out = append(out, btn)
				}
			}
		}
	}
	return out
}
