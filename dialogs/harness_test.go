package dialogs_test

import (
	"strings"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/locales"
)

var texts = locales.MustLoad()

// person drives the Engine as one person would, keeping the state between
// events as the store would, and checks that every pressed button was
// actually offered.
type person struct {
	t    *testing.T
	e    *dialogs.Engine
	st   *dialogs.State
	now  time.Time
	hint string
	last []dialogs.Reply
	lang string
	// notes are what the last event told staff.
	notes []dialogs.Note
}

func newPerson(t *testing.T, lang string) *person {
	p := &person{t: t, now: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), hint: lang, lang: lang}
	p.e = dialogs.NewEngine(texts, func() time.Time { return p.now })
	return p
}

func (p *person) do(ev dialogs.Event) []dialogs.Reply {
	p.t.Helper()
	r := p.maybe(ev)
	if len(r) == 0 {
		p.t.Fatalf("no reply to %+v", ev)
	}
	return r
}

// maybe runs ev like do, but a turn without replies is fine: while a staff
// member has the conversation, the bot stays silent.
func (p *person) maybe(ev dialogs.Event) []dialogs.Reply {
	p.t.Helper()
	ev.ChatID, ev.LangHint = 42, p.hint
	out := p.e.Handle(p.st, ev)
	p.st = out.State
	p.notes = out.Notes
	for _, r := range out.Replies {
		for _, row := range r.Buttons {
			for _, b := range row {
				if len(b.Data) > dialogs.MaxCallbackData {
					p.t.Errorf("callback data %q is %d bytes, Telegram allows %d", b.Data, len(b.Data), dialogs.MaxCallbackData)
				}
				if strings.TrimSpace(b.Text) == "" {
					p.t.Errorf("button %q has no label", b.Data)
				}
			}
		}
	}
	p.last = out.Replies
	return out.Replies
}

func (p *person) command(name string) []dialogs.Reply {
	p.t.Helper()
	return p.do(dialogs.Event{Kind: dialogs.KindCommand, Command: name})
}

func (p *person) text(s string) []dialogs.Reply {
	p.t.Helper()
	return p.do(dialogs.Event{Kind: dialogs.KindText, Text: s})
}

// press presses a button that the last replies offered.
func (p *person) press(data string) []dialogs.Reply {
	p.t.Helper()
	if !offered(p.last, data) {
		p.t.Fatalf("button %q not offered; last replies: %s", data, dump(p.last))
	}
	return p.do(dialogs.Event{Kind: dialogs.KindButton, Data: data})
}

// forge sends button data whether or not it was offered.
func (p *person) forge(data string) []dialogs.Reply {
	p.t.Helper()
	return p.do(dialogs.Event{Kind: dialogs.KindButton, Data: data})
}

func offered(replies []dialogs.Reply, data string) bool {
	for _, r := range replies {
		for _, row := range r.Buttons {
			for _, b := range row {
				if b.Data == data {
					return true
				}
			}
		}
	}
	return false
}

func dump(replies []dialogs.Reply) string {
	var b strings.Builder
	for _, r := range replies {
		b.WriteString("\n  " + strings.ReplaceAll(r.Text, "\n", "\n  "))
		for _, row := range r.Buttons {
			for _, x := range row {
				b.WriteString(" [" + x.Data + "]")
			}
		}
	}
	return b.String()
}

// tr is the message id in the person's language.
func (p *person) tr(id string, data ...map[string]any) string {
	var d map[string]any
	if len(data) > 0 {
		d = data[0]
	}
	return texts.T(p.lang, id, d)
}

// expect fails unless one of replies contains the message id's text.
func (p *person) expect(replies []dialogs.Reply, id string, data ...map[string]any) {
	p.t.Helper()
	want := p.tr(id, data...)
	for _, r := range replies {
		if strings.Contains(r.Text, want) {
			return
		}
	}
	p.t.Fatalf("[%s] want a reply with %s (%q); got:%s", p.lang, id, want, dump(replies))
}

func (p *person) step() dialogs.Step {
	if p.st == nil {
		return ""
	}
	return p.st.Step
}

// label is the text of the button with data, or "".
func label(replies []dialogs.Reply, data string) string {
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
