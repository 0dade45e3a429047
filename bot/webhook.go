package bot

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// Webhook limits. Telegram's updates are a few kilobytes; a larger body is
// not from Telegram, and reading it would only cost memory.
const (
	// MaxWebhookBody bounds the body of one webhook call.
	MaxWebhookBody = 1 << 20
	// WebhookTimeout bounds the handling of one update, replies included.
	// It runs detached from the request, so that Telegram (or a proxy)
	// hanging up cannot stop it between saving a state and answering.
	WebhookTimeout = 30 * time.Second
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
// handled and its state saved, and 500 otherwise so that Telegram delivers
// it again (a redelivery of something already handled is recognised by its
// update id and not answered twice).
//
// Answers: 405 to anything but POST, 401 when the SecretHeader is missing or
// wrong (nothing is read or handled then), 413 to a body over
// MaxWebhookBody, 400 to a body that is not an update.
//
// secret must not be empty: without it anyone who learns the URL could
// speak for any person, so WebhookHandler panics on an empty secret, at
// start-up rather than at the first call.
//
// Updates of one chat that arrive on concurrent calls are handled one after
// another, never side by side: within this process by a mutex, and across
// the instances sharing Redis by t.Locks. Two at once could each load the
// same state and one save would undo the other.
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
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), WebhookTimeout)
		defer cancel()
		// HandleUpdates holds the chat, here and in Redis (lockChat).
		_, failed := t.HandleUpdates(ctx, []*models.Update{&u})
		if failed {
			t.Log.Warn("webhook update not handled; Telegram will deliver it again", "update", u.ID)
			http.Error(w, "not handled, try again", http.StatusInternalServerError)
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

// lockChat holds chat while one update or staff event of it is handled:
// within this process (webhook calls, staff events and the poller run side
// by side) and, with Locks, across the instances sharing Redis. Two at once
// could each load the same state and one save would undo the other.
func (t *Telegram) lockChat(ctx context.Context, chat int64) (unlock func(), err error) {
	t.localOnce.Do(func() { t.local = &chatLocks{m: map[int64]*chatLock{}} })
	unlockLocal := t.local.lock(chat)
	if t.Locks == nil || chat == 0 {
		return unlockLocal, nil
	}
	release, err := t.Locks.Lock(ctx, chat)
	if err != nil {
		unlockLocal()
		t.Log.Error("cannot take the chat (busy elsewhere, or Redis down); it is tried again", "chat", ChatRef(chat), "err", err)
		return nil, err
	}
	return func() { release(); unlockLocal() }, nil
}

// chatLocks serialises the handling of one chat's updates within this
// process, across concurrent webhook calls and staff events, as inOrder does
// within a polled batch.
type chatLocks struct {
	mu sync.Mutex
	m  map[int64]*chatLock
}

type chatLock struct {
	sync.Mutex
	users int
}

func (c *chatLocks) lock(chat int64) (unlock func()) {
	c.mu.Lock()
	l := c.m[chat]
	if l == nil {
		l = &chatLock{}
		c.m[chat] = l
	}
	l.users++
	c.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		c.mu.Lock()
		if l.users--; l.users == 0 {
			delete(c.m, chat)
		}
		c.mu.Unlock()
	}
}
