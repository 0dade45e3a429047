package answers

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/faq"
)

// Store keeps the imported FAQ in Redis and answers from it, reading it
// again at most every CacheFor, so that an import reaches every instance
// within that time without a Redis read per message.
type Store struct {
	rdb      redis.UniversalClient
	key      string
	Clock    clock.Clock
	CacheFor time.Duration

	mu     sync.Mutex
	ix     *Index
	raw    string
	loaded time.Time
}

var _ faq.Retriever = (*Store)(nil)

// NewStore is the FAQ under prefix.
func NewStore(rdb redis.UniversalClient, prefix string) *Store {
	return &Store{rdb: rdb, key: prefix + ":faq", CacheFor: 30 * time.Second}
}

// Import replaces the FAQ with f.
func (s *Store) Import(ctx context.Context, f *File) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	if err := s.rdb.Set(ctx, s.key, b, 0).Err(); err != nil {
		return dialogs.E(dialogs.ErrUnavailable, "faq import", err)
	}
	s.mu.Lock()
	s.loaded = time.Time{}
	s.mu.Unlock()
	return nil
}

// Index is the FAQ as last imported, or the seed.
func (s *Store) Index(ctx context.Context) (*Index, error) {
	now := clock.Or(s.Clock).Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ix != nil && now.Sub(s.loaded) < s.CacheFor {
		return s.ix, nil
	}
	raw, err := s.rdb.Get(ctx, s.key).Result()
	switch {
	case errors.Is(err, redis.Nil):
		raw = ""
	case err != nil:
		if s.ix != nil {
			return s.ix, nil // answer from what we have while Redis is away
		}
		return nil, dialogs.E(dialogs.ErrUnavailable, "faq load", err)
	}
	if s.ix == nil || raw != s.raw {
		f := Seed()
		if raw != "" {
			var g File
			if err := json.Unmarshal([]byte(raw), &g); err != nil {
				return nil, dialogs.E(dialogs.ErrInvalid, "faq load", err)
			}
			f = &g
		}
		s.ix, s.raw = NewIndex(f), raw
	}
	s.loaded = now
	return s.ix, nil
}

// Answer implements faq.Retriever.
func (s *Store) Answer(ctx context.Context, lang, text string) (*faq.Answer, error) {
	ix, err := s.Index(ctx)
	if err != nil {
		return nil, err
	}
	return ix.Answer(lang, text), nil
}

// Answer is the answer to text in lang from ix, or nil.
func (ix *Index) Answer(lang, text string) *faq.Answer {
	m := ix.Best(lang, text)
	if m.Entry == nil {
		return nil
	}
	return &faq.Answer{ID: m.Entry.ID, Text: m.Entry.Answer(lang), Flow: m.Entry.Flow, Score: m.Score}
}
