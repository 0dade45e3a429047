package main

import (
	"context"
	"strings"
	"testing"

	"github.com/werkwijzer/werkwijzer/answers"
	"github.com/werkwijzer/werkwijzer/bot/telegramtest"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/handover"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/staff/slacktest"
)

func withOffice(m *Main) {
	m.Config.Office = dialogs.Office{Name: "Werkwinkel Antwerpen", Address: "Desguinlei 33, 2018 Antwerpen",
		Phone: "03 000 00 00", MapURL: "https://example.org/map"}
	m.Config.Office.Hours = m.Config.Desk.Hours
}

// Issue #14 end to end on the fake Bot API with a real Redis, in Arabic and
// Dutch, without Slack: a typed age moves on, "help" and a request for a
// person are answered (the office's contact, since no staff side is
// connected), and a question in one's own words gets the FAQ's answer.
func TestTypedInputOnTelegram(t *testing.T) {
	tg := telegramtest.New(t)
	serve(t, tg, redistest.Prefix(), withOffice)
	seed := answers.NewIndex(answers.Seed())
	for i, c := range []struct{ lang, age, help, person, question string }{
		{"nl", "19", "help", "ik wil met iemand praten", "Moet ik iets betalen voor de hulp?"},
		{"ar", "١٩", "مساعدة", "أريد التحدث مع شخص", "هل المساعدة مجانية أم يجب أن أدفع؟"},
	} {
		chat := tg.Chat(t, int64(1400+i), c.lang)
		chat.Send("/start")
		chat.Press("lang:" + c.lang)
		chat.Press("consent:yes")
		chat.Send("Amira")
		expect(t, c.lang, chat.Send(c.age), "q_dutch")
		r := chat.Send(c.help)
		expect(t, c.lang, r, "help_text")
		if !contains(r, "Werkwinkel Antwerpen") || !contains(r, "Desguinlei 33") {
			t.Fatalf("[%s] /help lacks the office: %+v", c.lang, r)
		}
		r = chat.Send(c.person)
		expect(t, c.lang, r, "office_intro")
		if !contains(r, "03 000 00 00") {
			t.Fatalf("[%s] asking for a person without Slack shows no phone: %+v", c.lang, r)
		}
		want := seed.Answer(c.lang, c.question)
		if want == nil || want.ID != "free" {
			t.Fatalf("[%s] the seed does not answer %q with free: %+v", c.lang, c.question, want)
		}
		r = chat.Send(c.question)
		if !contains(r, want.Text) {
			t.Fatalf("[%s] %q not answered from the FAQ: %+v", c.lang, c.question, r)
		}
		expect(t, c.lang, r, "q_dutch") // and the question stays open
	}
	// Declining consent keeps the language: typing then answers in Arabic.
	chat := tg.Chat(t, 1410, "ar")
	chat.Send("/start")
	chat.Press("lang:ar")
	expect(t, "ar", chat.Press("consent:no"), "office_intro")
	expect(t, "ar", chat.Send("/menu"), "consent_required")
}

// A long message is never refused: with Slack connected it is kept for
// staff, shown in /mydata, and goes with the request for a person.
func TestLongMessageIsKeptForStaff(t *testing.T) {
	tg := telegramtest.New(t)
	f := slacktest.New(t)
	r := serve(t, tg, redistest.Prefix(), withSlack(f))
	waitReady(t, r)
	for i, lang := range []string{"ar", "nl"} {
		id := int64(1500 + i)
		chat := tg.Chat(t, id, lang)
		chat.Send("/start")
		chat.Press("lang:" + lang)
		chat.Press("consent:yes")
		chat.Send("Amira")
		long := strings.TrimSpace(string([]rune(strings.Repeat("لدي طفلان صغيران وأريد أن أتعلم اللغة الهولندية قبل أن أبدأ العمل. ", 48))[:3000]))
		expect(t, lang, chat.Send(long), "kept_for_staff")
		st, _, err := r.m.Sessions.Load(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if kept := dialogs.KeptMessagesOf(st); len(kept) != 1 || kept[0].Text != long {
			t.Fatalf("[%s] kept %d messages", lang, len(kept))
		}
		expect(t, lang, chat.Send("/mydata"), "mydata_kept", map[string]any{"Text": string([]rune(long)[:120]) + "…"})
		chat.Press("human:ask")
		st, _, _ = r.m.Sessions.Load(context.Background(), id)
		h, _ := handover.Part.Read(st)
		if h.Open == nil || len(h.Open.Pending) != 1 || len(dialogs.KeptMessagesOf(st)) != 0 {
			t.Fatalf("[%s] the kept message did not go with the request for a person: %+v", lang, h.Open)
		}
	}
}
