package staff

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// DigestHour is when, on Monday morning, last week's digest goes out.
const DigestHour = 9

// WeeklyDigest posts last week's figures per partner, once, on Monday from
// DigestHour on: each partner's notification has an id of its own, so
// several instances (and every tick of Run) post each once, and a key marks
// the week done.
func (s *Staff) WeeklyDigest(ctx context.Context) error {
	if s.Digest == nil {
		return nil
	}
	now := s.Clock.Now().In(brussels)
	if now.Weekday() != time.Monday || now.Hour() < DigestHour {
		return nil
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, brussels)
	last := today.AddDate(0, 0, -7)
	y, w := last.ISOWeek()
	week := fmt.Sprintf("%d-W%02d", y, w)
	done := staffKey(s.Requests.prefix, "digest:"+week)
	if n, err := s.Requests.rdb.Exists(ctx, done).Result(); err != nil || n == 1 {
		return err
	}
	items, err := s.Digest.Digest(ctx, last)
	if err != nil {
		return err
	}
	for _, it := range items {
		fields := []Field{{Label: labelPartner, Value: it.Name + " (" + it.Partner + ")"}, {Label: labelWeek, Value: week}}
		for _, st := range it.Stages {
			fields = append(fields, Field{Label: st.Label, Value: strconv.Itoa(st.Count)})
		}
		if err := s.Outbox.Enqueue(ctx, Notification{ID: "digest." + week + "." + it.Partner, Kind: KindDigest,
			Lang: "nl", At: now, Fields: fields}); err != nil {
			return err
		}
	}
	return s.Requests.rdb.Set(ctx, done, "1", 8*24*time.Hour).Err()
}
