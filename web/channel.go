package web

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/werkwijzer/werkwijzer/bot"
	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/signup"
	"github.com/werkwijzer/werkwijzer/locales"
)

// Conversations is all the web channel needs of the runtime: run one
// event (nil for one already handled), hand a turn's notes to staff and
// the other receivers (and, on /forget, every forgetter), and clear the
// outbox once the turn is in the page's log. It is the seam to the
// runtime: FromRuntime adapts today's bot.Runtime.
type Conversations interface {
	Handle(ctx context.Context, ev dialogs.Event) (*dialogs.Turn, error)
	Notes(ctx context.Context, turn *dialogs.Turn) error
	Delivered(ctx context.Context, turn *dialogs.Turn) error
}

// FromRuntime is the runtime the Telegram and terminal channels use, as
// the web channel sees it.
func FromRuntime(rt *bot.Runtime) Conversations { return runtime{rt} }

type runtime struct{ rt *bot.Runtime }

func (r runtime) Handle(ctx context.Context, ev dialogs.Event) (*dialogs.Turn, error) {
	return r.rt.Handle(ctx, ev)
}
func (r runtime) Notes(ctx context.Context, t *dialogs.Turn) error { return r.rt.Notes(ctx, t) }
func (r runtime) Delivered(ctx context.Context, t *dialogs.Turn) error {
	return r.rt.Service.Delivered(ctx, t)
}

// Locker gives one instance at a time a chat (store.Locks), so that a
// reminder sent by another instance and the person's own message are not
// handled side by side.
type Locker interface {
	Lock(ctx context.Context, chatID int64) (unlock func(), err error)
}

// Channel is the web chat: the same conversations as on Telegram, in a
// page any phone browser opens. Set the fields before Handler and Run.
type Channel struct {
	Conv  Conversations
	Store *Store
	Texts *locales.Catalog
	Log   *slog.Logger
	// Locks, when set, holds a chat across instances sharing Redis while a
	// turn of it is handled; within one instance the channel keeps the
	// order itself.
	Locks Locker
	// Push sends Web Push notifications; nil leaves messages waiting in
	// the chat.
	Push *Pusher
	// Secret keys the CSRF tokens.
	Secret []byte
	// Limits bound what one session and one address may do.
	Limits Limits
	// TrustProxy takes the client's address from X-Forwarded-For (its last
	// hop), for a deployment behind a reverse proxy.
	TrustProxy bool
	// Sessions are the conversations' states, for carrying one over to
	// Telegram; Movers move what the other components hold of it
	// (appointments, alerts); Busy tells a conversation that cannot move
	// now (a staff member is talking with the person). With Sessions nil,
	// no conversation is carried over.
	Sessions dialogs.Sessions
	Movers   []Mover
	Busy     func(ctx context.Context, chat int64) (bool, error)
	// Links resolves sign-up link codes for the landing page; nil shows
	// every landing page without a link language.
	Links signup.Resolver
	// TelegramBot is the bot's username, for "Open in Telegram" on the
	// landing page and for linking a web chat to Telegram; "" offers
	// neither.
	TelegramBot string
	// Clock times the limits and their pruning. nil is the wall clock, as
	// in production whatever clock the conversations follow (as
	// Telegram's pace, the limits are about how fast requests really
	// come); tests move it.
	Clock clock.Clock

	mu      sync.Mutex
	chats   map[int64]*chatLock
	hub     hub
	limits  limiters
	stopped chan struct{}
	once    sync.Once
}

type chatLock struct {
	mu   sync.Mutex
	refs int
}

func (c *Channel) clock() clock.Clock { return clock.Or(c.Clock) }

func (c *Channel) init() {
	c.once.Do(func() {
		c.chats = map[int64]*chatLock{}
		c.stopped = make(chan struct{})
		c.hub.subs = map[int64]map[chan struct{}]bool{}
		c.limits.init(c.Limits.withDefaults())
		if c.Log == nil {
			c.Log = slog.Default()
		}
	})
}

// lock holds chat for one turn: in this process first (per-conversation
// order), then in Redis when other instances share it.
func (c *Channel) lock(ctx context.Context, chat int64) (func(), error) {
	c.mu.Lock()
	l := c.chats[chat]
	if l == nil {
		l = &chatLock{}
		c.chats[chat] = l
	}
	l.refs++
	c.mu.Unlock()
	l.mu.Lock()
	release := func() {
		l.mu.Unlock()
		c.mu.Lock()
		if l.refs--; l.refs == 0 {
			delete(c.chats, chat)
		}
		c.mu.Unlock()
	}
	if c.Locks == nil {
		return release, nil
	}
	unlock, err := c.Locks.Lock(ctx, chat)
	if err != nil {
		release()
		return nil, err
	}
	return func() { unlock(); release() }, nil
}

