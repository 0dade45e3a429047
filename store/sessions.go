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

// Sessions stores conversation states: one GET to load, one SET to save.
type Sessions struct {
	rdb  redis.UniversalClient
	keys Keys
}

// NewSessions returns Sessions on rdb under keys.
func NewSessions(rdb redis.UniversalClient, keys Keys) *Sessions {
	return &Sessions{rdb: rdb, keys: keys}
}

// Load returns the chat's state, or nil when we hold none.
func (s *Sessions) Load(ctx context.Context, chatID int64) (*dialogs.State, error) {
	buf, err := s.rdb.Get(ctx, s.keys.Conversation(chatID)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var st dialogs.State
	if err := json.Unmarshal(buf, &st); err != nil {
		return nil, fmt.Errorf("store: decode conversation: %w", err)
	}
	return &st, nil
}

// Save stores st for ttl. Someone who writes to us can be reached again, so
// the unreachable mark goes in the same round trip.
func (s *Sessions) Save(ctx context.Context, chatID int64, st *dialogs.State, ttl time.Duration) error {
	buf, err := json.Marshal(st)
	if err != nil {
		return err
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, s.keys.Conversation(chatID), buf, ttl)
		p.Del(ctx, s.keys.Unreachable(chatID))
		return nil
	})
	return err
}

// Delete erases every key of the chat.
func (s *Sessions) Delete(ctx context.Context, chatID int64) error {
	return s.rdb.Del(ctx, s.keys.UserKeys(chatID)...).Err()
}
