package staff

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/privacy"
)

var _ privacy.StaffSide = (*Staff)(nil)

// Held is what the staff side holds on chat, for /mydata: their open
// request as staff see it, notifications not posted yet, and every Slack
// message about or from them that /forget would redact.
func (s *Staff) Held(ctx context.Context, chat int64) (privacy.StaffHeld, error) {
	ref := s.Ref(chat)
	h := privacy.StaffHeld{Reference: ref}
	r, err := s.Requests.Get(ctx, ref)
	if err != nil {
		return h, err
	}
	if r != nil {
		h.Request = &privacy.StaffRequest{Since: r.Since, Shown: shown(r.Notification)}
		if r.Active {
			h.Request.TakenBy = r.Name
		}
	}
	queued, err := s.Outbox.Queued(ctx, chat)
	if err != nil {
		return h, err
	}
	for _, n := range queued {
		h.Queued = append(h.Queued, shown(n))
	}
	locs, err := s.Requests.Locations(ctx, ref)
	if err != nil {
		return h, err
	}
	for _, l := range locs {
		h.Messages = append(h.Messages, privacy.StaffMessage{What: l.What, Channel: l.Channel, TS: l.TS})
	}
	n, err := s.Requests.rdb.Get(ctx, capKey(s.Requests.prefix, chat)).Int()
	if err != nil && !errors.Is(err, redis.Nil) {
		return h, err
	}
	h.InterestedThisHour = n
	return h, nil
}

func shown(n Notification) privacy.StaffNotification {
	out := privacy.StaffNotification{What: string(n.Kind), At: n.At}
	for _, f := range n.Fields {
		out.Fields = append(out.Fields, dialogs.Field{Label: f.Label, Value: f.Value})
	}
	return out
}

// Queued are chat's notifications not posted yet.
func (o *Outbox) Queued(ctx context.Context, chat int64) ([]Notification, error) {
	ids, err := o.rdb.SMembers(ctx, IndexKey(o.prefix, chat)).Result()
	if err != nil {
		return nil, err
	}
	var out []Notification
	for _, id := range ids {
		msgs, err := o.rdb.XRange(ctx, StreamKey(o.prefix), id, id).Result()
		if err != nil {
			return nil, err
		}
		for _, m := range msgs {
			var n Notification
			if raw, _ := m.Values["n"].(string); raw != "" && json.Unmarshal([]byte(raw), &n) == nil {
				out = append(out, n)
			}
		}
	}
	return out, nil
}
