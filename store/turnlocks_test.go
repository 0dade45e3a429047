package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/store"
)

// A lock held by an instance that stopped beating (it was killed mid-turn)
// is taken over at once, not after its TTL; one held by a live instance is
// waited for; one of our own that a failed release left behind is ours to
// take back.
func TestTurnLockOfADeadInstanceIsTakenOver(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	keys := store.Keys{Prefix: prefix}
	ctx := context.Background()
	beat := func(id string, at time.Time) {
		rdb.ZAdd(ctx, keys.Instances(), redis.Z{Score: float64(at.UnixMilli()), Member: id})
	}
	alive := store.NewTurnLocks(rdb, keys)
	alive.Owner = "alive"
	beat("alive", time.Now())
	if _, err := alive.Lock(ctx, 1); err != nil {
		t.Fatal(err)
	}
	other := store.NewTurnLocks(rdb, keys)
	other.Owner = "other"
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if _, err := other.Lock(short, 1); err != store.ErrLocked {
		t.Fatalf("took the lock of a live instance: %v", err)
	}

	dead := store.NewTurnLocks(rdb, keys)
	dead.Owner = "dead"
	beat("dead", time.Now().Add(-time.Minute))
	if _, err := dead.Lock(ctx, 2); err != nil {
		t.Fatal(err)
	}
	// Far within its TTL (45 s): only a takeover gets it in time.
	soon, cancelSoon := context.WithTimeout(ctx, 5*time.Second)
	defer cancelSoon()
	unlock, err := other.Lock(soon, 2)
	if err != nil {
		t.Fatalf("the lock of a dead instance: %v", err)
	}
	unlock()

	// Our own lock, left behind when its release could not reach Redis.
	rdb.Set(ctx, keys.Lock(3), "other|leftover", time.Minute)
	beat("other", time.Now())
	if _, err := other.Lock(ctx, 3); err != nil {
		t.Fatalf("our own leftover lock: %v", err)
	}
}
