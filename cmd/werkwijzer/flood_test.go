package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/bot/telegramtest"
	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/staff"
	"github.com/werkwijzer/werkwijzer/staff/slacktest"
)

// atMenu stores a Dutch conversation at the menu for chat, as after the
// onboarding.
func atMenu(t testing.TB, m *Main, chat int64) {
	t.Helper()
	now := time.Now()
	st := conversation(t, &dialogs.State{V: dialogs.StateVersion, Lang: "nl", Step: dialogs.StepMenu, Agreed: now, Created: now},
		orientation.State{Profile: orientation.Profile{Name: "Sam"}}, false)
	if err := m.Sessions.Save(context.Background(), chat, st, time.Hour, nil); err != nil {
		t.Fatal(err)
	}
}

// One person sends thirty messages in a burst, over the inbound limit of
// twenty a minute, while their answers go at twenty a second. Someone who
// starts meanwhile is answered at once, while the flood is still being
// answered; the flood is answered whole and in order; and the person is
// told once, in their language, that the bot is reading.
func TestAFloodHoldsUpNobody(t *testing.T) {
	tg := telegramtest.New(t)
	r := serve(t, tg, redistest.Prefix(), func(m *Main) {
		m.Config.ChatSendRate, m.Config.InboundLimit = 20, DefaultInboundLimit
	})
	const flooder, other = 7100, 7200
	atMenu(t, r.m, flooder)
	c := tg.Chat(t, flooder, "nl")
	var want []string
	var last int64
	for i := 0; i < 30; i++ {
		if i%3 == 2 {
			last = tg.Push(c.MessageUpdate(map[string]any{"text": "/help"}))
			want = append(want, texts.T("nl", "help_text", nil), texts.T("nl", "menu_title", nil))
		} else {
			last = tg.Push(c.MessageUpdate(map[string]any{"text": "/menu"}))
			want = append(want, texts.T("nl", "menu_title", nil))
		}
	}
	// Fetched and queued: confirmed long before it is answered.
	tg.WaitConfirmed(t, last, 10*time.Second)
	started := time.Now()
	got := tg.Chat(t, other, "en").Send("/start")
	if took := time.Since(started); len(got) != 2 || took > time.Second {
		t.Fatalf("someone starting during the flood: %d messages after %v, want the greeting and the picker at once", len(got), took)
	}
	if n := len(tg.Messages(flooder)); n >= len(want) {
		t.Fatalf("the flood was answered (%d messages) before the other person: the test shows nothing", n)
	}

	notice := texts.T("nl", "inbound_reading", nil)
	waitFor(t, "the whole flood answered", func() bool { return len(tg.Messages(flooder)) >= len(want)+1 })
	settled(t, func() int { return len(tg.Messages(flooder)) })
	var answers []string
	notices := 0
	for _, m := range tg.Messages(flooder) {
		if m.Text == notice {
			notices++
			continue
		}
		answers = append(answers, m.Text)
	}
	if notices != 1 {
		t.Errorf("told %d times that the bot is reading, want once", notices)
	}
	if len(answers) != len(want) {
		t.Fatalf("%d answers to the flood, want %d: none lost, none twice", len(answers), len(want))
	}
	for i := range want {
		if !strings.HasPrefix(answers[i], want[i]) {
			t.Fatalf("answer %d: %.40q, want %.40q (in order)", i, answers[i], want[i])
		}
	}
}

