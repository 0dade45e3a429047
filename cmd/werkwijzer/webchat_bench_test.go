package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/web"
)

// BenchmarkWebChat1000 measures the web chat with 1,000 conversations open
// at once, each a page with its stream, on a real Redis shared as in
// production (chats locked in Redis): every person presses a button, waits
// for the whole answer to arrive on their stream, reads for one to three
// seconds and presses again. The latency is from the press (the POST) to
// the last entry of its answer on the person's stream.
//
//	go test ./cmd/werkwijzer -run '^$' -bench WebChat1000 -benchtime 20000x
func BenchmarkWebChat1000(b *testing.B) {
	const people = 1000
	_, base := serveWeb(b, redistest.Prefix(), "127.0.0.1:0", func(m *Main) {
		m.webLimits = web.Limits{PerSession: 1000, SessionBurst: 1000, PerAddress: 1e6, AddressBurst: 1e6,
			NewSessions: 1e6, NewBurst: 1e6, Streams: 10 * people} // all from 127.0.0.1
	})
	tr := &http.Transport{MaxIdleConns: 4 * people, MaxIdleConnsPerHost: 4 * people, MaxConnsPerHost: 0}
	defer tr.CloseIdleConnections()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	var open sync.WaitGroup
	ps := make([]*benchPerson, people)
	errs := make(chan error, people)
	for i := range ps {
		open.Add(1)
		go func() {
			defer open.Done()
			p, err := newBenchPerson(ctx, tr, base)
			if err == nil {
				err = p.onboard()
			}
			ps[i] = p
			if err != nil {
				errs <- err
			}
		}()
	}
	open.Wait()
	select {
	case err := <-errs:
		b.Fatal(err)
	default:
	}

	var left atomic.Int64
	left.Store(int64(b.N))
	var mu sync.Mutex
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for _, p := range ps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// People arrive spread over the first seconds, as they do.
			time.Sleep(time.Duration(rand.Int64N(int64(2 * time.Second))))
			data := []string{"picker", "lang:nl"}
			for i := 0; left.Add(-1) >= 0; i++ {
				d, err := p.press(data[i%2])
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
				time.Sleep(time.Second + time.Duration(rand.Int64N(int64(2*time.Second))))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	select {
	case err := <-errs:
		b.Fatal(err)
	default:
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	q := func(f float64) float64 { return float64(lat[int(f*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "presses/s")
	cancel()
	for _, p := range ps {
		p.close()
	}
}

// benchPerson is one page: its session, its token and its stream.
type benchPerson struct {
	base, csrf string
	client     *http.Client
	body       io.ReadCloser
	mu         sync.Mutex
	seen       int64
	arrived    *sync.Cond
	n          int
	err        error
}

func newBenchPerson(ctx context.Context, tr *http.Transport, base string) (*benchPerson, error) {
	jar, _ := cookiejar.New(nil)
	p := &benchPerson{base: base, client: &http.Client{Transport: tr, Jar: jar}}
	p.arrived = sync.NewCond(&p.mu)
	resp, err := p.client.Get(base)
	if err != nil {
		return nil, err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`"csrf":"([^"]+)"`).FindSubmatch(page)
	if m == nil {
		return nil, fmt.Errorf("no token in the page (%d)", resp.StatusCode)
	}
	p.csrf = string(m[1])
	u, _ := url.Parse(base)
	for _, c := range resp.Cookies() { // Secure: the jar would keep it for https only
		jar.SetCookies(u, []*http.Cookie{{Name: c.Name, Value: c.Value, Path: "/"}})
	}
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"events", nil)
	resp, err = p.client.Do(req)
	if err != nil {
		return nil, err
	}
	p.body = resp.Body
	go p.read()
	return p, nil
}

// read follows the stream, noting the number of the last entry.
func (p *benchPerson) read() {
	sc := bufio.NewScanner(p.body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if id, ok := strings.CutPrefix(sc.Text(), "id: "); ok {
			n, _ := strconv.ParseInt(id, 10, 64)
			p.mu.Lock()
			p.seen = max(p.seen, n)
			p.mu.Unlock()
			p.arrived.Broadcast()
		}
	}
	p.mu.Lock()
	p.err = fmt.Errorf("stream ended: %v", sc.Err())
	p.mu.Unlock()
	p.arrived.Broadcast()
}

func (p *benchPerson) send(kind, field, value string) (time.Duration, error) {
	p.n++
	body, _ := json.Marshal(map[string]any{"id": fmt.Sprintf("bench-%08d", p.n), "kind": kind, field: value, "quiet": true})
	start := time.Now()
	req, _ := http.NewRequest("POST", p.base+"send", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", p.csrf)
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, err
	}
	var out struct {
		Last int64 `json:"last"`
	}
	json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if resp.StatusCode != 200 || out.Last == 0 {
		return 0, fmt.Errorf("press %s: %d, last entry %d", value, resp.StatusCode, out.Last)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.seen < out.Last && p.err == nil {
		p.arrived.Wait()
	}
	return time.Since(start), p.err
}

func (p *benchPerson) press(data string) (time.Duration, error) {
	return p.send("button", "data", data)
}

// onboard starts the conversation and agrees, so that the presses that
// follow are those of someone who is in.
func (p *benchPerson) onboard() error {
	if _, err := p.send("text", "text", "/start"); err != nil {
		return err
	}
	if _, err := p.press("lang:nl"); err != nil {
		return err
	}
	_, err := p.press("consent:yes")
	return err
}

func (p *benchPerson) close() {
	if p != nil && p.body != nil {
		p.body.Close()
	}
}
