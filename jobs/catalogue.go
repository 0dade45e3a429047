package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/redis/go-redis/v9"
)

// Catalogue keeps the vacancies in Redis, by source (an employer's feed, a
// job board, a staff file): an import replaces what that source offers,
// updating by id and withdrawing what it no longer lists.
//
// Keys, sharing the hash tag {vac} so that an import is one MULTI in a
// Redis Cluster too (none names a person):
//
//	<p>:{vac}:v:<id>          string  the Vacancy (JSON). TTL: a week past validThrough.
//	<p>:{vac}:all             zset    every vacancy id, by validThrough (ms; 0: none);
//	                                  ids a week past it are pruned by the next import.
//	<p>:{vac}:src:<source>    set     the ids a source offers.
//	<p>:{vac}:facts           hash    id → what matching reads of it (Facts, about
//	                                  40 bytes), so that a search reads no
//	                                  description; pruned with all.
//	<p>:{vac}:ver             string  a counter every import that changed something
//	                                  raises, so that a finder's copy of the
//	                                  facts is known current with one GET.
//
// The catalogue's keys live as long as the catalogue: they hold no person.
type Catalogue struct {
	rdb    redis.UniversalClient
	prefix string
}

// NewCatalogue returns the catalogue under prefix.
func NewCatalogue(rdb redis.UniversalClient, prefix string) *Catalogue {
	return &Catalogue{rdb: rdb, prefix: prefix}
}

func (c *Catalogue) key(parts ...string) string {
	k := c.prefix + ":{vac}"
	for _, p := range parts {
		k += ":" + p
	}
	return k
}

// ImportResult counts what an import did.
type ImportResult struct {
	Added, Updated, Unchanged, Withdrawn int
	// New are the vacancies added, for alerts.
	New []Vacancy
}

// Import makes vacancies what source offers, at once: readers see the old
// offer or the new one. A vacancy the source no longer lists is withdrawn
// and never shown again; one past validThrough is not stored.
func (c *Catalogue) Import(ctx context.Context, source string, vacancies []Vacancy, now time.Time) (ImportResult, error) {
	var res ImportResult
	old, err := c.rdb.SMembers(ctx, c.key("src", source)).Result()
	if err != nil {
		return res, err
	}
	had := map[string]bool{}
	for _, id := range old {
		had[id] = true
	}
	current := map[string]string{}
	if len(old) > 0 {
		keys := make([]string, len(old))
		for i, id := range old {
			keys[i] = c.key("v", id)
		}
		vals, err := c.rdb.MGet(ctx, keys...).Result()
		if err != nil {
			return res, err
		}
		for i, v := range vals {
			if s, ok := v.(string); ok {
				current[old[i]] = s
			}
		}
	}
	p := c.rdb.TxPipeline()
	keep := map[string]bool{}
	for _, v := range vacancies {
		if !v.Active(now) {
			continue
		}
		body, err := json.Marshal(v)
		if err != nil {
			return res, err
		}
		keep[v.ID] = true
		switch {
		case !had[v.ID]:
			res.Added++
			res.New = append(res.New, v)
		case current[v.ID] == string(body):
			res.Unchanged++
			continue
		default:
			res.Updated++
		}
		ttl := time.Duration(0)
		score := float64(0)
		if !v.ValidThrough.IsZero() {
			ttl = v.ValidThrough.Sub(now) + 7*24*time.Hour
			score = float64(v.ValidThrough.UnixMilli())
		}
		p.Set(ctx, c.key("v", v.ID), body, ttl)
		p.ZAdd(ctx, c.key("all"), redis.Z{Score: score, Member: v.ID})
		p.SAdd(ctx, c.key("src", source), v.ID)
		p.HSet(ctx, c.key("facts"), v.ID, encodeFacts(FactsOf(v)))
	}
	for _, id := range old {
		if !keep[id] {
			res.Withdrawn++
			p.Del(ctx, c.key("v", id))
			p.ZRem(ctx, c.key("all"), id)
			p.SRem(ctx, c.key("src", source), id)
			p.HDel(ctx, c.key("facts"), id)
		}
	}
	// Vacancies a week past validThrough are gone from Redis already;
	// their ids go too, whichever source had them.
	stale, err := c.rdb.ZRangeByScore(ctx, c.key("all"), &redis.ZRangeBy{Min: "1", Max: fmt.Sprint(now.Add(-7 * 24 * time.Hour).UnixMilli())}).Result()
	if err != nil {
		return res, err
	}
	if len(stale) > 0 {
		members := make([]any, len(stale))
		for i, id := range stale {
			members[i] = id
		}
		p.ZRem(ctx, c.key("all"), members...)
		p.HDel(ctx, c.key("facts"), stale...)
	}
	if res.Added+res.Updated+res.Withdrawn+len(stale) > 0 {
		p.Incr(ctx, c.key("ver"))
	}
	if err := c.ensureFacts(ctx); err != nil {
		return res, err
	}
	_, err = p.Exec(ctx)
	return res, err
}

