package ops_test

import (
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/ops"
)

// 450 connections that carry no request, or send their headers a byte at a
// time, or send a request and then sit idle, are all closed by the limits,
// and the server's goroutines go with them. Without limits net/http keeps
// every one open for as long as the client likes.
func TestServerClosesSlowAndIdleConnections(t *testing.T) {
	limits := ops.Limits{ReadHeader: 300 * time.Millisecond, Read: 500 * time.Millisecond, Write: time.Second,
		Idle: 300 * time.Millisecond, MaxHeaderBytes: 4 << 10}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := ops.Server(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "unauthorized", http.StatusUnauthorized) // as a call without the secret gets
	}), limits)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	base := runtime.NumGoroutine()

	const n = 450
	conns := make([]net.Conn, n)
	for i := range conns {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		conns[i] = c
		switch i % 3 {
		case 1: // the start of a request, and then a byte now and then
			c.Write([]byte("POST / HTTP/1.1\r\nHost: x\r\n"))
		case 2: // a whole request, then idle on the kept-alive connection
			c.Write([]byte("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"))
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			for i := 1; i < n; i += 3 {
				conns[i].Write([]byte("X"))
			}
		}
	}()
	defer func() { close(stop); wg.Wait() }()
	if open := runtime.NumGoroutine() - base; open < n/2 {
		t.Logf("only %d server goroutines while the connections were open", open)
	}

	// Each connection must be closed by the server within a second or so:
	// reading it ends (after any answer) with EOF or a reset.
	var closed sync.WaitGroup
	var mu sync.Mutex
	stillOpen := 0
	for _, c := range conns {
		closed.Add(1)
		go func() {
			defer closed.Done()
			c.SetReadDeadline(time.Now().Add(3 * time.Second))
			_, err := io.Copy(io.Discard, c)
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				mu.Lock()
				stillOpen++
				mu.Unlock()
			}
		}()
	}
	closed.Wait()
	if stillOpen > 0 {
		t.Fatalf("%d of %d slow or idle connections still open after 3 s", stillOpen, n)
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > base+5 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if g := runtime.NumGoroutine(); g > base+5 {
		t.Fatalf("%d goroutines after the connections were closed, %d before them", g, base)
	}
}

// A request whose headers are over the limit is refused.
func TestServerRefusesHugeHeaders(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	srv := ops.Server(http.NotFoundHandler(), ops.DefaultLimits)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	req, _ := http.NewRequest(http.MethodGet, "http://"+ln.Addr().String()+"/", nil)
	req.Header.Set("X-Big", strings.Repeat("a", 64<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("64 KiB of headers: %d, want 431", resp.StatusCode)
	}
}
