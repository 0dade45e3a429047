package clock

import (
	"sync"
	"time"
)

// Offset is the wall clock moved forward on request: the terminal demo's
// clock, so that a newcomer can jump a day ahead (/later 1d) and see the
// reminders that would come by then. Tickers and timers run on the wall
// clock; whoever advances it looks for what fell due itself.
type Offset struct {
	mu sync.Mutex
	d  time.Duration
}

// Now is the wall clock plus what Advance added.
func (o *Offset) Now() time.Time {
	o.mu.Lock()
	defer o.mu.Unlock()
	return time.Now().Add(o.d)
}

// Advance moves the clock forward by d.
func (o *Offset) Advance(d time.Duration) {
	o.mu.Lock()
	o.d += d
	o.mu.Unlock()
}

// NewTicker is a wall-clock ticker.
func (o *Offset) NewTicker(d time.Duration) Ticker { return Real().NewTicker(d) }

// NewTimer is a wall-clock timer.
func (o *Offset) NewTimer(d time.Duration) Timer { return Real().NewTimer(d) }

// NewOffset is an Offset whose time is start now.
func NewOffset(start time.Time) *Offset { return &Offset{d: time.Until(start)} }
