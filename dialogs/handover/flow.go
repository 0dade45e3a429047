// Package handover is the flow that puts a person in touch with a staff
// member: they ask for someone, are told when to expect an answer (office
// hours), may type what they want to ask while they wait, and once a staff
// member takes over in Slack their words go to that staff member and the
// bot keeps quiet until it is handed back. It depends only on package
// dialogs (and orientation, for what staff may see); the staff side
// reaches it through events of dialogs.KindStaff.
package handover

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
)

// Desk is the staff side as people are told about it: when staff answer,
// and how soon. One value is shared by this flow and the staff side in
// Slack, so the person is told what staff work by.
type Desk struct {
	Hours clock.OfficeHours
	// Wait is how soon, within office hours, staff answer a request; the
	// person is told it, and a request nobody took in that time is raised
	// again.
	Wait time.Duration
}

// Staff events: what the staff side tells a conversation (Event.Kind
// dialogs.KindStaff, the action in Event.Command).
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

// MaxPending bounds what a person can leave for staff while waiting, so
// that a stuck request cannot grow the stored state without end.
const MaxPending = 20

// Request is a request to talk to a person, from the moment it is made
// until the staff member hands the conversation back.
type Request struct {
	// Active is false while the person waits, true once a staff member
	// took over; the bot stays silent then.
	Active bool      `json:"active,omitempty"`
	Since  time.Time `json:"since"`
	// Staff is the first name of the staff member who took over.
	Staff string `json:"staff,omitempty"`
	// Pending holds what the person typed while waiting, handed to the
	// staff member when they take over and then dropped.
	Pending []string `json:"pending,omitempty"`
}

// State is the flow's part of a conversation.
type State struct {
	Open *Request `json:"handover,omitempty"`
}

// Part is where the flow keeps its State.
var Part = dialogs.Part[State]{Key: "handover"}

// Busy reports whether a staff member has the conversation now: the bot
// then sends nothing of its own.
func Busy(c *dialogs.Conv) bool {
	r := Part.Of(c).Open
	return r != nil && r.Active
}

// Flow is the handover. Register it only when a staff side can answer.
type Flow struct {
	Desk Desk
}

// Register implements dialogs.Flow.
func (f Flow) Register(r *dialogs.Router) {
	r.Button("human:ask", dialogs.Consented(f.ask))
	r.Button("human:cancel", cancel)
	r.Intercept(during)
	r.Inject(dialogs.KindStaff, staffEvent)
	r.Data(data)
	r.Escape(func(c *dialogs.Conv) []dialogs.Button {
		if !c.Consented() {
			return nil // before that we hold nothing we could hand to staff
		}
		if Part.Of(c).Open != nil && c.Question() != "" {
			return nil
		}
		return personRow(c)
	})
}

func personRow(c *dialogs.Conv) []dialogs.Button {
	return []dialogs.Button{{Text: c.T("menu_person", nil), Data: "human:ask"}}
}

func cancelRow(c *dialogs.Conv) []dialogs.Button {
	return []dialogs.Button{{Text: c.T("btn_handover_cancel", nil), Data: "human:cancel"}}
}

// ask files a request for a staff member and tells the person when to
// expect an answer: within Desk.Wait in office hours, else from the next
// opening.
func (f Flow) ask(c *dialogs.Conv) error {
	s := Part.Of(c)
	if r := s.Open; r != nil {
		if r.Active {
			c.Say(c.T("handover_active_hint", map[string]any{"Name": r.Staff}))
			return nil
		}
		c.Say(c.T("handover_already_waiting", nil), cancelRow(c))
		return nil
	}
	now := c.Now()
	s.Open = &Request{Since: now}
	// What the person wrote at length before asking is their question:
	// the staff member gets it when they take over.
	for _, k := range dialogs.TakeKept(c) {
		s.Open.Pending = append(s.Open.Pending, k.Text)
	}
	local := now.In(clock.Brussels)
	if next := f.Desk.Hours.NextOpen(local); !next.IsZero() && !next.Equal(local) {
		c.Say(c.T("handover_requested_closed", map[string]any{
			"Date": c.Date(next), "Time": next.Format("15:04")}), cancelRow(c))
	} else {
		wait := c.N("unit_minutes", max(1, int(f.Desk.Wait/time.Minute)), nil)
		c.Say(c.T("handover_requested", map[string]any{"Wait": wait}), cancelRow(c))
	}
	n := dialogs.Note{Kind: dialogs.NoteHandover, AtQuestion: orientation.AtQuestion(c)}
	n.Fields, n.Advice = orientation.Shared(c)
	c.Note(n)
	return nil
}

func cancel(c *dialogs.Conv) error {
	s := Part.Of(c)
	switch {
	case s.Open == nil:
		return c.OldButton()
	case s.Open.Active:
		c.Say(c.T("handover_active_hint", map[string]any{"Name": s.Open.Staff}))
		return nil
	}
	s.Open = nil
	c.Note(dialogs.Note{Kind: dialogs.NoteHandoverCancel})
	c.Say(c.T("handover_cancelled", nil))
	return c.Render()
}