// Inject runs an event from outside (a reminder, an alert, staff) through
// a web conversation and puts its answer in the chat; a person who allowed
// notifications gets one. It is the web channel's half of routing
// proactive messages by IsChat.
func (c *Channel) Inject(ctx context.Context, ev dialogs.Event) error {
	_, err := c.InjectCounted(ctx, ev)
	return err
}

// InjectCounted is Inject for a sender that must know whether the person
// will see what it sent (a staff member's reply): it returns how many
// replies were put in the chat. A web chat keeps them for the next visit,
// so a reply that was stored counts as delivered.
func (c *Channel) InjectCounted(ctx context.Context, ev dialogs.Event) (int, error) {
	c.init()
	if !IsChat(ev.ChatID) {
		return 0, dialogs.E(dialogs.ErrInvalid, "web: inject", errors.New("not a web chat"))
	}
	unlock, err := c.lock(ctx, ev.ChatID)
	if err != nil {
		return 0, dialogs.E(dialogs.ErrUnavailable, "web: inject", err)
	}
	defer unlock()
	turn, err := c.Conv.Handle(ctx, ev)
	if err != nil {
		return 0, dialogs.E(dialogs.ErrUnavailable, "web: inject", err)
	}
	if turn == nil {
		return 0, nil
	}
	sent := len(turn.Replies) - min(turn.Sent, len(turn.Replies))
	if _, _, _, err = c.deliver(ctx, turn, 0, nil); err != nil {
		return 0, dialogs.E(dialogs.ErrUnavailable, "web: inject", err)
	}
	return sent, nil
}

// inbound is one message a page sends.
type inbound struct {
	ID   string `json:"id"`   // the page's id for it, the same on every resend
	Kind string `json:"kind"` // "text" or "button"
	Text string `json:"text,omitempty"`
	Data string `json:"data,omitempty"`
	Ref  int    `json:"ref,omitempty"` // the entry whose button was pressed
	Hint string `json:"hint,omitempty"`
	// Quiet marks what the page sent by itself (the first /start): it is
	// not shown as the person's words.
	Quiet bool `json:"quiet,omitempty"`
}

// outcome is what handling a page's message came to.
type outcome struct {
	// Ended is set when the turn erased the person: Replies then holds
	// the goodbye, which no log keeps.
	Ended   bool
	Replies []Entry
	// Last is the number of the log entry that completes the answer (0
	// when the message had been answered before).
	Last int64
}

// receive handles a page's message exactly once: a resend of one whose
// answer is in the log changes nothing; one whose turn was saved but not
// logged (a crash) gets that saved answer; only a new one runs the
// dialogs.
func (c *Channel) receive(ctx context.Context, chat int64, sid string, m inbound, langHint string) (outcome, error) {
	unlock, err := c.lock(ctx, chat)
	if err != nil {
		return outcome{}, err
	}
	defer unlock()
	update, done, err := c.Store.Assign(ctx, chat, sid, m.ID)
	if err != nil || done {
		return outcome{}, err
	}
	ev := dialogs.Event{ChatID: chat, UpdateID: update, LangHint: langHint}
	var echo *Entry
	switch m.Kind {
	case "button":
		ev.Kind, ev.Data, ev.Ref = dialogs.KindButton, m.Data, m.Ref
	default:
		ev.Kind, ev.Text = dialogs.KindText, m.Text
		if s := strings.TrimSpace(m.Text); strings.HasPrefix(s, "/") {
			name, args, _ := strings.Cut(strings.TrimPrefix(s, "/"), " ")
			ev.Kind, ev.Command, ev.Text = dialogs.KindCommand, strings.ToLower(name), strings.TrimSpace(args)
		}
		if m.Text != "" && !m.Quiet {
			// The person's own words, shown as they typed them.
			echo = &Entry{Me: true, CID: m.ID, Text: m.Text}
		}
	}
	turn, err := c.Conv.Handle(ctx, ev)
	if err != nil || turn == nil {
		return outcome{}, err
	}
	ended, replies, last, err := c.deliver(ctx, turn, update, echo)
	return outcome{Ended: ended, Replies: replies, Last: last}, err
}

