// Package dialogs is Werkwijzer's conversation engine and every flow in it:
// language, consent, orientation, next step, menu, and the privacy commands.
//
// It speaks plain Go types (Event in, Reply out) and must not import Telegram,
// Slack or Redis packages: the channels in bot/ translate to and from these
// types and store/ implements Sessions, so every flow can be tested as a
// script of events and expected replies.
package dialogs

import (
	"context"
	"time"
)

// Kind says what a person sent, as far as a flow cares.
type Kind int

const (
	// KindText is a typed message.
	KindText Kind = iota
	// KindCommand is a /command; Event.Command holds its name, Event.Text its argument.
	KindCommand
	// KindButton is a press on an inline button; Event.Data holds its callback data.
	KindButton
	// KindMedia is anything we cannot read: stickers, photos, voice, locations, contacts.
	KindMedia
	// KindEdited is an edit of an earlier message; we answer but do not re-process it.
	KindEdited
	// KindStaff comes from the staff side, not the person: Event.Command
	// is one of the Staff* actions.
	KindStaff
	// KindAlert is a new vacancy for someone who asked for alerts;
	// Event.Data is its id.
	KindAlert
	// KindNotice is the schedule's news for the person: a reminder, a
	// seat from the waiting list, a change; Event.Data is
	// "<notice>:<item id>" (see the Notice constants).
	KindNotice
)

// Event is one thing a person did in a chat.
type Event struct {
	ChatID   int64
	UpdateID int64 // channel's sequence number, for de-duplication; 0 when the channel has none
	Kind     Kind
	Text     string
	Command  string
	Data     string
	LangHint string // the language the channel reports for the person, if any
	// Link is what the payload of a /start stands for, when it is a valid
	// sign-up link; LinkProblem says why it is not. The Service fills both
	// in; channels leave them empty.
	Link        *Link       `json:"-"`
	LinkProblem LinkProblem `json:"-"`
	// Offers are the vacancies a jobs button shows, from offset JobsAt,
	// and Offer the one a "not for me" was about; the Service fills them.
	Offers []JobOffer `json:"-"`
	Offer  *JobOffer  `json:"-"`
	JobsAt int        `json:"-"`
	// Slots are what a booking button lists (from offset SlotsAt), Slot
	// the one it is about, and Booking what a book, wait, cancel or move
	// came to; the Service fills them.
	Slots   []Slot   `json:"-"`
	SlotsAt int      `json:"-"`
	Slot    *Slot    `json:"-"`
	Booking *Booking `json:"-"`
	// Ref is the channel's handle on the message the event came from (the
	// message whose button was pressed), kept with undelivered replies so a
	// Replace still finds it after a restart.
	Ref int
}

// Button is one inline button. Data travels back in an Event of KindButton and
// must stay within Telegram's 64 bytes.
type Button struct {
	Text string
	Data string
}

// Document is a file sent along with a reply, such as the /mydata export.
type Document struct {
	Name    string
	Content []byte
	Caption string
}

// Reply is one message to send to the person.
type Reply struct {
	Text    string
	Buttons [][]Button
	// Replace asks the channel to update the message whose button was pressed
	// instead of sending a new one, so a multi-select does not flood the chat.
	Replace  bool
	Document *Document
}

// MaxCallbackData is Telegram's limit on inline button data, in bytes.
const MaxCallbackData = 64

// Turn is one handled event and the replies it still owes the person.
type Turn struct {
	ChatID  int64   `json:"chat"`
	Update  int64   `json:"update"`
	Ref     int     `json:"ref,omitempty"`
	Replies []Reply `json:"replies"`
	// Lang is the language the replies are in, for an apology should
	// delivery fail.
	Lang string `json:"lang,omitempty"`
	// Sent counts the replies already delivered, so that a restart in the
	// middle of a turn sends only the rest.
	Sent int `json:"sent,omitempty"`
	// Notes are for staff; they are stored with the replies, so a crash
	// neither loses them nor, since each has a stable ID, doubles them.
	Notes []Note `json:"notes,omitempty"`
}

// Sessions keeps one conversation State per chat, with the replies of the
// last turn until they are delivered (the outbox). Implementations must make
// a Save visible to the next Load of the same chat, store the state and the
// outbox in one atomic write, and on a nil state remove every trace of the
// chat but the outbox, which Delivered then removes.
type Sessions interface {
	Load(ctx context.Context, chatID int64) (*State, *Turn, error)
	Save(ctx context.Context, chatID int64, st *State, ttl time.Duration, out *Turn) error
	Progress(ctx context.Context, out *Turn) error
	Delivered(ctx context.Context, turns []*Turn) error
}

// Clock tells the time; tests move it instead of sleeping.
type Clock func() time.Time
