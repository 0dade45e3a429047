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

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/handover"
	"github.com/werkwijzer/werkwijzer/outreach"
	"github.com/werkwijzer/werkwijzer/pseudonym"
)

// Injector runs an event from the staff side through a person's
// conversation, in order with what they send themselves, and delivers the
// replies to them. The bot's Telegram channel implements it.
//
// It returns how many replies reached the person, and an error when the
// event could not be run or a reply did not arrive: of kind
// dialogs.ErrNotFound when the person cannot be reached (they blocked the
// bot), dialogs.ErrInvalid when Telegram refused a reply for good (its
// cause says why), anything else when trying again may work (Telegram or
// Redis down). Zero replies and no error means there was no conversation
// to say it in (erased, or expired). A negative count means the event waits
// in the person's queue behind what their chat is busy with (bot.Queued):
// it goes out then, and nothing is known yet that staff should hear of.
type Injector func(ctx context.Context, ev dialogs.Event) (delivered int, err error)

// Staff is the staff side of Werkwijzer in Slack: it delivers what the
// conversations tell staff, relays a taken-over conversation both ways,
// raises requests nobody took, and serves Slack's requests (Handler).
type Staff struct {
	Outbox   *Outbox
	Requests *Requests
	API      *slack.Client
	// Refs makes the pseudonyms staff see (WW-…), keyed with the
	// deployment's secret so that they cannot be turned back into chat
	// ids, and stable so that threads stay linked across restarts.
	Refs *pseudonym.Key
	// Team is who may act as staff; nil lets nobody (every press and
	// reply is refused, with the reason).
	Team *Team
	// Eraser is a Slack client with a workspace admin's user token
	// (SLACK_USER_TOKEN): /forget deletes with it what people wrote in
	// Slack about or to the person, which the bot's token may not delete.
	// Nil leaves those messages, and logs that it did.
	Eraser *slack.Client
	// Desk is when staff answer, and how soon, as the person is told; a
	// request still untaken after Desk.Wait (counted in office hours) is
	// raised again. The handover flow is given the same value.
	Desk handover.Desk
	// SigningSecret proves that a request to Handler comes from our Slack
	// app.
	SigningSecret string
	// Inject delivers staff events to people; nil drops them (tests of the
	// Slack side alone).
	Inject Injector
	Clock  clock.Clock
	Log    *slog.Logger
	// Tick is how often Run looks for requests to raise again.
	Tick time.Duration
	// Links makes sign-up links for "/werkwijzer link"; nil turns the
	// command off.
	Links Linker
	// Digest gives the weekly figures per partner; nil for no digest.
	Digest Digester
	// Attendance records attendance from the buttons on a booking; nil
	// leaves the buttons dead.
	Attendance Attendance
	// Videos takes a video talk's link from its coach ("/werkwijzer video
	// ITEM URL"); nil turns the command off.
	Videos Videos

	names sync.Map // Slack user id → first name
}

// Attendance records whether the person whose reference (refOf of their
// chat id) is ref came to item; changed is false when it was so marked
// already. An error of kind dialogs.ErrNotFound means they hold no seat on
// it (any more). The schedule implements it.
type Attendance interface {
	Attend(ctx context.Context, item, ref string, refOf func(int64) string, came bool) (changed bool, err error)
}

// Videos records the link of a video talk that its coach gives; told
// counts the people who get it at once (the two-hour reminder, which
// carries it, having gone). Errors of kind dialogs.ErrNotFound (no such
// video talk) and dialogs.ErrInvalid (not an https link, or the talk has
// begun) are told to staff. The schedule implements it.
type Videos interface {
	SetLink(ctx context.Context, item, link string) (told int, err error)
}

// Linker makes a sign-up link (its URL and QR code) for "/werkwijzer
// link"; errors of kind dialogs.ErrNotFound (no such partner) and
// dialogs.ErrInvalid (a bad place) are told to staff. Package outreach
// implements it.
type Linker interface {
	Make(ctx context.Context, spec outreach.Spec) (url string, qr []byte, err error)
}

