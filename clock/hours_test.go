package clock_test

import (
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/clock"
)

func TestOfficeHours(t *testing.T) {
	at := func(y int, m time.Month, d, h, min int) time.Time {
		return time.Date(y, m, d, h, min, 0, 0, clock.Brussels)
	}
	h, err := clock.ParseOfficeHours("mon-thu 09:00-12:00 13:00-17:00, fri 09:00-12:00")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		now, want time.Time
	}{
		{at(2027, 3, 22, 10, 0), at(2027, 3, 22, 10, 0)},  // open: now
		{at(2027, 3, 22, 12, 30), at(2027, 3, 22, 13, 0)}, // lunch
		{at(2027, 3, 26, 12, 0), at(2027, 3, 29, 9, 0)},   // Friday noon, across the change to summer time
		{at(2027, 10, 30, 20, 0), at(2027, 11, 1, 9, 0)},  // Saturday, across the change to winter time
		{at(2027, 3, 24, 8, 59), at(2027, 3, 24, 9, 0)},
	} {
		got := h.NextOpen(tc.now)
		if !got.Equal(tc.want) || got.Hour() != tc.want.Hour() {
			t.Errorf("NextOpen(%s) = %s, want %s", tc.now, got, tc.want)
		}
	}
	for _, bad := range []string{"mon 9-17", "funday 09:00-17:00", "mon-fri 17:00-09:00", "mon-fri", "mon-fri 09:00-25:00"} {
		if _, err := clock.ParseOfficeHours(bad); err == nil {
			t.Errorf("ParseOfficeHours(%q) accepted", bad)
		}
	}
	always, _ := clock.ParseOfficeHours("")
	if !always.Open(at(2027, 1, 3, 3, 0)) {
		t.Error("empty office hours should mean always open")
	}
	weekend, _ := clock.ParseOfficeHours("sat-sun 10:00-14:00")
	if got := weekend.NextOpen(at(2027, 1, 4, 10, 0)); got.Weekday() != time.Saturday || got.Hour() != 10 {
		t.Errorf("sat-sun: next opening from a Monday = %s", got)
	}
}
