// Package bot holds Werkwijzer's channels, Telegram and the terminal, and the
// runtime that feeds what people send to the dialogs and sends the answers
// back.
//
// It translates between channel types (go-telegram/bot's models, lines of
// text) and dialogs' Event and Reply; conversation logic belongs in dialogs,
// persistence in store.
package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"runtime/debug"
	"strconv"
	"sync"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/locales"
)

// Runtime runs events through the dialogs service, one chat at a time and
// chats in parallel, and never lets one conversation's bug stop another.
type Runtime struct {
	Service *dialogs.Service
	Log     *slog.Logger
}

// Handle runs one event and returns the turn to deliver, or nil for a
// duplicate. A panic in the dialogs is recovered, logged and answered with
// an apology.
func (r *Runtime) Handle(ctx context.Context, ev dialogs.Event) (turn *dialogs.Turn, err error) {
	defer func() {
		if p := recover(); p != nil {
			r.Log.Error("panic in dialogs", "chat", ChatRef(ev.ChatID), "panic", p, "stack", string(debug.Stack()))
			lang := locales.Match(ev.LangHint)
			if lang == "" {
				lang = locales.Source
			}
			turn, err = &dialogs.Turn{ChatID: ev.ChatID, Replies: []dialogs.Reply{r.Service.Apology(lang)}, Lang: lang}, nil
		}
	}()
	turn, err = r.Service.Handle(ctx, ev)
	if errors.Is(err, dialogs.ErrDuplicate) {
		return nil, nil
	}
	return turn, err
}

// keyed is an item of work for one chat.
type keyed interface{ chat() int64 }

// inOrder runs fn over items, one chat's items one after another in the
// order given and different chats concurrently, and waits for all.
// go-telegram/bot hands every update to its own goroutine in no order, which
// breaks a conversation on two quick messages; this is our ordering instead.
func inOrder[T keyed](items []T, fn func(T)) {
	var order []int64
	byChat := map[int64][]T{}
	for _, it := range items {
		c := it.chat()
		if _, ok := byChat[c]; !ok {
			order = append(order, c)
		}
		byChat[c] = append(byChat[c], it)
	}
	var wg sync.WaitGroup
	for _, c := range order {
		wg.Add(1)
		go func(list []T) {
			defer wg.Done()
			for _, it := range list {
				fn(it)
			}
		}(byChat[c])
	}
	wg.Wait()
}

// ChatRef is how logs name a chat: a short hash, so that logs can follow one
// conversation without holding anything that identifies the person.
func ChatRef(chatID int64) string {
	sum := sha256.Sum256([]byte("werkwijzer-log:" + strconv.FormatInt(chatID, 10)))
	return hex.EncodeToString(sum[:6])
}
