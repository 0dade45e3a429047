package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/dialogs"
)

var _ dialogs.Sessions = (*Sessions)(nil)

// Sessions stores conversation states and their outboxes. A load is one
// MGET, a save one script that writes the state and the outbox together
// (atomically, like MULTI, but able to share a pipeline), and both, like the
// outbox updates, are group-committed across chats.
type Sessions struct {
	rdb  redis.UniversalClient
	keys Keys
	outs committer
}

// NewSessions returns Sessions on rdb under keys.
func NewSessions(rdb redis.UniversalClient, keys Keys) *Sessions {
	return &Sessions{rdb: rdb, keys: keys, outs: committer{rdb: rdb}}
}

// OutboxTTL bounds how long undelivered replies wait for a restart to
// deliver them; after that they are stale and better not sent.
const OutboxTTL = time.Hour

// Load returns the chat's state and undelivered replies, either nil when
// absent.
func (s *Sessions) Load(ctx context.Context, chatID int64) (*dialogs.State, *dialogs.Turn, error) {
	var cmd *redis.SliceCmd
	if err := s.outs.do(ctx, func(p redis.Pipeliner) {
		cmd = p.MGet(ctx, s.keys.Conversation(chatID), s.keys.Outbox(chatID))
	}); err != nil {
		return nil, nil, err
	}
	vals, err := cmd.Result()
	if err != nil {
		return nil, nil, err
	}
	return decode(vals[0], vals[1])
}

// saveScript writes a turn at once: the state (or, erasing, removes every
// key of the person) and the outbox. KEYS: conv, unreach, out, in. ARGV: the
// state's JSON ("" to erase), its TTL in ms, the outbox's JSON ("" for
// none), its TTL in ms. Someone who writes to us can be reached again, so
// the unreachable mark goes too.
var saveScript = redis.NewScript(`
if ARGV[1] ~= '' then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  redis.call('DEL', KEYS[2])
else
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
end
if ARGV[3] ~= '' then
  redis.call('SET', KEYS[3], ARGV[3], 'PX', ARGV[4])
end
return 1`)

// Save stores st for ttl together with the turn's undelivered replies. A
// nil st erases the chat (its conversation, unreachable mark and inbound
// count) but for the outbox, which Delivered removes.
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
	keys := []string{s.keys.Conversation(chatID), s.keys.Unreachable(chatID), s.keys.Outbox(chatID), s.keys.Inbound(chatID)}
	cmd, err := s.outs.script(ctx, saveScript, keys, []any{string(conv), ttl.Milliseconds(), string(box), OutboxTTL.Milliseconds()}, nil)
	if err != nil {
		return err
	}
	return cmd.Err()
}

// Progress records how many of a turn's replies are delivered.
func (s *Sessions) Progress(ctx context.Context, out *dialogs.Turn) error {
	box, err := json.Marshal(out)
	if err != nil {
		return err
	}
	var cmd *redis.StatusCmd
	if err := s.outs.do(ctx, func(p redis.Pipeliner) {
		cmd = p.SetArgs(ctx, s.keys.Outbox(out.ChatID), box, redis.SetArgs{KeepTTL: true, Mode: "XX"})
	}); err != nil {
		return err
	}
	if err := cmd.Err(); err != nil && err != redis.Nil {
		return err
	}
	return nil
}

// Delivered removes the outboxes of turns that were sent.
func (s *Sessions) Delivered(ctx context.Context, turns []*dialogs.Turn) error {
	var cmds []*redis.IntCmd
	if err := s.outs.do(ctx, func(p redis.Pipeliner) {
		for _, t := range turns {
			cmds = append(cmds, p.Del(ctx, s.keys.Outbox(t.ChatID)))
		}
	}); err != nil {
		return err
	}
	for _, c := range cmds {
		if err := c.Err(); err != nil {
			return err
		}
	}
	return nil
}

// statesChunk bounds the GETs of one pipeline when reading many
// conversations, so that 100,000 people cost a hundred round trips, not
// 100,000 (and a Redis Cluster splits each pipeline by node).
const statesChunk = 1000

// States reads the stored conversations of chats (nil for one we hold
// nothing on), in order: what alert planning reads (jobs.Conversations).
func (s *Sessions) States(ctx context.Context, chats []int64) ([]*dialogs.State, error) {
	out := make([]*dialogs.State, len(chats))
	for from := 0; from < len(chats); from += statesChunk {
		part := chats[from:min(len(chats), from+statesChunk)]
		cmds := make([]*redis.StringCmd, len(part))
		_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, c := range part {
				cmds[i] = p.Get(ctx, s.keys.Conversation(c))
			}
			return nil
		})
		if err != nil && !errors.Is(err, redis.Nil) {
			return nil, err
		}
		for i, cmd := range cmds {
			b, err := cmd.Bytes()
			if errors.Is(err, redis.Nil) {
				continue
			}
			if err != nil {
				return nil, err
			}
			st := &dialogs.State{}
			if err := json.Unmarshal(b, st); err != nil {
				return nil, fmt.Errorf("store: decode conversation: %w", err)
			}
			out[from+i] = st
		}
	}
	return out, nil
}
