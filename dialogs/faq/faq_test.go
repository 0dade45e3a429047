package faq_test

import (
	"testing"

	"github.com/werkwijzer/werkwijzer/answers"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/dialogstest"
	"github.com/werkwijzer/werkwijzer/dialogs/faq"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/privacy"
)

func person(t *testing.T, lang string) *dialogstest.Person {
	ix := answers.NewIndex(answers.Seed())
	return dialogstest.New(t, lang, orientation.Flow{}, privacy.Flow{}, faq.Flow{Answers: dialogstest.Retriever(ix.Answer)})
}

func TestQuestionInOwnWordsIsAnswered(t *testing.T) {
	for _, c := range []struct{ lang, question, entry string }{
		{"nl", "Wat moet ik meenemen naar de afspraak?", "bring"},
		{"ar", "كيف أعادل شهادتي؟", "diploma"},
		{"tr", "Felemenkçe kursu nerede?", "dutch_course"},
	} {
		p := person(t, c.lang)
		p.Command("start")
		p.Press("lang:" + c.lang)
		p.Press("consent:yes")
		p.Say("Amira")
		r := p.Say(c.question)
		want := answers.Seed()
		var text string
		for _, e := range want.Entries {
			if e.ID == c.entry {
				text = e.Answer(c.lang)
			}
		}
		mark := "💬 "
		if c.lang == "ar" {
			mark = "\u200F" + mark
		}
		if len(r) == 0 || r[0].Text != mark+text {
			t.Fatalf("[%s] %q: want the answer of %s:%s", c.lang, c.question, c.entry, dialogstest.Dump(r))
		}
		p.Expect(r, "q_age") // the question they were at stays open
		if p.Step() != orientation.StepAge || !dialogstest.Offered(r, "office") {
			t.Fatalf("[%s] step %q; a way to a person offered: %v", c.lang, p.Step(), dialogstest.Offered(r, "office"))
		}
	}
}

// A name is not taken for a question, nor a question for a name.
func TestShortAnswersStayAnswers(t *testing.T) {
	p := person(t, "nl")
	p.Command("start")
	p.Press("lang:nl")
	p.Press("consent:yes")
	p.Expect(p.Say("Is het gratis?"), "q_name")
	if profile, _ := orientation.Part.Read(p.State()); profile.Profile.Name != "" {
		t.Fatalf("a question taken for a name: %q", profile.Profile.Name)
	}
	p.Expect(p.Say("Fatima"), "q_age")
	var _ dialogs.Flow = faq.Flow{}
}

// A sentence that gives the answer the question asks is the question's,
// however many words it has and whatever FAQ entry it half resembles
// ("ik ben 19 jaar" is no question about help for the young).
func TestAnswersInSentencesAreNotTakenForQuestions(t *testing.T) {
	for _, c := range []struct{ lang, name, nameSentence, ageSentence, home string }{
		{"nl", "Jens", "Ik heet Jens en ik ben 19 jaar", "ik ben 19 jaar oud hoor", "ik woon in 2060 antwerpen"},
		{"ar", "أمينة", "اسمي أمينة وعمري 35 سنة", "عمري ٣٥ سنة والحمد لله", "2660"},
	} {
		p := person(t, c.lang)
		p.Command("start")
		p.Press("lang:" + c.lang)
		p.Press("consent:yes")
		r := p.Say(c.nameSentence)
		p.Expect(r, "name_sentence", map[string]any{"Name": c.name})
		p.Press("name:ok")
		if o, _ := orientation.Part.Read(p.State()); o.Profile.Name != c.name || p.Step() != orientation.StepAge {
			t.Fatalf("[%s] name %q at step %q, want %q at the age question", c.lang, o.Profile.Name, p.Step(), c.name)
		}
		p.Say(c.ageSentence)
		if o, _ := orientation.Part.Read(p.State()); o.Profile.Age == "" {
			t.Fatalf("[%s] %q did not answer the age question (step %q)", c.lang, c.ageSentence, p.Step())
		}
	}
}
