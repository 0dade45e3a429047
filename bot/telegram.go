package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/locales"
	"github.com/werkwijzer/werkwijzer/ops"
)

// DefaultAPIURL is Telegram's public Bot API.
const DefaultAPIURL = "https://api.telegram.org"

// Telegram is the Telegram channel. It fetches updates itself (the library
// keeps its getUpdates loop private and confirms updates before they are
// handled) and uses go-telegram/bot for every other call.
type Telegram struct {
	Runtime *Runtime
	API     *tg.Bot
	Texts   *locales.Catalog
	Log     *slog.Logger

	// Sender carries every call that shows something to a person; nil sends
	// without limits (tests of the dialogs alone).
	Sender *Sender
	// Chats keeps each chat's queue and says which instance holds the
	// chat (store.Chats): updates, staff events, alerts and reminders of
	// one chat are handled one after another, in order, by one instance
	// at a time, and one chat's backlog never holds up another.
	Chats Chats
	// Metrics, when set, counts what the channel does.
	Metrics *ops.Metrics
	// Clock is the channel's time: the waits between attempts, when an
	// update under way is queued instead (SpillAfter), the sweeps for
	// chats nobody alive holds (SweepEvery). nil is the wall clock, as in
	// production whatever clock the conversations follow; tests move it.
	Clock clock.Clock
	// Handled, when set, learns how long each handled update took inside
	// the process, from its arrival to its replies recorded as delivered
	// (the metrics' histogram, exactly; benchmarks read it).
	Handled func(took time.Duration)
	// Finished, when set, learns the id of each update once it is handled
	// and its replies sent (or it was ignored): an update queued behind its
	// chat's other work is confirmed to Telegram before that, so tests that
	// wait for an answer wait for this.
	Finished func(update int64)

	work     *pool
	poolOnce sync.Once

	token, apiURL string
	http          *http.Client
	// PollTimeout is how long one getUpdates call waits for news.
	PollTimeout time.Duration
}

// NewTelegram connects the channel to the Bot API at apiURL (DefaultAPIURL
// when empty; tests and self-hosted Bot API servers set their own).
func NewTelegram(token, apiURL string, rt *Runtime, texts *locales.Catalog, log *slog.Logger) (*Telegram, error) {
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	apiURL = strings.TrimRight(apiURL, "/")
	// Its own transport, so that Close can drop its idle connections and
	// nothing of the channel outlives it.
	// It keeps up to 100 idle connections to the one host it talks to:
	// net/http's default of 2 closes and opens (a TLS handshake each, with
	// api.telegram.org) a connection for nearly every message when many
	// chats are answered side by side.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 100
	client := &http.Client{Timeout: 70 * time.Second, Transport: transport}
	api, err := tg.New(token, tg.WithServerURL(apiURL), tg.WithSkipGetMe(),
		tg.WithHTTPClient(time.Minute, whole{client}), tg.WithErrorsHandler(func(err error) {
			log.Warn("telegram library", "err", redact(err.Error(), token))
		}))
	if err != nil {
		return nil, err
	}
	return &Telegram{Runtime: rt, API: api, Texts: texts, Log: log, token: token, apiURL: apiURL,
		http: client, PollTimeout: 50 * time.Second}, nil
}

// whole sends each request of go-telegram/bot with its body whole. The
// library streams its form through a pipe, which net/http sends in chunks,
// one write (and one packet to Telegram) per field; a message is a few
// hundred bytes, so it is read first and sent at once, with its length.
type whole struct{ c *http.Client }

func (w whole) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.ContentLength <= 0 {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
		req.ContentLength = int64(len(b))
	}
	return w.c.Do(req)
}

func (t *Telegram) clock() clock.Clock { return clock.Or(t.Clock) }

// Close drops the channel's idle connections to the Bot API: call it once
// nothing uses the channel any more.
func (t *Telegram) Close() { t.http.CloseIdleConnections() }

func redact(s, token string) string {
	if token == "" {
		return s
	}
	return strings.ReplaceAll(s, token, "***")
}

