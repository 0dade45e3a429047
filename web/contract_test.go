package web

import (
	"context"
	"crypto/rand"
	"fmt"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/dialogs/dialogstest"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/store"
)

// The web channel over Redis keeps the contract the weblink flow's fake
// keeps, each web chat made as a page makes it.
func TestWebContract(t *testing.T) {
	dialogstest.WebContract(t, func(t testing.TB) dialogstest.Web {
		rdb, prefix := redistest.Client(t)
		return contractWeb{&Channel{Store: NewStore(rdb, prefix), Sessions: store.NewSessions(rdb, store.Keys{Prefix: prefix})}}
	})
}

type contractWeb struct{ *Channel }

// Add is a page opening a session, the conversation saved as its turns
// save it, its messages in the log, the browser's answer to the
// notifications prompt, and the "continue in Telegram" button pressed.
func (w contractWeb) Add(ctx context.Context, c dialogstest.WebChat) (int64, string, error) {
	chat, err := w.Store.NewSession(ctx, rand.Text())
	if err != nil {
		return 0, "", err
	}
	if c.State != nil {
		if err := w.Sessions.Save(ctx, chat, c.State, time.Hour, nil); err != nil {
			return 0, "", err
		}
	}
	var log []Entry
	for i := range c.Messages {
		log = append(log, Entry{Me: i%2 == 0, Text: fmt.Sprint("message ", i)})
	}
	if len(log) > 0 {
		if _, err := w.Store.Append(ctx, chat, 1, true, log); err != nil {
			return 0, "", err
		}
	}
	if c.Push {
		if err := w.Store.SetPush(ctx, chat, `{"endpoint":"https://push.example/1"}`); err != nil {
			return 0, "", err
		}
	}
	code, err := w.Store.NewLinkCode(ctx, chat)
	return chat, code, err
}
