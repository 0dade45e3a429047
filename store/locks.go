package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// Locks gives one instance at a time the right to handle a chat, so that
// several instances behind one webhook address never handle one person's
// messages side by side (both would load the same state, and one answer
// would be computed from a state the other was changing).
type Locks struct {
	rdb  redis.UniversalClient
	keys Keys
	// TTL frees a lock whose holder died; it must exceed the longest
	// handling of one update.
	TTL time.Duration
}

// NewLocks returns Locks on rdb.
func NewLocks(rdb redis.UniversalClient, keys Keys) *Locks {
	return &Locks{rdb: rdb, keys: keys, TTL: 45 * time.Second}
}

// ErrLocked means the chat stayed busy until ctx ended.
var ErrLocked = errors.New("store: chat is being handled elsewhere")

// releaseIfMine deletes the lock only if we still hold it: after a TTL
// expiry it may belong to someone else.
var releaseIfMine = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`)

// Lock waits until chatID is free and takes it; unlock gives it back.
func (l *Locks) Lock(ctx context.Context, chatID int64) (unlock func(), err error) {
	b := make([]byte, 12)
	rand.Read(b)
	token := hex.EncodeToString(b)
	key := l.keys.Lock(chatID)
	wait := 2 * time.Millisecond
	for {
		ok, err := l.rdb.SetNX(ctx, key, token, l.TTL).Result()
		if err != nil {
			return nil, err
		}
		if ok {
			return func() {
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				defer cancel()
				releaseIfMine.Run(ctx, l.rdb, []string{key}, token)
			}, nil
		}
		select {
		case <-ctx.Done():
			return nil, ErrLocked
		case <-time.After(wait):
		}
		if wait < 50*time.Millisecond {
			wait *= 2
		}
	}
}
