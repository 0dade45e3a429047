package clock

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// OfficeHours is when staff answer, per weekday, read in Brussels time by its callers.
type OfficeHours struct {
	days [7][]span // indexed by time.Weekday
}

type span struct{ from, to int } // minutes since midnight, from < to

// DefaultOfficeHours is the city's work team's usual week.
const DefaultOfficeHours = "mon-fri 09:00-17:00"

var weekdays = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// ParseOfficeHours reads a week such as "mon-fri 09:00-17:00" or
// "mon-thu 09:00-12:00 13:00-17:00, fri 09:00-12:00": comma-separated
// groups of a day or day range and one or more time ranges. An empty
// string means always open.
func ParseOfficeHours(s string) (OfficeHours, error) {
	var h OfficeHours
	if strings.TrimSpace(s) == "" {
		for d := range h.days {
			h.days[d] = []span{{0, 24 * 60}}
		}
		return h, nil
	}
	for _, group := range strings.Split(s, ",") {
		f := strings.Fields(strings.ToLower(group))
		if len(f) < 2 {
			return h, fmt.Errorf("office hours %q: want days and times, as in %q", strings.TrimSpace(group), DefaultOfficeHours)
		}
		first, last, ok := strings.Cut(f[0], "-")
		if !ok {
			last = first
		}
		a, b := dayIndex(first), dayIndex(last)
		if a < 0 || b < 0 {
			return h, fmt.Errorf("office hours %q: days are mon, tue, wed, thu, fri, sat, sun", f[0])
		}
		for _, r := range f[1:] {
			sp, err := parseSpan(r)
			if err != nil {
				return h, err
			}
			for d := a; ; d = (d + 1) % 7 {
				h.days[d] = append(h.days[d], sp)
				if d == b {
					break
				}
			}
		}
	}
	return h, nil
}

func dayIndex(s string) int {
	for i, d := range weekdays {
		if s == d {
			return i
		}
	}
	return -1
}

func parseSpan(s string) (span, error) {
	from, to, ok := strings.Cut(s, "-")
	a, errA := minutesOf(from)
	b, errB := minutesOf(to)
	if !ok || errA != nil || errB != nil || a >= b {
		return span{}, fmt.Errorf("office hours: %q is not a time range such as 09:00-17:00", s)
	}
	return span{a, b}, nil
}

func minutesOf(s string) (int, error) {
	hh, mm, ok := strings.Cut(s, ":")
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if !ok || err1 != nil || err2 != nil || h < 0 || h > 24 || m < 0 || m > 59 || h*60+m > 24*60 {
		return 0, fmt.Errorf("bad time %q", s)
	}
	return h*60 + m, nil
}

// Open reports whether staff answer at t (read in t's location).
func (h OfficeHours) Open(t time.Time) bool {
	m := t.Hour()*60 + t.Minute()
	for _, sp := range h.days[t.Weekday()] {
		if m >= sp.from && m < sp.to {
			return true
		}
	}
	return false
}

// NextOpen is the first moment from t on when staff answer: t itself when
// open, else the start of the next opening, in t's location (so across a
// change to or from summer time it is still the local opening hour). The
// zero time means never.
func (h OfficeHours) NextOpen(t time.Time) time.Time {
	if h.Open(t) {
		return t
	}
	loc := t.Location()
	mins := t.Hour()*60 + t.Minute()
	for day := 0; day <= 7; day++ {
		d := t.AddDate(0, 0, day)
		best := -1
		for _, sp := range h.days[d.Weekday()] {
			if (day > 0 || sp.from > mins) && (best < 0 || sp.from < best) {
				best = sp.from
			}
		}
		if best >= 0 {
			return time.Date(d.Year(), d.Month(), d.Day(), best/60, best%60, 0, 0, loc)
		}
	}
	return time.Time{}
}

// Times lists the opening times of weekday d as "09:00-12:00", in order,
// for telling people when the office is open; none on a closed day.
func (h OfficeHours) Times(d time.Weekday) []string {
	var out []string
	for _, sp := range h.days[d] {
		out = append(out, fmt.Sprintf("%02d:%02d-%02d:%02d", sp.from/60, sp.from%60, sp.to/60, sp.to%60))
	}
	return out
}
