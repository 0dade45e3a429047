// Package privacy is the flow of a person's data rights: /mydata shows
// everything every flow holds on them (readable, and as a JSON file), and
// /forget erases it all after a confirmation. The flows say what they hold
// through dialogs.Router.Data; erasing is a NoteForget that every component
// holding personal data acts on. It depends only on package dialogs.
package privacy

import (
	"encoding/json"
	"strings"

	"github.com/werkwijzer/werkwijzer/dialogs"
)

// Flow is the data-rights flow.
type Flow struct {
	// Staff tells what the staff side holds; nil when there is none.
	Staff StaffSide
}

// Register implements dialogs.Flow.
func (f Flow) Register(r *dialogs.Router) {
	myData := func(c *dialogs.Conv) error { return f.myData(c) }
	r.Command("mydata", myData)
	r.Command("forget", confirm)
	r.Button("menu:mydata", dialogs.Consented(myData))
	r.Button("menu:forget", dialogs.Consented(confirm))
	r.Button("forget", pressForget)
}

// confirm asks before erasing: /forget cannot be undone. It says what it
// will undo besides the data (the bookings it cancels), as the flows tell
// it.
func confirm(c *dialogs.Conv) error {
	text := c.T("forget_confirm", nil)
	if c.Consented() {
		lines, err := c.ForgetLines()
		if err != nil {
			return err
		}
		if len(lines) > 0 {
			text += "\n\n" + strings.Join(lines, "\n")
		}
	}
	// Not deleting comes first, where the button that led here was: a
	// second tap on the same spot must not erase everything.
	c.Say(text, []dialogs.Button{
		{Text: c.T("btn_forget_no", nil), Data: "forget:no", Role: dialogs.RoleNo},
		{Text: c.T("btn_forget_yes", nil), Data: "forget:yes", Role: dialogs.RoleYes}})
	return nil
}

func pressForget(c *dialogs.Conv) error {
	switch c.Event().Data {
	case "forget:yes":
		c.Erase()
		c.Note(dialogs.Note{Kind: dialogs.NoteForget})
		c.Say(c.T("forget_done", nil))
		return nil
	case "forget:no":
		c.Say(c.T("forget_cancelled", nil))
		return c.Render()
	}
	return c.OldButton()
}

// myData shows everything held: the frame's facts, then what each flow
// says it holds, readable and as a JSON document with the same content.
func (f Flow) myData(c *dialogs.Conv) error {
	st := c.State()
	e := c.Engine()
	expires := st.LastSeen.Add(e.TTL(st))
	lines := []string{c.T("mydata_title", nil),
		c.T("mydata_language", map[string]any{"Language": e.Texts.Name(st.Lang)})}
	if st.Consented() {
		lines = append(lines, c.T("mydata_consent", map[string]any{"Date": c.Date(st.Agreed)}))
	}
	flowLines, export, err := c.Data()
	if err != nil {
		return err
	}
	lines = append(lines, flowLines...)
	if f.Staff != nil && st.Consented() {
		held, err := f.Staff.Held(c.Context(), c.Event().ChatID)
		if err != nil {
			return err
		}
		if !held.Empty() {
			lines = append(lines, c.T("mydata_staff", map[string]any{"Ref": held.Reference, "Count": len(held.Messages)}))
			if len(held.Queued) > 0 {
				lines = append(lines, c.T("mydata_staff_queued", map[string]any{"Count": len(held.Queued)}))
			}
			export["staff"] = held
		}
	}
	lines = append(lines,
		c.T("mydata_last_seen", map[string]any{"Date": c.Date(st.LastSeen)}),
		"", c.T("mydata_expires", map[string]any{"Date": c.Date(expires)}))
	export["language"] = st.Lang
	export["current_step"] = st.Step
	export["first_contact"] = st.Created
	export["last_message"] = st.LastSeen
	export["erased_after"] = expires
	if st.Consented() {
		export["agreed_at"] = st.Agreed
	}
	doc, err := json.MarshalIndent(export, "", "  ")
	if err != nil {
		return err
	}
	c.Send(dialogs.Reply{Text: strings.Join(lines, "\n"),
		Document: &dialogs.Document{Name: "werkwijzer-mydata.json", Content: doc, Caption: c.T("mydata_file_caption", nil)}})
	return nil
}
