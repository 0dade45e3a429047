package clock

import (
	"sort"
	"sync"
	"time"
)

// Fake is a Clock that moves only when told: Advance fires, in time order,
// every timer and ticker that falls due. Tests use it so that nothing waits
// on the wall clock; WaitForTimers lets them advance only once a goroutine
// under test is blocked on the clock.
type Fake struct {
	mu      sync.Mutex
	now     time.Time
	waiters []*fakeTimer
	changed *sync.Cond
	// jump makes every timer fire at once, moving the clock to its end.
	jump  bool
	slept []time.Duration
}

// NewJumping returns a Fake on which every timer fires at once, the clock
// jumping ahead to when it would have: for code that waits out retries
// (a 429's Retry-After, a backoff), so that a test observes the waits in
// Slept without spending them. Tickers still move only on Advance.
func NewJumping(start time.Time) *Fake {
	f := NewFake(start)
	f.jump = true
	return f
}

// Slept lists the timers' durations a jumping Fake skipped, in order.
func (f *Fake) Slept() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.slept...)
}

// NewFake returns a Fake showing start.
func NewFake(start time.Time) *Fake {
	f := &Fake{now: start}
	f.changed = sync.NewCond(&f.mu)
	return f
}

// Now is the fake's current time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// Advance moves the clock by d, firing what falls due on the way.
func (f *Fake) Advance(d time.Duration) { f.Set(f.Now().Add(d)) }

// Set moves the clock to t, firing what falls due on the way; a t before
// now turns the clock back (a test trying several moments), firing nothing.
func (f *Fake) Set(t time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for {
		sort.SliceStable(f.waiters, func(i, j int) bool { return f.waiters[i].when.Before(f.waiters[j].when) })
		if len(f.waiters) == 0 || f.waiters[0].when.After(t) {
			break
		}
		w := f.waiters[0]
		if w.when.After(f.now) {
			f.now = w.when
		}
		w.fire(f.now)
		if w.every > 0 {
			// Like time.Ticker, ticks a reader could not take are
			// dropped: a jump of a day fires a one-second ticker once.
			w.when = w.when.Add(w.every)
			if !w.when.After(t) {
				w.when = w.when.Add(w.every * (t.Sub(w.when)/w.every + 1))
			}
		} else {
			f.waiters = f.waiters[1:]
		}
	}
	f.now = t
	f.changed.Broadcast()
}

// Timers is how many timers and tickers are waiting.
func (f *Fake) Timers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.waiters)
}

// WaitForTimers blocks until at least n timers and tickers are waiting,
// or timeout passes (real time: it guards a test against a hang); it
// reports whether they are.
func (f *Fake) WaitForTimers(n int, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	stop := time.AfterFunc(timeout, func() {
		f.mu.Lock()
		f.changed.Broadcast()
		f.mu.Unlock()
	})
	defer stop.Stop()
	f.mu.Lock()
	defer f.mu.Unlock()
	for len(f.waiters) < n {
		if !time.Now().Before(deadline) {
			return false
		}
		f.changed.Wait()
	}
	return true
}

// NewTicker ticks every d of fake time.
func (f *Fake) NewTicker(d time.Duration) Ticker {
	if d <= 0 {
		panic("clock: non-positive ticker interval")
	}
	return fakeTicker{f.add(d, d)}
}

// fakeTicker is a fakeTimer that repeats; its Reset returns nothing, as
// time.Ticker's does.
type fakeTicker struct{ t *fakeTimer }

func (t fakeTicker) C() <-chan time.Time   { return t.t.c }
func (t fakeTicker) Stop()                 { t.t.Stop() }
func (t fakeTicker) Reset(d time.Duration) { t.t.Reset(d) }

// NewTimer fires once, after d of fake time.
func (f *Fake) NewTimer(d time.Duration) Timer { return f.add(d, 0) }

func (f *Fake) add(d, every time.Duration) *fakeTimer {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := &fakeTimer{f: f, c: make(chan time.Time, 1), when: f.now.Add(d), every: every}
	if every == 0 && f.jump {
		f.slept = append(f.slept, d)
		if d > 0 {
			f.now = f.now.Add(d)
		}
		t.fire(f.now)
		return t
	}
	if d <= 0 && every == 0 {
		t.fire(f.now)
		return t
	}
	f.waiters = append(f.waiters, t)
	f.changed.Broadcast()
	return t
}

func (f *Fake) remove(t *fakeTimer) bool {
	for i, w := range f.waiters {
		if w == t {
			f.waiters = append(f.waiters[:i], f.waiters[i+1:]...)
			f.changed.Broadcast()
			return true
		}
	}
	return false
}

type fakeTimer struct {
	f     *Fake
	c     chan time.Time
	when  time.Time
	every time.Duration
}

// fire sends without blocking: like time's tickers, a tick nobody reads
// is dropped.
func (t *fakeTimer) fire(now time.Time) {
	select {
	case t.c <- now:
	default:
	}
}

func (t *fakeTimer) C() <-chan time.Time { return t.c }

func (t *fakeTimer) Stop() bool {
	t.f.mu.Lock()
	defer t.f.mu.Unlock()
	return t.f.remove(t)
}

func (t *fakeTimer) Reset(d time.Duration) bool {
	t.f.mu.Lock()
	defer t.f.mu.Unlock()
	was := t.f.remove(t)
	if t.every > 0 {
		t.every = d
	}
	t.when = t.f.now.Add(d)
	t.f.waiters = append(t.f.waiters, t)
	t.f.changed.Broadcast()
	return was
}
