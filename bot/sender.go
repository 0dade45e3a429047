package bot

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	tg "github.com/go-telegram/bot"
	"golang.org/x/time/rate"

	"github.com/werkwijzer/werkwijzer/clock"
)

// Telegram's limits for bots: about 30 messages a second in all and about
// one a second to one chat, short bursts allowed
// (core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this).
// The bot-wide limit is kept a little under 30 so that a sliding one-second
// window never sees more than 30; a chat may get an answer of a few
// messages at once.
const (
	DefaultGlobalRate = 29.0
	DefaultChatRate   = 1.0
	DefaultChatBurst  = 4
)

// Reachability records who blocked the bot.
type Reachability interface {
	MarkUnreachable(ctx context.Context, chatID int64) error
	MarkReachable(ctx context.Context, chatID int64) error
}

// ErrUnreachable means Telegram refused delivery for good: the person blocked
// the bot or deleted their account.
var ErrUnreachable = errors.New("bot: chat unreachable")

// Sender is the one way out to Telegram. It keeps the whole bot, across all
// instances sharing Redis, within Telegram's rate limits, waits out a 429's
// retry_after, and marks a chat unreachable on 403. None of this costs a
// Redis round trip per message.
type Sender struct {
	// Global is the bot-wide rate shared by the instances; nil for none.
	Global *Quota
	// PerChat and ChatBurst pace the messages to one chat; 0 for none.
	PerChat   float64
	ChatBurst int
	chats     chatLimits
	once      sync.Once

	Reach      Reachability
	MaxRetries int // retries after a 429; 0 means 5
	// Clock paces and times the waits; nil is the wall clock.
	Clock clock.Clock
	// Observe, when set, learns the outcome of every call: "ok", an HTTP
	// status such as "429" or "403", or "error".
	Observe func(outcome string)
}

func (s *Sender) sleep(ctx context.Context, d time.Duration) error {
	return clock.Sleep(ctx, clock.Or(s.Clock), d)
}

func (s *Sender) observe(outcome string) {
	if s.Observe != nil {
		s.Observe(outcome)
	}
}

// pace waits for the bot-wide and the chat's limits. A Follow message
// counts in the chat's pace but does not wait for it: the replies to one
// press go out together, and the chat's next turn waits for them.
func (s *Sender) pace(ctx context.Context, chatID int64, c Class) error {
	if s.PerChat > 0 {
		s.once.Do(func() {
			burst := s.ChatBurst
			if burst < 1 {
				burst = 1
			}
			s.chats.limit, s.chats.burst, s.chats.clock = rate.Limit(s.PerChat), burst, clock.Or(s.Clock)
		})
		if c == Follow {
			s.chats.follow(chatID)
		} else if err := s.chats.wait(ctx, chatID); err != nil {
			return err
		}
	}
	if s.Global != nil {
		return s.Global.Wait(ctx, c)
	}
	return nil
}

// Paced reports whether a message to chatID would now wait for the chat's
// pace for more than a moment (it was sent to just now): a webhook call
// then need not wait for it.
func (s *Sender) Paced(chatID int64) bool {
	if s == nil || s.PerChat <= 0 {
		return false
	}
	return s.chats.paced(chatID)
}

// Do makes one Bot API call to chatID within the limits, as a Reply.
func (s *Sender) Do(ctx context.Context, chatID int64, call func(ctx context.Context) error) error {
	return s.DoAs(ctx, chatID, Reply, call)
}

// DoAs makes one Bot API call to chatID within the limits, as a message
// of class c.
func (s *Sender) DoAs(ctx context.Context, chatID int64, c Class, call func(ctx context.Context) error) error {
	max := s.MaxRetries
	if max == 0 {
		max = 5
	}
	for attempt := 0; ; attempt++ {
		if err := s.pace(ctx, chatID, c); err != nil {
			return err
		}
		err := call(ctx)
		var tooMany *tg.TooManyRequestsError
		switch {
		case err == nil:
			s.observe("ok")
			return nil
		case errors.As(err, &tooMany):
			// The library's IsTooManyRequestsError misses wrapped errors.
			s.observe("429")
			if attempt >= max {
				return err
			}
			wait := time.Duration(tooMany.RetryAfter) * time.Second
			if wait <= 0 {
				wait = time.Second
			}
			if err := s.sleep(ctx, wait); err != nil {
				return err
			}
		case errors.Is(err, tg.ErrorForbidden):
			s.observe("403")
			if s.Reach != nil {
				if mErr := s.Reach.MarkUnreachable(ctx, chatID); mErr != nil {
					return errors.Join(ErrUnreachable, mErr)
				}
			}
			return fmt.Errorf("%w: %v", ErrUnreachable, err)
		default:
			s.observe(statusOf(err))
			return err
		}
	}
}

// statusOf names an error for metrics without leaking its text.
func statusOf(err error) string {
	switch {
	case errors.Is(err, tg.ErrorBadRequest):
		return "400"
	case errors.Is(err, tg.ErrorUnauthorized):
		return "401"
	case errors.Is(err, tg.ErrorNotFound):
		return "404"
	case errors.Is(err, tg.ErrorConflict):
		return "409"
	}
	return "error"
}
