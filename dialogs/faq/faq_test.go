package faq_test

import (
	"strings"
	"testing"

	"github.com/werkwijzer/werkwijzer/answers"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/dialogstest"
	"github.com/werkwijzer/werkwijzer/dialogs/faq"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/privacy"
	"github.com/werkwijzer/werkwijzer/locales"
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
		// The age came with the name: the Dutch question is next.
		if o, _ := orientation.Part.Read(p.State()); o.Profile.Name != c.name || o.Profile.Age == "" || p.Step() != orientation.StepDutch {
			t.Fatalf("[%s] name %q age %q at step %q, want %q with an age at the Dutch question", c.lang, o.Profile.Name, o.Profile.Age, p.Step(), c.name)
		}
		p.Press("back:dutch")
		p.Say(c.ageSentence)
		if p.Step() != orientation.StepDutch {
			t.Fatalf("[%s] %q did not answer the age question (step %q)", c.lang, c.ageSentence, p.Step())
		}
	}
}

// reach takes p from /start to step, pressing the buttons a person
// would; step is a question of the orientation.
func reach(p *dialogstest.Person, step dialogs.Step) {
	p.Command("start")
	p.Press("lang:" + p.Lang)
	p.Press("consent:yes")
	for _, s := range []struct {
		step  dialogs.Step
		press string
	}{{orientation.StepName, "skip:name"}, {orientation.StepAge, "a:age:25_49"}, {orientation.StepDutch, "a:dutch:little"},
		{orientation.StepSituation, "skip:sit"}, {orientation.StepEducation, "a:edu:primary"}, {orientation.StepSectors, "a:sec:care"},
		{"", "done:sec"}} {
		if s.step == step {
			return
		}
		p.Press(s.press)
	}
}

// faqAnswered reports whether replies hold an answer of the FAQ.
func faqAnswered(r []dialogs.Reply) bool {
	for _, x := range r {
		if strings.Contains(x.Text, "💬") {
			return true
		}
	}
	return false
}

// At an open question a short answer is an answer (finding 4): it picks
// the option it names, or gets the question again with its buttons, never
// the FAQ entry it half resembles.
func TestShortAnswersAtAQuestionAreNoFAQQuestions(t *testing.T) {
	for _, c := range []struct {
		lang  string
		at    dialogs.Step
		typed string
		want  func(o orientation.Profile) bool // nil: the question again
	}{
		{"ar", orientation.StepSectors, "بناء", nil},
		{"tr", orientation.StepSituation, "vdab", func(o orientation.Profile) bool { return o.Situation == orientation.SituationVDAB }},
		{"tr", orientation.StepLicence, "ehliyetim yok", nil},
		{"ar", orientation.StepDutch, "لا", nil},
		{"ar", orientation.StepSituation, "لا اعمل", nil},
		{"nl", orientation.StepDutch, "goed", nil},
		{"nl", orientation.StepDutch, "gaat wel", nil},
		{"uk", orientation.StepDutch, "не розмовляю", nil},
		{"uk", orientation.StepDutch, "неповний день", nil},
		{"uk", orientation.StepDutch, "так", nil},
		{"en", orientation.StepDutch, "fluent", func(o orientation.Profile) bool { return o.Dutch == orientation.DutchFluent }},
	} {
		p := person(t, c.lang)
		reach(p, c.at)
		r := p.Say(c.typed)
		if faqAnswered(r) {
			t.Errorf("[%s] %q at %s answered from the FAQ:%s", c.lang, c.typed, c.at, dialogstest.Dump(r))
			continue
		}
		switch o := p.Orientation().Profile; {
		case c.at == orientation.StepSectors:
			if !strings.HasPrefix(dialogstest.Label(r, "a:sec:construction"), locales.Mark) {
				t.Errorf("[%s] %q: construction not picked:%s", c.lang, c.typed, dialogstest.Dump(r))
			}
		case c.want != nil:
			if !c.want(o) {
				t.Errorf("[%s] %q at %s: not taken as the option it names: %+v", c.lang, c.typed, c.at, o)
			}
		default:
			p.Expect(r, "bad_not_understood")
			if p.Step() != c.at || len(dialogstest.Buttons(r)) < 3 {
				t.Errorf("[%s] %q at %s: want the question's buttons again at the same step:%s", c.lang, c.typed, c.at, dialogstest.Dump(r))
			}
		}
	}
}

