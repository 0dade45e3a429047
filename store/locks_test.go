package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/store"
)

// One instance holds a chat while it has work: what reaches another
// instance meanwhile waits in the chat's inbox, in order, and the holder
// takes it up before it lets go. Run on a real Redis and on the embedded
// one (which runs the same scripts).
func TestChatsHoldAChatWhileItHasWork(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			rdb, prefix := open(t)
			keys := store.Keys{Prefix: prefix}
			s := store.NewSessions(rdb, keys)
			a, b := store.NewChats(s, "a"), store.NewChats(s, "b")
			const chat = 41
			st := &dialogs.State{V: dialogs.StateVersion, Lang: "tr", Step: dialogs.StepMenu, LastUpdate: 7}
			if err := s.Save(ctx, chat, st, time.Hour, nil); err != nil {
				t.Fatal(err)
			}
			w, err := a.Take(ctx, chat, []byte("u8"), true)
			if err != nil || w.Status != store.Run || w.State == nil || w.State.Lang != "tr" || w.State.LastUpdate != 7 {
				t.Fatalf("Take of a free chat = %+v, %v; want Run with its conversation", w, err)
			}
			// Another instance: queued behind, twice.
			for _, item := range []string{"u9", "u10"} {
				if w, err := b.Take(ctx, chat, []byte(item), true); err != nil || w.Status != store.Queued || w.Holder != "a" {
					t.Fatalf("Take of a held chat = %+v, %v; want Queued, held by a", w, err)
				}
			}
			// The holder finishes u8 and gets the rest, in order.
			w, err = a.Next(ctx, chat, []byte("u8"), true)
			if err != nil || w.Status != store.Next || string(w.Item) != "u9" || w.State == nil {
				t.Fatalf("Next after u8 = %+v, %v; want u9 with the conversation", w, err)
			}
			// b cannot let the chat go: a holds it.
			if w, err := b.Next(ctx, chat, nil, false); err != nil || w.Status != store.Lost || w.Holder != "a" {
				t.Fatalf("Next of a chat someone else holds = %+v, %v; want Lost", w, err)
			}
			w, _ = a.Next(ctx, chat, []byte("u9"), true)
			if string(w.Item) != "u10" {
				t.Fatalf("Next after u9 = %q, want u10", w.Item)
			}
			if w, _ = a.Next(ctx, chat, []byte("u10"), true); w.Status != store.Released {
				t.Fatalf("Next of an empty inbox = %+v, want Released", w)
			}
			if n := rdb.Exists(ctx, keys.Lock(chat), keys.Inbox(chat)).Val(); n != 0 {
				t.Fatalf("%d of lock and inbox left after the chat was let go", n)
			}
			// Free now: the other instance takes it at once.
			if w, err := b.Take(ctx, chat, []byte("u11"), true); err != nil || w.Status != store.Run {
				t.Fatalf("Take after release = %+v, %v; want Run", w, err)
			}
			// Queue keeps an item under way in front of what follows.
			if w, err := b.Queue(ctx, chat, []byte("u11"), [][]byte{[]byte("u12"), []byte("u13")}, 2); err != nil || w.Status != store.Drain {
				t.Fatalf("Queue by the holder = %+v, %v; want Drain", w, err)
			}
			if got := rdb.LRange(ctx, keys.Inbox(chat), 0, -1).Val(); len(got) != 3 || got[0] != "u11" || got[2] != "u13" {
				t.Fatalf("inbox %v, want u11 u12 u13", got)
			}
			if ttl := rdb.PTTL(ctx, keys.Inbox(chat)).Val(); ttl <= 23*time.Hour || ttl > store.InboxTTL {
				t.Fatalf("inbox TTL %v, want about a day", ttl)
			}
		})
	}
}