// ensureFacts builds the facts of a catalogue that an older version stored
// without them (the version key is missing then), once.
func (c *Catalogue) ensureFacts(ctx context.Context) error {
	n, err := c.rdb.Exists(ctx, c.key("ver")).Result()
	if err != nil || n == 1 {
		return err
	}
	vs, err := c.Active(ctx, time.Time{})
	if err != nil {
		return err
	}
	p := c.rdb.TxPipeline()
	for _, v := range vs {
		p.HSet(ctx, c.key("facts"), v.ID, encodeFacts(FactsOf(v)))
	}
	p.Incr(ctx, c.key("ver"))
	_, err = p.Exec(ctx)
	return err
}

// Version is the catalogue's version: it changes with every import that
// changed what is offered.
func (c *Catalogue) Version(ctx context.Context) (int64, error) {
	n, err := c.rdb.Get(ctx, c.key("ver")).Int64()
	if errors.Is(err, redis.Nil) {
		if err := c.ensureFacts(ctx); err != nil {
			return 0, err
		}
		return c.rdb.Get(ctx, c.key("ver")).Int64()
	}
	return n, err
}

// Facts are what matching reads of every vacancy in the catalogue (the
// expired ones too, until they are pruned), in no order.
func (c *Catalogue) Facts(ctx context.Context) ([]Facts, error) {
	all, err := c.rdb.HGetAll(ctx, c.key("facts")).Result()
	if err != nil {
		return nil, err
	}
	out := make([]Facts, 0, len(all))
	for id, s := range all {
		f, err := decodeFacts(id, s)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// Get reads the vacancies with ids, in order; nil for one that is gone.
func (c *Catalogue) Get(ctx context.Context, ids ...string) ([]*Vacancy, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = c.key("v", id)
	}
	vals, err := c.rdb.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, err
	}
	out := make([]*Vacancy, len(ids))
	for i, v := range vals {
		s, ok := v.(string)
		if !ok {
			continue
		}
		var vac Vacancy
		if err := json.Unmarshal([]byte(s), &vac); err != nil {
			return nil, err
		}
		out[i] = &vac
	}
	return out, nil
}

// Active returns every vacancy that may be shown at now.
func (c *Catalogue) Active(ctx context.Context, now time.Time) ([]Vacancy, error) {
	ids, err := c.rdb.ZRange(ctx, c.key("all"), 0, -1).Result()
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	var out []Vacancy
	for start := 0; start < len(ids); start += 1000 {
		chunk := ids[start:min(len(ids), start+1000)]
		keys := make([]string, len(chunk))
		for i, id := range chunk {
			keys[i] = c.key("v", id)
		}
		vals, err := c.rdb.MGet(ctx, keys...).Result()
		if err != nil {
			return nil, err
		}
		for _, v := range vals {
			s, ok := v.(string)
			if !ok {
				continue // expired between the two reads
			}
			var vac Vacancy
			if err := json.Unmarshal([]byte(s), &vac); err != nil {
				return nil, err
			}
			if vac.Active(now) {
				out = append(out, vac)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Empty reports whether no vacancy was ever imported (or all expired), so
// that a new installation can load the sample.
func (c *Catalogue) Empty(ctx context.Context) (bool, error) {
	n, err := c.rdb.ZCard(ctx, c.key("all")).Result()
	return n == 0, err
}
