// Package redistest gives tests a real Redis: the one at REDIS_URL when it is
// set, else a private redis-server started on a free port. It never skips:
// a test that needs Redis and cannot get one fails.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

var (
	once    sync.Once
	url     string
	server  *Server
	initErr error
)

// Main runs the package's tests and stops the private server afterwards.
// Use it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if server != nil {
		server.Stop()
	}
	os.Exit(code)
}

// URL returns the address of the shared test Redis.
func URL(t testing.TB) string {
	t.Helper()
	once.Do(func() {
		if u := os.Getenv("REDIS_URL"); u != "" {
			url = u
			return
		}
		server, initErr = Start()
		if initErr == nil {
			url = server.URL()
		}
	})
	if initErr != nil {
		t.Fatalf("redistest: no Redis: set REDIS_URL or install redis-server: %v", initErr)
	}
	return url
}

// Client returns a client of the shared test Redis and a key prefix of the
// test's own, so tests can run side by side; the test's keys are removed
// when it ends.
func Client(t testing.TB) (*redis.Client, string) {
	t.Helper()
	opts, err := redis.ParseURL(URL(t))
	if err != nil {
		t.Fatalf("redistest: REDIS_URL: %v", err)
	}
	rdb := redis.NewClient(opts)
	prefix := Prefix()
	t.Cleanup(func() {
		ctx := context.Background()
		iter := rdb.Scan(ctx, 0, prefix+":*", 1000).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
		rdb.Close()
	})
	return rdb, prefix
}

// Prefix returns a fresh key prefix.
func Prefix() string {
	b := make([]byte, 4)
	rand.Read(b)
	return "wwt" + hex.EncodeToString(b)
}

// Server is a redis-server process of a test's own, for tests that stop and
// restart Redis or need a cluster.
type Server struct {
	Port int
	Dir  string
	Args []string
	mu   sync.Mutex // a test stops it from one goroutine and restarts it from another
	cmd  *exec.Cmd
}

// Start runs redis-server on a free port, keeping nothing on disk.
func Start(extra ...string) (*Server, error) {
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "redistest")
	if err != nil {
		return nil, err
	}
	s := &Server{Port: port, Dir: dir, Args: extra}
	return s, s.Restart()
}

// Restart starts the server (again) on its port.
func (s *Server) Restart() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return err
	}
	args := append([]string{"--port", strconv.Itoa(s.Port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--dir", s.Dir, "--protected-mode", "no"}, s.Args...)
	s.cmd = exec.Command(bin, args...)
	if err := s.cmd.Start(); err != nil {
		return err
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", s.Addr(), 100*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.Stop()
	return fmt.Errorf("redis-server on port %d did not come up", s.Port)
}

// Stop kills the server.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		s.cmd = nil
	}
}

// Addr is host:port.
func (s *Server) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.Port) }

// URL is the redis:// URL of the server.
func (s *Server) URL() string { return "redis://" + s.Addr() + "/0" }

// FreePort asks the kernel for a port nobody listens on.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
