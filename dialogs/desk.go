package dialogs

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// NoteKind says what staff are told. The values are stored with undelivered
// turns, so they must not change once released.
type NoteKind string

// The kinds of Note.
const (
	// NoteSignup: someone agreed to the privacy notice and started.
	NoteSignup NoteKind = "signup"
	// NoteOriented: someone confirmed their answers for the first time.
	NoteOriented NoteKind = "oriented"
	// NoteHandover: someone asks to talk to a person.
	NoteHandover NoteKind = "handover"
	// NoteHandoverCancel: they withdrew that request before anyone took it.
	NoteHandoverCancel NoteKind = "handover_cancel"
	// NoteRelay: words the person wrote to the staff member who took over;
	// Text holds them.
	NoteRelay NoteKind = "relay"
	// NoteForget: the person erased their data; staff must drop what
	// they still hold for them and end a conversation in progress.
	NoteForget NoteKind = "forget"
	// NoteLinkOpened: a sign-up link was opened (Source); Return when the
	// person had come before.
	NoteLinkOpened NoteKind = "link_opened"
	// NoteLinkBad: a /start payload that is not a valid link; Text is the
	// LinkProblem.
	NoteLinkBad NoteKind = "link_bad"
	// NoteInterested: the person is interested in a vacancy (in Fields).
	NoteInterested NoteKind = "interested"
	// NoteAlertsOn and NoteAlertsOff: the person asked for, or stopped,
	// new vacancies by message.
	NoteAlertsOn  NoteKind = "alerts_on"
	NoteAlertsOff NoteKind = "alerts_off"
	// Appointments (Item names the slot or session): booked, cancelled,
	// moved (Item is the new one), given from the waiting list, missed,
	// and attended (for the funnel only).
	NoteBooked    NoteKind = "booked"
	NoteCancelled NoteKind = "cancelled"
	NoteMoved     NoteKind = "moved"
	NotePromoted  NoteKind = "promoted"
	NoteNoShow    NoteKind = "no_show"
	NoteAttended  NoteKind = "attended"
)

// Note is something staff should hear of, produced by a turn and stored
// with its replies, so that it is delivered once the turn is, and neither
// lost nor doubled by a crash. Labels and values are Dutch: staff work in
// Dutch whatever the person's language.
type Note struct {
	// ID is unique per note and the same when a turn is delivered again,
	// so that the staff side can drop a second delivery.
	ID     string   `json:"id"`
	Kind   NoteKind `json:"kind"`
	Lang   string   `json:"lang,omitempty"`
	Fields []Field  `json:"fields,omitempty"`
	// Advice lists the next steps the bot advised, in Dutch.
	Advice []string `json:"advice,omitempty"`
	// AtQuestion names, in Dutch, the question the person was at when
	// they asked for a person, so staff know where they got stuck.
	AtQuestion string `json:"at_question,omitempty"`
	// Text is what the person wrote (NoteRelay), or what they typed while
	// waiting (NoteRelay at take-over), never shown to other staff.
	Text string    `json:"text,omitempty"`
	At   time.Time `json:"at"`
	// Source is where the person came from, so that the funnel counts
	// every step per partner, place and link.
	Source *Source `json:"source,omitempty"`
	// Return marks a NoteLinkOpened of someone who had come before.
	Return bool `json:"return,omitempty"`
	// Item is the appointment an appointment note is about, so staff can
	// mark attendance on it.
	Item string `json:"item,omitempty"`
}

// Field is one labelled fact of a Note.
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Staff events: what the staff side tells a conversation (Event.Kind
// KindStaff, the action in Event.Command).
const (
	// StaffTake: a staff member took the conversation over; Event.Data is
	// their first name.
	StaffTake = "take"
	// StaffSay: the staff member wrote Event.Text to the person.
	StaffSay = "say"
	// StaffBack: the staff member handed the conversation back.
	StaffBack = "back"
	// StaffStillWaiting: nobody took the request in time; the person is
	// told they have not been forgotten.
	StaffStillWaiting = "still_waiting"
)

// Desk is the staff side as the dialogs see it: whether someone can take a
// conversation over at all, and when. A nil Desk on the Engine means no
// staff side is connected, and the bot offers no person.
type Desk struct {
	Hours OfficeHours
	// Wait is how soon, within office hours, staff answer a request; the
	// person is told it, and a request nobody took in that time is raised
	// again.
	Wait time.Duration
}

// OfficeHours is when staff answer, per weekday, in the Engine's location.
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
	a, errA := clock(from)
	b, errB := clock(to)
	if !ok || errA != nil || errB != nil || a >= b {
		return span{}, fmt.Errorf("office hours: %q is not a time range such as 09:00-17:00", s)
	}
	return span{a, b}, nil
}

func clock(s string) (int, error) {
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
