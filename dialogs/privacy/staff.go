package privacy

import (
	"context"
	"time"

	"github.com/werkwijzer/werkwijzer/dialogs"
)

// StaffSide tells what the staff side holds on a person, so that /mydata
// shows it too: what staff were told and where Slack shows it. Package
// staff implements it; nil when Slack is not connected.
type StaffSide interface {
	Held(ctx context.Context, chat int64) (StaffHeld, error)
}

// StaffHeld is what the staff side keeps on one person. Its JSON is the
// "staff" part of the /mydata file.
type StaffHeld struct {
	// Reference is the pseudonym staff know the person by.
	Reference string `json:"reference"`
	// Request is their open request for a person as staff see it.
	Request *StaffRequest `json:"open_request,omitempty"`
	// Queued are notifications about them not yet posted to Slack.
	Queued []StaffNotification `json:"waiting_to_be_posted,omitempty"`
	// Messages are the Slack messages about or from them.
	Messages []StaffMessage `json:"slack_messages,omitempty"`
	// InterestedThisHour counts the "interested" posts made for them in
	// the current hour, against the cap that keeps one person from
	// flooding the channel.
	InterestedThisHour int `json:"interested_posts_this_hour,omitempty"`
}

// Empty reports whether the staff side holds nothing on the person.
func (h StaffHeld) Empty() bool {
	return h.Request == nil && len(h.Queued) == 0 && len(h.Messages) == 0 && h.InterestedThisHour == 0
}

// StaffRequest is an open request for a person.
type StaffRequest struct {
	Since time.Time `json:"since,omitzero"`
	// TakenBy is the first name of the staff member who has it.
	TakenBy string `json:"taken_by,omitempty"`
	// Shown is what its message in Slack shows staff.
	Shown StaffNotification `json:"shown_to_staff"`
}

// StaffNotification is one message to staff about the person: what
// happened, when, and the facts it shows (Dutch labels, as staff see them).
type StaffNotification struct {
	What   string          `json:"what"`
	At     time.Time       `json:"at,omitzero"`
	Fields []dialogs.Field `json:"fields,omitempty"`
}

// StaffMessage is one Slack message about or from the person.
type StaffMessage struct {
	// What is a notification's kind (signup, oriented, handover, …),
	// "thread" for what the bot wrote in their conversation's thread (their
	// own words among it), or "human" for what someone wrote in Slack
	// about or to them.
	What    string `json:"what"`
	Channel string `json:"channel"`
	TS      string `json:"ts"`
}