// Digester gives every partner's figures for the ISO week that starts on
// monday (Brussels). The funnel implements it.
type Digester interface {
	Digest(ctx context.Context, monday time.Time) ([]outreach.PartnerWeek, error)
}

// New returns a Staff posting through api, with its outbox and requests
// on rdb under prefix, answering by desk, naming people by refs and
// reading the time from clk. Set Inject, Team and SigningSecret before use.
func New(rdb redis.UniversalClient, prefix string, api *slack.Client, cfg Config, desk handover.Desk, refs *pseudonym.Key, clk clock.Clock, log *slog.Logger) *Staff {
	if log == nil {
		log = slog.Default()
	}
	clk = clock.Or(clk)
	s := &Staff{
		Outbox:   NewOutbox(rdb, prefix, api, cfg, log),
		Requests: NewRequests(rdb, prefix),
		API:      api, Desk: desk, Refs: refs, Clock: clk, Tick: 15 * time.Second,
		Log: log.With("component", "staff"),
	}
	if refs == nil {
		panic("staff: New needs the deployment's pseudonym key")
	}
	s.Outbox.OnPosted = func(ctx context.Context, n Notification, channel, ts string) {
		if err := s.Requests.Posted(ctx, n, channel, ts); err != nil {
			s.Log.Warn("staff: cannot record where a notification was posted", "err", err)
		}
	}
	return s
}

// Ref is the pseudonym staff see for chat.
func (s *Staff) Ref(chat int64) string { return s.Refs.Staff(chat) }

// SetRetention makes everything kept about a person expire with the rest of
// their data.
func (s *Staff) SetRetention(d time.Duration) {
	s.Outbox.Retention, s.Requests.Retention = d, d
}

// Deliver hands a turn's notes to staff: notifications into the outbox,
// and a person's words into the thread of the staff member who took them
// over. It is safe to call again for the same turn (after a crash): notes
// carry ids.
func (s *Staff) Deliver(ctx context.Context, turn *dialogs.Turn) error {
	for _, n := range turn.Notes {
		var err error
		switch n.Kind {
		case dialogs.NoteSignup, dialogs.NoteOriented, dialogs.NoteHandover, dialogs.NoteInterested,
			dialogs.NoteBooked, dialogs.NoteCancelled, dialogs.NoteMoved, dialogs.NotePromoted, dialogs.NoteNoShow,
			dialogs.NotePhone, dialogs.NoteInterpreter:
			// A request is filed before it is posted, so that it can be
			// taken as soon as staff see it.
			note := s.notification(turn.ChatID, n)
			if note.Kind == KindInterested {
				if over, cerr := s.overCap(ctx, turn.ChatID, n.ID); cerr != nil || over {
					if over {
						s.Log.Info("staff: interested posts of one person capped this hour", "cap", InterestedPerHour)
					}
					err = cerr
					break
				}
			}
			if note.Kind == KindHandover {
				err = s.Requests.Open(ctx, note, s.due(n.At))
			}
			if err == nil {
				err = s.Outbox.Enqueue(ctx, note)
			}
		case dialogs.NoteHandoverCancel:
			err = s.cancelled(ctx, turn.ChatID)
		case dialogs.NoteRelay:
			err = s.relay(ctx, turn.ChatID, n)
		}
		if err != nil {
			return fmt.Errorf("staff: deliver %s: %w", n.Kind, err)
		}
	}
	return nil
}

// notification is a note as staff see it.
func (s *Staff) notification(chatID int64, n dialogs.Note) Notification {
	out := Notification{ID: n.ID, Kind: Kind(n.Kind), ChatRef: s.Ref(chatID), ChatID: chatID, Lang: n.Lang, At: n.At, Item: n.Item, Channel: n.To}
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
	if open := s.Desk.Hours.NextOpen(at.In(brussels)); !open.IsZero() {
		return open.Add(s.Desk.Wait)
	}
	return at.Add(s.Desk.Wait)
}

