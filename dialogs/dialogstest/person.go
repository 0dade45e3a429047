// Package dialogstest drives the dialogs as a person would, for the tests
// of every flow, and holds in-memory fakes of every port the flows call
// (with contract suites that the fakes and the real implementations must
// both pass). It plays the part go-joe/joe's joetest plays for joe
// modules: a flow's test is a short transcript.
//
// It is for tests only; nothing outside _test files imports it.
package dialogstest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/locales"
)

// Texts is the embedded catalogue, loaded once for all tests.
var Texts = locales.MustLoad()

// Start is when a Person's clock starts: Monday 23 November 2026, 11:00 in
// Brussels, inside office hours.
var Start = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// ChatID is the chat a Person talks in unless set otherwise.
const ChatID = 42

// Person is one person talking to an Engine: it keeps the state between
// events as the store would, checks every button the bot shows (its data
// fits Telegram's 64 bytes, its label is not empty) and that every button
// pressed was offered.
type Person struct {
	T      testing.TB
	Engine *dialogs.Engine
	Clock  *clock.Fake
	Chat   int64
	// Lang is the language expectations are read in; Hint is what the
	// person's app reports (the same, unless a test sets it).
	Lang, Hint string
	state      *dialogs.State
	last       []dialogs.Reply
	notes      []dialogs.Note
}

// New returns a person speaking lang to a fresh Engine with flows.
func New(t testing.TB, lang string, flows ...dialogs.Flow) *Person {
	clk := clock.NewFake(Start)
	e := dialogs.NewEngine(Texts, clk)
	e.Register(flows...)
	return &Person{T: t, Engine: e, Clock: clk, Chat: ChatID, Lang: lang, Hint: lang}
}

// State is the conversation's state as stored; nil when nothing is held.
func (p *Person) State() *dialogs.State { return p.state }

// SetState replaces the stored state (a conversation saved earlier).
func (p *Person) SetState(st *dialogs.State) { p.state = st }

// Step is the current step, "" when nothing is held.
func (p *Person) Step() dialogs.Step {
	if p.state == nil {
		return ""
	}
	return p.state.Step
}

// Notes are what the last event told staff and the other components.
func (p *Person) Notes() []dialogs.Note { return p.notes }

// Note is the last event's note of kind; the test fails when there is none.
func (p *Person) Note(kind dialogs.NoteKind) dialogs.Note {
	p.T.Helper()
	for _, n := range p.notes {
		if n.Kind == kind {
			return n
		}
	}
	p.T.Fatalf("[%s] no %s note; notes: %+v", p.Lang, kind, p.notes)
	return dialogs.Note{}
}

// Last are the replies to the last event.
func (p *Person) Last() []dialogs.Reply { return p.last }

// Do sends ev and returns the replies; the test fails on none.
func (p *Person) Do(ev dialogs.Event) []dialogs.Reply {
	p.T.Helper()
	r := p.Maybe(ev)
	if len(r) == 0 {
		p.T.Fatalf("no reply to %+v", ev)
	}
	return r
}

// Maybe sends ev like Do, but a turn without replies is fine: while a
// staff member has the conversation, the bot stays silent.
func (p *Person) Maybe(ev dialogs.Event) []dialogs.Reply {
	p.T.Helper()
	ev.ChatID = p.Chat
	if !ev.Kind.Proactive() {
		ev.LangHint = p.Hint
	}
	out, err := p.Engine.Handle(context.Background(), p.state, ev)
	if err != nil {
		p.T.Fatalf("handling %+v: %v", ev, err)
	}
	p.state, p.notes = out.State, out.Notes
	Check(p.T, out.Replies)
	p.last = out.Replies
	return out.Replies
}

// Fails sends ev and returns the error the turn ended with; the test fails
// when it ended well. The state is left as it was, as the store would.
func (p *Person) Fails(ev dialogs.Event) error {
	p.T.Helper()
	ev.ChatID, ev.LangHint = p.Chat, p.Hint
	_, err := p.Engine.Handle(context.Background(), p.state, ev)
	if err == nil {
		p.T.Fatalf("handling %+v: want an error", ev)
	}
	return err
}