// SetCommands publishes the command list in every language, so each person
// sees it in the language of their Telegram app; Dutch is the default.
func (t *Telegram) SetCommands(ctx context.Context) error {
	names := []string{"start", "menu", "language", "profile", "mydata", "forget", "help"}
	list := func(lang string) []models.BotCommand {
		var cmds []models.BotCommand
		for _, n := range names {
			cmds = append(cmds, models.BotCommand{Command: n, Description: t.Texts.T(lang, "cmd_"+n, nil)})
		}
		return cmds
	}
	if _, err := t.API.SetMyCommands(ctx, &tg.SetMyCommandsParams{Commands: list(locales.Source)}); err != nil {
		return fmt.Errorf("setMyCommands: %w", err)
	}
	for _, l := range locales.Languages {
		if _, err := t.API.SetMyCommands(ctx, &tg.SetMyCommandsParams{Commands: list(l.Code), LanguageCode: l.Telegram}); err != nil {
			return fmt.Errorf("setMyCommands %s: %w", l.Code, err)
		}
	}
	return nil
}

// Poll fetches updates until ctx ends and hands each to its chat's queue
// (see Work, which it runs). Fetching goes on while earlier updates are
// handled: one chat's pace or backlog never holds up another's.
//
// The offset that confirms updates to Telegram moves past an update only
// once it is handled and delivered, or queued in Redis (a chat busy with
// earlier work, or an update that took longer than SpillAfter), so a crash
// at any moment loses nothing; an update seen again after a crash is
// recognised by its id and not answered twice.
func (t *Telegram) Poll(ctx context.Context) error {
	if _, err := t.API.DeleteWebhook(ctx, &tg.DeleteWebhookParams{}); err != nil && ctx.Err() == nil {
		t.Log.Warn("deleteWebhook", "err", redact(err.Error(), t.token))
	}
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	worked := make(chan struct{})
	go func() { t.Work(workCtx); close(worked) }()

	f := &fetched{byID: map[int64]*item{}}
	wake := make(chan struct{}, 1)
	poke := func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	var offset int64
	backoff := time.Duration(0)
	fresh := true // the last fetch brought something new
	for ctx.Err() == nil {
		var failed bool
		offset, failed = f.advance(offset)
		t.depth(len(f.list))
		if failed {
			// Redis (or Telegram) is down: wait longer each time, up to 5 s,
			// rather than fetch the same updates again at once.
			backoff = nextBackoff(backoff)
			if clock.Sleep(ctx, t.clock(), backoff) != nil {
				break
			}
			f.retry()
			continue
		}
		backoff = 0
		if len(f.list) > 0 && !fresh {
			// Little new came: wait until the oldest update under way is
			// done (the offset moves, and with it Telegram's window), or
			// until it has kept Telegram waiting long enough to be queued
			// instead. Fetching again at once would bring the same window.
			clk := t.clock()
			timer := clk.NewTimer(max(f.list[0].taken.Add(SpillAfter).Sub(clk.Now()), 0))
		wait:
			for done, _ := f.list[0].settled(); !done; done, _ = f.list[0].settled() {
				select {
				case <-wake:
				case <-timer.C():
					break wait
				case <-ctx.Done():
					break wait
				}
			}
			timer.Stop()
			f.spill(t, clk.Now().Add(-SpillAfter))
			if ctx.Err() != nil {
				break
			}
			// And let a few more arrive: a fetch costs Telegram (and us) the
			// whole window, most of it under way. Real time: it spaces
			// calls over the network and times nothing a person sees.
			if len(f.list) > 0 {
				clock.Sleep(ctx, clock.Real(), refetchPause)
			}
		}
		wait := t.PollTimeout
		if len(f.list) > 0 {
			wait = 0 // some are under way: do not sit on a long poll
		}
		updates, err := t.getUpdates(ctx, offset, wait)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			t.Log.Warn("getUpdates", "err", redact(err.Error(), t.token))
			backoff = nextBackoff(backoff)
			clock.Sleep(ctx, t.clock(), backoff)
			continue
		}
		fresh = false
		seen := 0
		for _, raw := range updates {
			var head struct {
				ID int64 `json:"update_id"`
			}
			if json.Unmarshal(raw, &head) != nil {
				continue
			}
			if prev := f.byID[head.ID]; prev != nil {
				if done, err := prev.settled(); !done || err == nil {
					seen++
					continue // under way, or done and about to be confirmed
				}
			} else if head.ID < offset {
				continue
			}
			var u models.Update
			if err := json.Unmarshal(raw, &u); err != nil {
				t.Log.Warn("an update that cannot be read; skipped", "update", head.ID)
				continue
			}
			fresh = true
			it, err := newUpdateItem(raw, &u, t.clock().Now())
			if err != nil {
				continue
			}
			it.poll, it.onSettle = true, poke
			f.put(it)
			if it.chat == 0 {
				t.observe(ops.OutcomeIgnored, 0)
				t.finished(u.ID)
				it.settle(nil)
				continue
			}
			t.submit(it)
		}
		// Mostly updates under way came back: the next fetch waits.
		fresh = fresh && seen < 3*(len(updates)-seen)
		if seen >= 50 {
			// Telegram's window of 100 fills with updates under way: queue
			// them, so that the next fetch reaches the new ones.
			f.spill(t, t.clock().Now().Add(-50*time.Millisecond))
		}
	}
	// Stop: take nothing new, let the turns under way finish (at most
	// ShutdownGrace), then confirm what is done or queued.
	stopWork()
	<-worked
	offset, _ = f.advance(offset)
	t.confirm(offset)
	return nil
}

