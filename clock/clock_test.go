package clock_test

import (
	"context"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/clock"
)

func TestFakeFiresWhatFallsDueInOrder(t *testing.T) {
	start := time.Date(2027, 3, 27, 20, 0, 0, 0, clock.Brussels)
	f := clock.NewFake(start)
	tick := f.NewTicker(time.Minute)
	timer := f.NewTimer(90 * time.Second)
	f.Advance(59 * time.Second)
	select {
	case <-tick.C():
		t.Fatal("ticker fired before its minute")
	default:
	}
	f.Advance(time.Second)
	if got := <-tick.C(); !got.Equal(start.Add(time.Minute)) {
		t.Fatalf("tick at %v, want %v", got, start.Add(time.Minute))
	}
	f.Advance(time.Minute) // past the timer and a second tick
	if got := <-timer.C(); !got.Equal(start.Add(90 * time.Second)) {
		t.Fatalf("timer at %v", got)
	}
	if got := <-tick.C(); !got.Equal(start.Add(2 * time.Minute)) {
		t.Fatalf("second tick at %v", got)
	}
	if timer.Stop() {
		t.Fatal("a fired timer reports it was stopped")
	}
	tick.Stop()
	if n := f.Timers(); n != 0 {
		t.Fatalf("%d timers left after stopping", n)
	}
}

func TestSleepWaitsForTheFakeClock(t *testing.T) {
	f := clock.NewFake(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	done := make(chan error, 1)
	go func() { done <- clock.Sleep(context.Background(), f, time.Hour) }()
	if !f.WaitForTimers(1, 5*time.Second) {
		t.Fatal("Sleep made no timer")
	}
	select {
	case <-done:
		t.Fatal("Sleep returned before the clock moved")
	default:
	}
	f.Advance(time.Hour)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestQuietHoursAcrossSummerTime(t *testing.T) {
	cases := []struct {
		at   time.Time
		want time.Time
	}{
		{time.Date(2027, 3, 27, 22, 30, 0, 0, clock.Brussels), time.Date(2027, 3, 28, 8, 0, 0, 0, clock.Brussels)},
		{time.Date(2027, 3, 28, 3, 30, 0, 0, clock.Brussels), time.Date(2027, 3, 28, 8, 0, 0, 0, clock.Brussels)},
		{time.Date(2026, 10, 25, 7, 59, 0, 0, clock.Brussels), time.Date(2026, 10, 25, 8, 0, 0, 0, clock.Brussels)},
		{time.Date(2026, 10, 25, 8, 0, 0, 0, clock.Brussels), time.Date(2026, 10, 25, 8, 0, 0, 0, clock.Brussels)},
		{time.Date(2026, 10, 25, 20, 59, 0, 0, clock.Brussels), time.Date(2026, 10, 25, 20, 59, 0, 0, clock.Brussels)},
	}
	for _, c := range cases {
		if got := clock.AfterQuiet(c.at); !got.Equal(c.want) {
			t.Errorf("AfterQuiet(%v) = %v, want %v", c.at, got, c.want)
		}
		if got := clock.Quiet(c.at); got != !c.want.Equal(c.at) {
			t.Errorf("Quiet(%v) = %v", c.at, got)
		}
	}
}
