// Package weblink carries a web chat over to Telegram: a person who
// started in the browser gets a one-time code there, opens the bot with it
// (/start w-<code>), and their conversation goes on in Telegram at the same
// step, with everything it held. It depends only on package dialogs; the
// code is redeemed through the Redeemer port (package web implements it).
package weblink

import (
	"context"
	"errors"
	"regexp"
	"strconv"

	"github.com/werkwijzer/werkwijzer/dialogs"
)

// Prefix starts a /start payload that is a web chat's code, never a
// sign-up link's (those have no "-" at this place: 16 characters of
// base64url that a link maker draws at random would, once in 64; a code
// is "w-" and eight more).
const Prefix = "w-"

// Redeemer hands over the conversation of the web chat whose one-time
// code is code, to Telegram chat to: its state, and its chat id (noted so
// that what else is kept of it moves too). An error of kind
// dialogs.ErrNotFound means the code is unknown, used by another chat, or
// expired; redeeming again for the same chat gives the same answer (a turn
// that failed is tried again).
type Redeemer interface {
	Redeem(ctx context.Context, code string, to int64) (st *dialogs.State, from int64, err error)
}

// Flow is the Telegram end of linking a web chat.
type Flow struct {
	Codes Redeemer
}

var codeShape = regexp.MustCompile(`^w-[a-z2-9]{8}$`)

// Register implements dialogs.Flow. It must be registered before the
// sign-up links, so that a web code is not counted as a bad link.
func (f Flow) Register(r *dialogs.Router) { r.OnStart(f.start) }

func (f Flow) start(c *dialogs.Conv) (bool, error) {
	code := c.Event().Text
	if !codeShape.MatchString(code) || f.Codes == nil {
		return false, nil
	}
	if st := c.State(); st != nil && st.Consented() {
		// Two conversations are not merged: the person chooses.
		c.Say(c.T("link_has_chat", nil))
		return true, nil
	}
	st, from, err := f.Codes.Redeem(c.Context(), code[len(Prefix):], c.Event().ChatID)
	switch {
	case errors.Is(err, dialogs.ErrNotFound):
		c.Say(c.T("link_code_bad", nil))
		return true, nil
	case err != nil:
		return true, err
	}
	c.Adopt(st)
	c.Say(c.T("link_done", nil))
	c.Note(dialogs.Note{Kind: dialogs.NoteLinked, Item: strconv.FormatInt(from, 10)})
	return true, c.Render()
}
