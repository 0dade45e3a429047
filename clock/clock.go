// Package clock is the time as Werkwijzer reads it: one Clock interface
// (now, tickers and timers) that every component takes instead of calling
// package time, a Fake that tests move by hand, and the two facts of local
// time the product lives by: Brussels time and the quiet hours.
//
// It exists so that reminders, expiry, rate limits and office hours can be
// tested by moving a clock rather than by sleeping (tailscale's
// tstime.Clock is the model). It depends on nothing of Werkwijzer's own.
package clock

import (
	"context"
	"time"

	_ "time/tzdata" // Europe/Brussels must load on machines without zoneinfo
)

// Clock tells the time and makes tickers and timers that follow it.
type Clock interface {
	Now() time.Time
	// NewTicker ticks every d, dropping ticks a slow reader misses, as
	// time.Ticker does.
	NewTicker(d time.Duration) Ticker
	// NewTimer fires once, d from now.
	NewTimer(d time.Duration) Timer
}

// Ticker is a time.Ticker of some Clock.
type Ticker interface {
	C() <-chan time.Time
	Stop()
	Reset(d time.Duration)
}

// Timer is a time.Timer of some Clock.
type Timer interface {
	C() <-chan time.Time
	// Stop prevents the timer from firing; it reports whether it did.
	Stop() bool
	Reset(d time.Duration) bool
}

// Real is the wall clock.
func Real() Clock { return realClock{} }

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) NewTicker(d time.Duration) Ticker { return realTicker{time.NewTicker(d)} }

func (realClock) NewTimer(d time.Duration) Timer { return realTimer{time.NewTimer(d)} }

type realTicker struct{ t *time.Ticker }

func (r realTicker) C() <-chan time.Time   { return r.t.C }
func (r realTicker) Stop()                 { r.t.Stop() }
func (r realTicker) Reset(d time.Duration) { r.t.Reset(d) }

type realTimer struct{ t *time.Timer }

func (r realTimer) C() <-chan time.Time        { return r.t.C }
func (r realTimer) Stop() bool                 { return r.t.Stop() }
func (r realTimer) Reset(d time.Duration) bool { return r.t.Reset(d) }

// Or is c, or the wall clock when c is nil: for components whose zero
// value must work.
func Or(c Clock) Clock {
	if c == nil {
		return Real()
	}
	return c
}

// Sleep waits d on c, or until ctx ends.
func Sleep(ctx context.Context, c Clock, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := c.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C():
		return nil
	}
}
