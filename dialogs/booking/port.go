// Package booking is the flow that books coaching talks and info sessions:
// lists of free times four at a time, one tap to book, a waiting list for a
// full session, cancel and move from "My appointments", a calendar file
// with every confirmation, and the schedule's news (reminders, a seat from
// the waiting list, a change by staff) shown once each. The schedule itself
// is behind the Scheduler port (package schedule implements it over Redis).
// It depends only on package dialogs and its sibling flows.
package booking

import (
	"context"
	"strings"
	"time"

	"github.com/werkwijzer/werkwijzer/dialogs"
)

// Slot is a coaching talk or an info session as one person sees it: what
// can be booked, or what they hold.
type Slot struct {
	ID string
	// Version changes when the time or place changes, so that a press on
	// a button from an older listing is caught.
	Version  string
	Session  bool // an info session; false is a coaching talk
	Start    time.Time
	Duration time.Duration
	Address  string
	// Mode is "phone" or "video" for a talk that happens at a distance.
	Mode  string
	Coach string
	// CoachStaff is the coach's id in the staff tool: what only the coach
	// may see (the number to call) goes to them alone.
	CoachStaff string
	Languages  []string // the coach's, or those the session is held in
	// Interpreter says an interpreter can come on request.
	Interpreter bool
	// Link is a video talk's link, once there is one.
	Link string
	// Title is a session's, in Dutch as staff wrote it; Titles and
	// Descriptions are per language (Dutch the fallback).
	Title        string
	Titles       map[string]string
	Descriptions map[string]string
	House        string
	Sector       string
	SeatsFree    int
	// Reminders are those a booking made now still gets: what a
	// confirmation may promise.
	Reminders []Notice
	// Held and Waiting say where the person stands; Cancelled that staff
	// took it out of the schedule.
	Held, Waiting, Cancelled bool
}

// Outcome is what a book, wait, cancel or move came to. The schedule
// speaks the same values.
type Outcome string

// The outcomes.
const (
	Booked      Outcome = "booked"
	Full        Outcome = "full"         // offer the waiting list
	Already     Outcome = "already"      // holds this one already
	HasCoaching Outcome = "has_coaching" // holds another future coaching talk
	Gone        Outcome = "gone"         // removed since it was listed
	Changed     Outcome = "changed"      // moved since it was listed
	Past        Outcome = "past"
	Started     Outcome = "started"      // begun: no cancel, move or confirm any more
	Waiting     Outcome = "waiting"      // on the waiting list
	NotFull     Outcome = "not_full"     // a seat is free: book it instead
	Cancelled   Outcome = "cancelled"    // the seat is given back
	LeftWait    Outcome = "left_waiting" // off the waiting list
	NotBooked   Outcome = "not_booked"
)

// Result is what a book, wait, cancel or move came to.
type Result struct {
	Outcome Outcome
	// Slot is what it was about, as it is now (nil when it is gone).
	Slot *Slot
}

// Scheduler books coaching talks and info sessions. Every method reads the
// time itself, so that a listing and a booking agree on what is past.
type Scheduler interface {
	// Free lists future coaching talks with a free seat, those whose
	// coach speaks lang first.
	Free(ctx context.Context, lang string, offset, n int) ([]Slot, error)
	// Sessions lists future info sessions, those of sectors first, full
	// ones too (they offer the waiting list).
	Sessions(ctx context.Context, sectors []string, offset, n int) ([]Slot, error)
	// Mine lists chat's future bookings and waiting-list places.
	Mine(ctx context.Context, chat int64) ([]Slot, error)
	// Slot is id as chat stands with it; nil when it never existed or is
	// long gone.
	Slot(ctx context.Context, chat int64, id string) (*Slot, error)
	Book(ctx context.Context, chat int64, id, version string) (Result, error)
	Wait(ctx context.Context, chat int64, id string) (Result, error)
	Cancel(ctx context.Context, chat int64, id string) (Result, error)
	Move(ctx context.Context, chat int64, from, to, version string) (Result, error)
}

// Calendar makes the calendar file of a confirmation.
type Calendar func(s Slot, chat int64, text CalendarText) []byte

// CalendarText is a calendar file's words, in the person's language. Key
// names the booking in the file, so that a later file with the same key
// replaces it in the calendar.
type CalendarText struct {
	Key, Summary, Description, Location string
	// Seq counts the files sent before under Key (SEQUENCE); Cancel
	// makes a file that takes the entry out of the calendar.
	Seq    int
	Cancel bool
}

// Notice is what the schedule tells a person by itself. The schedule
// queues these values.
type Notice string

// The notices.
const (
	DayBefore   Notice = "day"       // the reminder the day before
	HoursBefore Notice = "hours"     // the reminder two hours before
	Promoted    Notice = "promoted"  // a seat from the waiting list
	NoShow      Notice = "noshow"    // staff marked them absent
	Attended    Notice = "attended"  // staff marked them present
	ItemCancel  Notice = "cancelled" // staff took the item out
	ItemMoved   Notice = "moved"     // staff changed its time or place
	VideoLink   Notice = "link"      // the coach gave a video talk's link
)

// NoticeEvent is the event that shows notice about item to chat.
func NoticeEvent(chat int64, notice Notice, item string) dialogs.Event {
	return dialogs.Event{ChatID: chat, Kind: dialogs.KindNotice, Data: string(notice) + ":" + item}
}

func parseNotice(ev dialogs.Event) (Notice, string) {
	n, item, _ := strings.Cut(ev.Data, ":")
	return Notice(n), item
}

// Records tells /mydata everything the schedule keeps on a person: every
// appointment they hold or held, their places on waiting lists, what staff
// marked (came, did not come) and the reminders and news planned for
// them. Package schedule implements it.
type Records interface {
	Records(ctx context.Context, chat int64) ([]Record, error)
}

// Record is one appointment as the schedule keeps it for a person.
type Record struct {
	Slot Slot
	// Came is what staff marked: nil for not marked.
	Came *bool
	// Planned are the reminders and news still to send about it
	// (Notice values).
	Planned []Notice
}
