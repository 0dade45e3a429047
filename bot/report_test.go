package bot_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/bot"
	"github.com/werkwijzer/werkwijzer/bot/telegramtest"
	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/handover"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/locales"
	"github.com/werkwijzer/werkwijzer/store"
)

// A staff member's reply is injected with InjectCounted, which says how
// many messages reached the person and, when one did not, why: blocked,
// refused by Telegram (with Telegram's reason), or no conversation.
func TestInjectCountedSaysWhatArrived(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	keys := store.Keys{Prefix: prefix}
	texts := locales.MustLoad()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	engine := dialogs.NewEngine(texts, nil)
	engine.Register(handover.Flow{})
	sessions := store.NewSessions(rdb, keys)
	rt := &bot.Runtime{Log: log, Service: &dialogs.Service{Engine: engine, Sessions: sessions}}
	fake := telegramtest.New(t)
	tgm, err := bot.NewTelegram(fake.Token, fake.URL, rt, texts, log)
	if err != nil {
		t.Fatal(err)
	}
	reach := store.NewReach(rdb, keys, time.Hour)
	tgm.Sender = &bot.Sender{Reach: reach, Clock: clock.NewJumping(time.Now())}
	tgm.Chats = store.NewChats(sessions, "")
	ctx := context.Background()
	talking := func(chat int64) {
		now := time.Now()
		st := &dialogs.State{V: dialogs.StateVersion, Lang: "nl", Step: dialogs.StepMenu, Agreed: now, Created: now, LastSeen: now}
		handover.Part.Write(st, handover.State{Open: &handover.Request{Active: true, Since: now, Staff: "Lotte"}})
		if err := sessions.Save(ctx, chat, st, time.Hour, nil); err != nil {
			t.Fatal(err)
		}
	}
	say := func(chat int64, text string) (int, error) {
		return tgm.InjectCounted(ctx, dialogs.Event{ChatID: chat, Kind: dialogs.KindStaff, Command: handover.StaffSay, Text: text, Data: "Lotte"})
	}
	long := strings.Repeat("Een zin van de medewerker. ", 200) // over 4,096 characters

	talking(1)
	if n, err := say(1, long); err != nil || n != 2 {
		t.Fatalf("a long reply: %d arrived, %v; want 2 parts", n, err)
	}
	for _, m := range fake.Messages(1) {
		if len([]rune(m.Text)) > telegramtest.MaxText {
			t.Fatalf("a part over the limit reached Telegram: %d", len([]rune(m.Text)))
		}
	}

	talking(2)
	fake.SetFault(func(method string, chat int64) *telegramtest.Fault {
		if chat == 2 {
			return &telegramtest.Fault{Status: 403, Desc: "Forbidden: bot was blocked by the user"}
		}
		if chat == 3 {
			return &telegramtest.Fault{Status: 400, Desc: "Bad Request: chat not found"}
		}
		return nil
	})
	if n, err := say(2, "Hallo"); n != 0 || !errors.Is(err, dialogs.ErrNotFound) {
		t.Fatalf("to someone who blocked the bot: %d, %v; want 0 and not found", n, err)
	}
	talking(3)
	n, err := say(3, "Hallo")
	var de *dialogs.Error
	if n != 0 || !errors.Is(err, dialogs.ErrInvalid) || !errors.As(err, &de) || de.Err.Error() != "Bad Request: chat not found" {
		t.Fatalf("refused by Telegram: %d, %v; want 0 and invalid, with Telegram's reason", n, err)
	}
	if n, err := say(4, "Hallo"); n != 0 || err != nil {
		t.Fatalf("to a chat we hold nothing on: %d, %v; want 0 and no error", n, err)
	}
	// A chat another instance is busy with: the reply waits in the
	// person's queue, behind what that instance is doing, and is not
	// reported as lost.
	talking(6)
	other := store.NewChats(sessions, "other")
	rdb.ZAdd(ctx, keys.Instances(), redis.Z{Score: float64(time.Now().Add(time.Hour).UnixMilli()), Member: "other"})
	if w, err := other.Take(ctx, 6, []byte(`{}`), false); err != nil || w.Status != store.Run {
		t.Fatalf("the other instance takes the chat: %+v %v", w, err)
	}
	if n, err := say(6, "Hallo"); n != bot.Queued || err != nil {
		t.Fatalf("to a chat another instance holds: %d, %v; want bot.Queued and no error", n, err)
	}
	if n := rdb.LLen(ctx, keys.Inbox(6)).Val(); n != 1 || len(fake.Messages(6)) != 0 {
		t.Fatalf("%d waiting in the inbox, %d sent; want the reply waiting, nothing sent yet", n, len(fake.Messages(6)))
	}
	// Plain Inject is unchanged for everyone else (alerts, reminders).
	talking(5)
	if err := tgm.Inject(ctx, dialogs.Event{ChatID: 5, Kind: dialogs.KindStaff, Command: handover.StaffSay, Text: "Hoi", Data: "Lotte"}); err != nil {
		t.Fatal(err)
	}
}
