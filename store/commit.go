package store

import (
	"context"
	"sync"
)

// committer group-commits outbox writes: each caller waits for its write to
// be in Redis, and the writes of all callers that arrive while one pipeline
// is in flight go together in the next. Recording a delivery must happen
// right after the send (a crash before it repeats the message), so it cannot
// be put off; grouping keeps its cost near zero round trips per answer when
// many chats are busy, and one when the bot is quiet.
type committer struct {
	flush func(ctx context.Context, ws []outboxWrite) error

	mu       sync.Mutex
	pending  []*commitReq
	flushing bool
}

type commitReq struct {
	ws   []outboxWrite
	done chan error
}

func (c *committer) do(ctx context.Context, ws ...outboxWrite) error {
	if len(ws) == 0 {
		return nil
	}
	req := &commitReq{ws: ws, done: make(chan error, 1)}
	c.mu.Lock()
	c.pending = append(c.pending, req)
	if !c.flushing {
		c.flushing = true
		go c.run(context.WithoutCancel(ctx))
	}
	c.mu.Unlock()
	select {
	case err := <-req.done:
		return err
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
		var ws []outboxWrite
		for _, r := range batch {
			ws = append(ws, r.ws...)
		}
		err := c.flush(ctx, ws)
		for _, r := range batch {
			r.done <- err
		}
	}
}
