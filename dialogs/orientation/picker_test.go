package orientation_test

import (
	"strings"
	"testing"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
)

// Typed before a language is chosen: a greeting or a code of one language
// switches to it; a greeting or script several share offers those; what
// is typed is never passed over in silence.
func TestThePickerReadsWhatIsTyped(t *testing.T) {
	for _, c := range []struct{ typed, lang string }{
		{"hallo", "nl"}, {"Merhaba", "tr"}, {"привіт", "uk"}, {"salaan", "so"}, {"ሰላም", "ti"},
		{"nl", "nl"}, {"AR", "ar"}, {"tr", "tr"}, {"en", "en"}, {"fa", "fa-AF"},
	} {
		p := typingPerson(t, "nl")
		p.Hint = ""
		p.Command("start")
		r := p.Say(c.typed)
		if p.State() == nil || p.State().Lang != c.lang || p.Step() != dialogs.StepConsent {
			t.Fatalf("%q: want %s at the privacy notice, got %+v", c.typed, c.lang, p.State())
		}
		p.Lang = c.lang
		p.Expect(r, "language_changed")
	}
	for _, c := range []struct {
		typed string
		offer []string
	}{
		{"السلام عليكم", []string{"ar", "fa-AF", "ps"}},
		{"salut", []string{"fr", "ro"}},
		{"Здравствуйте, мне нужна работа", []string{"uk", "ru", "bg"}},
		{"مرحبا بدي شغل بالمينا", []string{"ar", "fa-AF", "ps"}},
	} {
		p := typingPerson(t, "nl")
		p.Hint = ""
		p.Command("start")
		r := p.Say(c.typed)
		if p.State() != nil {
			t.Fatalf("%q: a language chosen silently: %+v", c.typed, p.State())
		}
		last := r[len(r)-1]
		var got []string
		for _, row := range last.Buttons {
			for _, b := range row {
				got = append(got, b.Data)
			}
		}
		want := append([]string{}, c.offer...)
		for i := range want {
			want[i] = "lang:" + want[i]
		}
		want = append(want, "picker")
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("%q: offered %v, want %v", c.typed, got, want)
		}
		for _, l := range c.offer {
			if !strings.Contains(last.Text, p.Engine.Texts.T(l, "language_choose", nil)) {
				t.Fatalf("%q: the question is not in %s:\n%s", c.typed, l, last.Text)
			}
		}
		if words := len(strings.Fields(c.typed)); words >= 3 && !strings.Contains(r[0].Text, p.Engine.Texts.T(c.offer[0], "picker_not_kept", nil)) {
			t.Fatalf("%q: not told the message was seen and not kept:%v", c.typed, r)
		}
		p.Press("lang:" + c.offer[len(c.offer)-1])
		if p.State().Lang != c.offer[len(c.offer)-1] {
			t.Fatalf("%q: picked %s, got %s", c.typed, c.offer[len(c.offer)-1], p.State().Lang)
		}
	}
	// A long message in Latin letters: seen, not kept, and the picker.
	p := typingPerson(t, "nl")
	p.Hint = ""
	p.Command("start")
	r := p.Say("Goedemiddag, ik ben op zoek naar werk in de haven en wil weten hoe ik me inschrijf")
	p.Expect(r, "picker_not_kept")
	p.Expect(r, "language_choose")
	if p.State() != nil {
		t.Fatalf("kept before consent: %+v", p.State())
	}
	// A lone question mark: what this is, and the picker.
	r = p.Say("?")
	p.Expect(r, "help_text")
	p.Expect(r, "language_choose")
}

// "stop" at a question of the first questions: pause or erase, in the
// person's language, not "answer the questions first".
func TestStopAtAQuestionOffersAPauseOrErasing(t *testing.T) {
	for _, c := range []struct{ lang, typed string }{{"nl", "stop"}, {"en", "I want to stop"}, {"ar", "توقف"}, {"tr", "Dur"}, {"uk", "стоп"}, {"so", "jooji"}} {
		p := typingPerson(t, c.lang)
		at(p, orientation.StepAge)
		r := p.Say(c.typed)
		p.Expect(r, "stop_offer")
		for _, d := range []string{"stop:pause", "menu:forget", "stop:go"} {
			if !strings.Contains(strings.Join(buttonsOf(r), " "), d) {
				t.Fatalf("[%s] no %s under the offer: %v", c.lang, d, buttonsOf(r))
			}
		}
		p.Expect(p.Press("stop:pause"), "stop_paused")
		if p.Step() != orientation.StepAge {
			t.Fatalf("[%s] step %q after a pause", c.lang, p.Step())
		}
		p.Say(c.typed)
		p.Expect(p.Press("stop:go"), "q_age")
		p.Say(c.typed)
		p.Expect(p.Press("menu:forget"), "forget_confirm")
	}
}

func buttonsOf(r []dialogs.Reply) []string {
	var out []string
	for _, x := range r {
		for _, row := range x.Buttons {
			for _, b := range row {
				out = append(out, b.Data)
			}
		}
	}
	return out
}
