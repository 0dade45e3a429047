package staff

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/slack-go/slack"

	"github.com/werkwijzer/werkwijzer/dialogs"
)

// Injector runs an event from the staff side through a person's
// conversation, in order with what they send themselves, and delivers the
// replies to them. The bot's Telegram channel implements it.
type Injector func(ctx context.Context, ev dialogs.Event) error

// Staff is the staff side of Werkwijzer in Slack: it delivers what the
// conversations tell staff, relays a taken-over conversation both ways,
// raises requests nobody took, and serves Slack's requests (Handler).
type Staff struct {
	Outbox *Outbox
	Desk   *Desk
	API    *slack.Client
	// Hours and Wait are the dialogs' Desk: when staff answer, and how
	// soon; a request still untaken after Wait (counted in office hours) is
	// raised again.
	Hours dialogs.OfficeHours
	Wait  time.Duration
	// SigningSecret proves that a request to Handler comes from our Slack
	// app.
	SigningSecret string
	// Inject delivers staff events to people; nil drops them (tests of the
	// Slack side alone).
	Inject Injector
	Now    func() time.Time
	Log    *slog.Logger
	// Tick is how often Run looks for requests to raise again.
	Tick time.Duration
	// MakeLink makes sign-up links for "/werkwijzer link"; nil turns the
	// command off.
	MakeLink LinkMaker
	// Digest gives the weekly figures per partner; nil for no digest.
	Digest DigestSource
	// Attend records attendance from the buttons on a booking: whether
	// the person with ref came to item. nil leaves the buttons dead.
	Attend Attender

	names sync.Map // Slack user id → first name
}

// Attender records whether the person with ref came to item; changed is
// false when it was so marked already. An error wrapping ErrNoSeat means
// they hold no seat on it (any more).
type Attender func(ctx context.Context, item, ref string, came bool) (changed bool, err error)

// ErrNoSeat is attendance marked for someone without a seat on the item.
var ErrNoSeat = errors.New("staff: no seat on this appointment")

// New returns a Staff posting through api, with its outbox and desk on rdb
// under prefix. Set Inject, SigningSecret, Hours and Wait before use.
func New(rdb redis.UniversalClient, prefix string, api *slack.Client, cfg Config, log *slog.Logger) *Staff {
	if log == nil {
		log = slog.Default()
	}
	s := &Staff{
		Outbox: NewOutbox(rdb, prefix, api, cfg, log),
		Desk:   NewDesk(rdb, prefix),
		API:    api, Wait: 30 * time.Minute, Now: time.Now, Tick: 15 * time.Second,
		Log: log.With("component", "staff"),
	}
	s.Hours, _ = dialogs.ParseOfficeHours(dialogs.DefaultOfficeHours)
	s.Outbox.OnPosted = func(ctx context.Context, n Notification, channel, ts string) {
		if err := s.Desk.Posted(ctx, n, channel, ts); err != nil {
			s.Log.Warn("staff: cannot record where a notification was posted", "err", err)
		}
	}
	return s
}

// SetRetention makes everything kept about a person expire with the rest of
// their data.
func (s *Staff) SetRetention(d time.Duration) {
	s.Outbox.Retention, s.Desk.Retention = d, d
}

// Deliver hands a turn's notes to staff: notifications into the outbox,
// a person's words into the thread of the staff member who took them over,
// and /forget into every place that still holds something of them. It is
// safe to call again for the same turn (after a crash): notes carry ids.
func (s *Staff) Deliver(ctx context.Context, turn *dialogs.Turn) error {
	for _, n := range turn.Notes {
		var err error
		switch n.Kind {
		case dialogs.NoteSignup, dialogs.NoteOriented, dialogs.NoteHandover, dialogs.NoteInterested,
			dialogs.NoteBooked, dialogs.NoteCancelled, dialogs.NoteMoved, dialogs.NotePromoted, dialogs.NoteNoShow:
			// A request is filed before it is posted, so that it can be
			// taken as soon as staff see it.
			note := s.notification(turn.ChatID, n)
			if note.Kind == KindHandover {
				err = s.Desk.Open(ctx, note, s.due(n.At))
			}
			if err == nil {
				err = s.Outbox.Enqueue(ctx, note)
			}
		case dialogs.NoteHandoverCancel:
			err = s.cancelled(ctx, turn.ChatID)
		case dialogs.NoteRelay:
			err = s.relay(ctx, turn.ChatID, n)
		case dialogs.NoteForget:
			err = s.forget(ctx, turn.ChatID)
		}
		if err != nil {
			return fmt.Errorf("staff: deliver %s: %w", n.Kind, err)
		}
	}
	return nil
}

