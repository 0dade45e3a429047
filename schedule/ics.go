package schedule

import (
	"strconv"
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
	// Seq counts the files sent before for the same key: a calendar app
	// takes a file as an update of the entry only when its SEQUENCE is
	// higher than the last.
	Seq int
	// Cancel makes the file take the entry out of the calendar
	// (METHOD:CANCEL, STATUS:CANCELLED).
	Cancel bool
}

// organizer is who the files say the events come from. RFC 5546 asks for
// an ORGANIZER in a PUBLISH and a CANCEL; nobody answers mail to the
// reserved .invalid domain, and the person is never asked for an address.
const organizer = "mailto:noreply@werkwijzer.invalid"

// ICS is the calendar file of a booking: one event in Europe/Brussels
// time, with the zone's rules included (VTIMEZONE) so that every calendar
// app places it right, also across the change to or from summer time. The
// UID is stable per booking, so a second file for a moved appointment
// (with a higher SEQUENCE) updates the first in the calendar instead of
// adding one, and a cancellation (METHOD:CANCEL) takes it out. person is
// the person's part of the UID: the file leaves us (it is shared with
// calendar apps), so it is a keyed reference (pseudonym.Key.Calendar),
// never the chat id.
func ICS(it Item, person string, text CalendarText, now time.Time) []byte {
	cal := ics.NewCalendarFor("Werkwijzer")
	cal.SetMethod(ics.MethodPublish)
	if text.Cancel {
		cal.SetMethod(ics.MethodCancel)
	}
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
	ev := cal.AddEvent(UID(key, person))
	ev.SetDtStampTime(now)
	ev.SetProperty(ics.ComponentPropertySequence, strconv.Itoa(max(text.Seq, 0)))
	ev.SetOrganizer(organizer, ics.WithCN("Werkwijzer"))
	local := "20060102T150405"
	ev.SetProperty(ics.ComponentPropertyDtStart, it.Start.In(Brussels).Format(local), ics.WithTZID("Europe/Brussels"))
	ev.SetProperty(ics.ComponentPropertyDtEnd, it.End().In(Brussels).Format(local), ics.WithTZID("Europe/Brussels"))
	ev.SetSummary(text.Summary)
	if text.Cancel {
		ev.SetStatus(ics.ObjectStatusCancelled)
	} else {
		ev.SetStatus(ics.ObjectStatusConfirmed)
	}
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

// UID is the calendar UID of one person's booking named key: the one place
// that makes it. person is their keyed reference, never the chat id.
func UID(key, person string) string { return key + "-" + person + "@werkwijzer" }
