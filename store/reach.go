package store

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// Reach remembers who blocked the bot, so that reminders, alerts and staff
// messages are not pushed at someone who said no by blocking us.
type Reach struct {
	rdb       redis.UniversalClient
	keys      Keys
	retention time.Duration
}

// NewReach returns a Reach on rdb; marks expire after retention, as all
// personal data does.
func NewReach(rdb redis.UniversalClient, keys Keys, retention time.Duration) *Reach {
	return &Reach{rdb: rdb, keys: keys, retention: retention}
}

// markIfKnown sets the mark only for a person we hold a conversation for:
// nobody else gets proactive messages, and a mark must not become the only
// key that names someone we otherwise know nothing about.
var markIfKnown = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[1])
end
return 0`)

// MarkUnreachable records that Telegram refused to deliver to chatID.
func (r *Reach) MarkUnreachable(ctx context.Context, chatID int64) error {
	return markIfKnown.Run(ctx, r.rdb, []string{r.keys.Conversation(chatID), r.keys.Unreachable(chatID)},
		r.retention.Milliseconds()).Err()
}

// MarkReachable clears the mark (the person unblocked the bot).
func (r *Reach) MarkReachable(ctx context.Context, chatID int64) error {
	return r.rdb.Del(ctx, r.keys.Unreachable(chatID)).Err()
}

// Unreachable reports whether proactive messages to chatID must wait until
// the person writes again.
func (r *Reach) Unreachable(ctx context.Context, chatID int64) (bool, error) {
	n, err := r.rdb.Exists(ctx, r.keys.Unreachable(chatID)).Result()
	return n > 0, err
}
