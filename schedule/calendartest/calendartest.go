// Package calendartest reads a calendar file back as calendar apps would,
// with two independent iCalendar parsers (arran4/golang-ical, which the
// schedule writes with, and emersion/go-ical), and fails a test when either
// refuses it or they read it differently. It is for tests only.
package calendartest

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	arran "github.com/arran4/golang-ical"
	emersion "github.com/emersion/go-ical"
)

// Event is what both parsers agree a file says of its one event.
type Event struct {
	Method, UID, Status, Summary, Location, Description string
	Sequence                                            int
	Start, End                                          time.Time
	// TZID is the time zone DTSTART is written in.
	TZID string
}

// Parse reads data with both parsers and returns the event they agree on.
func Parse(t testing.TB, data []byte) Event {
	t.Helper()
	if !bytes.Contains(data, []byte("\r\n")) || bytes.Contains(bytes.ReplaceAll(data, []byte("\r\n"), nil), []byte("\n")) {
		t.Fatalf("calendar file without CRLF line ends throughout:\n%s", data)
	}
	a := viaArran(t, data)
	b := viaEmersion(t, data)
	if a != b {
		t.Fatalf("the two parsers read the file differently:\ngolang-ical %+v\ngo-ical     %+v\n%s", a, b, data)
	}
	return a
}

func viaArran(t testing.TB, data []byte) Event {
	t.Helper()
	cal, err := arran.ParseCalendar(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("golang-ical: %v\n%s", err, data)
	}
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("golang-ical: %d events, want 1\n%s", len(evs), data)
	}
	ev := evs[0]
	prop := func(p arran.ComponentProperty) string {
		if x := ev.GetProperty(p); x != nil {
			return x.Value
		}
		return ""
	}
	out := Event{UID: ev.Id(), Status: prop(arran.ComponentPropertyStatus), Summary: prop(arran.ComponentPropertySummary),
		Location: prop(arran.ComponentPropertyLocation), Description: prop(arran.ComponentPropertyDescription)}
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == string(arran.PropertyMethod) {
			out.Method = p.Value
		}
	}
	out.Sequence, _ = strconv.Atoi(prop(arran.ComponentPropertySequence))
	if out.Start, err = ev.GetStartAt(); err != nil {
		t.Fatalf("golang-ical: DTSTART: %v", err)
	}
	if out.End, err = ev.GetEndAt(); err != nil {
		t.Fatalf("golang-ical: DTEND: %v", err)
	}
	if s := ev.GetProperty(arran.ComponentPropertyDtStart); s != nil && len(s.ICalParameters["TZID"]) > 0 {
		out.TZID = s.ICalParameters["TZID"][0]
	}
	out.Start, out.End = out.Start.UTC(), out.End.UTC()
	return out
}

func viaEmersion(t testing.TB, data []byte) Event {
	t.Helper()
	cal, err := emersion.NewDecoder(bytes.NewReader(data)).Decode()
	if err != nil {
		t.Fatalf("go-ical: %v\n%s", err, data)
	}
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("go-ical: %d events, want 1", len(evs))
	}
	ev := evs[0]
	text := func(name string) string {
		p := ev.Props.Get(name)
		if p == nil {
			return ""
		}
		v, err := p.Text()
		if err != nil {
			t.Fatalf("go-ical: %s: %v", name, err)
		}
		return v
	}
	out := Event{UID: text(emersion.PropUID), Status: ev.Props.Get(emersion.PropStatus).Value, Summary: text(emersion.PropSummary),
		Location: text(emersion.PropLocation), Description: text(emersion.PropDescription)}
	if m := cal.Props.Get(emersion.PropMethod); m != nil {
		out.Method = m.Value
	}
	if p := ev.Props.Get(emersion.PropSequence); p != nil {
		if out.Sequence, err = p.Int(); err != nil {
			t.Fatalf("go-ical: SEQUENCE: %v", err)
		}
	}
	// With a nil location, go-ical resolves TZID through the calendar's
	// own zone or the system's database, as a calendar app would.
	if out.Start, err = ev.DateTimeStart(nil); err != nil {
		t.Fatalf("go-ical: DTSTART: %v", err)
	}
	if out.End, err = ev.DateTimeEnd(nil); err != nil {
		t.Fatalf("go-ical: DTEND: %v", err)
	}
	out.TZID = ev.Props.Get(emersion.PropDateTimeStart).Params.Get(emersion.ParamTimezoneID)
	out.Start, out.End = out.Start.UTC(), out.End.UTC()
	out.Description = strings.TrimSpace(out.Description)
	return out
}
