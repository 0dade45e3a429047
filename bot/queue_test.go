package bot_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"

	"github.com/werkwijzer/werkwijzer/bot"
	"github.com/werkwijzer/werkwijzer/bot/telegramtest"
	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/locales"
	"github.com/werkwijzer/werkwijzer/store"
)

// alerts is a flow that says each injected alert, as the vacancies flow
// would.
type alerts struct{}

func (alerts) Register(r *dialogs.Router) {
	r.Inject(dialogs.KindAlert, func(c *dialogs.Conv) error { c.Say("alert " + c.Event().Data); return nil })
}

// polling is a Telegram channel in polling mode on a real Redis, with the
// alerts flow, and the Sender the caller gives it.
func polling(t *testing.T, s *bot.Sender) (*telegramtest.Server, *bot.Telegram, *store.Sessions) {
	t.Helper()
	rdb, prefix := redistest.Client(t)
	keys := store.Keys{Prefix: prefix}
	sessions := store.NewSessions(rdb, keys)
	texts := locales.MustLoad()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	engine := dialogs.NewEngine(texts, nil)
	engine.Register(alerts{})
	rt := &bot.Runtime{Log: log, Service: &dialogs.Service{Engine: engine, Sessions: sessions}}
	fake := telegramtest.New(t)
	tgm, err := bot.NewTelegram(fake.Token, fake.URL, rt, texts, log)
	if err != nil {
		t.Fatal(err)
	}
	tgm.Sender, tgm.Chats = s, store.NewChats(sessions, "")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { tgm.Poll(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return fake, tgm, sessions
}

// agreed stores, for each chat, a Dutch conversation at the menu.
func agreed(t *testing.T, s *store.Sessions, chats ...int64) {
	t.Helper()
	for _, c := range chats {
		st := &dialogs.State{V: dialogs.StateVersion, Lang: "nl", Step: dialogs.StepMenu, Agreed: time.Now(), Created: time.Now()}
		if err := s.Save(context.Background(), c, st, time.Hour, nil); err != nil {
			t.Fatal(err)
		}
	}
}

// A broadcast of alerts is under way, at 10 messages a second of a clock
// the test moves; a person asks for help. Their answer (two messages) goes
// out next, before the alerts that were waiting, and then the alerts go on,
// each once.
func TestRepliesGoBeforeAlerts(t *testing.T) {
	clk := clock.NewFake(time.Now())
	rdb, prefix := redistest.Client(t)
	quota := bot.NewQuota(rdb, prefix+":instances", 10)
	quota.Clock = clk
	fake, tgm, sessions := polling(t, &bot.Sender{Global: quota})
	const person, people = 900, 20
	var chats []int64
	for i := int64(0); i < people; i++ {
		chats = append(chats, 1000+i)
	}
	agreed(t, sessions, append(chats, person)...)

	var wg sync.WaitGroup
	for _, c := range chats {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := tgm.Inject(context.Background(), dialogs.Event{ChatID: c, Kind: dialogs.KindAlert, Data: "v"}); err != nil {
				t.Errorf("alert to %d: %v", c, err)
			}
		}()
	}
	// The first alert goes at once; the other 19 wait for the clock.
	waitUntil(t, func() bool { return quota.Waiting() == people-1 && len(fake.All()) == 1 })
	fake.Push(fake.Chat(t, person, "nl").MessageUpdate(map[string]any{"text": "/help"}))
	texts := tgm.Texts
	for i, want := range []string{texts.T("nl", "help_text", nil), texts.T("nl", "menu_title", nil)} {
		// The answer's message waits among the alerts (its second only
		// once the first is out): only then may the clock move.
		waitUntil(t, func() bool { return quota.Waiting() == people })
		if !clk.WaitForTimers(1, 5*time.Second) {
			t.Fatal("nothing waits on the clock")
		}
		clk.Advance(100 * time.Millisecond)
		waitUntil(t, func() bool { return len(fake.All()) == 2+i })
		if got := fake.All()[1+i]; got.ChatID != person || !strings.HasPrefix(got.Text, want) {
			t.Fatalf("message %d after the person asked went to %d (%.30q); want their answer %.30q first", i+1, got.ChatID, got.Text, want)
		}
	}
	for len(fake.All()) < people+2 {
		if !clk.WaitForTimers(1, 5*time.Second) {
			t.Fatalf("stuck after %d messages", len(fake.All()))
		}
		n := len(fake.All())
		clk.Advance(100 * time.Millisecond)
		waitUntil(t, func() bool { return len(fake.All()) > n })
	}
	wg.Wait()
	for _, c := range chats {
		if msgs := fake.Messages(c); len(msgs) != 1 || msgs[0].Text != "alert v" {
			t.Fatalf("chat %d got %+v, want its alert once", c, msgs)
		}
	}
}

// Replies to one press go out together, however fast the person pressed:
// the chat's pace (here one a second, no burst) holds the next turn, not
// the second message of this one. What the bot says unasked keeps the
// pace for every message.
func TestOneTurnsRepliesGoTogether(t *testing.T) {
	clk := clock.NewJumping(time.Now())
	fake, _, _ := polling(t, &bot.Sender{PerChat: 1, ChatBurst: 1, Clock: clk})
	c := fake.Chat(t, 77, "nl")
	if msgs := c.Send("/start"); len(msgs) != 2 {
		t.Fatalf("/start: %d messages, want greeting and picker", len(msgs))
	}
	before := len(clk.Slept())
	if msgs := c.Press("lang:nl"); len(msgs) != 2 {
		t.Fatalf("a language press: %d messages, want two", len(msgs))
	}
	// One wait, for the first message: the turn before was two messages
	// at one a second. None between the two of this turn.
	if waits := clk.Slept()[before:]; len(waits) != 1 || waits[0] < 1500*time.Millisecond {
		t.Fatalf("waits of the press's two replies: %v, want one of about 2 s before the first", waits)
	}

	api, _ := tg.New(fake.Token, tg.WithServerURL(fake.URL), tg.WithSkipGetMe())
	proactive := clock.NewJumping(time.Now())
	s := &bot.Sender{PerChat: 1, ChatBurst: 1, Clock: proactive}
	for i := 0; i < 3; i++ {
		s.DoAs(context.Background(), 78, bot.Proactive, func(ctx context.Context) error {
			_, err := api.SendMessage(ctx, &tg.SendMessageParams{ChatID: 78, Text: "reminder"})
			return err
		})
	}
	if waits := proactive.Slept(); len(waits) != 2 || waits[0] < 900*time.Millisecond || waits[1] < 900*time.Millisecond {
		t.Fatalf("three proactive messages to one chat waited %v, want a second before the second and the third", waits)
	}
}

// Webhook mode under a flood: one person sends nine messages, whose
// answers go at five a second of a clock the test moves. Each call gets
// its 200 once the update is taken, not once the paced answers are out, so
// Telegram's delivery is not held up; another person meanwhile is answered
// at once; and the flood is answered whole, in order, and once.
func TestWebhookFloodHoldsUpNobody(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	clk := clock.NewFake(time.Now())
	// The channel's clock too: a call that waited for its paced answers
	// would not be let go by the spill timer either, and post would fail.
	w := newWebhookWith(t, rdb, prefix, func(tgm *bot.Telegram) {
		tgm.Sender.PerChat, tgm.Sender.ChatBurst, tgm.Sender.Clock = 5, 1, clk
		tgm.Clock = clk
	})
	if !clk.WaitForTimers(1, 10*time.Second) {
		t.Fatal("the sweep's ticker is not waiting on the channel's clock")
	}
	const flooder, other = 601, 602
	texts := w.tgm.Texts
	var want []string
	for i := 0; i < 9; i++ {
		text := "/help"
		if i%3 == 2 {
			text = "/start"
		}
		if code := w.post(t, webhookSecret, w.update(t, flooder, int64(100+i), text)); code != http.StatusOK {
			t.Fatalf("flood message %d: %d, want 200", i, code)
		}
		if text == "/help" {
			want = append(want, texts.T("en", "help_text", nil))
		} else {
			want = append(want, texts.T("en", "start_greeting", nil), texts.T("en", "language_choose", nil))
		}
	}
	if sent := len(w.tg.Messages(flooder)); sent >= len(want)/2 {
		t.Fatalf("every call answered only after %d of %d paced replies: Telegram waited for them", sent, len(want))
	}
	if code := w.post(t, webhookSecret, w.update(t, other, 200, "/help")); code != http.StatusOK {
		t.Fatalf("the other person: %d", code)
	}
	if got := w.tg.Messages(other); len(got) != 1 {
		t.Fatalf("the other person got %d messages at their 200, want their answer", len(got))
	}
	if sent := len(w.tg.Messages(flooder)); sent >= len(want) {
		t.Fatal("the flood was answered before the other person: the test shows nothing")
	}
	// The pace holds each answer until the clock moves a fifth of a second
	// (one timer beside the sweep's ticker).
	waitUntil(t, func() bool {
		if len(w.tg.Messages(flooder)) >= len(want) {
			return true
		}
		if clk.Timers() > 1 {
			clk.Advance(200 * time.Millisecond)
		}
		return false
	})
	// Nothing more may come: the chat's worker is done with its inbox and
	// has let the chat go, and nothing waits for the pace.
	keys := store.Keys{Prefix: prefix}
	waitUntil(t, func() bool {
		return rdb.Exists(context.Background(), keys.Lock(flooder), keys.Inbox(flooder)).Val() == 0
	})
	if n := clk.Timers() - 1; n != 0 {
		t.Fatalf("%d messages still wait for the chat's pace after the flood was answered", n)
	}
	got := w.tg.Messages(flooder)
	if len(got) != len(want) {
		t.Fatalf("the flood got %d messages, want %d", len(got), len(want))
	}
	for i := range want {
		if !strings.HasPrefix(got[i].Text, want[i]) {
			t.Fatalf("flood reply %d: %.40q, want %.40q (in order)", i, got[i].Text, want[i])
		}
	}
}
