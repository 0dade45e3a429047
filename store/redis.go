package store

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Open connects to the Redis at rawURL, a single server or a Redis Cluster,
// and checks that it answers. The returned close function releases what Open
// took. The forms of rawURL:
//
//   - "" (empty): an embedded, in-process Redis (miniredis), so that
//     Werkwijzer runs with no set-up at all; that state is gone when the
//     process ends.
//   - redis://[user:password@]host:port[/db] (rediss:// for TLS): one Redis
//     server, parsed by redis.ParseURL; the result is a *redis.Client.
//   - redis://[user:password@]host:port?addr=host2:port2&addr=host3:port3:
//     a Redis Cluster. One or more addr= parameters make the URL a cluster
//     URL, parsed by redis.ParseClusterURL; the host in front and every addr
//     are seed nodes (a few are enough, the client learns the rest of the
//     cluster from them) and the result is a *redis.ClusterClient. Several
//     bot instances share one Redis, and a cluster lets that Redis scale out
//     beyond one server; a person's keys share a hash tag (see Keys), so
//     every operation of this package stays within one slot. A cluster has
//     only database 0, so a path other than "/0" is refused. Every node,
//     primaries and replicas, must answer a PING.
//
// Other query parameters (dial_timeout, pool_size, ...) are those
// redis.ParseURL or redis.ParseClusterURL accept.
func Open(ctx context.Context, rawURL string) (redis.UniversalClient, func() error, error) {
	if rawURL == "" {
		mr := miniredis.NewMiniRedis()
		if err := mr.Start(); err != nil {
			return nil, nil, fmt.Errorf("store: start embedded redis: %w", err)
		}
		rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
		return rdb, func() error { err := rdb.Close(); mr.Close(); return err }, nil
	}
	if isClusterURL(rawURL) {
		return openCluster(ctx, rawURL)
	}
	opts, err := redis.ParseURL(rawURL)
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

// isClusterURL reports whether rawURL names a Redis Cluster: it has one or
// more addr= query parameters. A URL that does not parse is left to
// redis.ParseURL to report.
func isClusterURL(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	return len(u.Query()["addr"]) > 0
}

func openCluster(ctx context.Context, rawURL string) (redis.UniversalClient, func() error, error) {
	opts, err := redis.ParseClusterURL(rawURL)
	if err != nil {
		return nil, nil, fmt.Errorf("store: REDIS_URL (cluster): %w", err)
	}
	if u, _ := url.Parse(rawURL); u != nil && u.Path != "" && u.Path != "/" && u.Path != "/0" {
		return nil, nil, fmt.Errorf("store: REDIS_URL (cluster): a Redis Cluster has only database 0, not %q", strings.TrimPrefix(u.Path, "/"))
	}
	rdb := redis.NewClusterClient(opts)
	err = rdb.ForEachShard(ctx, func(ctx context.Context, shard *redis.Client) error {
		if err := shard.Ping(ctx).Err(); err != nil {
			return fmt.Errorf("%s: %w", shard.Options().Addr, err)
		}
		return nil
	})
	if err != nil {
		rdb.Close()
		return nil, nil, fmt.Errorf("store: connect to redis cluster: %w", err)
	}
	return rdb, rdb.Close, nil
}