// refetchPause spaces the fetches made while updates are under way.
const refetchPause = time.Millisecond

// fetched are the updates fetched and not yet confirmed, in order.
type fetched struct {
	list []*item
	byID map[int64]*item
	last int64 // the highest id fetched
}

func (f *fetched) put(it *item) {
	if prev := f.byID[it.id]; prev != nil {
		for i := range f.list {
			if f.list[i] == prev {
				f.list[i] = it
			}
		}
	} else {
		f.list = append(f.list, it)
	}
	f.byID[it.id] = it
	if it.id > f.last {
		f.last = it.id
	}
}

// advance drops what is settled from the front and returns the offset that
// confirms it; failed reports an update that could not be taken (it stays,
// to be fetched again).
func (f *fetched) advance(offset int64) (next int64, failed bool) {
	for len(f.list) > 0 {
		done, err := f.list[0].settled()
		if !done {
			break
		}
		if err != nil {
			failed = true
			break
		}
		delete(f.byID, f.list[0].id)
		f.list = f.list[1:]
	}
	for _, it := range f.list {
		if done, err := it.settled(); done && err != nil {
			failed = true
		}
	}
	switch {
	case len(f.list) > 0:
		return f.list[0].id, failed
	case f.last > 0:
		return f.last + 1, false
	}
	return offset, false
}

// retry forgets the updates that failed, so that they are taken again
// when they are fetched again.
func (f *fetched) retry() {
	kept := f.list[:0]
	for _, it := range f.list {
		if done, err := it.settled(); done && err != nil {
			delete(f.byID, it.id)
			continue
		}
		kept = append(kept, it)
	}
	f.list = kept
}

// spill queues in Redis the updates under way since before t.
func (f *fetched) spill(t *Telegram, before time.Time) {
	for _, it := range f.list {
		if !it.taken.Before(before) {
			break
		}
		if done, _ := it.settled(); !done {
			t.spill(it)
		}
	}
}

func (t *Telegram) depth(n int) {
	if t.Metrics != nil {
		t.Metrics.QueueDepth.WithLabelValues("updates").Set(float64(n))
	}
}

// ShutdownGrace bounds the work finished after a stop, so that SIGTERM ends
// the process within ten seconds.
const ShutdownGrace = 8 * time.Second

// confirm tells Telegram what is done before exiting, so a restart is not
// handed those updates again (it would recognise and skip them anyway).
func (t *Telegram) confirm(offset int64) {
	if offset == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	t.getUpdates(ctx, offset, 0) // what it returns is left unconfirmed for the next run
}

func nextBackoff(d time.Duration) time.Duration {
	if d == 0 {
		return 100 * time.Millisecond
	}
	if d *= 2; d > 5*time.Second {
		d = 5 * time.Second
	}
	return d
}