// notification is a note as staff see it.
func (s *Staff) notification(chatID int64, n dialogs.Note) Notification {
	out := Notification{ID: n.ID, Kind: Kind(n.Kind), ChatRef: Ref(chatID), ChatID: chatID, Lang: n.Lang, At: n.At, Item: n.Item}
	for _, f := range n.Fields {
		out.Fields = append(out.Fields, Field{Label: f.Label, Value: f.Value})
	}
	if src := n.Source; src != nil && n.Kind == dialogs.NoteSignup {
		via := src.Partner
		if src.Place != "" {
			via += " · " + src.Place
		}
		out.Fields = append(out.Fields, Field{Label: labelVia, Value: via})
	}
	if n.AtQuestion != "" {
		out.Fields = append(out.Fields, Field{Label: labelAtQuestion, Value: n.AtQuestion})
	}
	if len(n.Advice) > 0 {
		out.Fields = append(out.Fields, Field{Label: labelAdvice, Value: "• " + strings.Join(n.Advice, "\n• ")})
	}
	if len(n.Fields) == 0 && (n.Kind == dialogs.NoteOriented || n.Kind == dialogs.NoteHandover) {
		out.Fields = append(out.Fields, Field{Label: labelAnswers, Value: valueNotShared})
	}
	return out
}

// due is when a request made at at is raised again if nobody took it: Wait
// after at, or after the next opening when at is outside office hours.
func (s *Staff) due(at time.Time) time.Time {
	if open := s.Hours.NextOpen(at.In(brussels)); !open.IsZero() {
		return open.Add(s.Wait)
	}
	return at.Add(s.Wait)
}

func (s *Staff) cancelled(ctx context.Context, chatID int64) error {
	r, err := s.Desk.Cancel(ctx, Ref(chatID))
	if err != nil || r == nil || r.TS == "" {
		return err
	}
	s.update(ctx, r.Channel, r.TS, BlocksClosed(r.Notification, textWithdrawn), Fallback(r.Notification))
	return nil
}

// relay posts what a person wrote into the thread of the staff member who
// has them; with no thread (handed back a moment ago), as a notification of
// its own, so that nothing they say is lost.
func (s *Staff) relay(ctx context.Context, chatID int64, n dialogs.Note) error {
	r, err := s.Desk.Get(ctx, Ref(chatID))
	if err != nil {
		return err
	}
	if r == nil || !r.Active {
		return s.Outbox.Enqueue(ctx, Notification{ID: n.ID, Kind: KindMessage, ChatRef: Ref(chatID), ChatID: chatID,
			Lang: n.Lang, At: n.At, Fields: []Field{{Label: labelMessage, Value: n.Text}}})
	}
	seen := staffKey(s.Desk.prefix, "seen:"+n.ID)
	if n.ID != "" {
		if done, err := s.Desk.rdb.Exists(ctx, seen).Result(); err != nil || done == 1 {
			return err // posted before a crash: not again
		}
	}
	if _, _, err := s.API.PostMessageContext(ctx, r.Channel, slack.MsgOptionTS(r.TS),
		slack.MsgOptionText("💬 "+n.Text, true)); err != nil {
		return err
	}
	if n.ID != "" {
		s.Desk.rdb.Set(context.WithoutCancel(ctx), seen, "1", seenTTL)
	}
	return nil
}