func (s *Staff) cancelled(ctx context.Context, chatID int64) error {
	r, err := s.Requests.Cancel(ctx, s.Ref(chatID))
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
	ref := s.Ref(chatID)
	r, err := s.Requests.Get(ctx, ref)
	if err != nil {
		return err
	}
	if r == nil || !r.Active {
		return s.Outbox.Enqueue(ctx, Notification{ID: n.ID, Kind: KindMessage, ChatRef: ref, ChatID: chatID,
			Lang: n.Lang, At: n.At, Fields: []Field{{Label: labelMessage, Value: n.Text}}})
	}
	seen := staffKey(s.Requests.prefix, "seen:"+n.ID)
	if n.ID != "" {
		if done, err := s.Requests.rdb.Exists(ctx, seen).Result(); err != nil || done == 1 {
			return err // posted before a crash: not again
		}
	}
	// Escaped here, not by slack-go: the person's words must not mention
	// anyone, whatever they typed.
	_, ts, err := s.API.PostMessageContext(ctx, r.Channel, slack.MsgOptionTS(r.TS),
		slack.MsgOptionText("💬 "+neutral(n.Text), false))
	if err != nil {
		return err
	}
	wctx := context.WithoutCancel(ctx)
	if err := s.Requests.Wrote(wctx, ref, r.Channel, ts, WhatThread); err != nil {
		s.Log.Warn("staff: a relayed message is not recorded for /forget", "err", err)
	}
	if n.ID != "" {
		s.Requests.rdb.Set(wctx, seen, "1", seenTTL)
	}
	return nil
}

// Forget removes what staff hold of a person who used /forget: unposted
// notifications, an open request (a conversation in progress is ended),
// and every Slack message about or from them: the notifications become
// "Gegevens gewist", and what was written in their threads (their own
// words relayed, staff's answers, colleagues' remarks) and what named
// their reference is deleted. What Slack cannot take now (it is down,
// or rate-limits us) is queued and tried again by Run; nothing in that
// queue names the person.
func (s *Staff) Forget(ctx context.Context, chatID int64) error {
	if err := s.Outbox.Forget(ctx, chatID); err != nil {
		return err
	}
	if err := s.forgetCap(ctx, chatID); err != nil {
		return err
	}
	r, locs, err := s.Requests.Forget(ctx, s.Ref(chatID))
	if err != nil {
		return err
	}
	if later := s.redact(ctx, locs); len(later) > 0 {
		if err := s.Requests.Unredacted(context.WithoutCancel(ctx), later); err != nil {
			s.Log.Error("staff: Slack messages left unredacted", "count", len(later), "err", err)
		}
	}
	if r != nil && r.Active {
		s.say(ctx, r.Channel, r.TS, textThreadErased)
	}
	return nil
}

// redact makes what Slack shows at locs hold nothing of the person, and
// returns those Slack could not take now.
func (s *Staff) redact(ctx context.Context, locs []Location) (later []Location) {
	for _, l := range locs {
		var err error
		switch l.What {
		case WhatThread:
			_, _, err = s.API.DeleteMessageContext(ctx, l.Channel, l.TS)
		case WhatHuman:
			if s.Eraser == nil {
				s.Log.Error("staff: a message someone wrote about the person stays in Slack: set SLACK_USER_TOKEN so that /forget can delete it")
				continue
			}
			_, _, err = s.Eraser.DeleteMessageContext(ctx, l.Channel, l.TS)
		default:
			_, _, _, err = s.API.UpdateMessageContext(ctx, l.Channel, l.TS, slack.MsgOptionBlocks(BlocksErased()...),
				slack.MsgOptionText(titleErased, false))
		}
		var se slack.SlackErrorResponse
		switch {
		case err == nil:
		case errors.As(err, &se) && se.Err == "message_not_found":
			// Deleted in Slack already.
		case transient(err) || isRateLimit(err):
			later = append(later, l)
		default:
			s.Log.Error("staff: Slack refused to redact a message about a person who erased their data", "what", l.What, "err", err)
		}
	}
	return later
}

func isRateLimit(err error) bool {
	var rl *slack.RateLimitedError
	return errors.As(err, &rl)
}