// Check fails the test for a button that Telegram would refuse, that a
// person could not read, or that does not fit a phone in the row it is shown
// in (locales.Layout's widths: 32 alone, 17 two, 11 three to a row).
func Check(t testing.TB, replies []dialogs.Reply) {
	t.Helper()
	for _, r := range replies {
		if texts := replyTexts(r); slices.ContainsFunc(texts, unfilled) {
			t.Errorf("reply shows a placeholder the code did not fill (%q): %q", NoValue, texts)
		}
		if len(r.Keys) > 0 && (len(r.Buttons) > 0 || r.RemoveKeys) {
			t.Errorf("reply %q has a keyboard and inline buttons (or removes it): a message carries one", r.Text)
		}
		if r.RemoveKeys && len(r.Buttons) > 0 {
			t.Errorf("reply %q gives the keyboard back and has inline buttons: a message carries one", r.Text)
		}
		if (len(r.Keys) > 0 || r.RemoveKeys) && strings.TrimSpace(r.Text) == "" {
			t.Errorf("a keyboard on a reply without text: Telegram refuses it")
		}
		for _, row := range r.Keys {
			for _, k := range row {
				if w, limit := locales.Width(k.Text), rowLimit(len(row)); w > limit || strings.TrimSpace(k.Text) == "" {
					t.Errorf("key %q is %d characters wide in a row of %d; a phone shows %d", k.Text, w, len(row), limit)
				}
			}
		}
		for _, row := range r.Buttons {
			limit := rowLimit(len(row))
			for _, b := range row {
				if w := locales.Width(b.Text); w > limit {
					t.Errorf("button %q (%s) is %d characters wide in a row of %d; a phone shows %d", b.Text, b.Data, w, len(row), limit)
				}
				if len(b.Data) > dialogs.MaxCallbackData {
					t.Errorf("callback data %q is %d bytes, Telegram allows %d", b.Data, len(b.Data), dialogs.MaxCallbackData)
				}
				if !utf8.ValidString(b.Data) {
					t.Errorf("callback data %q is not UTF-8", b.Data)
				}
				if strings.TrimSpace(b.Text) == "" {
					t.Errorf("button %q has no label", b.Data)
				}
				if b.URL != "" && (b.Data != "" || !strings.HasPrefix(b.URL, "https://") && !strings.HasPrefix(b.URL, "http://")) {
					t.Errorf("link button %q: want an http(s) URL and no callback data, got %q and %q", b.Text, b.URL, b.Data)
				}
				if b.URL == "" && b.Data == "" {
					t.Errorf("button %q does nothing: no callback data, no URL", b.Text)
				}
			}
		}
	}
}

// NoValue is what a message's template shows for a placeholder the code
// did not fill: a person would read it, so Check fails on it.
const NoValue = "<no value>"

func unfilled(s string) bool { return strings.Contains(s, NoValue) }

// replyTexts are all the texts of r a person reads: the message, the
// labels of its buttons and keys, a file's caption.
func replyTexts(r dialogs.Reply) []string {
	out := []string{r.Text}
	for _, row := range r.Buttons {
		for _, b := range row {
			out = append(out, b.Text)
		}
	}
	for _, row := range r.Keys {
		for _, k := range row {
			out = append(out, k.Text)
		}
	}
	if r.Document != nil {
		out = append(out, r.Document.Caption)
	}
	return out
}

// Command sends /name.
func (p *Person) Command(name string) []dialogs.Reply {
	p.T.Helper()
	return p.Do(dialogs.Event{Kind: dialogs.KindCommand, Command: name})
}

// Say types text.
func (p *Person) Say(text string) []dialogs.Reply {
	p.T.Helper()
	return p.Do(dialogs.Event{Kind: dialogs.KindText, Text: text})
}