// during handles what a person does while a request is open. It leaves to
// the ordinary flow (done false) the privacy commands and the language,
// which always work, the request's own buttons, and, while waiting,
// everything but free text.
func during(c *dialogs.Conv) (bool, error) {
	r := Part.Of(c).Open
	if r == nil {
		return false, nil
	}
	ev := c.Event()
	verb, _, _ := dialogs.SplitData(ev.Data)
	if ev.Kind == dialogs.KindButton && verb == "human" {
		return false, nil
	}
	if !r.Active {
		if ev.Kind != dialogs.KindText || c.StepTakesText() {
			return false, nil // the question takes typed answers
		}
		text := strings.TrimSpace(ev.Text)
		switch {
		case text == "":
			return false, nil
		case utf8.RuneCountInString(text) > dialogs.MaxTextRunes:
			c.Say(c.T("bad_too_long", nil))
		case len(r.Pending) >= MaxPending:
			c.Say(c.T("handover_already_waiting", nil), cancelRow(c))
		default:
			r.Pending = append(r.Pending, text)
			c.Say(c.T("handover_noted", nil), cancelRow(c))
		}
		return true, nil
	}
	name := map[string]any{"Name": r.Staff}
	switch ev.Kind {
	case dialogs.KindText:
		text := strings.TrimSpace(ev.Text)
		switch {
		case text == "":
		case utf8.RuneCountInString(text) > dialogs.MaxTextRunes:
			c.Say(c.T("bad_too_long", nil))
		default:
			// The staff member answers; the bot says nothing.
			c.Note(dialogs.Note{Kind: dialogs.NoteRelay, Text: text})
		}
		return true, nil
	case dialogs.KindMedia:
		c.Say(c.T("handover_text_only", name))
		return true, nil
	case dialogs.KindCommand:
		switch ev.Command {
		case "mydata", "forget", "language":
			return false, nil
		}
	case dialogs.KindButton:
		switch verb {
		case "forget", "lang":
			return false, nil
		}
	}
	c.Say(c.T("handover_active_hint", name))
	return true, nil
}

// data tells /mydata about an open request: since when, who has it, and
// what the person typed for staff while waiting.
func data(c *dialogs.Conv) ([]string, map[string]any, error) {
	r := Part.Of(c).Open
	if r == nil {
		return nil, nil, nil
	}
	var lines []string
	if r.Active {
		lines = append(lines, c.T("mydata_handover_taken", map[string]any{"Date": c.Date(r.Since), "Name": r.Staff}))
	} else {
		lines = append(lines, c.T("mydata_handover_waiting", map[string]any{"Date": c.Date(r.Since)}))
	}
	if len(r.Pending) > 0 {
		lines = append(lines, c.T("mydata_handover_pending", map[string]any{"List": "\n    – " + strings.Join(r.Pending, "\n    – ")}))
	}
	x := map[string]any{"since": r.Since, "taken": r.Active}
	if r.Staff != "" {
		x["staff_member"] = r.Staff
	}
	if len(r.Pending) > 0 {
		x["typed_for_staff"] = r.Pending
	}
	return lines, map[string]any{"request_for_a_person": x}, nil
}

// staffEvent applies what the staff side reports.
func staffEvent(c *dialogs.Conv) error {
	ev := c.Event()
	s := Part.Of(c)
	r := s.Open
	switch ev.Command {
	case StaffTake:
		if r == nil {
			r = &Request{Since: c.Now()}
			s.Open = r
		}
		r.Active, r.Staff = true, ev.Data
		c.Say(c.T("handover_taken", map[string]any{"Name": r.Staff}))
		if len(r.Pending) > 0 {
			c.Note(dialogs.Note{Kind: dialogs.NoteRelay, Text: strings.Join(r.Pending, "\n")})
			r.Pending = nil
		}
	case StaffSay:
		if strings.TrimSpace(ev.Text) == "" {
			return nil
		}
		name := ev.Data
		if r != nil && r.Staff != "" && name == "" {
			name = r.Staff
		}
		// An answer longer than Telegram takes goes in parts, each with
		// the staff member's name, cut where a reader would pause.
		frame := units(c.T("staff_message", map[string]any{"Name": name, "Text": ""}))
		for _, part := range split(ev.Text, MaxText-frame) {
			c.Say(c.T("staff_message", map[string]any{"Name": name, "Text": part}))
		}
	case StaffBack:
		if r == nil {
			return nil
		}
		s.Open = nil
		c.Say(c.T("handover_ended", map[string]any{"Name": r.Staff}))
		return c.Render()
	case StaffStillWaiting:
		if r == nil || r.Active {
			return nil
		}
		c.Say(c.T("handover_still_waiting", nil), cancelRow(c))
	}
	return nil
}
