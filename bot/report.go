package bot

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"

	tg "github.com/go-telegram/bot"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/pseudonym"
)

// logKey keys ChatRef. It is the process's, not a Runtime's: logs are
// written from everywhere in the package (and by whoever holds its
// logger), and a reference must name a chat the same way in all of them.
var logKey atomic.Pointer[pseudonym.Key]

var randomLogKey = sync.OnceValue(pseudonym.Random)

// SetLogKey makes ChatRef keyed with the deployment's secret, so that the
// logs of every instance and every restart name a chat alike. Until it is
// called, a key of this process alone is used.
func SetLogKey(k *pseudonym.Key) { logKey.Store(k) }

// ChatRef is how logs name a chat: an HMAC of its id, so that logs can
// follow one conversation without holding anything that leads back to the
// person without the deployment's secret.
func ChatRef(chatID int64) string {
	k := logKey.Load()
	if k == nil {
		k = randomLogKey()
	}
	return k.Log(chatID)
}

// delivery is what became of the replies of a turn delivered under a
// context from InjectCounted: how many arrived, and the first refusal.
type delivery struct {
	mu      sync.Mutex
	sent    int
	refused error
	done    bool // the event was handled here, not queued
}

func (d *delivery) handled() {
	d.mu.Lock()
	d.done = true
	d.mu.Unlock()
}

// Queued is the count InjectCounted returns for an event that waits in
// the chat's queue behind what the chat is busy with (here or on another
// instance): it will be delivered then, and nothing is known yet of its
// arrival.
const Queued = -1

type deliveryKey struct{}

// observe records what became of one reply (deliver calls it after each
// send); it does nothing for a context InjectCounted did not make.
func observe(ctx context.Context, err error) {
	d, _ := ctx.Value(deliveryKey{}).(*delivery)
	if d == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case err == nil:
		d.sent++
	case d.refused == nil && (errors.Is(err, ErrUnreachable) || permanent(err)):
		d.refused = err
	}
}

// InjectCounted is Inject for a sender that must know whether the person
// got what it sent (a staff member's reply): it returns how many replies
// arrived (Queued when the event waits behind the chat's other work), and when one did not, an error of kind dialogs.ErrNotFound (the
// person blocked the bot) or dialogs.ErrInvalid (Telegram refused it; the
// cause is Telegram's description), or, when the event could not be run
// or sent at all, of kind dialogs.ErrUnavailable. Replies Telegram refused
// are not tried again, as with Inject.
func (t *Telegram) InjectCounted(ctx context.Context, ev dialogs.Event) (int, error) {
	d := &delivery{}
	err := t.Inject(context.WithValue(ctx, deliveryKey{}, d), ev)
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case err != nil:
		return d.sent, dialogs.E(dialogs.ErrUnavailable, "telegram: inject", err)
	case !d.done:
		return Queued, nil
	case d.refused == nil:
		return d.sent, nil
	case errors.Is(d.refused, ErrUnreachable):
		return d.sent, dialogs.E(dialogs.ErrNotFound, "telegram: inject", d.refused)
	}
	return d.sent, dialogs.E(dialogs.ErrInvalid, "telegram", errors.New(description(d.refused, t.token)))
}

// description is what Telegram said of a refusal ("Bad Request: message
// is too long"), without the library's words around it.
func description(err error, token string) string {
	s := redact(err.Error(), token)
	for _, known := range []error{tg.ErrorBadRequest, tg.ErrorNotFound} {
		s = strings.TrimPrefix(s, known.Error()+", ")
	}
	return s
}
