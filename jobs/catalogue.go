package jobs

import (
	"context"
	"encoding/json"
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
//	<p>:{vac}:all             zset    every vacancy id, by validThrough (ms; 0: none).
//	<p>:{vac}:src:<source>    set     the ids a source offers.
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
	}
	for _, id := range old {
		if !keep[id] {
			res.Withdrawn++
			p.Del(ctx, c.key("v", id))
			p.ZRem(ctx, c.key("all"), id)
			p.SRem(ctx, c.key("src", source), id)
		}
	}
	_, err = p.Exec(ctx)
	return res, err
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
