package staff

import (
	"context"
	"strconv"
	"time"
)

// InterestedPerHour caps the "interested in a vacancy" posts one person
// makes in an hour: the vacancies flow tells staff once per vacancy, and
// this stops someone who presses through many cards from flooding the
// channel. Further presses in that hour are counted for the funnel but not
// posted.
const InterestedPerHour = 5

// capKey counts one person's interested posts in the current hour. It
// carries the person's hash tag, as IndexKey does.
func capKey(prefix string, chatID int64) string {
	return prefix + ":{u" + strconv.FormatInt(chatID, 10) + "}:staffcap"
}

// overCap reports whether a post of note id by chatID would pass
// InterestedPerHour; counting it when not. A note already queued (a turn
// delivered again) is not counted twice.
func (s *Staff) overCap(ctx context.Context, chatID int64, id string) (bool, error) {
	rdb := s.Requests.rdb
	if id != "" {
		if n, err := rdb.Exists(ctx, staffKey(s.Requests.prefix, "seen:"+id)).Result(); err != nil || n == 1 {
			return false, err
		}
	}
	k := capKey(s.Requests.prefix, chatID)
	p := rdb.TxPipeline()
	n := p.Incr(ctx, k)
	p.ExpireNX(ctx, k, time.Hour)
	if _, err := p.Exec(ctx); err != nil {
		return false, err
	}
	return n.Val() > InterestedPerHour, nil
}

// forgetCap drops the count, for /forget.
func (s *Staff) forgetCap(ctx context.Context, chatID int64) error {
	return s.Requests.rdb.Del(ctx, capKey(s.Requests.prefix, chatID)).Err()
}
