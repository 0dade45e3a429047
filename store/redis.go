package store

import (
	"context"
	"fmt"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Open connects to the Redis at url. With an empty url it starts an embedded,
// in-process Redis (miniredis) instead, so that Werkwijzer runs with no set-up
// at all; that state is gone when the process ends. The returned close
// function releases both.
func Open(ctx context.Context, url string) (redis.UniversalClient, func() error, error) {
	if url == "" {
		mr := miniredis.NewMiniRedis()
		if err := mr.Start(); err != nil {
			return nil, nil, fmt.Errorf("store: start embedded redis: %w", err)
		}
		rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
		return rdb, func() error { err := rdb.Close(); mr.Close(); return err }, nil
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, nil, fmt.Errorf("store: REDIS_URL: %w", err)
	}
	rdb := redis.NewClient(opts)
	if err := rdb.Ping(ctx).Err(); err != nil {
		rdb.Close()
		return nil, nil, fmt.Errorf("store: connect to redis: %w", err)
	}
	return rdb, rdb.Close, nil
}
