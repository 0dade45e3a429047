// Package bot holds Werkwijzer's channels, Telegram and the terminal, and the
// runtime that feeds what people send to the dialogs and sends the answers
// back.
//
// It translates between channel types (go-telegram/bot's models, lines of
// text) and dialogs' Event and Reply; conversation logic belongs in dialogs,
// persistence in store.
package bot

import (
	"context"
	"errors"
	"log/slog"
	"runtime/debug"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/locales"
)

// Runtime runs one event at a time through the dialogs service, never
// lets one conversation's bug stop another, and hands each turn's notes to
// the components that act on them. The channels order events per chat
// (Telegram's per-chat queues) and share one Runtime, so that Telegram and
// the terminal deliver notes the same way.
type Runtime struct {
	Service *dialogs.Service
	Log     *slog.Logger
	// Receivers act on each turn's notes (staff in Slack, the funnel,
	// alerts), before its replies go out.
	Receivers []NoteReceiver
	// Forgetters drop what they hold of a person whose turn erased them
	// (/forget), before the goodbye goes out.
	Forgetters []Forgetter
}

// NoteReceiver acts on a turn's notes. Delivering the same turn again
// (after a crash) must not count or tell anything twice.
type NoteReceiver interface {
	Deliver(ctx context.Context, turn *dialogs.Turn) error
}

// Forgetter is a component that holds personal data: Forget drops all it
// holds of chat. It must be safe to call again (a turn delivered twice).
type Forgetter interface {
	Forget(ctx context.Context, chat int64) error
}

// Notes hands turn's notes to every receiver and, when the turn erased the
// person, has every forgetter drop them. It does nothing for a turn whose
// delivery had already begun (its notes went with the first reply).
func (r *Runtime) Notes(ctx context.Context, turn *dialogs.Turn) error {
	if len(turn.Notes) == 0 || turn.Sent > 0 {
		return nil
	}
	for _, rc := range r.Receivers {
		if err := rc.Deliver(ctx, turn); err != nil {
			return err
		}
	}
	if turn.Forgets() {
		for _, f := range r.Forgetters {
			if err := f.Forget(ctx, turn.ChatID); err != nil {
				return err
			}
		}
	}
	return nil
}

// Handle runs one event and returns the turn to deliver, or nil for a
// duplicate. A panic in the dialogs is recovered, logged and answered with
// an apology.
func (r *Runtime) Handle(ctx context.Context, ev dialogs.Event) (turn *dialogs.Turn, err error) {
	return r.handle(ctx, r.Service, ev)
}

// HandleLoaded is Handle for a chat whose conversation (st) and undelivered
// replies (out) were read already, in the same round trip that took the
// chat (store.Chats): the turn does not read them again.
func (r *Runtime) HandleLoaded(ctx context.Context, ev dialogs.Event, st *dialogs.State, out *dialogs.Turn) (*dialogs.Turn, error) {
	svc := *r.Service
	svc.Sessions = &loaded{Sessions: r.Service.Sessions, st: st, out: out}
	return r.handle(ctx, &svc, ev)
}

func (r *Runtime) handle(ctx context.Context, svc *dialogs.Service, ev dialogs.Event) (turn *dialogs.Turn, err error) {
	defer func() {
		if p := recover(); p != nil {
			r.Log.Error("panic in dialogs", "chat", ChatRef(ev.ChatID), "panic", p, "stack", string(debug.Stack()))
			lang := locales.Match(ev.LangHint)
			if lang == "" {
				lang = locales.Source
			}
			turn, err = &dialogs.Turn{ChatID: ev.ChatID, Replies: []dialogs.Reply{r.Service.Apology(lang)}, Lang: lang}, nil
		}
	}()
	turn, err = svc.Handle(ctx, ev)
	if errors.Is(err, dialogs.ErrDuplicate) {
		return nil, nil
	}
	return turn, err
}

// loaded is Sessions whose first Load is answered from what was read
// already.
type loaded struct {
	dialogs.Sessions
	st   *dialogs.State
	out  *dialogs.Turn
	used bool
}

func (l *loaded) Load(ctx context.Context, chatID int64) (*dialogs.State, *dialogs.Turn, error) {
	if !l.used {
		l.used = true
		return l.st, l.out, nil
	}
	return l.Sessions.Load(ctx, chatID)
}