// RedactLeft tries again what /forget could not redact at once.
func (s *Staff) RedactLeft(ctx context.Context) error {
	locs, err := s.Requests.ToRedact(ctx, 50)
	if err != nil || len(locs) == 0 {
		return err
	}
	return s.Requests.Unredacted(context.WithoutCancel(ctx), s.redact(ctx, locs))
}

func (s *Staff) update(ctx context.Context, channel, ts string, blocks []slack.Block, text string) {
	if _, _, _, err := s.API.UpdateMessageContext(ctx, channel, ts, slack.MsgOptionBlocks(blocks...), slack.MsgOptionText(text, false)); err != nil {
		s.Log.Warn("staff: cannot update a Slack message", "err", err)
	}
}

// post writes text in the thread under channel/threadTS of ref's
// conversation, recorded so that /forget removes it with the rest.
func (s *Staff) post(ctx context.Context, ref, channel, threadTS, text string) {
	ts := s.say(ctx, channel, threadTS, text)
	if ts != "" && ref != "" {
		if err := s.Requests.Wrote(context.WithoutCancel(ctx), ref, channel, ts, WhatThread); err != nil {
			s.Log.Warn("staff: a thread message is not recorded for /forget", "err", err)
		}
	}
}

// say writes text in a thread and returns its ts ("" when Slack refused).
func (s *Staff) say(ctx context.Context, channel, threadTS, text string) string {
	_, ts, err := s.API.PostMessageContext(ctx, channel, slack.MsgOptionTS(threadTS), slack.MsgOptionText(text, false))
	if err != nil {
		s.Log.Warn("staff: cannot post in a thread", "err", err)
	}
	return ts
}

func (s *Staff) ephemeral(ctx context.Context, channel, user, text string, opts ...slack.MsgOption) {
	if _, err := s.API.PostEphemeralContext(ctx, channel, user, append(opts, slack.MsgOptionText(text, false))...); err != nil {
		s.Log.Warn("staff: cannot answer a staff member", "err", err)
	}
}

// Run raises requests nobody took, posts the weekly digest and redacts
// what /forget could not at once, until ctx ends.
func (s *Staff) Run(ctx context.Context) {
	t := s.Clock.NewTicker(s.Tick)
	defer t.Stop()
	for {
		if err := s.RaiseAgain(ctx); err != nil && ctx.Err() == nil {
			s.Log.Warn("staff: raising waiting requests failed", "err", err)
		}
		if err := s.WeeklyDigest(ctx); err != nil && ctx.Err() == nil {
			s.Log.Warn("staff: weekly digest failed", "err", err)
		}
		if err := s.RedactLeft(ctx); err != nil && ctx.Err() == nil {
			s.Log.Warn("staff: redacting what /forget left failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C():
		}
	}
}

// RaiseAgain posts, once across all instances, every request that waited
// past its time during office hours again in the channel, and tells the
// person they have not been forgotten. Outside office hours it waits: no
// one would see it.
func (s *Staff) RaiseAgain(ctx context.Context) error {
	now := s.Clock.Now()
	if !s.Desk.Hours.Open(now.In(brussels)) {
		return nil
	}
	reqs, err := s.Requests.Due(ctx, now, now.Add(s.Desk.Wait), 20)
	for _, r := range reqs {
		n := r.Notification
		n.Again++
		// The id becomes a key name that outlives the request: it must
		// not hold the reference.
		n.ID = "again." + s.Refs.Hide("again", fmt.Sprintf("%s.%d", r.Ref, now.Unix()))
		if e := s.Outbox.Enqueue(ctx, n); e != nil {
			err = errors.Join(err, e)
			continue
		}
		s.inject(ctx, dialogs.Event{ChatID: r.Chat, Kind: dialogs.KindStaff, Command: handover.StaffStillWaiting})
	}
	return err
}

func (s *Staff) inject(ctx context.Context, ev dialogs.Event) (int, error) {
	if s.Inject == nil {
		return 1, nil
	}
	n, err := s.Inject(ctx, ev)
	if err != nil {
		s.Log.Warn("staff: cannot reach the person", "action", ev.Command, "err", err)
	}
	return n, err
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