// A chat held by an instance that stopped beating (it was killed) is
// taken over by whoever sweeps the waiting chats; one held by a live
// instance is left to it; a waiting mark whose inbox is empty goes.
func TestChatOfADeadInstanceIsTakenOver(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			rdb, prefix := open(t)
			keys := store.Keys{Prefix: prefix}
			s := store.NewSessions(rdb, keys)
			beat := func(id string, at time.Time) {
				rdb.ZAdd(ctx, keys.Instances(), redis.Z{Score: float64(at.UnixMilli()), Member: id})
			}
			alive, dead, sweeper := store.NewChats(s, "alive"), store.NewChats(s, "dead"), store.NewChats(s, "sweeper")
			beat("alive", time.Now())
			beat("dead", time.Now().Add(-time.Minute))
			alive.Take(ctx, 1, []byte("a1"), false)
			dead.Take(ctx, 2, []byte("d1"), false)
			for _, chat := range []int64{1, 2} {
				if w, err := sweeper.Take(ctx, chat, []byte("s"), false); err != nil || w.Status != store.Queued {
					t.Fatalf("chat %d: %+v, %v; want Queued", chat, w, err)
				}
			}
			waiting, err := sweeper.Waiting(ctx, time.Now().Add(time.Second), 10)
			if err != nil || len(waiting) != 2 {
				t.Fatalf("Waiting = %+v, %v; want chats 1 and 2", waiting, err)
			}
			for _, w := range waiting {
				st, err := sweeper.Claim(ctx, w)
				switch {
				case err != nil:
					t.Fatal(err)
				case w.Chat == 1 && st != store.Lost:
					t.Fatalf("claimed the chat of a live instance: %v", st)
				case w.Chat == 2 && st != store.Drain:
					t.Fatalf("the chat of a dead instance: %v, want Drain", st)
				}
			}
			// Far within the lock's TTL (45 s): only a takeover gets it.
			if w, _ := sweeper.Next(ctx, 2, nil, false); w.Status != store.Next || string(w.Item) != "s" {
				t.Fatalf("after the takeover: %+v, want the queued item", w)
			}
			sweeper.Next(ctx, 2, []byte("s"), true)
			// Nothing left: the mark goes with the next claim.
			waiting, _ = sweeper.Waiting(ctx, time.Now().Add(time.Second), 10)
			for _, w := range waiting {
				if w.Chat == 2 {
					if st, err := sweeper.Claim(ctx, w); err != nil || st != store.Released {
						t.Fatalf("claim of an empty chat = %v, %v; want Released", st, err)
					}
				}
			}
			waiting, _ = sweeper.Waiting(ctx, time.Now().Add(time.Second), 10)
			if len(waiting) != 1 || waiting[0].Chat != 1 {
				t.Fatalf("waiting after the empty chat was claimed: %+v, want only chat 1", waiting)
			}
		})
	}
}

// Whether a holder is dead, and since when a chat waits, is read on the
// chats' clock: a holder that beat is alive until its beat is Stale old on
// that clock, and then its chat is taken over.
func TestAHolderGoesStaleOnTheChatsClock(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			rdb, prefix := open(t)
			keys := store.Keys{Prefix: prefix}
			s := store.NewSessions(rdb, keys)
			// Years ahead of the wall clock: only the fake clock can tell
			// this beat's age.
			clk := clock.NewFake(time.Now().AddDate(3, 0, 0))
			beat := func(id string) {
				rdb.ZAdd(ctx, keys.Instances(), redis.Z{Score: float64(clk.Now().UnixMilli()), Member: id})
			}
			holder, sweeper := store.NewChats(s, "holder"), store.NewChats(s, "sweeper")
			holder.Clock, sweeper.Clock = clk, clk
			beat("holder")
			holder.Take(ctx, 3, []byte("h1"), false)
			if w, err := sweeper.Take(ctx, 3, []byte("s"), false); err != nil || w.Status != store.Queued {
				t.Fatalf("%+v, %v; want Queued", w, err)
			}
			if waiting, _ := sweeper.Waiting(ctx, clk.Now().Add(-time.Second), 10); len(waiting) != 0 {
				t.Fatalf("waiting since before it was queued: %+v", waiting)
			}
			clk.Advance(time.Second)
			waiting, err := sweeper.Waiting(ctx, clk.Now(), 10)
			if err != nil || len(waiting) != 1 || waiting[0].Chat != 3 {
				t.Fatalf("Waiting a second later = %+v, %v; want chat 3", waiting, err)
			}
			if st, err := sweeper.Claim(ctx, waiting[0]); err != nil || st != store.Lost {
				t.Fatalf("claim while the holder's beat is a second old = %v, %v; want Lost", st, err)
			}
			clk.Advance(sweeper.Stale)
			if st, err := sweeper.Claim(ctx, waiting[0]); err != nil || st != store.Drain {
				t.Fatalf("claim once the beat is Stale old = %v, %v; want Drain", st, err)
			}
		})
	}
}

// The inbound limit: the message that first goes over it is reported,
// once, however many follow; /forget removes the count with the rest.
func TestInboundLimitIsReportedOnce(t *testing.T) {
	ctx := context.Background()
	rdb, prefix := backends(t)["redis"](t)
	keys := store.Keys{Prefix: prefix}
	s := store.NewSessions(rdb, keys)
	c := store.NewChats(s, "a")
	c.InboundLimit = 3
	var notices []int
	for i := 1; i <= 8; i++ {
		w, err := c.Take(ctx, 5, []byte{byte('0' + i)}, true)
		if err != nil {
			t.Fatal(err)
		}
		if w.Notice {
			notices = append(notices, i)
		}
	}
	// Presses and other items that do not count, queued in bulk: none.
	if w, _ := c.Queue(ctx, 5, nil, [][]byte{[]byte("p")}, 0); w.Notice {
		notices = append(notices, -1)
	}
	if len(notices) != 1 || notices[0] != 4 {
		t.Fatalf("notices at messages %v, want only at the 4th", notices)
	}
	if ttl := rdb.PTTL(ctx, keys.Inbound(5)).Val(); ttl <= 9*time.Minute {
		t.Fatalf("over the limit the count lasts %v, want ten minutes", ttl)
	}
	if err := s.Save(ctx, 5, nil, 0, nil); err != nil {
		t.Fatal(err)
	}
	if rdb.Exists(ctx, keys.Inbound(5)).Val() != 0 {
		t.Fatal("the inbound count survived /forget")
	}
}
