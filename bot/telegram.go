package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
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

// ChatLocker gives one instance at a time a chat.
type ChatLocker interface {
	Lock(ctx context.Context, chatID int64) (unlock func(), err error)
}

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
	// Locks, when set, makes an instance hold a chat in Redis while it
	// handles an update or a staff event for it, so that several instances
	// can share one Redis, one webhook address, and Slack's calls.
	Locks ChatLocker
	// Metrics, when set, counts what the channel does.
	Metrics *ops.Metrics
	// Clock times the waits between attempts; nil is the wall clock.
	Clock clock.Clock

	local     *chatLocks
	localOnce sync.Once

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
	client := &http.Client{Timeout: 70 * time.Second, Transport: http.DefaultTransport.(*http.Transport).Clone()}
	api, err := tg.New(token, tg.WithServerURL(apiURL), tg.WithSkipGetMe(),
		tg.WithHTTPClient(time.Minute, client), tg.WithErrorsHandler(func(err error) {
			log.Warn("telegram library", "err", redact(err.Error(), token))
		}))
	if err != nil {
		return nil, err
	}
	return &Telegram{Runtime: rt, API: api, Texts: texts, Log: log, token: token, apiURL: apiURL,
		http: client, PollTimeout: 50 * time.Second}, nil
}

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

// Poll fetches and handles updates until ctx ends. The offset that confirms
// updates to Telegram only moves past an update once it has been handled and
// its state saved, so a crash at any moment loses nothing; an update seen
// again after a crash is recognised by its id and not answered twice.
func (t *Telegram) Poll(ctx context.Context) error {
	if _, err := t.API.DeleteWebhook(ctx, &tg.DeleteWebhookParams{}); err != nil && ctx.Err() == nil {
		t.Log.Warn("deleteWebhook", "err", redact(err.Error(), t.token))
	}
	var offset int64
	backoff := time.Duration(0)
	for ctx.Err() == nil {
		if backoff > 0 && clock.Sleep(ctx, clock.Or(t.Clock), backoff) != nil {
			return nil
		}
		updates, err := t.getUpdates(ctx, offset, t.PollTimeout)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			t.Log.Warn("getUpdates", "err", redact(err.Error(), t.token))
			backoff = nextBackoff(backoff)
			continue
		}
		// What was fetched is finished even when a stop comes meanwhile:
		// cancelling mid-way could save a state and lose its answer.
		work, cancel := context.WithTimeout(context.WithoutCancel(ctx), ShutdownGrace)
		next, failed := t.HandleUpdates(work, updates)
		cancel()
		if next > offset {
			offset = next
		}
		if failed {
			// Redis (or Telegram) is down: wait longer each time, up to 5 s,
			// rather than fetch the same updates again at once.
			backoff = nextBackoff(backoff)
		} else {
			backoff = 0
		}
	}
	t.confirm(offset)
	return nil
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

