// Package dialogs is Werkwijzer's conversation engine: the types every
// channel speaks (Event in, Reply out), the versioned State of one
// conversation, the Router that sends each event to the flow that owns it,
// and the frame every conversation shares (language, consent, menu, help).
// The flows themselves (orientation, data rights, booking, vacancies, the
// staff handover, sign-up links) live in the sub-packages and register
// their buttons, commands and steps on an Engine; cmd/werkwijzer decides
// which are on.
//
// It must not import Telegram, Slack or Redis packages: the channels in
// bot/ translate to and from these types, store/ implements Sessions, and
// every flow reaches the outside world only through the small interfaces
// (ports) it declares itself, called with the turn's context. So every
// flow can be tested as a script of events and expected replies
// (package dialogstest).
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
	// is the action (see package handover).
	KindStaff
	// KindAlert is a new vacancy for someone who asked for alerts;
	// Event.Data is its id (see package vacancies).
	KindAlert
	// KindNotice is the schedule's news for the person: a reminder, a
	// seat from the waiting list, a change (see package booking).
	KindNotice
	// KindContact is a phone number the person shared with the channel's
	// own button (Reply.Keys, Key.Contact); Event.Text holds it.
	KindContact
)

// Proactive reports whether events of k come from us, not from the person:
// they do not count as the person's activity, and nothing is said to a
// chat we hold nothing on.
func (k Kind) Proactive() bool { return k == KindStaff || k == KindAlert || k == KindNotice }

// Event is one thing a person did in a chat, or one thing the outside
// world tells their conversation.
type Event struct {
	ChatID   int64
	UpdateID int64 // channel's sequence number, for de-duplication; 0 when the channel has none
	Kind     Kind
	Text     string
	Command  string
	Data     string
	LangHint string // the language the channel reports for the person, if any
	// Ref is the channel's handle on the message the event came from (the
	// message whose button was pressed), kept with undelivered replies so a
	// Replace still finds it after a restart.
	Ref int
	// Typed marks a KindButton that the person typed (the label or number
	// of a button on offer) rather than pressed: typing a chosen
	// option's name again means "this one", not "not this one any more".
	Typed bool `json:"typed,omitempty"`
}

// Button is one inline button. Data travels back in an Event of KindButton and
// must stay within Telegram's 64 bytes. A button with a URL opens that page
// instead (a vacancy's application form, a map) and sends no event; its
// Data is then empty.
type Button struct {
	Text string
	Data string
	// Role, when set, is what the button means (yes, back, done...), so
	// that its synonyms typed in any language pick it.
	Role Role `json:",omitempty"`
	// URL makes a link button: pressing it opens the page, nothing
	// comes back to the bot.
	URL string `json:",omitempty"`
}

// Key is one button of the keyboard a channel shows in place of the
// person's own (Telegram's reply keyboard): pressing it sends its text, or,
// for a Contact key, the person's phone number (an Event of KindContact).
type Key struct {
	Text    string
	Contact bool
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
	// Keys replace the person's keyboard until they press one, to share
	// something only the channel can (their phone number). A reply has
	// Keys or Buttons, never both: a message carries one keyboard.
	Keys [][]Key `json:"keys,omitempty"`
	// RemoveKeys gives the person their own keyboard back after Keys; a
	// reply that does it has no Buttons either.
	RemoveKeys bool `json:"remove_keys,omitempty"`
	// NoPreview asks the channel not to show a preview of a link in the
	// text: a vacancy card names the employer's site, and a preview would
	// push the card itself off a phone's screen.
	NoPreview bool `json:",omitempty"`
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
	// Notes are for staff and the other components that act on what
	// happened; they are stored with the replies, so a crash neither
	// loses them nor, since each has a stable ID, doubles them.
	Notes []Note `json:"notes,omitempty"`
}

// Forgets reports whether the turn erased the person (/forget): every
// component that holds something of them must then drop it.
func (t *Turn) Forgets() bool {
	for _, n := range t.Notes {
		if n.Kind == NoteForget {
			return true
		}
	}
	return false
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