func (t *Telegram) getUpdates(ctx context.Context, offset int64, wait time.Duration) ([]json.RawMessage, error) {
	body, _ := json.Marshal(map[string]any{
		"offset": offset, "timeout": int(wait / time.Second),
		"allowed_updates": allowedUpdates,
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.apiURL+"/bot"+t.token+"/getUpdates", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := t.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var r struct {
		OK          bool              `json:"ok"`
		Result      []json.RawMessage `json:"result"`
		Description string            `json:"description"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return nil, fmt.Errorf("getUpdates: status %d: %w", resp.StatusCode, err)
	}
	if !r.OK {
		return nil, fmt.Errorf("getUpdates: status %d: %s", resp.StatusCode, r.Description)
	}
	return r.Result, nil
}

func (t *Telegram) finished(update int64) {
	if t.Finished != nil {
		t.Finished(update)
	}
}

func (t *Telegram) observe(outcome string, took time.Duration) {
	if outcome == ops.OutcomeHandled && t.Handled != nil {
		t.Handled(took)
	}
	if t.Metrics == nil {
		return
	}
	t.Metrics.UpdatesHandled.WithLabelValues(outcome).Inc()
	if outcome == ops.OutcomeHandled {
		t.Metrics.HandlingSeconds.Observe(took.Seconds())
	}
}

// handle runs one update end to end with its chat's conversation read
// already: handled and answered; the worker then records the answer as
// delivered (delivered reports a turn that was). An error means it must be
// tried again. The outcome names what happened, for the metrics.
func (t *Telegram) handle(ctx context.Context, u *models.Update, st *dialogs.State, out *dialogs.Turn) (outcome string, delivered bool, err error) {
	if m := u.MyChatMember; m != nil && m.Chat.Type == models.ChatTypePrivate {
		if err := t.membership(ctx, m); err != nil {
			return ops.OutcomeFailed, false, err
		}
		return ops.OutcomeHandled, false, nil
	}
	ev, msgID, callbackID, ok := toEvent(u)
	if !ok {
		return ops.OutcomeIgnored, false, nil
	}
	ev.UpdateID, ev.Ref = u.ID, msgID
	if callbackID != "" {
		// Stop the button's spinner whatever happens next.
		if _, err := t.API.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: callbackID}); err != nil {
			t.Log.Debug("answerCallbackQuery", "chat", ChatRef(ev.ChatID), "err", redact(err.Error(), t.token))
		}
	}
	start := time.Now() // real time: how long the turn took, for the log
	turn, err := t.Runtime.HandleLoaded(ctx, ev, st, out)
	if err != nil {
		t.Log.Error("handle update", "chat", ChatRef(ev.ChatID), "update", u.ID, "err", err)
		return ops.OutcomeFailed, false, err
	}
	if turn == nil {
		return ops.OutcomeDuplicate, false, nil // answered before
	}
	if err := t.deliver(ctx, turn, Reply); err != nil {
		t.Log.Warn("deliver", "chat", ChatRef(ev.ChatID), "update", u.ID, "err", redact(err.Error(), t.token))
		return ops.OutcomeFailed, false, err
	}
	t.Log.Debug("handled", "chat", ChatRef(ev.ChatID), "update", u.ID, "replies", len(turn.Replies), "took", time.Since(start))
	// Only a turn with an update id stored an outbox (one without left
	// alone whatever a crash left there for another update).
	return ops.OutcomeHandled, turn.Update != 0, nil
}

// Inject runs an event that did not come from Telegram (a staff member's
// reply, a take-over, an alert, a reminder) through the person's
// conversation, in order with their own updates. It returns once the
// replies are delivered, or once the event is queued behind the chat's
// earlier work (in Redis, so that it is not lost). Alerts and reminders go
// out after every reply that waits (Proactive).
func (t *Telegram) Inject(ctx context.Context, ev dialogs.Event) error {
	it := newEventItem(ev, t.clock().Now())
	it.delivery, _ = ctx.Value(deliveryKey{}).(*delivery)
	t.submit(it)
	select {
	case <-it.done:
		return it.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// deliver sends what a turn still owes, as messages of class c: a reply's
// first message waits its turn, the rest follow it at once. Notes go
// first: while a staff member has the conversation, a turn's only output
// is the person's words in their Slack thread. Recording the delivery is
// the caller's (it rides with the chat's next step in Redis).
func (t *Telegram) deliver(ctx context.Context, turn *dialogs.Turn, c Class) error {
	if err := t.Runtime.Notes(ctx, turn); err != nil {
		return err
	}
	first := turn.Sent // Sent moves as the replies go
	for i := first; i < len(turn.Replies); i++ {
		class := c
		if c == Reply && i > first {
			class = Follow
		}
		err := t.send(ctx, class, turn.ChatID, turn.Ref, turn.Replies[i])
		observe(ctx, err)
		switch {
		case errors.Is(err, ErrUnreachable):
			t.Log.Info("chat unreachable", "chat", ChatRef(turn.ChatID))
			return nil
		case err != nil && !permanent(err):
			// Telegram or the network is down: the outbox keeps the
			// replies and the item is tried again.
			return err
		case err != nil:
			// Refused for good: go on with the rest rather than loop on it.
			t.Log.Warn("send reply", "chat", ChatRef(turn.ChatID), "err", redact(err.Error(), t.token))
		}
		if i+1 < len(turn.Replies) {
			// Between two replies of one turn: remember how far we got, so
			// a restart does not send this one again.
			if err := t.Runtime.Service.Sent(ctx, turn, i+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// permanent reports a refusal that retrying will not change.
func permanent(err error) bool {
	return errors.Is(err, tg.ErrorBadRequest) || errors.Is(err, tg.ErrorNotFound)
}

// errNotModified is Telegram refusing an edit that changes nothing (a
// press that toggled a choice twice quickly): the message already shows
// what it should. Telegram says so only in the description of a 400, and
// go-telegram/bot (v1.19) passes that on only as text (ErrorBadRequest
// wrapped with the description; no typed error or field), so this is the
// one place that reads it.
var errNotModified = dialogs.E(dialogs.ErrConflict, "telegram: edit", errors.New("message is not modified"))

// classify maps what the library returns for an edit to our kinds.
func classify(err error) error {
	if err != nil && errors.Is(err, tg.ErrorBadRequest) && strings.Contains(err.Error(), "message is not modified") {
		return errors.Join(errNotModified, err)
	}
	return err
}

// membership follows Telegram's word on whether the person blocked the bot
// (my_chat_member "kicked") or unblocked it ("member").
func (t *Telegram) membership(ctx context.Context, m *models.ChatMemberUpdated) error {
	if t.Sender == nil || t.Sender.Reach == nil {
		return nil
	}
	switch m.NewChatMember.Type {
	case models.ChatMemberTypeBanned:
		t.Log.Info("person blocked the bot", "chat", ChatRef(m.Chat.ID))
		return t.Sender.Reach.MarkUnreachable(ctx, m.Chat.ID)
	case models.ChatMemberTypeMember:
		return t.Sender.Reach.MarkReachable(ctx, m.Chat.ID)
	}
	return nil
}

func (t *Telegram) do(ctx context.Context, chatID int64, c Class, call func(ctx context.Context) error) error {
	if t.Sender == nil {
		return call(ctx)
	}
	return t.Sender.DoAs(ctx, chatID, c, call)
}

// Send delivers one reply through the Sender, as a Reply. A reply that
// replaces the pressed message falls back to a new message when Telegram
// refuses the edit (too old, deleted).
func (t *Telegram) Send(ctx context.Context, chatID int64, msgID int, r dialogs.Reply) error {
	return t.send(ctx, Reply, chatID, msgID, r)
}

func (t *Telegram) send(ctx context.Context, c Class, chatID int64, msgID int, r dialogs.Reply) error {
	// Calls after the first of one reply follow it (a document after its
	// text), unless they are proactive, which keep the chat's pace.
	then := func() Class {
		cur := c
		if c == Reply {
			c = Follow
		}
		return cur
	}
	markup := replyMarkup(r)
	if r.Text != "" {
		sent := false
		// A message's own keyboard cannot be edited in: a reply with
		// Keys is always a new message.
		if r.Replace && msgID != 0 && len(r.Keys) == 0 && !r.RemoveKeys {
			err := t.do(ctx, chatID, then(), func(ctx context.Context) error {
				_, err := t.API.EditMessageText(ctx, &tg.EditMessageTextParams{ChatID: chatID, MessageID: msgID, Text: r.Text, ReplyMarkup: markup,
					LinkPreviewOptions: linkPreview(r)})
				return classify(err)
			})
			if errors.Is(err, ErrUnreachable) {
				return err
			}
			sent = err == nil || errors.Is(err, errNotModified)
		}
		if !sent {
			p := &tg.SendMessageParams{ChatID: chatID, Text: r.Text, LinkPreviewOptions: linkPreview(r)}
			if markup != nil {
				p.ReplyMarkup = markup
			}
			if err := t.do(ctx, chatID, then(), func(ctx context.Context) error {
				_, err := t.API.SendMessage(ctx, p)
				return err
			}); err != nil {
				return err
			}
		}
	}
	if d := r.Document; d != nil {
		return t.do(ctx, chatID, then(), func(ctx context.Context) error {
			_, err := t.API.SendDocument(ctx, &tg.SendDocumentParams{ChatID: chatID, Caption: d.Caption,
				Document: &models.InputFileUpload{Filename: d.Name, Data: bytes.NewReader(d.Content)}})
			return err
		})
	}
	return nil
}

// replyMarkup is the keyboard of r: the inline buttons, or the keys that
// replace the person's keyboard until one is pressed (one_time), or the
// person's keyboard given back.
func replyMarkup(r dialogs.Reply) models.ReplyMarkup {
	switch {
	case len(r.Keys) > 0:
		kb := make([][]models.KeyboardButton, len(r.Keys))
		for i, row := range r.Keys {
			for _, k := range row {
				kb[i] = append(kb[i], models.KeyboardButton{Text: k.Text, RequestContact: k.Contact})
			}
		}
		return &models.ReplyKeyboardMarkup{Keyboard: kb, ResizeKeyboard: true, OneTimeKeyboard: true}
	case r.RemoveKeys:
		return &models.ReplyKeyboardRemove{RemoveKeyboard: true}
	}
	return keyboard(r.Buttons)
}

func keyboard(rows [][]dialogs.Button) models.ReplyMarkup {
	if len(rows) == 0 {
		return nil
	}
	kb := make([][]models.InlineKeyboardButton, len(rows))
	for i, row := range rows {
		for _, b := range row {
			kb[i] = append(kb[i], models.InlineKeyboardButton{Text: b.Text, CallbackData: b.Data, URL: b.URL})
		}
	}
	return &models.InlineKeyboardMarkup{InlineKeyboard: kb}
}

// linkPreview turns link previews off for a reply that asks so.
func linkPreview(r dialogs.Reply) *models.LinkPreviewOptions {
	if !r.NoPreview {
		return nil
	}
	return &models.LinkPreviewOptions{IsDisabled: tg.True()}
}

// toEvent reads an update as a dialogs event. ok is false for updates a
// conversation has nothing to say to: group chats, channel posts, and kinds
// we did not ask for.
func toEvent(u *models.Update) (ev dialogs.Event, msgID int, callbackID string, ok bool) {
	switch {
	case u.Message != nil:
		m := u.Message
		if m.Chat.Type != models.ChatTypePrivate {
			return ev, 0, "", false
		}
		ev.ChatID = m.Chat.ID
		if m.From != nil {
			ev.LangHint = m.From.LanguageCode
		}
		switch {
		case strings.HasPrefix(m.Text, "/"):
			c := commandEvent(m.Text)
			ev.Kind, ev.Command, ev.Text = c.Kind, c.Command, c.Text
		case m.Text != "":
			ev.Kind, ev.Text = dialogs.KindText, m.Text
		case m.Contact != nil && m.From != nil && m.Contact.UserID == m.From.ID:
			// Their own number, as the contact key sends it; someone
			// else's card is a contact we did not ask for.
			ev.Kind, ev.Text = dialogs.KindContact, m.Contact.PhoneNumber
		default:
			// Stickers, photos, voice notes, locations, contacts, and any
			// kind Telegram adds later: nothing we can read as an answer.
			ev.Kind = dialogs.KindMedia
		}
		return ev, m.ID, "", true
	case u.EditedMessage != nil:
		m := u.EditedMessage
		if m.Chat.Type != models.ChatTypePrivate {
			return ev, 0, "", false
		}
		ev.ChatID, ev.Kind = m.Chat.ID, dialogs.KindEdited
		if m.From != nil {
			ev.LangHint = m.From.LanguageCode
		}
		return ev, 0, "", true
	case u.CallbackQuery != nil:
		q := u.CallbackQuery
		ev.Kind, ev.Data, ev.LangHint = dialogs.KindButton, q.Data, q.From.LanguageCode
		ev.ChatID = q.From.ID // in a private chat the chat id is the user's id
		switch {
		case q.Message.Message != nil:
			if q.Message.Message.Chat.Type != "" && q.Message.Message.Chat.Type != models.ChatTypePrivate {
				return ev, 0, "", false
			}
			ev.ChatID, msgID = q.Message.Message.Chat.ID, q.Message.Message.ID
		case q.Message.InaccessibleMessage != nil:
			ev.ChatID = q.Message.InaccessibleMessage.Chat.ID
		}
		return ev, msgID, q.ID, true
	}
	return ev, 0, "", false
}
