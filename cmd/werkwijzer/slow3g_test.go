package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/werkwijzer/werkwijzer/internal/browsertest"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/ops"
)

// shortWrite gives the public address the default limits but a write
// limit of 3 s, shorter than any page is open on slow 3G: a test of a few
// seconds meets it as a person who keeps the chat open for minutes meets
// the 30 s of ops.DefaultLimits.
func shortWrite(m *Main) {
	m.limits = ops.DefaultLimits
	m.limits.Write = 3 * time.Second
}

// streams counts the event streams the page opened.
func streams(b *browsertest.Tab) int {
	n := 0
	for _, u := range b.URLs() {
		if strings.Contains(u, "/chat/events") {
			n++
		}
	}
	return n
}

// A person on a slow 3G phone (Chrome's "Slow 3G": 2 s from every request
// to its answer, 400 kbit/s each way; a 360×640 touch screen) gets what
// they came for: the language choice on the screen, where a finger can tap
// it, a tap answered, a typed message answered. Nothing gives up because
// the network is slow: the page's one stream stays open however long the
// person reads (the server's write limit bounds each write, not the
// stream), the page never says it is offline while it is not, and when the
// stream does drop (the server restarts) the page reconnects and what the
// person tapped meanwhile is answered once.
//
// Nothing here is timed: the waits of browsertest only bound a failure.
func TestWebChatOnASlow3GPhone(t *testing.T) {
	const lang = "en"
	tr := func(id string) string {
		return texts.T(lang, id, map[string]any{"Period": texts.N(lang, "unit_days", 180, nil)})
	}
	prefix := redistest.Prefix()
	addr := freeAddr(t)
	first, url := serveWeb(t, prefix, addr, shortWrite)
	b := browsertest.New(t, lang)
	b.Phone()
	b.Throttle(browsertest.Slow3G)
	b.Go(url)
	b.Until("the language buttons on the screen", browsertest.Tappable(tr("language_name")))
	b.Tap(tr("language_name"))
	b.WaitText(tr("consent_notice"))
	b.Tap(tr("btn_agree"))
	b.WaitText(tr("q_name"))
	b.Type("Amira")
	b.WaitText(tr("q_age"))

	var status string
	b.Eval(`document.getElementById('status').textContent`, &status)
	if n := streams(b); n != 1 || status != "" {
		t.Fatalf("the page opened %d event streams and says %q; want one stream, kept open, and no word of being offline", n, status)
	}

	first.stop()
	b.Until("the page to notice the dropped stream", `document.getElementById('status').textContent !== ''`)
	b.Tap(tr("opt_age_u25"))
	serveWeb(t, prefix, addr, shortWrite)
	b.WaitText(tr("q_dutch"))
	b.Until("the page to say it is back", `document.getElementById('status').textContent === ''`)
	for _, id := range []string{"q_name", "q_age", "q_dutch", "consent_notice"} {
		if n := b.Count(tr(id)); n != 1 {
			t.Fatalf("%s shows %d times after the stream dropped, want once:\n%s", id, n, strings.Join(b.Log(), "\n---\n"))
		}
	}
	if n := b.Count("Amira"); n != 1 {
		t.Fatalf("what the person typed shows %d times, want once", n)
	}
}

// BenchmarkWebChatSlow3G measures what a person on a slow 3G phone waits
// (the emulation of TestWebChatOnASlow3GPhone, each time a new browser
// with nothing cached, as on the first visit): from opening the address
// to the language buttons on the screen where a finger can tap them, and
// from the tap on their language to the first answer. Both are seen by
// polling the page every 20 ms.
//
//	go test ./cmd/werkwijzer -run '^$' -bench WebChatSlow3G -benchtime 5x
func BenchmarkWebChatSlow3G(b *testing.B) {
	const lang = "en"
	_, url := serveWeb(b, redistest.Prefix(), "127.0.0.1:0")
	answer := texts.T(lang, "consent_notice", map[string]any{"Period": texts.N(lang, "unit_days", 180, nil)})
	var choice, answered time.Duration
	b.StopTimer()
	for range b.N {
		tab := browsertest.New(b, lang)
		tab.Phone()
		tab.Throttle(browsertest.Slow3G)
		b.StartTimer()
		start := time.Now()
		tab.Do("open "+url, chromedp.Navigate(url))
		tab.Until("the language buttons on the screen", browsertest.Tappable(texts.T(lang, "language_name", nil)))
		choice += time.Since(start)
		start = time.Now()
		tab.Tap(texts.T(lang, "language_name", nil))
		tab.WaitText(answer)
		answered += time.Since(start)
		b.StopTimer()
		tab.Close()
	}
	b.ReportMetric(choice.Seconds()/float64(b.N), "s-to-choice")
	b.ReportMetric(answered.Seconds()/float64(b.N), "s-to-answer")
	b.ReportMetric(0, "ns/op")
}