// A real question at an open question still gets its answer, with or
// without a question mark, and the question stays open.
func TestQuestionsAtAQuestionAreStillAnswered(t *testing.T) {
	for _, c := range []struct{ lang, question, entry string }{
		{"nl", "moet ik betalen?", "free"},
		{"nl", "moet ik betalen", "free"},
		{"nl", "mag ik mijn zus meenemen om te vertalen", "translator"},
		{"ar", "هل يجب أن أدفع", "free"},
		// A question word asks for help only alone ("wat?"): with
		// two more words it asks a question.
		{"nl", "wat kost het?", "free"},
		{"en", "what does it cost?", "free"},
	} {
		p := person(t, c.lang)
		reach(p, orientation.StepDutch)
		r := p.Say(c.question)
		if a := answers.NewIndex(answers.Seed()).Answer(c.lang, c.question); a == nil || a.ID != c.entry || !faqAnswered(r) || !strings.Contains(r[0].Text, a.Text) {
			t.Fatalf("[%s] %q: want the answer of %s:%s", c.lang, c.question, c.entry, dialogstest.Dump(r))
		}
		p.Expect(r, "q_dutch")
	}
}

// A message of 3,000 characters at the name question is no name and no
// question the FAQ could answer: it is not lost (without a staff side the
// office is offered) and the question comes again.
func TestALongMessageAtTheNameQuestion(t *testing.T) {
	p := person(t, "nl")
	p.Command("start")
	p.Press("lang:nl")
	p.Press("consent:yes")
	long := string([]rune(strings.Repeat("Ik ben jong en zoek werk, ik heb geen diploma en spreek een beetje Nederlands. ", 40))[:3000])
	r := p.Say(long)
	if faqAnswered(r) {
		t.Fatalf("a long message answered from the FAQ:%s", dialogstest.Dump(r))
	}
	p.Expect(r, "long_not_kept")
	p.Expect(r, "q_name")
	if o := p.Orientation().Profile; p.Step() != orientation.StepName || o.Name != "" {
		t.Fatalf("step %q name %q", p.Step(), o.Name)
	}
}

// Answers from the FAQ and help are no strikes (finding 5): after two
// questions and a "?" in a burst, what the person types at the question
// is still answered.
func TestFAQAnswersAreNoStrikes(t *testing.T) {
	p := person(t, "nl")
	reach(p, orientation.StepAge)
	p.Say("Moet ik betalen?")
	p.Say("Wat moet ik meenemen naar de afspraak?")
	p.Expect(p.Say("?"), "help_text")
	p.Expect(p.Say("hmm"), "age_invalid")
}

type jobsStandIn struct{}

func (jobsStandIn) Register(r *dialogs.Router) {
	r.Button("menu:jobs", func(c *dialogs.Conv) error { c.Say(c.T("jobs_none", nil)); return nil })
	r.Button("job:alerts:on", func(c *dialogs.Conv) error { c.Say(c.T("alerts_on_done", nil)); return nil })
}

// At the menu the FAQ answers what reads as a question; a wish for work
// or for vacancy messages, in a few words, is what it asks for.
func TestAtTheMenuWishesAreNoFAQQuestions(t *testing.T) {
	for _, c := range []struct{ lang, typed, want string }{
		{"en", "i wnat job", "jobs_none"}, {"en", "send me new jobs", "alerts_on_done"}, {"en", "jobs", "jobs_none"},
		{"nl", "vacatures", "jobs_none"}, {"nl", "werk", "jobs_none"}, {"ar", "عمل", "jobs_none"}, {"tr", "iş", "jobs_none"},
		{"nl", "stuur me nieuwe vacatures", "alerts_on_done"}, {"en", "alerts", "alerts_on_done"},
	} {
		ix := answers.NewIndex(answers.Seed())
		p := dialogstest.New(t, c.lang, orientation.Flow{}, privacy.Flow{}, jobsStandIn{},
			dialogs.IntentButtons{dialogs.IntentJobs: "menu:jobs", dialogs.IntentAlerts: "job:alerts:on"},
			faq.Flow{Answers: dialogstest.Retriever(ix.Answer)})
		p.Onboard()
		r := p.Say(c.typed)
		p.Expect(r, c.want)
		if strings.Contains(dialogstest.Dump(r), "💬") {
			t.Fatalf("[%s] %q answered by the FAQ:%s", c.lang, c.typed, dialogstest.Dump(r))
		}
	}
	// A few words that only resemble an entry get the menu, not a wrong answer.
	ix := answers.NewIndex(answers.Seed())
	p := dialogstest.New(t, "en", orientation.Flow{}, privacy.Flow{}, faq.Flow{Answers: dialogstest.Retriever(ix.Answer)})
	p.Onboard()
	r := p.Say("send me new jobs")
	p.Expect(r, "bad_free_text")
	// A question is still answered.
	if r := p.Say("is it free?"); !strings.Contains(dialogstest.Dump(r), "💬") {
		t.Fatalf("a question at the menu not answered:%s", dialogstest.Dump(r))
	}
}
