package staff_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/slack-go/slack"

	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/staff"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// post is one chat.postMessage the fake Slack accepted.
type post struct {
	Channel string
	Text    string
	Raw     string // the blocks as sent
	Blocks  []slack.Block
}

// refuse, in a fakeSlack's fail list, answers 200 with Slack's own error
// channel_not_found, which no retry cures.
const refuse = -1

// fakeSlack is a Slack Web API with just chat.postMessage. It answers the
// statuses in fail first (429 with Retry-After: 2, refuse, or that status),
// then accepts every message and records it.
type fakeSlack struct {
	srv *httptest.Server

	mu       sync.Mutex
	fail     []int
	requests int
	posts    []post
}

func newFakeSlack(t testing.TB, fail ...int) *fakeSlack {
	t.Helper()
	f := &fakeSlack{fail: fail}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/chat.postMessage", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		f.requests++
		if len(f.fail) > 0 {
			code := f.fail[0]
			f.fail = f.fail[1:]
			if code == refuse {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, `{"ok":false,"error":"channel_not_found"}`)
				return
			}
			if code == http.StatusTooManyRequests {
				w.Header().Set("Retry-After", "2")
			}
			w.WriteHeader(code)
			fmt.Fprint(w, "<html>no</html>")
			return
		}
		p := post{Channel: r.PostForm.Get("channel"), Text: r.PostForm.Get("text"), Raw: r.PostForm.Get("blocks")}
		var bs slack.Blocks
		if err := json.Unmarshal([]byte(p.Raw), &bs); err != nil {
			t.Errorf("fake slack: blocks do not decode: %v", err)
		}
		p.Blocks = bs.BlockSet
		f.posts = append(f.posts, p)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"1700000000.%06d"}`, p.Channel, len(f.posts))
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSlack) client() *slack.Client {
	return slack.New("xoxb-test", slack.OptionAPIURL(f.srv.URL+"/api/"))
}

func (f *fakeSlack) Posts() []post {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]post(nil), f.posts...)
}

func (f *fakeSlack) Requests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests
}

func newOutbox(t testing.TB, rdb redis.UniversalClient, prefix string, f *fakeSlack, cfg staff.Config) *staff.Outbox {
	t.Helper()
	return staff.NewOutbox(rdb, prefix, f.client(), cfg, slog.New(slog.NewTextHandler(t.Output(), nil)))
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
