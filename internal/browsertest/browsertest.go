// Package browsertest drives a real headless Chromium (Debian's chromium
// package) through chromedp, for the web chat's tests: open a page, press
// a button by its label, type, wait for a text, read what the page
// computed, take a screenshot, catch a download.
//
// A test that needs the browser fails when Chromium is missing, never
// skips: .ci/run installs it (apt-get install chromium).
package browsertest

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/css"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// Path finds Chromium: CHROMIUM when set, else chromium on PATH.
func Path() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("chromium not found: install Debian's chromium (apt-get install chromium; .ci/run does) or set CHROMIUM")
}

// Tab is one page in its own headless Chromium, with its own profile
// (cookies, storage) and download folder.
type Tab struct {
	t   testing.TB
	ctx context.Context
	// Downloads is where the browser saves files.
	Downloads string
	done      chan string // names of completed downloads

	phone bool // Phone was called: taps instead of clicks
	close func()

	mu   sync.Mutex
	urls []string // every address the page asked for
}

// Wait bounds every wait for the page.
const Wait = 15 * time.Second

// New starts Chromium for t, with langs as the browser's languages
// (Accept-Language), and closes it when t ends.
func New(t testing.TB, langs string) *Tab {
	t.Helper()
	path, err := Path()
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", langs),
		chromedp.Flag("accept-lang", langs),
		chromedp.WindowSize(412, 860), // a common phone
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	tab := &Tab{t: t, ctx: ctx, Downloads: t.TempDir(), done: make(chan string, 8)}
	events := true
	err = chromedp.Do(ctx, func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		if _, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{}); err != nil {
			return chromedp.Void{}, err
		}
		_, err := cdp.Call(ctx, t, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
			Headers: network.Headers{"Accept-Language": langs}})
		return chromedp.Void{}, err
	})
	if err == nil {
		_, err = chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: tab.Downloads, EventsEnabled: &events})
	}
	if err == nil {
		err = chromedp.Listen(ctx, func(ev any) {
			if e, ok := ev.(*network.EventRequestWillBeSent); ok {
				tab.mu.Lock()
				tab.urls = append(tab.urls, e.Request.URL+e.Request.URLFragment)
				tab.mu.Unlock()
			}
		})
	}
	if err == nil {
		err = chromedp.ListenBrowser(ctx, func(ev any) {
			if e, ok := ev.(*browser.EventDownloadProgress); ok && e.State == browser.DownloadProgressStateCompleted {
				tab.done <- e.GUID
			}
		})
	}
	if err != nil {
		cancelTab()
		cancelAlloc()
		t.Fatalf("start chromium: %v", err)
	}
	tab.close = sync.OnceFunc(func() { cancelTab(); cancelAlloc() })
	t.Cleanup(tab.close)
	return tab
}

// Close ends the browser before the test does, for a benchmark that opens
// one per round.
func (b *Tab) Close() { b.close() }

// Do runs chromedp actions, failing the test on an error.
func (b *Tab) Do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, Wait)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("browser: %s: %v", what, err)
	}
}

// Go opens url and waits for its body.
func (b *Tab) Go(url string) {
	b.t.Helper()
	b.Do("open "+url, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("body")))
}

// Eval evaluates js in the page into out (nil to drop the result).
func (b *Tab) Eval(js string, out any) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, Wait)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage](js))
	if err != nil {
		b.t.Fatalf("browser: eval %s: %v", js, err)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			b.t.Fatalf("browser: eval %s: %s: %v", js, raw, err)
		}
	}
}

// Until waits until js is true in the page.
func (b *Tab) Until(what, js string) {
	b.t.Helper()
	if err := b.poll(js); err != nil {
		b.t.Fatalf("browser: wait for %s: %v", what, err)
	}
}

// poll evaluates js until it is true, through navigations (an evaluation
// that a navigation cut off is tried again on the new page).
func (b *Tab) poll(js string) error {
	deadline := time.Now().Add(Wait)
	var last error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		cancel()
		if err == nil && ok {
			return nil
		}
		last = err
		time.Sleep(20 * time.Millisecond)
	}
	if last == nil {
		last = fmt.Errorf("still false after %v", Wait)
	}
	return last
}

// Quote is s as a JavaScript string.
func Quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// Log is the text of every message the chat shows, in order.
func (b *Tab) Log() []string {
	b.t.Helper()
	var out []string
	b.Eval(`Array.from(document.querySelectorAll('#log .msg')).map(e => e.innerText)`, &out)
	return out
}

