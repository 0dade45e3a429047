package staff

import "time"

// Kind says what happened to a jobseeker; it picks the title staff see and,
// through Config, the channel it goes to.
type Kind string

// The kinds of notification. The values are stored in the outbox, so they
// must not change once released.
const (
	// KindSignup: someone agreed to the privacy notice and started.
	KindSignup Kind = "signup"
	// KindOriented: someone finished the orientation and got advice.
	KindOriented Kind = "oriented"
	// KindHandover: someone asks to talk to a person; staff take over.
	KindHandover Kind = "handover"

	// KindBooked: an appointment was booked; staff mark attendance on it.
	KindBooked Kind = "booked"
	// KindCancelled: an appointment was cancelled.
	KindCancelled Kind = "cancelled"
	// KindMoved: an appointment was moved to another time.
	KindMoved Kind = "moved"
	// KindPromoted: a seat given back went to the first person waiting.
	KindPromoted Kind = "promoted"
	// KindNoShow: someone did not come to an appointment.
	KindNoShow Kind = "no_show"
	// KindInterested: someone showed interest in a vacancy.
	KindInterested Kind = "interested"
	// KindMessage: words of a person whose conversation has no thread (any
	// more) to go to; rare, but never dropped.
	KindMessage Kind = "message"
	// KindDigest: the weekly sign-up link figures of one partner.
	KindDigest Kind = "digest"
	// KindPhone: the number a coach calls for a phone talk, for that coach
	// alone (a direct message when the slot names their Slack id).
	KindPhone Kind = "phone"
	// KindInterpreter: someone whose language no coach speaks asks for an
	// interpreter.
	KindInterpreter Kind = "interpreter"
)

// Kinds lists every kind, so that configuration and tests can go over all
// of them.
var Kinds = []Kind{KindSignup, KindOriented, KindHandover, KindBooked, KindCancelled, KindMoved, KindPromoted, KindNoShow, KindInterested, KindMessage, KindDigest,
	KindPhone, KindInterpreter}

// Notification is one message to staff about one jobseeker. It is stored
// in the outbox as JSON until Slack has it, so its fields are the whole
// message: nothing is looked up when it is posted.
type Notification struct {
	// ID makes Enqueue idempotent: a second notification with the same ID
	// (a turn delivered again after a crash) is dropped. Empty: no check.
	ID   string `json:"id,omitempty"`
	Kind Kind   `json:"kind"`
	// Again counts how often an unanswered handover was raised again.
	Again int `json:"again,omitempty"`
	// ChatRef is a pseudonymous reference to the conversation, the only
	// identifier staff see; the Telegram chat id never goes into Slack.
	ChatRef string `json:"ref"`
	// ChatID is kept only so that /forget can find the entry and a later
	// handover can reach the person; it is never shown.
	ChatID int64 `json:"chat"`
	// Lang is the jobseeker's language code (locales), so staff know which
	// language to answer in.
	Lang string `json:"lang"`
	// Fields are the facts, with Dutch labels: staff read Dutch.
	Fields []Field `json:"fields,omitempty"`
	// At is when it happened (not when it is posted, which may be later).
	At time.Time `json:"at"`
	// Item is the appointment of a booking, for the attendance buttons.
	Item string `json:"item,omitempty"`
	// Channel, when set, is where it goes instead of its kind's channel:
	// a staff member's member id, so that only they read it (Slack posts
	// it as a direct message from the app).
	Channel string `json:"channel,omitempty"`
}

// Field is one labelled fact of a Notification.
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Config says where notifications go, so that for instance handovers can go
// to the channel of the coaches on duty and the rest to a quieter one.
type Config struct {
	// DefaultChannel receives every kind that Channels does not name.
	DefaultChannel string
	// Channels overrides the channel per kind.
	Channels map[Kind]string
}

// ChannelFor returns the channel of kind k: its override, else the default.
func (c Config) ChannelFor(k Kind) string {
	if ch := c.Channels[k]; ch != "" {
		return ch
	}
	return c.DefaultChannel
}
