package dialogs

import (
	"strings"
	"time"

	"github.com/werkwijzer/werkwijzer/clock"
)

// Office is where a person can go or call without the chat: the work
// team's office, from configuration (OFFICE_NAME, OFFICE_ADDRESS,
// OFFICE_PHONE, OFFICE_HOURS, OFFICE_MAP_URL). With no staff side it is
// the only way to a person, so it is shown on /help, after declining
// consent and whenever someone asks for a person.
type Office struct {
	Name, Address, Phone string
	// MapURL is a link to the address on a map.
	MapURL string
	// Hours is when the office is open; nil days are closed, and an
	// office open at all hours (OFFICE_HOURS=always) shows none.
	Hours clock.OfficeHours
}

// Set reports whether the office was configured at all.
func (o Office) Set() bool { return o.Name != "" || o.Address != "" || o.Phone != "" }

// OfficeContact is the office's contact in the person's language; with no
// office configured, VDAB's free number, which every jobseeker in
// Flanders can call.
func (c *Conv) OfficeContact() string {
	o := c.e.Office
	if !o.Set() {
		return c.T("office_none", nil)
	}
	lines := []string{c.T("office_intro", nil)}
	if o.Name != "" {
		lines = append(lines, o.Name)
	}
	if o.Address != "" {
		lines = append(lines, "📍 "+o.Address)
	}
	if o.Phone != "" {
		lines = append(lines, "📞 "+o.Phone)
	}
	lines = append(lines, c.hoursLines(o.Hours)...)
	if o.MapURL != "" {
		lines = append(lines, "🗺 "+o.MapURL)
	}
	return strings.Join(lines, "\n")
}

// hoursLines groups the week's days with the same times, Monday first:
// "maandag – vrijdag: 09:00-17:00".
func (c *Conv) hoursLines(h clock.OfficeHours) []string {
	week := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}
	day := func(d time.Weekday) string { return c.T("weekday_"+itoa(int(d)), nil) }
	always := true
	for _, d := range week {
		t := h.Times(d)
		always = always && len(t) == 1 && t[0] == "00:00-24:00"
	}
	if always {
		return nil
	}
	var lines []string
	for i := 0; i < len(week); {
		times := strings.Join(h.Times(week[i]), c.T("list_sep", nil))
		j := i
		for j+1 < len(week) && strings.Join(h.Times(week[j+1]), c.T("list_sep", nil)) == times {
			j++
		}
		if times != "" {
			days := day(week[i])
			if j > i {
				days += " – " + day(week[j])
			}
			lines = append(lines, c.T("office_hours_line", map[string]any{"Days": days, "Times": times}))
		}
		i = j + 1
	}
	return lines
}

func itoa(n int) string { return string(rune('0' + n)) }