// WaitText waits until the chat shows a message containing text, n times
// in all (1 when n is omitted).
func (b *Tab) WaitText(text string, n ...int) {
	b.t.Helper()
	want := 1
	if len(n) > 0 {
		want = n[0]
	}
	js := fmt.Sprintf(`Array.from(document.querySelectorAll('#log .msg')).filter(e => e.innerText.includes(%s)).length >= %d`, Quote(text), want)
	if err := b.poll(js); err != nil {
		b.t.Fatalf("the chat never showed %q (%d times); it shows:\n%s", text, want, strings.Join(b.Log(), "\n---\n"))
	}
}

// Count is how many messages contain text.
func (b *Tab) Count(text string) int {
	b.t.Helper()
	var n int
	b.Eval(fmt.Sprintf(`Array.from(document.querySelectorAll('#log .msg')).filter(e => e.innerText.includes(%s)).length`, Quote(text)), &n)
	return n
}

// Press clicks the last button of the chat whose label is label (as a
// person taps the newest one).
func (b *Tab) Press(label string) {
	b.t.Helper()
	js := fmt.Sprintf(`(() => { const l = %s; const bs = Array.from(document.querySelectorAll('#log button')).filter(e => e.textContent.trim() === l || e.textContent.trim() === '✓ ' + l);
	  if (!bs.length) return false; bs[bs.length-1].click(); return true; })()`, Quote(label))
	var ok bool
	b.Eval(js, &ok)
	if !ok {
		var labels []string
		b.Eval(`Array.from(document.querySelectorAll('#log button')).map(e => e.textContent)`, &labels)
		b.t.Fatalf("no button %q in the chat; buttons: %q", label, labels)
	}
}

// Type types text into the chat and sends it, as a person does (on a
// phone, with a tap on the send button).
func (b *Tab) Type(text string) {
	b.t.Helper()
	send := chromedp.Click(chromedp.ID("send"))
	if b.phone {
		send = chromedp.Tap(chromedp.ID("send"))
	}
	b.Do("type", chromedp.SendKeys(chromedp.ID("text"), text), send)
}

// Phone makes the tab a small phone before the page opens: a 360×640
// screen held upright, mobile layout (the page's viewport meta tag counts)
// and touch, so that Tap and Type tap where a finger would.
func (b *Tab) Phone() {
	b.t.Helper()
	b.phone = true
	b.Do("emulate a phone", chromedp.EmulateViewport(360, 640, chromedp.EmulateScale(2),
		chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch))
}

// Network is what the emulated network between the browser and every
// server allows.
type Network struct {
	// Latency is added from a request to its answer's headers.
	Latency time.Duration
	// Down and Up are the throughput each way, in bytes a second.
	Down, Up float64
	// Offline fails every request, as a phone without signal does.
	Offline bool
}

// Slow3G is Chrome DevTools' "Slow 3G" preset: 400 ms round trips, which
// DevTools applies as 2,000 ms from each request to its answer's headers
// (400 ms × 5, its allowance for the round trips of a real connection's
// set-up), and 400 kbit/s each way (500 kbit/s × 0.8).
var Slow3G = Network{Latency: 2000 * time.Millisecond, Down: 500 * 1000 / 8 * 0.8, Up: 500 * 1000 / 8 * 0.8}

// Throttle puts every request of the tab from now on behind n (Chrome's
// network emulation), and tells the page what navigator.onLine and
// navigator.connection say about it.
func (b *Tab) Throttle(n Network) {
	b.t.Helper()
	ms := float64(n.Latency.Milliseconds())
	b.Do("emulate the network", func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		if _, err := cdp.Call(ctx, t, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{{Latency: ms, DownloadThroughput: n.Down, UploadThroughput: n.Up,
				ConnectionType: network.ConnectionTypeCellular3g, Offline: n.Offline}}}); err != nil {
			return chromedp.Void{}, err
		}
		_, err := cdp.Call(ctx, t, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: n.Offline,
			Latency: ms, DownloadThroughput: n.Down, UploadThroughput: n.Up, ConnectionType: network.ConnectionTypeCellular3g})
		return chromedp.Void{}, err
	})
}

