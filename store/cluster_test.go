package store_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/store"
)

// keysOnMasters returns the keys matching pattern on every primary of the
// cluster, by node address. A cluster-wide KEYS does not exist: each node
// holds only its own slots.
func keysOnMasters(t *testing.T, rdb *redis.ClusterClient, pattern string) map[string][]string {
	t.Helper()
	var mu sync.Mutex
	found := map[string][]string{}
	err := rdb.ForEachMaster(context.Background(), func(ctx context.Context, node *redis.Client) error {
		var keys []string
		iter := node.Scan(ctx, 0, pattern, 1000).Iterator()
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		if err := iter.Err(); err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		if len(keys) > 0 {
			found[node.Options().Addr] = keys
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

func openCluster(t *testing.T) *redis.ClusterClient {
	t.Helper()
	rdb, closeFn, err := store.Open(context.Background(), redistest.StartCluster(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeFn() })
	cc, ok := rdb.(*redis.ClusterClient)
	if !ok {
		t.Fatalf("store.Open of a cluster URL returned a %T, want *redis.ClusterClient", rdb)
	}
	return cc
}

// Sessions and Reach work on a Redis Cluster: a person's keys share a slot,
// so nothing is refused as CROSSSLOT, and erasing a person leaves nothing on
// any node.
func TestSessionsOnCluster(t *testing.T) {
	ctx := context.Background()
	rdb := openCluster(t)
	keys := store.Keys{Prefix: redistest.Prefix()}
	s := store.NewSessions(rdb, keys)
	reach := store.NewReach(rdb, keys, time.Hour)
	ids := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 987654321}

	var turns []*dialogs.Turn
	for _, id := range ids {
		st := &dialogs.State{V: dialogs.StateVersion, Lang: "uk", Step: orientation.StepSectors, LastUpdate: id}
		orientation.Part.Write(st, orientation.State{Profile: orientation.Profile{Name: "Олена " + strconv.FormatInt(id, 10), Sectors: []string{"care"}}})
		turn := &dialogs.Turn{ChatID: id, Update: id, Replies: []dialogs.Reply{{Text: "привіт"}}, Lang: "uk"}
		if err := s.Save(ctx, id, st, time.Hour, turn); err != nil {
			t.Fatalf("Save %d: %v", id, err)
		}
		turns = append(turns, turn)
		if err := reach.MarkUnreachable(ctx, id); err != nil { // a script over two keys
			t.Fatalf("MarkUnreachable %d: %v", id, err)
		}
	}

	// The chats are spread over the nodes, else this test proves little.
	byNode := keysOnMasters(t, rdb, keys.Prefix+":*")
	if len(byNode) < 2 {
		t.Fatalf("all keys on %d node(s): %v", len(byNode), byNode)
	}
	// Each person's keys are on one node.
	for _, id := range ids {
		nodes := 0
		for _, ks := range byNode {
			for _, k := range ks {
				if strings.Contains(k, "{u"+strconv.FormatInt(id, 10)+"}") {
					nodes++
					break
				}
			}
		}
		if nodes != 1 {
			t.Fatalf("keys of chat %d on %d nodes, want 1: %v", id, nodes, byNode)
		}
	}

	for _, id := range ids {
		st, out, err := s.Load(ctx, id)
		if err != nil {
			t.Fatalf("Load %d: %v", id, err)
		}
		if o, _ := orientation.Part.Read(st); st == nil || o.Profile.Name != "Олена "+strconv.FormatInt(id, 10) || st.LastUpdate != id || st.Lang != "uk" {
			t.Fatalf("Load %d: state %+v", id, st)
		}
		if out == nil || out.ChatID != id || len(out.Replies) != 1 || out.Replies[0].Text != "привіт" {
			t.Fatalf("Load %d: outbox %+v", id, out)
		}
		if ttl := rdb.TTL(ctx, keys.Conversation(id)).Val(); ttl <= 59*time.Minute || ttl > time.Hour {
			t.Fatalf("TTL of chat %d = %v, want about an hour", id, ttl)
		}
		if u, err := reach.Unreachable(ctx, id); err != nil || !u {
			t.Fatalf("Unreachable %d = %v, %v; want true", id, u, err)
		}
	}

	// Outboxes of chats on different nodes are cleared in one call.
	if err := s.Delivered(ctx, turns); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if _, out, err := s.Load(ctx, id); err != nil || out != nil {
			t.Fatalf("outbox of %d after Delivered: %+v, %v", id, out, err)
		}
	}

	// Erase (a nil state: /forget) half of the chats; the others stay.
	for i, id := range ids {
		if i%2 != 0 {
			continue
		}
		if err := s.Save(ctx, id, nil, 0, nil); err != nil {
			t.Fatalf("erase %d: %v", id, err)
		}
		if st, out, err := s.Load(ctx, id); err != nil || st != nil || out != nil {
			t.Fatalf("Load %d after erasing: %+v, %+v, %v", id, st, out, err)
		}
		if left := keysOnMasters(t, rdb, "*"+strconv.FormatInt(id, 10)+"*"); hasChat(left, id) {
			t.Fatalf("keys of chat %d left after erasing: %v", id, left)
		}
	}
	for i, id := range ids {
		if i%2 == 0 {
			continue
		}
		if st, _, err := s.Load(ctx, id); err != nil || st == nil {
			t.Fatalf("chat %d lost when others were erased: %v", id, err)
		}
	}
}

// hasChat reports whether any key names chat id in its hash tag.
func hasChat(byNode map[string][]string, id int64) bool {
	for _, ks := range byNode {
		for _, k := range ks {
			if strings.Contains(k, "{u"+strconv.FormatInt(id, 10)+"}") {
				return true
			}
		}
	}
	return false
}

// A URL with addr= parameters is a cluster URL; one that names a server
// without cluster support, or a database other than 0, is refused.
func TestOpenClusterURLErrors(t *testing.T) {
	u, err := url.Parse(redistest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Add("addr", u.Host)
	u.RawQuery = q.Encode()
	u.Path = ""
	if rdb, _, err := store.Open(context.Background(), u.String()); err == nil {
		t.Fatalf("a cluster URL of a single server opened: %T", rdb)
	}
	u.Path = "/3"
	if _, _, err := store.Open(context.Background(), u.String()); err == nil || !strings.Contains(err.Error(), "database 0") {
		t.Fatalf("a cluster URL with database 3: %v; want it refused", err)
	}
}
