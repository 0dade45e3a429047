package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/clock"
)

// TurnLocks gives one instance at a time the right to handle one turn of a
// chat, for a channel that handles a chat's turns one after another
// without an inbox: the web chat, whose page sends one message at a time
// and waits for it to be taken. Two instances (the one the page posts to,
// and one sending a reminder) never handle one person's turns side by
// side. Telegram's chats are held by Chats instead; the two never share a
// chat (web chat ids are a range of their own).
type TurnLocks struct {
	rdb  redis.UniversalClient
	keys Keys
	// TTL frees a lock whose holder died; it must exceed the longest
	// handling of one update.
	TTL time.Duration
	// Owner, when set, names this instance in its locks: the id it
	// announces in the instances set (Keys.Instances) with a heartbeat.
	// A lock whose owner has not beaten for Stale is taken over at once
	// rather than after its TTL, so that an instance killed mid-turn holds
	// up its chats for seconds, not most of a minute.
	Owner string
	Stale time.Duration
	// Clock judges a heartbeat stale: the clock of the heartbeats
	// (bot.Quota's). nil is the wall clock.
	Clock clock.Clock

	mine sync.Map // tokens of the locks this instance holds now
}

// NewTurnLocks returns TurnLocks on rdb.
func NewTurnLocks(rdb redis.UniversalClient, keys Keys) *TurnLocks {
	return &TurnLocks{rdb: rdb, keys: keys, TTL: 45 * time.Second}
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
func (l *TurnLocks) Lock(ctx context.Context, chatID int64) (unlock func(), err error) {
	b := make([]byte, 12)
	rand.Read(b)
	token := hex.EncodeToString(b)
	if l.Owner != "" {
		token = l.Owner + "|" + token
	}
	key := l.keys.Lock(chatID)
	wait := 2 * time.Millisecond
	for {
		ok, err := l.rdb.SetNX(ctx, key, token, l.TTL).Result()
		if err != nil {
			return nil, l.failed(ctx, err)
		}
		if ok {
			l.mine.Store(token, true)
			return func() {
				l.mine.Delete(token)
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				defer cancel()
				releaseIfMine.Run(ctx, l.rdb, []string{key}, token)
			}, nil
		}
		if l.Owner != "" {
			if stolen, err := l.takeFromDead(ctx, key); err != nil || stolen {
				if err != nil {
					return nil, l.failed(ctx, err)
				}
				continue
			}
		}
		// Real time: this polls Redis for a lock that another turn frees
		// when it is done, and times nothing itself.
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

// failed is the error of a Lock whose call to Redis failed with err: when
// ctx ended meanwhile, the chat stayed busy until then (ErrLocked, with
// err), as when ctx ends between two tries.
func (l *TurnLocks) failed(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%w)", ErrLocked, err)
	}
	return err
}

// takeFromDead removes the lock at key when the instance that holds it has
// stopped beating; it reports whether it did.
func (l *TurnLocks) takeFromDead(ctx context.Context, key string) (bool, error) {
	held, err := l.rdb.Get(ctx, key).Result()
	if errors.Is(err, redis.Nil) {
		return true, nil // released meanwhile: try again at once
	}
	if err != nil {
		return false, err
	}
	owner, _, ok := strings.Cut(held, "|")
	if !ok {
		return false, nil // an instance that does not announce itself
	}
	if _, holding := l.mine.Load(held); owner == l.Owner && !holding {
		// Ours, but not held by any turn of ours: its release failed
		// (Redis was down), and it would block us until its TTL.
		n, err := releaseIfMine.Run(ctx, l.rdb, []string{key}, held).Int()
		return n == 1, err
	}
	beat, err := l.rdb.ZScore(ctx, l.keys.Instances(), owner).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return false, err
	}
	stale := l.Stale
	if stale <= 0 {
		stale = 6 * time.Second
	}
	if err == nil && clock.Or(l.Clock).Now().Sub(time.UnixMilli(int64(beat))) < stale {
		return false, nil // alive: wait for it
	}
	n, err := releaseIfMine.Run(ctx, l.rdb, []string{key}, held).Int()
	return n == 1, err
}
