package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/clock"
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
	if _, err := other.Lock(short, 1); !errors.Is(err, store.ErrLocked) {
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

// A holder's beat ages on the locks' clock: alive until it is Stale old
// there, then its lock is taken over.
func TestTurnLockHolderGoesStaleOnTheClock(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	keys := store.Keys{Prefix: prefix}
	ctx := context.Background()
	// Years ahead of the wall clock: only the fake clock can tell the
	// beat's age.
	clk := clock.NewFake(time.Now().AddDate(3, 0, 0))
	rdb.ZAdd(ctx, keys.Instances(), redis.Z{Score: float64(clk.Now().UnixMilli()), Member: "holder"})
	holder := store.NewTurnLocks(rdb, keys)
	holder.Owner, holder.Clock = "holder", clk
	if _, err := holder.Lock(ctx, 4); err != nil {
		t.Fatal(err)
	}
	other := store.NewTurnLocks(rdb, keys)
	other.Owner, other.Clock = "other", clk
	// The bound on the wait is real time; nothing moves the clock in it.
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := other.Lock(short, 4); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("took the lock of a holder that just beat: %v", err)
	}
	clk.Advance(6 * time.Second) // the default Stale
	soon, cancelSoon := context.WithTimeout(ctx, 5*time.Second)
	defer cancelSoon()
	unlock, err := other.Lock(soon, 4)
	if err != nil {
		t.Fatalf("the lock of a holder whose beat is Stale old: %v", err)
	}
	unlock()
}