func (t *Telegram) getUpdates(ctx context.Context, offset int64, wait time.Duration) ([]*models.Update, error) {
	body, _ := json.Marshal(map[string]any{
		"offset": offset, "timeout": int(wait / time.Second),
		"allowed_updates": []string{"message", "edited_message", "callback_query", "my_chat_member"},
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
		OK          bool             `json:"ok"`
		Result      []*models.Update `json:"result"`
		Description string           `json:"description"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return nil, fmt.Errorf("getUpdates: status %d: %w", resp.StatusCode, err)
	}
	if !r.OK {
		return nil, fmt.Errorf("getUpdates: status %d: %s", resp.StatusCode, r.Description)
	}
	return r.Result, nil
}

type update struct{ *models.Update }

// chat is the chat an update belongs to, so that a person's block or
// unblock (my_chat_member) is ordered with their own messages too.
func (u update) chat() int64 {
	if m := u.MyChatMember; m != nil {
		return m.Chat.ID
	}
	ev, _, _, _ := toEvent(u.Update)
	return ev.ChatID
}

// HandleUpdates handles a batch, each chat's updates in order and chats in
// parallel, and returns the offset that confirms what is done: past every
// update, or up to the first one that failed, which is then fetched again.
// failed reports such a failure.
func (t *Telegram) HandleUpdates(ctx context.Context, updates []*models.Update) (next int64, failed bool) {
	if len(updates) == 0 {
		return 0, false
	}
	items := make([]update, len(updates))
	for i, u := range updates {
		items[i] = update{u}
	}
	if t.Metrics != nil {
		t.Metrics.QueueDepth.WithLabelValues("updates").Add(float64(len(updates)))
		defer t.Metrics.QueueDepth.WithLabelValues("updates").Sub(float64(len(updates)))
	}
	firstFailed := int64(-1)
	var mu sync.Mutex
	broken := map[int64]bool{}
	inOrder(items, func(u update) {
		chat := u.chat()
		mu.Lock()
		skip := broken[chat]
		mu.Unlock()
		// After a failure, later updates of the same chat wait for the
		// retry: handling them now would answer out of order.
		var err error
		if !skip {
			var unlock func()
			if unlock, err = t.lockChat(ctx, chat); err == nil {
				start := time.Now()
				var outcome string
				outcome, err = t.handle(ctx, u.Update)
				t.observe(outcome, time.Since(start))
				unlock()
			}
		}
		mu.Lock()
		defer mu.Unlock()
		if skip || err != nil {
			broken[chat] = true
			if firstFailed < 0 || u.ID < firstFailed {
				firstFailed = u.ID
			}
		}
	})
	if firstFailed >= 0 {
		return firstFailed, true
	}
	return updates[len(updates)-1].ID + 1, false
}

func (t *Telegram) observe(outcome string, took time.Duration) {
	if t.Metrics == nil {
		return
	}
	t.Metrics.UpdatesHandled.WithLabelValues(outcome).Inc()
	if outcome == ops.OutcomeHandled {
		t.Metrics.HandlingSeconds.Observe(took.Seconds())
	}
}

// handle runs one update end to end: handled, answered, and the answer
// recorded as delivered. An error means it must be fetched again. The
// outcome names what happened, for the metrics.
func (t *Telegram) handle(ctx context.Context, u *models.Update) (outcome string, err error) {
	if m := u.MyChatMember; m != nil && m.Chat.Type == models.ChatTypePrivate {
		if err := t.membership(ctx, m); err != nil {
			return ops.OutcomeFailed, err
		}
		return ops.OutcomeHandled, nil
	}
	ev, msgID, callbackID, ok := toEvent(u)
	if !ok {
		return ops.OutcomeIgnored, nil
	}
	ev.UpdateID, ev.Ref = u.ID, msgID
	if callbackID != "" {
		// Stop the button's spinner whatever happens next.
		if _, err := t.API.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: callbackID}); err != nil {
			t.Log.Debug("answerCallbackQuery", "chat", ChatRef(ev.ChatID), "err", redact(err.Error(), t.token))
		}
	}
	start := time.Now()
	turn, err := t.Runtime.Handle(ctx, ev)
	if err != nil {
		t.Log.Error("handle update", "chat", ChatRef(ev.ChatID), "update", u.ID, "err", err)
		return ops.OutcomeFailed, err
	}
	if turn == nil {
		return ops.OutcomeDuplicate, nil // answered before
	}
	if err := t.deliver(ctx, turn); err != nil {
		t.Log.Warn("deliver", "chat", ChatRef(ev.ChatID), "update", u.ID, "err", redact(err.Error(), t.token))
		return ops.OutcomeFailed, err
	}
	t.Log.Debug("handled", "chat", ChatRef(ev.ChatID), "update", u.ID, "replies", len(turn.Replies), "took", time.Since(start))
	return ops.OutcomeHandled, nil
}

// Inject runs an event that did not come from Telegram (a staff member's
// reply, a take-over, a reminder) through the person's conversation, in
// order with their own updates, and delivers the replies.
func (t *Telegram) Inject(ctx context.Context, ev dialogs.Event) error {
	unlock, err := t.lockChat(ctx, ev.ChatID)
	if err != nil {
		return err
	}
	defer unlock()
	turn, err := t.Runtime.Handle(ctx, ev)
	if err != nil || turn == nil {
		return err
	}
	return t.deliver(ctx, turn)
}

// deliver sends what a turn still owes and records it as delivered. Notes
// go first: while a staff member has the conversation, a turn's only
// output is the person's words in their Slack thread.
func (t *Telegram) deliver(ctx context.Context, turn *dialogs.Turn) error {
	if err := t.Runtime.Notes(ctx, turn); err != nil {
		return err
	}
	for i := turn.Sent; i < len(turn.Replies); i++ {
		err := t.Send(ctx, turn.ChatID, turn.Ref, turn.Replies[i])
		observe(ctx, err)
		switch {
		case errors.Is(err, ErrUnreachable):
			t.Log.Info("chat unreachable", "chat", ChatRef(turn.ChatID))
			return t.Runtime.Service.Delivered(ctx, turn)
		case err != nil && !permanent(err):
			// Telegram or the network is down: the outbox keeps the
			// replies and the update is fetched again.
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
	return t.Runtime.Service.Delivered(ctx, turn)
}

// permanent reports a refusal that retrying will not change.
func permanent(err error) bool {
	return errors.Is(err, tg.ErrorBadRequest) || errors.Is(err, tg.ErrorNotFound)
}

// errNotModified is Telegram refusing an edit that changes nothing (a
// press that toggled a choice twice quickly): the message already shows
// what it should. Telegram says so only in the text of a 400, so this is
// the one place that reads it.
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

func (t *Telegram) do(ctx context.Context, chatID int64, call func(ctx context.Context) error) error {
	if t.Sender == nil {
		return call(ctx)
	}
	return t.Sender.Do(ctx, chatID, call)
}

// Send delivers one reply through the Sender. A reply that replaces the
// pressed message falls back to a new message when Telegram refuses the edit
// (too old, deleted).
func (t *Telegram) Send(ctx context.Context, chatID int64, msgID int, r dialogs.Reply) error {
	markup := replyMarkup(r)
	if r.Text != "" {
		sent := false
		// A message's own keyboard cannot be edited in: a reply with
		// Keys is always a new message.
		if r.Replace && msgID != 0 && len(r.Keys) == 0 && !r.RemoveKeys {
			err := t.do(ctx, chatID, func(ctx context.Context) error {
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
			if err := t.do(ctx, chatID, func(ctx context.Context) error {
				_, err := t.API.SendMessage(ctx, p)
				return err
			}); err != nil {
				return err
			}
		}
	}
	if d := r.Document; d != nil {
		return t.do(ctx, chatID, func(ctx context.Context) error {
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
