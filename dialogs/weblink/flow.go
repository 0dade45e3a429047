// Package weblink is what the web chat adds to the conversation: carrying
// a web chat over to Telegram (a person who started in the browser gets a
// one-time code there, opens the bot with it, /start w-<code>, and their
// conversation goes on in Telegram at the same step, with everything it
// held), and telling /mydata what the web chat keeps. It depends only on
// package dialogs; its ports (Redeemer, Holder) are package web's.
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

// Holder tells what the web chat keeps of chat for its page: how many
// messages, and whether the person allowed notifications; ok is false for
// a chat that is not a web chat.
type Holder interface {
	WebData(ctx context.Context, chat int64) (messages int, notifications, ok bool, err error)
}

// Flow is the web chat's part in the dialogs.
type Flow struct {
	Codes Redeemer
	// Web, when set, adds the web chat's share to /mydata.
	Web Holder
}

var codeShape = regexp.MustCompile(`^w-[a-z2-9]{8}$`)

// Register implements dialogs.Flow. It must be registered before the
// sign-up links, so that a web code is not counted as a bad link.
func (f Flow) Register(r *dialogs.Router) {
	r.OnStart(f.start)
	if f.Web != nil {
		r.Data(f.data)
	}
}

func (f Flow) data(c *dialogs.Conv) ([]string, map[string]any, error) {
	n, push, ok, err := f.Web.WebData(c.Context(), c.Event().ChatID)
	if err != nil || !ok {
		return nil, nil, err
	}
	lines := []string{c.T("mydata_web", nil)}
	if push {
		lines = append(lines, c.T("mydata_web_push", nil))
	}
	return lines, map[string]any{"web_chat": map[string]any{"messages_kept": n, "notifications": push}}, nil
}

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
