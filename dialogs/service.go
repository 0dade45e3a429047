package dialogs

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
)

// Service runs events through the Engine against stored state. Each event
// costs one load and one atomic save of the state together with the replies
// it owes (the outbox); the replies are handed out only after that save, and
// Delivered clears the outbox once they are sent. So a crash at any moment
// neither loses an answer nor, when the same update is delivered again,
// computes it twice: a redelivered update gets its saved replies.
type Service struct {
	Engine   *Engine
	Sessions Sessions
	// NoteKey keys the ids of notes (HMAC-SHA-256), which become key
	// names on the staff side and in the funnel: without the deployment's
	// secret nobody can tell whose they are by trying chat ids. Nil uses a
	// key of this process alone, so ids are stable only while it runs.
	NoteKey []byte
}

var processNoteKey = sync.OnceValue(func() []byte {
	b := make([]byte, 32)
	rand.Read(b)
	return b
})

// ErrDuplicate reports an event already handled and delivered; the caller
// must not answer it again.
var ErrDuplicate = errors.New("dialogs: event already handled")

// Handle loads the chat's state, runs ev and stores the result with its
// replies. The returned turn must be passed to Delivered once sent.
func (s *Service) Handle(ctx context.Context, ev Event) (*Turn, error) {
	st, pending, err := s.Sessions.Load(ctx, ev.ChatID)
	if err != nil {
		return nil, fmt.Errorf("load chat: %w", err)
	}
	if pending != nil && ev.UpdateID != 0 && pending.Update == ev.UpdateID {
		return pending, nil // handled before a crash, maybe not delivered: deliver now
	}
	if st != nil && ev.UpdateID != 0 && ev.UpdateID <= st.LastUpdate {
		return nil, ErrDuplicate
	}
	out, err := s.Engine.Handle(ctx, st, ev)
	if err != nil {
		return nil, err
	}
	turn := &Turn{ChatID: ev.ChatID, Update: ev.UpdateID, Ref: ev.Ref, Replies: out.Replies,
		Lang: s.lang(out.State, st, ev), Notes: s.numbered(out.Notes, ev)}
	switch {
	case out.State != nil:
		if ev.UpdateID > out.State.LastUpdate {
			out.State.LastUpdate = ev.UpdateID
		}
		out.State.V = StateVersion
		err = s.Sessions.Save(ctx, ev.ChatID, out.State, s.Engine.TTL(out.State), outbox(turn))
	case st != nil:
		err = s.Sessions.Save(ctx, ev.ChatID, nil, 0, outbox(turn))
	default:
		// Nothing was held and nothing is to be held (someone who has not
		// chosen a language yet): keep no outbox either, so that we store
		// nothing at all before they choose.
		turn.Update = 0
	}
	if err != nil {
		return nil, fmt.Errorf("save chat: %w", err)
	}
	return turn, nil
}

// numbered gives notes ids that a redelivery of the same update repeats,
// so the staff side can drop the second copy. Events without an update id
// (the terminal, the staff side) cannot be redelivered; theirs are random.
func (s *Service) numbered(notes []Note, ev Event) []Note {
	if len(notes) == 0 {
		return nil
	}
	// Keyed: ids become key names on the staff side, which must not
	// lead back to the person.
	b := make([]byte, 8)
	if ev.UpdateID != 0 {
		key := s.NoteKey
		if len(key) == 0 {
			key = processNoteKey()
		}
		m := hmac.New(sha256.New, key)
		fmt.Fprintf(m, "note:%d:%d", ev.ChatID, ev.UpdateID)
		copy(b, m.Sum(nil))
	} else {
		rand.Read(b)
	}
	base := hex.EncodeToString(b)
	for i := range notes {
		notes[i].ID = fmt.Sprintf("%s.%d", base, i)
	}
	return notes
}

// outbox is the turn as stored; a turn without an update id (the terminal)
// cannot be redelivered and needs none.
func outbox(t *Turn) *Turn {
	if t.Update == 0 {
		return nil
	}
	return t
}

// Sent records that the first n replies of t are delivered. Only a turn of
// several replies needs it, between them.
func (s *Service) Sent(ctx context.Context, t *Turn, n int) error {
	t.Sent = n
	if t.Update == 0 {
		return nil
	}
	return s.Sessions.Progress(ctx, t)
}

// Delivered clears the outboxes of turns that were sent.
func (s *Service) Delivered(ctx context.Context, turns ...*Turn) error {
	var stored []*Turn
	for _, t := range turns {
		if t != nil && t.Update != 0 {
			stored = append(stored, t)
		}
	}
	if len(stored) == 0 {
		return nil
	}
	return s.Sessions.Delivered(ctx, stored)
}

func (s *Service) lang(after, before *State, ev Event) string {
	c := &Conv{e: s.Engine, ev: ev, st: after}
	if after == nil {
		c.st = before
	}
	return c.Lang()
}

// Apology is what a person gets when handling their message failed, in the
// language we last knew for them.
func (s *Service) Apology(lang string) Reply {
	return Reply{Text: s.Engine.Texts.T(lang, "bad_internal", nil)}
}
