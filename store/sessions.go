package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/dialogs"
)

var _ dialogs.Sessions = (*Sessions)(nil)

// Sessions stores conversation states and their outboxes: one MGET to load,
// one MULTI to save, and outbox updates group-committed across chats.
type Sessions struct {
	rdb  redis.UniversalClient
	keys Keys
	outs committer
}

// NewSessions returns Sessions on rdb under keys.
func NewSessions(rdb redis.UniversalClient, keys Keys) *Sessions {
	s := &Sessions{rdb: rdb, keys: keys}
	s.outs.flush = s.writeOutboxes
	return s
}

// OutboxTTL bounds how long undelivered replies wait for a restart to
// deliver them; after that they are stale and better not sent.
const OutboxTTL = time.Hour

// Load returns the chat's state and undelivered replies, either nil when
// absent, in one round trip.
func (s *Sessions) Load(ctx context.Context, chatID int64) (*dialogs.State, *dialogs.Turn, error) {
	vals, err := s.rdb.MGet(ctx, s.keys.Conversation(chatID), s.keys.Outbox(chatID)).Result()
	if err != nil {
		return nil, nil, err
	}
	var st *dialogs.State
	if v, ok := vals[0].(string); ok {
		st = &dialogs.State{}
		if err := json.Unmarshal([]byte(v), st); err != nil {
			return nil, nil, fmt.Errorf("store: decode conversation: %w", err)
		}
	}
	var out *dialogs.Turn
	if v, ok := vals[1].(string); ok {
		out = &dialogs.Turn{}
		if err := json.Unmarshal([]byte(v), out); err != nil {
			return nil, nil, fmt.Errorf("store: decode outbox: %w", err)
		}
	}
	return st, out, nil
}

// Save stores st for ttl together with the turn's undelivered replies, in
// one MULTI. A nil st erases the chat (every key in UserKeys) but for the
// outbox, which Delivered removes. Someone who writes to us can be reached
// again, so the unreachable mark goes in the same round trip.
func (s *Sessions) Save(ctx context.Context, chatID int64, st *dialogs.State, ttl time.Duration, out *dialogs.Turn) error {
	var conv, box []byte
	var err error
	if st != nil {
		if conv, err = json.Marshal(st); err != nil {
			return err
		}
	}
	if out != nil {
		if box, err = json.Marshal(out); err != nil {
			return err
		}
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		if st != nil {
			p.Set(ctx, s.keys.Conversation(chatID), conv, ttl)
			p.Del(ctx, s.keys.Unreachable(chatID))
		} else {
			p.Del(ctx, s.keys.UserKeys(chatID)...)
		}
		if out != nil {
			p.Set(ctx, s.keys.Outbox(chatID), box, OutboxTTL)
		}
		return nil
	})
	return err
}

// Progress records how many of a turn's replies are delivered.
func (s *Sessions) Progress(ctx context.Context, out *dialogs.Turn) error {
	box, err := json.Marshal(out)
	if err != nil {
		return err
	}
	return s.outs.do(ctx, outboxWrite{chatID: out.ChatID, box: box})
}

// Delivered removes the outboxes of turns that were sent.
func (s *Sessions) Delivered(ctx context.Context, turns []*dialogs.Turn) error {
	ws := make([]outboxWrite, len(turns))
	for i, t := range turns {
		ws[i] = outboxWrite{chatID: t.ChatID}
	}
	return s.outs.do(ctx, ws...)
}

// outboxWrite rewrites (box set) or removes (box nil) one chat's outbox.
type outboxWrite struct {
	chatID int64
	box    []byte
}

func (s *Sessions) writeOutboxes(ctx context.Context, ws []outboxWrite) error {
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, w := range ws {
			if w.box == nil {
				p.Del(ctx, s.keys.Outbox(w.chatID))
			} else {
				p.SetArgs(ctx, s.keys.Outbox(w.chatID), w.box, redis.SetArgs{KeepTTL: true, Mode: "XX"})
			}
		}
		return nil
	})
	return err
}
