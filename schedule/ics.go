package schedule

import (
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
)

// CalendarText is what the calendar file says, in the person's language:
// the caller translates.
type CalendarText struct {
	// Key names the booking in the file's UID, instead of the item's id:
	// a later file with the same key replaces the entry.
	Key         string
	Summary     string
	Description string
	Location    string // the address, or how the call happens
}

// ICS is the calendar file of a booking: one event in Europe/Brussels
// time, with the zone's rules included (VTIMEZONE) so that every calendar
// app places it right, also across the change to or from summer time. The
// UID is stable per booking, so a second file for a moved appointment
// updates the first in the calendar instead of adding one. person is the
// person's part of the UID: the file leaves us (it is shared with calendar
// apps), so it is a keyed reference (pseudonym.Key.Calendar), never the
// chat id.
func ICS(it Item, person string, text CalendarText, now time.Time) []byte {
	cal := ics.NewCalendarFor("Werkwijzer")
	cal.SetMethod(ics.MethodPublish)
	tz := cal.AddTimezone("Europe/Brussels")
	std := ics.NewStandard()
	std.SetProperty(ics.ComponentProperty("DTSTART"), "19701025T030000")
	std.SetProperty(ics.ComponentProperty("RRULE"), "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU")
	std.SetProperty(ics.ComponentProperty("TZOFFSETFROM"), "+0200")
	std.SetProperty(ics.ComponentProperty("TZOFFSETTO"), "+0100")
	std.SetProperty(ics.ComponentProperty("TZNAME"), "CET")
	day := &ics.Daylight{}
	day.SetProperty(ics.ComponentProperty("DTSTART"), "19700329T020000")
	day.SetProperty(ics.ComponentProperty("RRULE"), "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU")
	day.SetProperty(ics.ComponentProperty("TZOFFSETFROM"), "+0100")
	day.SetProperty(ics.ComponentProperty("TZOFFSETTO"), "+0200")
	day.SetProperty(ics.ComponentProperty("TZNAME"), "CEST")
	tz.Components = append(tz.Components, std, day)

	key := it.ID
	if text.Key != "" {
		key = text.Key
	}
	ev := cal.AddEvent(key + "-" + person + "@werkwijzer")
	ev.SetDtStampTime(now)
	local := "20060102T150405"
	ev.SetProperty(ics.ComponentPropertyDtStart, it.Start.In(Brussels).Format(local), ics.WithTZID("Europe/Brussels"))
	ev.SetProperty(ics.ComponentPropertyDtEnd, it.End().In(Brussels).Format(local), ics.WithTZID("Europe/Brussels"))
	ev.SetSummary(text.Summary)
	if text.Description != "" {
		ev.SetDescription(text.Description)
	}
	if text.Location != "" {
		ev.SetLocation(text.Location)
	}
	// golang-ical ends lines with CRLF, as RFC 5545 asks; make sure of it.
	out := cal.Serialize()
	if !strings.Contains(out, "\r\n") {
		out = strings.ReplaceAll(out, "\n", "\r\n")
	}
	return []byte(out)
}
