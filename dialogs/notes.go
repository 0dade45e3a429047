package dialogs

import (
	"encoding/json"
	"time"
)

// NoteKind says what a Note tells. The values are stored with undelivered
// turns, so they must not change once released.
type NoteKind string

// The kinds of Note. They are the vocabulary between the flows and the
// components that act on notes (staff in Slack, the funnel, alerts, the
// schedule), so they are kept here rather than with each flow.
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
	// NoteForget: the person erased their data; every component must drop
	// what it still holds of them and end a conversation in progress.
	NoteForget NoteKind = "forget"
	// NoteLinkOpened: a sign-up link was opened (Source); Return when the
	// person had come before.
	NoteLinkOpened NoteKind = "link_opened"
	// NoteLinkBad: a /start payload that is not a valid link; Text is the
	// problem.
	NoteLinkBad NoteKind = "link_bad"
	// NoteInterested: the person is interested in a vacancy (in Fields).
	NoteInterested NoteKind = "interested"
	// NoteAlertsOn and NoteAlertsOff: the person asked for, or stopped,
	// new vacancies by message.
	NoteAlertsOn  NoteKind = "alerts_on"
	NoteAlertsOff NoteKind = "alerts_off"
	// NoteMatching: what vacancy matching needs of the person changed
	// (their answers, what "not for me" taught, alerts on or off); Data
	// holds it (see package vacancies), so that the alerts' index stays
	// current without reading conversations.
	NoteMatching NoteKind = "matching"
	// Appointments (Item names the slot or session): booked, cancelled,
	// moved (Item is the new one), given from the waiting list, missed,
	// and attended (for the funnel only).
	NoteBooked    NoteKind = "booked"
	NoteCancelled NoteKind = "cancelled"
	NoteMoved     NoteKind = "moved"
	NotePromoted  NoteKind = "promoted"
	NoteNoShow    NoteKind = "no_show"
	NoteAttended  NoteKind = "attended"
	// NotePhone: the number a coach calls for a phone talk (in Fields),
	// for that coach alone (To).
	NotePhone NoteKind = "phone"
	// NoteInterpreter: someone whose language no coach speaks asks for an
	// interpreter (their language in Fields).
	NoteInterpreter NoteKind = "interpreter"
	// NoteLinked: the conversation of another chat (Item, its id) was
	// carried over to this one (a web chat linked to Telegram): what the
	// components hold of that chat moves here, and it is dropped.
	NoteLinked NoteKind = "linked"
)

// Note is something staff (or the funnel, alerts, the schedule) should
// hear of, produced by a turn and stored with its replies, so that it is
// delivered once the turn is, and neither lost nor doubled by a crash.
// Labels and values are Dutch: staff work in Dutch whatever the person's
// language.
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
	// To names the one staff member a note is for (their id in the staff
	// tool), when no one else may read it: a phone number for its coach.
	To string `json:"to,omitempty"`
	// Data is what a note of a kind that carries more than staff read
	// holds, as JSON, for the component that acts on it (NoteMatching).
	Data json.RawMessage `json:"data,omitempty"`
}

// Field is one labelled fact of a Note.
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Source is where a person first came from: the first sign-up link they
// opened. It goes with every note so that the funnel counts per partner,
// place and link; never who.
type Source struct {
	Code    string `json:"code"`
	Partner string `json:"partner"`
	Place   string `json:"place,omitempty"`
}
