package clock

import "time"

// Brussels is where Werkwijzer's people live: every date and time shown to
// them, office hours and quiet hours are read in it.
var Brussels = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Brussels")
	if err != nil {
		panic(err) // time/tzdata is embedded, so this cannot happen
	}
	return loc
}()

// The quiet hours, Brussels time: nothing the person did not ask for goes
// out from QuietFrom until QuietTo, except a reminder that cannot wait.
// One definition for vacancy alerts, reminders and booking news.
const (
	QuietFrom = 21
	QuietTo   = 8
)

// Quiet reports whether t lies in the quiet hours.
func Quiet(t time.Time) bool {
	h := t.In(Brussels).Hour()
	return h >= QuietFrom || h < QuietTo
}

// AfterQuiet is t, or the end of the quiet hours t lies in (QuietTo on the
// same or the next morning, in Brussels, whatever the change of summer
// time).
func AfterQuiet(t time.Time) time.Time {
	if !Quiet(t) {
		return t
	}
	l := t.In(Brussels)
	day := l
	if l.Hour() >= QuietFrom {
		day = l.AddDate(0, 0, 1)
	}
	return time.Date(day.Year(), day.Month(), day.Day(), QuietTo, 0, 0, 0, Brussels)
}
