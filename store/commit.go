package store

import (
	"context"
	"errors"
	"sync"

	"github.com/redis/go-redis/v9"
)

// committer puts the Redis work of concurrent chats into shared pipelines
// (group commit): each caller queues its commands and waits until they have
// run, and every caller that arrives while one pipeline is in flight goes
// into the next. A quiet bot pays one round trip per call, as without it; a
// busy one pays a fraction, which is what keeps an answer within its budget
// of round trips. Recording a delivery must happen right after the send (a
// crash before it repeats the message), so it cannot be put off; grouping
// is what makes it cheap.
type committer struct {
	rdb redis.UniversalClient

	mu       sync.Mutex
	pending  []*commitReq
	flushing bool
	// known holds the hashes of the scripts Redis has run for us.
	known sync.Map
}

type commitReq struct {
	queue func(p redis.Pipeliner)
	done  chan struct{}
	err   error // the pipeline's own failure (network); commands keep theirs
}

// do queues commands and returns once they have run. The caller reads each
// command's result and error itself.
func (c *committer) do(ctx context.Context, queue func(p redis.Pipeliner)) error {
	req := &commitReq{queue: queue, done: make(chan struct{})}
	c.mu.Lock()
	c.pending = append(c.pending, req)
	if !c.flushing {
		c.flushing = true
		go c.run(context.WithoutCancel(ctx))
	}
	c.mu.Unlock()
	select {
	case <-req.done:
		return req.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *committer) run(ctx context.Context) {
	for {
		c.mu.Lock()
		batch := c.pending
		c.pending = nil
		if len(batch) == 0 {
			c.flushing = false
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		p := c.rdb.Pipeline()
		for _, r := range batch {
			r.queue(p)
		}
		_, err := p.Exec(ctx)
		// Exec reports the first failed command; callers look at their own.
		// Only a failure of the connection itself is everyone's.
		if err != nil && !isCommandError(err) {
			for _, r := range batch {
				r.err = err
			}
		}
		for _, r := range batch {
			close(r.done)
		}
	}
}

// script runs s in a shared pipeline. Once Redis has run it by its text
// (EVAL, the first call of this process), it runs by its hash (EVALSHA),
// so that the text is not sent, nor hashed by Redis, with every call. A
// Redis that does not know it (restarted, or another node of a cluster)
// answers NOSCRIPT; the call is then made again by its text, alone, which
// teaches Redis the script again. more queues further commands in the same
// pipeline (nil for none); they are not repeated.
func (c *committer) script(ctx context.Context, s *redis.Script, keys []string, args []any, more func(p redis.Pipeliner)) (*redis.Cmd, error) {
	_, known := c.known.Load(s.Hash())
	var cmd *redis.Cmd
	err := c.do(ctx, func(p redis.Pipeliner) {
		if known {
			cmd = s.EvalSha(ctx, p, keys, args...)
		} else {
			cmd = s.Eval(ctx, p, keys, args...)
		}
		if more != nil {
			more(p)
		}
	})
	if err != nil {
		return nil, err
	}
	if redis.HasErrorPrefix(cmd.Err(), "NOSCRIPT") {
		cmd = s.Eval(ctx, c.rdb, keys, args...)
	}
	if cmd.Err() == nil || isCommandError(cmd.Err()) && !redis.HasErrorPrefix(cmd.Err(), "NOSCRIPT") {
		c.known.Store(s.Hash(), true)
	}
	return cmd, nil
}

// isCommandError tells a command's own failure (a reply of Redis) from a
// failure to talk to Redis at all.
func isCommandError(err error) bool {
	if err == redis.Nil {
		return true
	}
	var re redis.Error
	return errors.As(err, &re)
}
