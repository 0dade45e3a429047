package main

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/bot/telegramtest"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/locales"
)

// clusterKeysWith returns the keys that name chat id (in their hash tag),
// by the address of the primary that holds them.
func clusterKeysWith(t *testing.T, rdb redis.UniversalClient, prefix string, id int64) map[string][]string {
	t.Helper()
	cc, ok := rdb.(*redis.ClusterClient)
	if !ok {
		t.Fatalf("Redis is a %T, want *redis.ClusterClient", rdb)
	}
	tag := "{u" + strconv.FormatInt(id, 10) + "}"
	var mu sync.Mutex
	found := map[string][]string{}
	err := cc.ForEachMaster(context.Background(), func(ctx context.Context, node *redis.Client) error {
		keys, err := node.Keys(ctx, "*"+strconv.FormatInt(id, 10)+"*").Result()
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		for _, k := range keys {
			if strings.HasPrefix(k, prefix+":") && strings.Contains(k, tag) {
				found[node.Options().Addr] = append(found[node.Options().Addr], k)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// The whole onboarding, in several languages at once, with Redis a cluster;
// /forget then leaves no key of the person on any node.
func TestOnboardingOnRedisCluster(t *testing.T) {
	tg := telegramtest.New(t)
	prefix := redistest.Prefix()
	r := serveWith(t, tg, redistest.StartCluster(t), prefix)

	type person struct {
		id   int64
		lang locales.Language
	}
	var people []person
	for i, code := range []string{"nl", "ar", "uk", "fa-AF"} {
		for _, l := range locales.Languages {
			if l.Code == code {
				people = append(people, person{int64(5000 + i), l})
			}
		}
	}
	t.Run("onboarding", func(t *testing.T) {
		for _, p := range people {
			t.Run(p.lang.Code, func(t *testing.T) {
				t.Parallel()
				c := tg.Chat(t, p.id, p.lang.Telegram)
				firstHalf(t, c, p.lang.Code)
				secondHalf(t, c, p.lang.Code)
			})
		}
	})
	if t.Failed() {
		return
	}

	rdb := r.m.Redis
	nodes := map[string]bool{}
	for _, p := range people {
		held := clusterKeysWith(t, rdb, prefix, p.id)
		if len(held) != 1 {
			t.Fatalf("keys of chat %d on %d nodes, want them all on one: %v", p.id, len(held), held)
		}
		for addr := range held {
			nodes[addr] = true
		}
	}
	if len(nodes) < 2 {
		t.Fatalf("all chats on %d node(s): the test would not exercise the cluster", len(nodes))
	}

	gone, lang := people[1].id, people[1].lang
	c := tg.Chat(t, gone, lang.Telegram)
	expect(t, lang.Code, c.Send("/forget"), "forget_confirm")
	expect(t, lang.Code, c.Press("forget:yes"), "forget_done")
	if left := clusterKeysWith(t, rdb, prefix, gone); len(left) != 0 {
		t.Fatalf("keys of chat %d left after /forget: %v", gone, left)
	}
	for _, p := range people {
		if p.id != gone && len(clusterKeysWith(t, rdb, prefix, p.id)) == 0 {
			t.Fatalf("chat %d lost its keys when chat %d was forgotten", p.id, gone)
		}
	}
}
