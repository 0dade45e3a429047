package lease

import (
	"context"
	"log/slog"
	"time"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
)

// Source is a queue of things to tell people unasked (vacancy alerts,
// reminders, booking news), handed out under a lease.
type Source[T any] interface {
	Due(ctx context.Context, now time.Time, lease time.Duration, max int) ([]T, error)
	Ack(ctx context.Context, item T) error
	Depth(ctx context.Context) (int64, error)
	// Event is what item says to its person, now: an event to show, or
	// Drop (nothing to say any more), or Keep (it put the item back for a
	// later moment itself).
	Event(ctx context.Context, item T, now time.Time) (dialogs.Event, Action, error)
}

// Action is what to do with a claimed item.
type Action int

// The actions.
const (
	Send Action = iota // show the event, then acknowledge the item
	Drop               // acknowledge it without showing anything
	Keep               // leave it: the source put it back for later
)

// Sender hands a Source's due items to the people's conversations, each
// once: claimed under a lease, acknowledged once the conversation handled
// it, and shown once by the conversation should a sender die in between.
// One Sender replaces a loop per kind of message.
type Sender[T any] struct {
	Name   string // "alerts", "reminders": for logs and metrics
	Source Source[T]
	// Inject runs the event through the person's conversation and
	// delivers what it says (the channel's Inject).
	Inject func(ctx context.Context, ev dialogs.Event) error
	// Unreachable, when set, tells who blocked the bot: nothing goes to
	// them, now or later.
	Unreachable func(ctx context.Context, chat int64) (bool, error)
	// Depth, when set, learns how many items wait after each round.
	Depth func(n int64)
	Clock clock.Clock
	// Tick is how often it looks; Wake makes it look at once.
	Tick time.Duration
	Wake <-chan struct{}
	// Lease is how long a claimed item is ours; Batch how many at a time.
	Lease time.Duration
	Batch int
	Log   *slog.Logger
}

// Run sends due items every Tick (and on Wake) until ctx ends. A round
// that found a whole Batch due is followed by the next at once: a
// broadcast goes at the pace of the channel (which sends what people wait
// for first), not a Batch a Tick.
func (s *Sender[T]) Run(ctx context.Context) error {
	clk := clock.Or(s.Clock)
	t := clk.NewTicker(s.Tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C():
		case <-s.Wake:
		}
		for ctx.Err() == nil {
			if _, claimed := s.round(ctx); claimed < s.Batch {
				break
			}
		}
	}
}

// Round claims what is due now and sends it; it returns how many items it
// showed.
func (s *Sender[T]) Round(ctx context.Context) int {
	shown, _ := s.round(ctx)
	return shown
}

// round is Round, also reporting how many items it claimed.
func (s *Sender[T]) round(ctx context.Context) (shown, claimed int) {
	clk := clock.Or(s.Clock)
	log := s.Log.With("queue", s.Name)
	due, err := s.Source.Due(ctx, clk.Now(), s.Lease, s.Batch)
	if err != nil {
		log.Warn("cannot claim", "err", err)
		return 0, 0
	}
	for _, item := range due {
		ev, action, err := s.Source.Event(ctx, item, clk.Now())
		if err != nil {
			log.Warn("cannot read what to say; it is tried again", "err", err)
			continue
		}
		if action == Send && s.Unreachable != nil {
			if gone, err := s.Unreachable(ctx, ev.ChatID); err == nil && gone {
				action = Drop // they blocked the bot: not now, and not later
			}
		}
		switch action {
		case Keep:
			continue
		case Send:
			if err := s.Inject(ctx, ev); err != nil {
				log.Warn("not delivered; it is tried again", "err", err)
				continue
			}
			shown++
		}
		if err := s.Source.Ack(ctx, item); err != nil {
			log.Warn("cannot acknowledge", "err", err)
		}
	}
	if s.Depth != nil {
		if n, err := s.Source.Depth(ctx); err == nil {
			s.Depth(n)
		}
	}
	return shown, len(due)
}