// forget removes what staff hold of a person who used /forget: unposted
// notifications, an open request, and the readable content of what was
// posted (replaced by a notice). Redacting Slack messages is best effort:
// a failure is logged, not retried.
func (s *Staff) forget(ctx context.Context, chatID int64) error {
	if err := s.Outbox.Forget(ctx, chatID); err != nil {
		return err
	}
	r, posted, err := s.Desk.Forget(ctx, chatID)
	if err != nil {
		return err
	}
	if r != nil && r.Active {
		s.post(ctx, r.Channel, r.TS, textThreadErased)
	}
	for _, p := range posted {
		s.update(ctx, p.Channel, p.TS, BlocksErased(), titleErased)
	}
	return nil
}

func (s *Staff) update(ctx context.Context, channel, ts string, blocks []slack.Block, text string) {
	if _, _, _, err := s.API.UpdateMessageContext(ctx, channel, ts, slack.MsgOptionBlocks(blocks...), slack.MsgOptionText(text, false)); err != nil {
		s.Log.Warn("staff: cannot update a Slack message", "err", err)
	}
}

func (s *Staff) post(ctx context.Context, channel, threadTS, text string) {
	if _, _, err := s.API.PostMessageContext(ctx, channel, slack.MsgOptionTS(threadTS), slack.MsgOptionText(text, false)); err != nil {
		s.Log.Warn("staff: cannot post in a thread", "err", err)
	}
}

func (s *Staff) ephemeral(ctx context.Context, channel, user, text string) {
	if _, err := s.API.PostEphemeralContext(ctx, channel, user, slack.MsgOptionText(text, false)); err != nil {
		s.Log.Warn("staff: cannot answer a staff member", "err", err)
	}
}

// Run raises requests nobody took, and posts the weekly digest, until ctx
// ends.
func (s *Staff) Run(ctx context.Context) {
	t := time.NewTicker(s.Tick)
	defer t.Stop()
	for {
		if err := s.RaiseAgain(ctx); err != nil && ctx.Err() == nil {
			s.Log.Warn("staff: raising waiting requests failed", "err", err)
		}
		if err := s.WeeklyDigest(ctx); err != nil && ctx.Err() == nil {
			s.Log.Warn("staff: weekly digest failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RaiseAgain posts, once across all instances, every request that waited
// past its time during office hours again in the channel, and tells the
// person they have not been forgotten. Outside office hours it waits: no
// one would see it.
func (s *Staff) RaiseAgain(ctx context.Context) error {
	now := s.Now()
	if !s.Hours.Open(now.In(brussels)) {
		return nil
	}
	reqs, err := s.Desk.Due(ctx, now, now.Add(s.Wait), 20)
	for _, r := range reqs {
		n := r.Notification
		n.Again++
		n.ID = fmt.Sprintf("again.%s.%d", r.Ref, now.Unix())
		if e := s.Outbox.Enqueue(ctx, n); e != nil {
			err = errors.Join(err, e)
			continue
		}
		s.inject(ctx, dialogs.Event{ChatID: r.Chat, Kind: dialogs.KindStaff, Command: dialogs.StaffStillWaiting})
	}
	return err
}

func (s *Staff) inject(ctx context.Context, ev dialogs.Event) error {
	if s.Inject == nil {
		return nil
	}
	err := s.Inject(ctx, ev)
	if err != nil {
		s.Log.Warn("staff: cannot reach the person", "action", ev.Command, "err", err)
	}
	return err
}

// firstName is how the person will see the staff member user: their first
// name from Slack's profile, else what Slack offers.
func (s *Staff) firstName(ctx context.Context, user, fallback string) string {
	if v, ok := s.names.Load(user); ok {
		return v.(string)
	}
	u, err := s.API.GetUserInfoContext(ctx, user)
	if err != nil {
		s.Log.Warn("staff: users.info failed", "err", err)
		if fallback != "" {
			return fallback
		}
		return nameFallback
	}
	name := u.Profile.FirstName
	for _, alt := range []string{u.Profile.DisplayName, u.RealName, u.Name} {
		if name == "" {
			name = alt
		}
	}
	s.names.Store(user, name)
	return name
}
