package weblink_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/dialogstest"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/privacy"
	"github.com/werkwijzer/werkwijzer/dialogs/signup"
	"github.com/werkwijzer/werkwijzer/dialogs/weblink"
)

func newPerson(t *testing.T, lang string, w *dialogstest.WebChats) *dialogstest.Person {
	f := weblink.Flow{}
	if w != nil {
		f.Codes = w
	}
	return dialogstest.New(t, lang, f, orientation.Flow{}, privacy.Flow{}, signup.Flow{})
}

func start(p *dialogstest.Person, payload string) []dialogs.Reply {
	p.T.Helper()
	return p.Do(dialogs.Event{Kind: dialogs.KindCommand, Command: "start", Text: payload})
}

// The web conversation goes on in Telegram at its question, in its
// language, with its answers; the components are told which chat it was.
func TestAWebChatGoesOnInTelegram(t *testing.T) {
	web := newPerson(t, "uk", nil)
	web.Command("start")
	web.Press("lang:uk")
	web.Press("consent:yes")
	web.Say("Olena")
	web.Expect(web.Press("a:age:u25"), "q_dutch")
	w := dialogstest.NewWebChats()
	from, code, _ := w.Add(context.Background(), dialogstest.WebChat{State: web.State()})

	tg := newPerson(t, "uk", w)
	tg.Hint = "en" // their Telegram app speaks English; the conversation stays Ukrainian
	r := start(tg, weblink.Prefix+code)
	tg.Expect(r, "link_done")
	tg.Expect(r, "q_dutch")
	if n := tg.Note(dialogs.NoteLinked); n.Item != strconv.FormatInt(from, 10) {
		t.Fatalf("linked note names %q, want the web chat %d", n.Item, from)
	}
	if len(tg.Notes()) != 1 {
		t.Fatalf("notes %+v: a web code must not count as a sign-up link", tg.Notes())
	}
	tg.Press("a:dutch:none")
	if o, _ := orientation.Part.Read(tg.State()); o.Profile.Name != "Olena" || tg.State().Lang != "uk" || !tg.State().Consented() {
		t.Fatalf("carried over: name %q, language %q, consented %v", o.Profile.Name, tg.State().Lang, tg.State().Consented())
	}

	// A second Telegram chat with the same code gets nothing.
	other := newPerson(t, "uk", w)
	other.Chat = 99
	other.Expect(start(other, weblink.Prefix+code), "link_code_bad")
	if other.State() != nil {
		t.Fatal("a used code started a conversation")
	}
}

// Someone who already talks with us in Telegram keeps that conversation:
// the two are not merged, and they are told how to choose.
func TestTwoConversationsAreNotMerged(t *testing.T) {
	w := dialogstest.NewWebChats()
	_, code, _ := w.Add(context.Background(), dialogstest.WebChat{State: &dialogs.State{V: dialogs.StateVersion, Lang: "nl", Step: dialogs.StepMenu}})
	tg := newPerson(t, "fr", w)
	tg.Command("start")
	tg.Press("lang:fr")
	tg.Press("consent:yes")
	tg.Expect(start(tg, weblink.Prefix+code), "link_has_chat")
	if tg.State().Lang != "fr" {
		t.Fatalf("the conversation changed (%q)", tg.State().Lang)
	}
	// The code was not used up: a chat of their own can still take it.
	fresh := newPerson(t, "nl", w) // the web conversation was Dutch
	fresh.Chat = 99
	fresh.Expect(start(fresh, weblink.Prefix+code), "link_done")
}

// /mydata says what the web chat keeps, in a web conversation only.
func TestMyDataTellsWhatTheWebChatKeeps(t *testing.T) {
	w := dialogstest.NewWebChats()
	id, _, _ := w.Add(context.Background(), dialogstest.WebChat{Messages: 12, Push: true})
	for _, web := range []bool{true, false} {
		p := dialogstest.New(t, "en", weblink.Flow{Web: w}, orientation.Flow{}, privacy.Flow{})
		if web {
			p.Chat = id
		}
		p.Command("start")
		p.Press("lang:en")
		p.Press("consent:yes")
		r := p.Command("mydata")
		if web {
			p.Expect(r, "mydata_web")
			p.Expect(r, "mydata_web_push")
		} else {
			p.ExpectNot(r, "mydata_web")
		}
	}
}
