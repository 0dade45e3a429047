package bot

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// Webhook limits. Telegram's updates are a few kilobytes; a larger body is
// not from Telegram, and reading it would only cost memory.
const (
	// MaxWebhookBody bounds the body of one webhook call.
	MaxWebhookBody = 1 << 20
	// SecretHeader carries the secret_token given to setWebhook; it is the
	// only proof that a call comes from Telegram.
	SecretHeader = "X-Telegram-Bot-Api-Secret-Token"
)

// allowedUpdates are the kinds of update the bot asks Telegram for, in
// webhook mode as in polling (getUpdates): what toEvent and membership read.
var allowedUpdates = []string{"message", "edited_message", "callback_query", "my_chat_member"}

// WebhookHandler receives Telegram's webhook calls. It exists because
// go-telegram/bot's own handler answers 200 to a wrong secret and confirms
// an update before it is handled: ours answers 200 only once the update is
// durably taken: handled and its replies delivered, or queued in Redis in
// its chat's inbox (its chat is busy with earlier work, or the update took
// longer than SpillAfter). So one chat's paced replies never hold up
// Telegram's delivery to us. It answers 500 when the update could not be
// taken, so that Telegram delivers it again (a redelivery of something
// already handled is recognised by its update id and not answered twice).
//
// Answers: 405 to anything but POST, 401 when the SecretHeader is missing or
// wrong (nothing is read or handled then), 413 to a body over
// MaxWebhookBody, 400 to a body that is not an update.
//
// secret must not be empty: without it anyone who learns the URL could
// speak for any person, so WebhookHandler panics on an empty secret, at
// start-up rather than at the first call.
//
// Updates of one chat are handled one after another, never side by side,
// whichever instance they reach: the chat's queue (Chats) holds it for one
// instance at a time. Work must run beside the handler.
func (t *Telegram) WebhookHandler(secret string) http.Handler {
	if secret == "" {
		panic("bot: WebhookHandler needs a non-empty secret")
	}
	want := []byte(secret)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		// Compared before the body is read: an unauthenticated caller gets
		// nothing for its trouble.
		if subtle.ConstantTimeCompare([]byte(r.Header.Get(SecretHeader)), want) != 1 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxWebhookBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "could not read body", http.StatusBadRequest)
			return
		}
		var u models.Update
		if err := json.Unmarshal(body, &u); err != nil {
			http.Error(w, "not a Telegram update", http.StatusBadRequest)
			return
		}
		if u.ID <= 0 {
			// Without an id a redelivery could not be told from a new
			// message; Telegram always numbers its updates.
			http.Error(w, "update without update_id", http.StatusBadRequest)
			return
		}
		// The update is handled by its chat's worker, detached from the
		// request: Telegram (or a proxy) hanging up cannot stop it between
		// saving a state and answering.
		it, err := newUpdateItem(body, &u, t.clock().Now())
		if err != nil {
			http.Error(w, "not a Telegram update", http.StatusBadRequest)
			return
		}
		if it.chat == 0 {
			t.observe("ignored", 0)
			t.finished(u.ID)
			w.WriteHeader(http.StatusOK)
			return
		}
		t.submit(it)
		if t.Sender.Paced(it.chat) {
			// Its replies would wait for the chat's pace: queue it now
			// rather than keep Telegram waiting for them.
			t.spill(it)
		}
		spill := t.clock().NewTimer(SpillAfter)
		select {
		case <-it.done:
		case <-spill.C():
			t.spill(it) // queued now: Telegram need not wait for the replies
			<-it.done
		}
		spill.Stop()
		if it.err != nil {
			t.Log.Warn("webhook update not taken; Telegram will deliver it again", "update", u.ID, "err", it.err)
			http.Error(w, "not taken, try again", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// RegisterWebhook tells Telegram to deliver updates to url, with secret in
// every call's SecretHeader, instead of waiting for getUpdates. It asks for
// the same kinds of update as Poll. An empty secret is refused, as by
// WebhookHandler.
func (t *Telegram) RegisterWebhook(ctx context.Context, url, secret string) error {
	if secret == "" {
		return errors.New("setWebhook: a secret is required, or anyone who learns the URL can post updates")
	}
	if _, err := t.API.SetWebhook(ctx, &tg.SetWebhookParams{URL: url, SecretToken: secret, AllowedUpdates: allowedUpdates}); err != nil {
		// Not wrapped: a transport error's text holds the URL, token included.
		return fmt.Errorf("setWebhook: %s", redact(err.Error(), t.token))
	}
	return nil
}