// Press presses a button that the last replies offered.
func (p *Person) Press(data string) []dialogs.Reply {
	p.T.Helper()
	if !Offered(p.last, data) {
		p.T.Fatalf("button %q not offered; last replies: %s", data, Dump(p.last))
	}
	return p.Do(dialogs.Event{Kind: dialogs.KindButton, Data: data})
}

// Forge sends button data whether or not it was offered.
func (p *Person) Forge(data string) []dialogs.Reply {
	p.T.Helper()
	return p.Do(dialogs.Event{Kind: dialogs.KindButton, Data: data})
}

// Share shares phone as the person's number with the channel's contact
// key, which the last replies must have offered.
func (p *Person) Share(phone string) []dialogs.Reply {
	p.T.Helper()
	if !AsksContact(p.last) {
		p.T.Fatalf("no contact key offered; last replies: %s", Dump(p.last))
	}
	return p.Do(dialogs.Event{Kind: dialogs.KindContact, Text: phone})
}

// AsksContact reports whether replies offer the key that shares the
// person's phone number.
func AsksContact(replies []dialogs.Reply) bool {
	for _, r := range replies {
		for _, row := range r.Keys {
			for _, k := range row {
				if k.Contact {
					return true
				}
			}
		}
	}
	return false
}

// Tr is message id in the person's language.
func (p *Person) Tr(id string, data ...map[string]any) string {
	var d map[string]any
	if len(data) > 0 {
		d = data[0]
	}
	return Texts.T(p.Lang, id, d)
}

// Expect fails unless one of replies contains the message id's text.
func (p *Person) Expect(replies []dialogs.Reply, id string, data ...map[string]any) {
	p.T.Helper()
	want := p.Tr(id, data...)
	for _, r := range replies {
		if strings.Contains(r.Text, want) {
			return
		}
	}
	p.T.Fatalf("[%s] want a reply with %s (%q); got:%s", p.Lang, id, want, Dump(replies))
}

// ExpectNot fails when one of replies contains the message id's text.
func (p *Person) ExpectNot(replies []dialogs.Reply, id string, data ...map[string]any) {
	p.T.Helper()
	want := p.Tr(id, data...)
	for _, r := range replies {
		if strings.Contains(r.Text, want) {
			p.T.Fatalf("[%s] want no reply with %s (%q); got:%s", p.Lang, id, want, Dump(replies))
		}
	}
}

// Offered reports whether replies offer a button with data.
func Offered(replies []dialogs.Reply, data string) bool { return Label(replies, data) != "" }

// Label is the text of the button with data, or "".
func Label(replies []dialogs.Reply, data string) string {
	for _, r := range replies {
		for _, row := range r.Buttons {
			for _, b := range row {
				if b.Data == data {
					return b.Text
				}
			}
		}
	}
	return ""
}

// Buttons lists the data of every button in replies.
func Buttons(replies []dialogs.Reply) []string {
	var out []string
	for _, r := range replies {
		for _, row := range r.Buttons {
			for _, b := range row {
				out = append(out, b.Data)
			}
		}
	}
	return out
}

// Dump shows replies for a failure message.
func Dump(replies []dialogs.Reply) string {
	var b strings.Builder
	for _, r := range replies {
		b.WriteString("\n  " + strings.ReplaceAll(r.Text, "\n", "\n  "))
		for _, row := range r.Buttons {
			for _, x := range row {
				b.WriteString(" [" + x.Data + "]")
			}
		}
		for _, row := range r.Keys {
			for _, k := range row {
				b.WriteString(" ⌨[" + k.Text + "]")
			}
		}
		if r.RemoveKeys {
			b.WriteString(" ⌨✕")
		}
		if r.Document != nil {
			b.WriteString(" 📎" + r.Document.Name)
		}
	}
	return b.String()
}

// rowLimit is how wide a label may be in a row of n buttons; rows of more
// than three hold numbers.
func rowLimit(n int) int {
	if n <= 3 {
		return locales.Layout{PerRow: n}.Limit()
	}
	return 8
}
