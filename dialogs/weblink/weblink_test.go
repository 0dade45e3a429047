package weblink_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/dialogstest"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/privacy"
	"github.com/werkwijzer/werkwijzer/dialogs/signup"
	"github.com/werkwijzer/werkwijzer/dialogs/weblink"
)

// codes is a fake web chat: one code for one conversation, claimed by the
// first chat that redeems it.
type codes struct {
	code    string
	from    int64
	st      *dialogs.State
	claimed int64
}

func (c *codes) Redeem(_ context.Context, code string, to int64) (*dialogs.State, int64, error) {
	if code != c.code || (c.claimed != 0 && c.claimed != to) {
		return nil, 0, dialogs.E(dialogs.ErrNotFound, "fake", errors.New("no such code"))
	}
	c.claimed = to
	return c.st, c.from, nil
}

func newPerson(t *testing.T, lang string, c *codes) *dialogstest.Person {
	return dialogstest.New(t, lang, weblink.Flow{Codes: c}, orientation.Flow{}, privacy.Flow{}, signup.Flow{})
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
	c := &codes{code: "abcd2345", from: 1<<62 + 1, st: web.State()}

	tg := newPerson(t, "uk", c)
	tg.Hint = "en" // their Telegram app speaks English; the conversation stays Ukrainian
	r := start(tg, "w-abcd2345")
	tg.Expect(r, "link_done")
	tg.Expect(r, "q_dutch")
	if n := tg.Note(dialogs.NoteLinked); n.Item != strconv.FormatInt(c.from, 10) {
		t.Fatalf("linked note names %q, want the web chat %d", n.Item, c.from)
	}
	if len(tg.Notes()) != 1 {
		t.Fatalf("notes %+v: a web code must not count as a sign-up link", tg.Notes())
	}
	tg.Press("a:dutch:none")
	if o, _ := orientation.Part.Read(tg.State()); o.Profile.Name != "Olena" || tg.State().Lang != "uk" || !tg.State().Consented() {
		t.Fatalf("carried over: name %q, language %q, consented %v", o.Profile.Name, tg.State().Lang, tg.State().Consented())
	}

	// A second Telegram chat with the same code gets nothing.
	other := newPerson(t, "uk", c)
	other.Chat = 99
	other.Expect(start(other, "w-abcd2345"), "link_code_bad")
	if other.State() != nil {
		t.Fatal("a used code started a conversation")
	}
}

// Someone who already talks with us in Telegram keeps that conversation:
// the two are not merged, and they are told how to choose.
func TestTwoConversationsAreNotMerged(t *testing.T) {
	c := &codes{code: "abcd2345", from: 1<<62 + 1, st: &dialogs.State{V: dialogs.StateVersion, Lang: "nl", Step: dialogs.StepMenu}}
	tg := newPerson(t, "fr", c)
	tg.Command("start")
	tg.Press("lang:fr")
	tg.Press("consent:yes")
	tg.Expect(start(tg, "w-abcd2345"), "link_has_chat")
	if c.claimed != 0 || tg.State().Lang != "fr" {
		t.Fatalf("the code was redeemed (%d) or the conversation changed (%q)", c.claimed, tg.State().Lang)
	}
}

// holder is a fake web chat's store for /mydata.
type holder struct{ web bool }

func (h holder) WebData(context.Context, int64) (int, bool, bool, error) { return 12, true, h.web, nil }

// /mydata says what the web chat keeps, in a web conversation only.
func TestMyDataTellsWhatTheWebChatKeeps(t *testing.T) {
	for _, web := range []bool{true, false} {
		p := dialogstest.New(t, "en", weblink.Flow{Web: holder{web}}, orientation.Flow{}, privacy.Flow{})
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
