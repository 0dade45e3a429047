package web

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limits bound what one session and one address may do, so that a script
// cannot flood the dialogs, Redis or staff, while a person tapping fast
// through a multi-select, or a class of thirty in one community centre
// behind one address, never notices them. Zero fields take the defaults.
type Limits struct {
	// PerSession is messages a second from one session, with a burst.
	PerSession   float64
	SessionBurst int
	// PerAddress is messages a second from one address, all its sessions
	// together.
	PerAddress   float64
	AddressBurst int
	// NewSessions is new conversations a second from one address, with a
	// burst: a class that all opens the link at once is fine, a script
	// making thousands is not.
	NewSessions float64
	NewBurst    int
	// Streams is how many pages one address may keep open at once, and
	// SessionStreams how many one session may (tabs).
	Streams        int
	SessionStreams int
}

func (l Limits) withDefaults() Limits {
	def := Limits{PerSession: 2, SessionBurst: 12, PerAddress: 20, AddressBurst: 120,
		NewSessions: 1.0 / 10, NewBurst: 40, Streams: 200, SessionStreams: 4}
	if l.PerSession == 0 {
		l.PerSession, l.SessionBurst = def.PerSession, def.SessionBurst
	}
	if l.PerAddress == 0 {
		l.PerAddress, l.AddressBurst = def.PerAddress, def.AddressBurst
	}
	if l.NewSessions == 0 {
		l.NewSessions, l.NewBurst = def.NewSessions, def.NewBurst
	}
	if l.Streams == 0 {
		l.Streams = def.Streams
	}
	if l.SessionStreams == 0 {
		l.SessionStreams = def.SessionStreams
	}
	return l
}

// limiters keeps the buckets of this instance. Limits are per instance: an
// instance behind a load balancer sees its share of an address.
type limiters struct {
	cfg     Limits
	mu      sync.Mutex
	buckets map[string]*bucket
	streams map[string]int
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func (l *limiters) init(cfg Limits) {
	l.cfg, l.buckets, l.streams = cfg, map[string]*bucket{}, map[string]int{}
}

// allow takes one token from the bucket named key, made with r and burst
// when new, and otherwise says how long to wait.
func (l *limiters) allow(key string, r float64, burst int, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(rate.Limit(r), burst)}
		l.buckets[key] = b
	}
	b.seen = now
	res := b.lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}

// message takes a token for a message from session sid at address addr.
func (l *limiters) message(sid, addr string, now time.Time) (bool, time.Duration) {
	if ok, d := l.allow("a:"+addr, l.cfg.PerAddress, l.cfg.AddressBurst, now); !ok {
		return false, d
	}
	return l.allow("s:"+sessionHash(sid), l.cfg.PerSession, l.cfg.SessionBurst, now)
}

func (l *limiters) newSession(addr string, now time.Time) (bool, time.Duration) {
	return l.allow("n:"+addr, l.cfg.NewSessions, l.cfg.NewBurst, now)
}

// openStream counts a stream of session sid from addr, or refuses it;
// the returned func closes it.
func (l *limiters) openStream(sid, addr string) (func(), bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	a, s := "a:"+addr, "s:"+sessionHash(sid)
	if l.streams[a] >= l.cfg.Streams || l.streams[s] >= l.cfg.SessionStreams {
		return nil, false
	}
	l.streams[a]++
	l.streams[s]++
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		for _, k := range []string{a, s} {
			if l.streams[k]--; l.streams[k] <= 0 {
				delete(l.streams, k)
			}
		}
	}, true
}

// prune forgets buckets unused for ten minutes: they are full again by
// then.
func (l *limiters) prune(now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for k, b := range l.buckets {
		if now.Sub(b.seen) > 10*time.Minute {
			delete(l.buckets, k)
		}
	}
}

// address is who sent r, as the limits count it: the connection's peer,
// or behind a trusted proxy the last address it added. An IPv6 address
// counts by its /64, what one household or phone gets.
func address(r *http.Request, trustProxy bool) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if trustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			if h := strings.TrimSpace(parts[len(parts)-1]); h != "" {
				host = h
			}
		}
	}
	if ip := net.ParseIP(host); ip != nil && ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String()
	}
	return host
}