// deliver puts a turn into the page's log (once, even if delivered again
// after a crash) and clears its outbox. A turn that erased the person is
// not logged (nothing of them may stay): its replies are returned for the
// page that asked.
func (c *Channel) deliver(ctx context.Context, turn *dialogs.Turn, update int64, echo *Entry) (ended bool, replies []Entry, last int64, err error) {
	if err := c.Conv.Notes(ctx, turn); err != nil {
		return false, nil, 0, err
	}
	var entries []Entry
	if echo != nil {
		entries = append(entries, *echo)
	}
	for _, r := range turn.Replies[min(turn.Sent, len(turn.Replies)):] {
		entries = append(entries, entryOf(r, turn))
	}
	if turn.Forgets() {
		return true, entries, 0, c.Conv.Delivered(ctx, turn)
	}
	meta, err := c.Store.Meta(ctx, turn.ChatID)
	if err != nil {
		return false, nil, 0, err
	}
	if booked(turn) && meta.Push == "" {
		// Someone who did not allow notifications must know that the
		// reminders will not come to their phone, but wait here.
		entries = append(entries, Entry{Text: c.Texts.T(turn.Lang, "web_booked_no_push", nil), Lang: turn.Lang, Push: c.Push != nil})
	}
	if len(entries) > 0 {
		if last, err = c.Store.Append(ctx, turn.ChatID, update, agreed(turn), entries); err != nil {
			return false, nil, 0, err
		}
		c.hub.wake(turn.ChatID)
	}
	if turn.Lang != "" && turn.Lang != meta.Lang {
		if err := c.Store.SetLang(ctx, turn.ChatID, turn.Lang); err != nil {
			return false, nil, 0, err
		}
	}
	if err := c.Conv.Delivered(ctx, turn); err != nil {
		return false, nil, 0, err
	}
	if update == 0 && meta.Push != "" && c.Push != nil && len(turn.Replies) > 0 {
		c.notify(ctx, turn.ChatID, meta, turn.Lang)
	}
	return false, nil, last, nil
}

// agreed tells whether the person accepted the privacy notice in this
// turn (the signup note says so).
func agreed(t *dialogs.Turn) bool {
	for _, n := range t.Notes {
		if n.Kind == dialogs.NoteSignup {
			return true
		}
	}
	return false
}

// booked tells whether the turn gave the person an appointment, whose
// reminders will come later.
func booked(t *dialogs.Turn) bool {
	for _, n := range t.Notes {
		if n.Kind == dialogs.NoteBooked || n.Kind == dialogs.NotePromoted || n.Kind == dialogs.NoteMoved {
			return true
		}
	}
	return false
}

// notify tells a person who allowed it that a message waits, in their
// language and without its content: the text goes through a push service
// we do not run. A subscription the push service says is gone is dropped.
func (c *Channel) notify(ctx context.Context, chat int64, meta Meta, lang string) {
	if lang == "" {
		lang = meta.Lang
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	gone, err := c.Push.Send(ctx, meta.Push, Notification{
		Title: c.Texts.T(lang, "web_push_title", nil), Body: c.Texts.T(lang, "web_push_body", nil)})
	if gone {
		if err := c.Store.SetPush(ctx, chat, ""); err != nil {
			c.Log.Warn("web: cannot drop a gone push subscription", "chat", bot.ChatRef(chat), "err", err)
		}
		return
	}
	if err != nil {
		c.Log.Warn("web: push failed", "chat", bot.ChatRef(chat), "err", err)
	}
}

// Forget drops what the web channel holds of chat (a bot.Forgetter): its
// session is revoked, so the cookie opens nothing any more, and its open
// pages are told the conversation ended.
func (c *Channel) Forget(ctx context.Context, chat int64) error {
	c.init()
	if err := c.Store.Forget(ctx, chat); err != nil {
		return err
	}
	c.hub.wake(chat)
	return nil
}

// Run keeps the channel's background work until ctx ends: it wakes this
// instance's open pages when another instance wrote to their log, and
// forgets idle limits. Open streams end when it returns.
func (c *Channel) Run(ctx context.Context) error {
	c.init()
	defer close(c.stopped)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.listen(ctx)
	}()
	clk := c.clock()
	t := clk.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			return nil
		case <-t.C():
			c.limits.prune(clk.Now())
		}
	}
}

// listen follows the news channel, on which every instance names the
// chats whose log it wrote.
func (c *Channel) listen(ctx context.Context) {
	sub := c.Store.rdb.Subscribe(ctx, c.Store.news())
	defer sub.Close()
	ch := sub.Channel()
	for {
		select {
		case <-ctx.Done():
			return
		case m, ok := <-ch:
			if !ok {
				return
			}
			from, id, _ := strings.Cut(m.Payload, " ")
			if from == c.Store.instance {
				continue // woken already
			}
			if chat, err := strconv.ParseInt(id, 10, 64); err == nil {
				c.hub.wake(chat)
			}
		}
	}
}

// hub wakes the streams of one chat on this instance.
type hub struct {
	mu   sync.Mutex
	subs map[int64]map[chan struct{}]bool
}

func (h *hub) sub(chat int64) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	if h.subs[chat] == nil {
		h.subs[chat] = map[chan struct{}]bool{}
	}
	h.subs[chat][ch] = true
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs[chat], ch)
		if len(h.subs[chat]) == 0 {
			delete(h.subs, chat)
		}
		h.mu.Unlock()
	}
}

func (h *hub) wake(chat int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs[chat] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}
