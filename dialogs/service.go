package dialogs

import (
	"context"
	"errors"
	"fmt"
)

// Service runs events through the Engine against stored state: one load and
// one save (or delete) per event.
type Service struct {
	Engine   *Engine
	Sessions Sessions
}

// ErrDuplicate reports an event already handled (a redelivered update); the
// caller must not answer it again.
var ErrDuplicate = errors.New("dialogs: event already handled")

// Handle loads the chat's state, runs ev and stores the result. Replies are
// returned only after the state is safely stored, so an answer never gets
// ahead of what we remember.
func (s *Service) Handle(ctx context.Context, ev Event) ([]Reply, error) {
	st, err := s.Sessions.Load(ctx, ev.ChatID)
	if err != nil {
		return nil, fmt.Errorf("load chat: %w", err)
	}
	if st != nil && ev.UpdateID != 0 && ev.UpdateID <= st.LastUpdate {
		return nil, ErrDuplicate
	}
	out := s.Engine.Handle(st, ev)
	switch {
	case out.State != nil:
		if ev.UpdateID > out.State.LastUpdate {
			out.State.LastUpdate = ev.UpdateID
		}
		out.State.V = StateVersion
		if err := s.Sessions.Save(ctx, ev.ChatID, out.State, s.Engine.TTL(out.State)); err != nil {
			return nil, fmt.Errorf("save chat: %w", err)
		}
	case st != nil:
		if err := s.Sessions.Delete(ctx, ev.ChatID); err != nil {
			return nil, fmt.Errorf("erase chat: %w", err)
		}
	}
	return out.Replies, nil
}

// Apology is what a person gets when handling their message failed, in the
// language we last knew for them.
func (s *Service) Apology(lang string) Reply {
	return Reply{Text: s.Engine.Texts.T(lang, "bad_internal", nil)}
}