// During a staff member's take-over, a burst of messages reaches their
// Slack thread whole and in order, and the bot says nothing.
func TestATakeOverRelaysABurstInOrder(t *testing.T) {
	tg := telegramtest.New(t)
	f := slacktest.New(t)
	f.AddUser("U-LOTTE", "Lotte")
	r := serve(t, tg, redistest.Prefix(), withSlack(f))
	waitReady(t, r)
	const chat = 7300
	atMenu(t, r.m, chat)
	c := tg.Chat(t, chat, "nl")
	expect(t, "nl", c.Do(c.PressUpdate("human:ask", 1)), "handover_requested", map[string]any{"Wait": texts.N("nl", "unit_minutes", 30, nil)})
	req := waitPost(t, f, "handover", func(p slacktest.Post) bool { return header(p.Blocks) == "Vraagt een medewerker" })
	take := slacktest.BlockAction("U-LOTTE", "C-PERM", req.TS, staff.ActionHandoverTake, buttonValue(req.Blocks, staff.ActionHandoverTake))
	if code, _ := slackCall(t, r, signingSecret, "/slack/actions", slacktest.Form, take, time.Now()); code != http.StatusOK {
		t.Fatalf("take over: %d", code)
	}
	before := len(tg.Messages(chat))
	const burst = 15
	var last int64
	for i := 1; i <= burst; i++ {
		last = tg.Push(c.MessageUpdate(map[string]any{"text": fmt.Sprintf("bericht %d van %d", i, burst)}))
	}
	tg.WaitConfirmed(t, last, 10*time.Second)
	inThread := func() []string {
		var out []string
		for _, p := range f.Posts() {
			if p.ThreadTS == req.TS && strings.Contains(p.Text, "bericht ") {
				out = append(out, p.Text)
			}
		}
		return out
	}
	waitFor(t, "the burst in the thread", func() bool { return len(inThread()) >= burst })
	settled(t, func() int { return len(f.Posts()) })
	got := inThread()
	if len(got) != burst {
		t.Fatalf("%d messages in the thread, want %d", len(got), burst)
	}
	for i, p := range got {
		if want := fmt.Sprintf("bericht %d van %d", i+1, burst); !strings.Contains(p, want) {
			t.Fatalf("thread post %d: %q, want %q (in order)", i, p, want)
		}
	}
	if msgs := tg.Messages(chat)[before:]; len(msgs) != 0 {
		t.Fatalf("the bot spoke while Lotte had the conversation: %+v", msgs)
	}
}

// Free text flooded at an open question (some of it "wat?", which gets
// the help): the question comes again once, the reason alone at most
// twice, then nothing but the help for the rest of the burst; and the
// question still takes its answer.
func TestAFloodAtAQuestionIsReaskedOnce(t *testing.T) {
	tg := telegramtest.New(t)
	clk := clock.NewFake(time.Now())
	serve(t, tg, redistest.Prefix(), func(m *Main) {
		m.Clock = clk
		m.Config.ChatSendRate, m.Config.InboundLimit = 20, DefaultInboundLimit
	})
	const chat = 7400
	c := tg.Chat(t, chat, "nl")
	c.Send("/start")
	c.Press("lang:nl")
	c.Press("consent:yes")
	expect(t, "nl", c.Send("Sam"), "q_age")
	before := len(tg.Messages(chat))
	var last int64
	for i := 0; i < 25; i++ {
		last = tg.Push(c.MessageUpdate(map[string]any{"text": []string{"hmm", "euh", "wat?", "hallo"}[i%4]}))
	}
	tg.WaitHandled(t, last, 30*time.Second)
	settled(t, func() int { return len(tg.Messages(chat)) })
	question, reasons, still := 0, 0, 0
	for _, m := range tg.Messages(chat)[before:] {
		question += strings.Count(m.Text, texts.T("nl", "q_age", nil))
		reasons += strings.Count(m.Text, texts.T("nl", "age_invalid", nil))
		still += strings.Count(m.Text, texts.T("nl", "bad_still", nil))
	}
	if question != 1 || reasons > 3 || still > 2 {
		for _, m := range tg.Messages(chat)[before:] {
			t.Logf("%q", m.Text)
		}
		t.Fatalf("25 messages at the age question: the question %d times, the reason %d, 'still' %d; want 1, at most 3 and at most 2", question, reasons, still)
	}
	expect(t, "nl", c.Send("19"), "q_dutch")
}