// Tap touches the last button of the chat whose label is label, at the
// middle of where the screen shows it (scrolled into view first), as a
// finger does: it fails when the button is hidden or something covers it.
func (b *Tab) Tap(label string) {
	b.t.Helper()
	var ok bool
	b.Eval(fmt.Sprintf(`(() => { const l = %s; document.querySelectorAll('[data-tap]').forEach(e => e.removeAttribute('data-tap'));
	  const bs = Array.from(document.querySelectorAll('#log button')).filter(e => e.textContent.trim() === l || e.textContent.trim() === '✓ ' + l);
	  if (!bs.length) return false; bs[bs.length-1].setAttribute('data-tap', ''); return true; })()`, Quote(label)), &ok)
	if !ok {
		var labels []string
		b.Eval(`Array.from(document.querySelectorAll('#log button')).map(e => e.textContent)`, &labels)
		b.t.Fatalf("no button %q in the chat; buttons: %q", label, labels)
	}
	b.Do("tap "+label, chromedp.Tap(chromedp.CSS("[data-tap]")))
}

// Tappable is JavaScript that is true when a button of the chat labelled
// label is on the screen and a finger at its middle would touch it.
func Tappable(label string) string {
	return fmt.Sprintf(`Array.from(document.querySelectorAll('#log button')).some(e => { if (e.textContent.trim() !== %s) return false;
	  const r = e.getBoundingClientRect(); if (!r.width || !r.height) return false;
	  const x = r.left + r.width / 2, y = r.top + r.height / 2;
	  return x >= 0 && y >= 0 && x < innerWidth && y < innerHeight && e.contains(document.elementFromPoint(x, y)); })`, Quote(label))
}

// Screenshot saves the page as a PNG.
func (b *Tab) Screenshot(path string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, Wait)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("browser: screenshot: %v", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// Download waits for the next completed download and returns its bytes.
func (b *Tab) Download() []byte {
	b.t.Helper()
	select {
	case guid := <-b.done:
		data, err := os.ReadFile(filepath.Join(b.Downloads, guid))
		if err != nil {
			b.t.Fatal(err)
		}
		return data
	case <-time.After(Wait):
		b.t.Fatal("no download completed")
		return nil
	}
}

// URLs are the addresses of every request the page made so far.
func (b *Tab) URLs() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.urls...)
}

// Context is the tab's chromedp context, for actions this package lacks.
func (b *Tab) Context() context.Context { return b.ctx }

// Cookies are the browser's cookies for the page's address.
func (b *Tab) Cookies() []*network.Cookie {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, Wait)
	defer cancel()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{})
	if err != nil {
		b.t.Fatalf("browser: cookies: %v", err)
	}
	return res.Cookies
}

// Fonts tells which fonts rendered the text of the first element matching
// the CSS selector sel, as the browser reports them (a web font the page
// loaded has IsCustomFont set).
func (b *Tab) Fonts(sel string) []css.PlatformFontUsage {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, Wait)
	defer cancel()
	fonts, err := chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) ([]css.PlatformFontUsage, error) {
		nodes, err := chromedp.Nodes(chromedp.CSS(sel))(ctx, t)
		if err != nil {
			return nil, err
		}
		if _, err := cdp.Call(ctx, t, dom.Enable, dom.EnableParams{}); err != nil {
			return nil, err
		}
		if _, err := cdp.Call(ctx, t, css.Enable, cdp.Empty{}); err != nil {
			return nil, err
		}
		res, err := cdp.Call(ctx, t, css.GetPlatformFontsForNode, css.GetPlatformFontsForNodeParams{NodeID: nodes[0].NodeID})
		if err != nil {
			return nil, err
		}
		var out []css.PlatformFontUsage
		for _, f := range res.Fonts {
			out = append(out, *f)
		}
		return out, nil
	})
	if err != nil {
		b.t.Fatalf("browser: fonts of %s: %v", sel, err)
	}
	return fonts
}

//go:embed axe/axe.min.js
var axeSource string

// Violation is one WCAG rule a page breaks, as axe-core reports it.
type Violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []string `json:"target"`
		Summary string   `json:"failureSummary"`
	} `json:"nodes"`
}

// Accessibility runs axe-core (internal/browsertest/axe) on the page as it
// is now and returns what breaks WCAG 2.1 A and AA.
func (b *Tab) Accessibility() []Violation {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, Wait)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage](axeSource+";true")); err != nil {
		b.t.Fatalf("browser: load axe-core: %v", err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage](
		`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}).then(r => r.violations)`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("browser: axe-core: %v", err)
	}
	var out []Violation
	if err := json.Unmarshal(raw, &out); err != nil {
		b.t.Fatalf("browser: axe-core result: %v", err)
	}
	return out
}
