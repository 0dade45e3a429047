package store

import (
	"context"
	"net"
	"sync/atomic"

	"github.com/redis/go-redis/v9"
)

// RoundTrips counts the network round trips a client makes: one per command,
// one per pipeline or transaction. The budget "at most two per answer" is
// checked and benchmarked with it.
type RoundTrips struct{ n atomic.Int64 }

// CountRoundTrips installs a counter on rdb.
func CountRoundTrips(rdb redis.UniversalClient) *RoundTrips {
	c := &RoundTrips{}
	rdb.AddHook(c)
	return c
}

// Load returns the count so far.
func (c *RoundTrips) Load() int64 { return c.n.Load() }

// DialHook implements redis.Hook.
func (c *RoundTrips) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) { return next(ctx, network, addr) }
}

// ProcessHook implements redis.Hook.
func (c *RoundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if cmd.Name() != "hello" { // connection set-up, once per pooled connection
			c.n.Add(1)
		}
		return next(ctx, cmd)
	}
}

// ProcessPipelineHook implements redis.Hook.
func (c *RoundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if !connectionSetUp(cmds) {
			c.n.Add(1)
		}
		return next(ctx, cmds)
	}
}

// connectionSetUp reports whether cmds is the CLIENT SETINFO pipeline go-redis
// sends on every new connection.
func connectionSetUp(cmds []redis.Cmder) bool {
	for _, c := range cmds {
		if c.Name() != "client" {
			return false
		}
	}
	return len(cmds) > 0
}
