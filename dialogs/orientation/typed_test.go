package orientation_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/dialogstest"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/privacy"
	"github.com/werkwijzer/werkwijzer/locales"
)

// stand-ins for the booking and vacancy flows' buttons, which the intents
// "my appointments" and "stop alerts" reach through the router.
type standIns struct{}

func (standIns) Register(r *dialogs.Router) {
	r.Button("bk:me", func(c *dialogs.Conv) error { c.Say(c.T("appts_none", nil)); return nil })
	r.Button("job:alerts:off", func(c *dialogs.Conv) error { c.Say(c.T("alerts_off_done", nil)); return nil })
}

func typingPerson(t *testing.T, lang string) *dialogstest.Person {
	return dialogstest.New(t, lang, orientation.Flow{}, privacy.Flow{}, standIns{},
		dialogs.IntentButtons{dialogs.IntentStopAlerts: "job:alerts:off", dialogs.IntentAppointments: "bk:me"})
}

// typed are what people type, per language in the order of
// locales.Languages, the same ids in every language: written as people
// type them (case, accents and punctuation as they come).
var typed = map[string][15]string{
	//             nl                          en                             fr                             ar                       tr                            pl                          ro                            bg                           es                          uk                            ru                              fa-AF                         ps                            ti                   so
	"yes":        {"Oké!", "Yeah", "Oui", "نعم", "Evet", "Tak", "Da", "Да", "Sí", "Так", "Да", "بلی", "هو", "እወ", "Haa"},
	"no":         {"Neen.", "nope", "Non merci", "لا شكرا", "hayır", "nie", "nu", "не", "no gracias", "ні", "нет", "نه", "نه", "ኣይፋል", "maya"},
	"skip":       {"weet ik niet", "I dont know", "je sais pas", "لا أعرف", "bilmiyorum", "nie wiem", "nu știu", "не знам", "no sé", "не знаю", "не знаю", "نمی‌دانم", "نه پوهېږم", "ኣይፈልጥን", "ma aqaan"},
	"back":       {"Terug", "go back", "Retour", "رجوع", "geri", "wróć", "înapoi", "назад", "atrás", "назад", "назад", "پس", "شاته", "ንድሕሪት", "dib u noqo"},
	"done":       {"klaar", "done!", "Terminé", "خلصت", "bitti", "gotowe", "gata", "готово", "listo", "готово", "готово", "تمام", "بس", "ተወዲኡ", "waa dhammaaday"},
	"help":       {"Help!", "help me", "aidez-moi", "ساعدني", "yardım", "pomocy", "ajutor", "помощ", "ayuda", "допоможіть", "помогите", "کمک", "مرسته", "ሓግዙኒ", "i caawi"},
	"lost":       {"wat?", "what?", "Quoi ?", "ماذا؟", "ne?", "co?", "ce?", "какво?", "¿qué?", "що?", "что?", "چی؟", "څه؟", "እንታይ?", "maxay?"},
	"person":     {"ik wil met iemand praten", "I want to talk to someone", "je veux parler à quelqu'un", "أريد التحدث مع شخص", "biriyle konuşmak istiyorum", "chcę porozmawiać z kimś", "vreau să vorbesc cu cineva", "искам да говоря с някого", "quiero hablar con alguien", "хочу поговорити з людиною", "хочу поговорить с человеком", "می‌خواهم با یک شخص گپ بزنم", "غواړم له یو چا سره خبرې وکړم", "ምስ ሰብ ክዛረብ እደሊ", "waxaan rabaa inaan qof la hadlo"},
	"menu":       {"Menu", "main menu", "menu", "القائمة", "menü", "menu", "meniu", "меню", "menú", "меню", "меню", "منو", "مینو", "ሜኑ", "liiska"},
	"restart":    {"opnieuw beginnen", "start over", "recommencer", "ابدأ من جديد", "baştan başla", "od nowa", "începe din nou", "отначало", "empezar de nuevo", "почати знову", "начать заново", "از نو شروع کنم", "له سره پیل", "እንደገና ጀምር", "dib u bilow"},
	"stop":       {"stop vacatures", "no more vacancies", "plus de messages", "أوقف الرسائل", "mesajları durdur", "wypisz mnie", "dezabonare", "спри съобщенията", "no más mensajes", "відписатися", "отписаться", "دیگر پیام نفرستید", "پیغامونه ودروئ", "መልእኽቲ ኣቋርጽ", "jooji fariimaha"},
	"appts":      {"mijn afspraken", "My appointments", "mes rendez-vous", "مواعيدي", "randevularım", "moje wizyty", "programările mele", "моите часове", "mis citas", "мої зустрічі", "мои встречи", "ملاقات‌های من", "زما وختونه", "ቆጸራታተይ", "ballamahayga"},
	"cancel":     {"annuleren", "cancel", "annuler", "إلغاء", "iptal", "anuluj", "anulează", "откажи", "cancelar", "скасувати", "отменить", "لغو", "لغوه", "ሰርዝ", "baaji"},
	"age words":  {"ik ben 52 jaar", "I am 52 years old", "j'ai 52 ans", "عمري ٥٢ سنة", "52 yaşındayım", "mam 52 lata", "am 52 de ani", "на 52 години съм", "tengo 52 años", "мені 52 роки", "мне 52 года", "من ۵۲ سال دارم", "زه ۵۲ کلن یم", "ዕድመይ 52 እዩ", "waxaan ahay 52 sano"},
	"language":   {"Arabisch", "Turkish", "arabe", "انجليزي", "Arapça", "angielski", "engleză", "английски", "inglés", "російська", "украинский", "پښتو", "دری", "እንግሊዝኛ", "carabi"},
	"age digits": {"19", "19", "19", "١٩", "19", "19", "19", "19", "19", "19", "19", "۱۹", "۱۹", "19", "19"},
}

// languageTo is the language each "language" input names.
var languageTo = [15]string{"ar", "tr", "ar", "en", "ar", "en", "en", "en", "en", "ru", "uk", "ps", "fa-AF", "en", "ar"}

func langIndex(code string) int {
	for i, l := range locales.Languages {
		if l.Code == code {
			return i
		}
	}
	panic(code)
}

// at takes p to step: the privacy notice, the name, age, Dutch, sectors
// or licence question.
func at(p *dialogstest.Person, step dialogs.Step) {
	p.Command("start")
	p.Press("lang:" + p.Lang)
	if step == dialogs.StepConsent {
		return
	}
	p.Press("consent:yes")
	for _, s := range []struct {
		step  dialogs.Step
		press string
	}{{orientation.StepName, "skip:name"}, {orientation.StepAge, "a:age:u25"}, {orientation.StepDutch, "a:dutch:little"},
		{orientation.StepSituation, "skip:sit"}, {orientation.StepEducation, "a:edu:primary"}, {orientation.StepSectors, "a:sec:care"}} {
		if s.step == step && step != orientation.StepSectors {
			return
		}
		p.Press(s.press)
	}
	if step == orientation.StepSectors {
		return // one sector picked
	}
	p.Press("done:sec")
}

// TestTypedAnswersInEveryLanguage is the table of issue #14: per language
// the same 22 typed inputs, each with the option or intent it must reach.
// Every one must pass in every language.
func TestTypedAnswersInEveryLanguage(t *testing.T) {
	type check func(p *dialogstest.Person, r []dialogs.Reply) error
	step := func(want dialogs.Step) check {
		return func(p *dialogstest.Person, r []dialogs.Reply) error {
			if p.Step() != want {
				return fmt.Errorf("step %q, want %q", p.Step(), want)
			}
			return nil
		}
	}
	says := func(id string) check {
		return func(p *dialogstest.Person, r []dialogs.Reply) error {
			want := p.Tr(id)
			for _, x := range r {
				if strings.Contains(x.Text, want) {
					return nil
				}
			}
			return fmt.Errorf("no %s", id)
		}
	}
	age := func(want string) check {
		return func(p *dialogstest.Person, r []dialogs.Reply) error {
			if got := profile(p).Age; got != want {
				return fmt.Errorf("age band %q, want %q", got, want)
			}
			return nil
		}
	}
	label := func(lang, id string) string { return dialogstest.Texts.T(lang, id, nil) }
	cases := []struct {
		id    string
		at    dialogs.Step
		input func(lang string) string
		want  check
	}{
		{"yes", dialogs.StepConsent, nil, func(p *dialogstest.Person, r []dialogs.Reply) error {
			if !p.State().Consented() || p.Step() != orientation.StepName {
				return fmt.Errorf("not agreed: step %q", p.Step())
			}
			return nil
		}},
		{"no", dialogs.StepConsent, nil, step(dialogs.StepDeclined)},
		{"skip", orientation.StepName, nil, step(orientation.StepAge)},
		{"back", orientation.StepAge, nil, step(orientation.StepName)},
		{"done", orientation.StepSectors, nil, step(orientation.StepLicence)},
		{"help", orientation.StepAge, nil, says("help_text")},
		{"question mark", orientation.StepAge, func(string) string { return "?" }, says("help_text")},
		{"lost", orientation.StepAge, nil, says("help_text")},
		{"person", orientation.StepAge, nil, says("office_none")},
		{"menu", orientation.StepAge, nil, says("menu_title")},
		{"restart", orientation.StepAge, nil, says("welcome_back")},
		{"stop", orientation.StepAge, nil, says("alerts_off_done")},
		{"appts", orientation.StepAge, nil, says("appts_none")},
		{"age words", orientation.StepAge, nil, age(orientation.Age50Plus)},
		{"age digits", orientation.StepAge, nil, age(orientation.AgeUnder25)},
		{"age option number", orientation.StepAge, func(string) string { return "2" }, age(orientation.Age25to49)},
		{"language", orientation.StepAge, nil, nil},
		{"label in lower case", orientation.StepDutch, func(l string) string { return strings.ToLower(label(l, "opt_dutch_little")) },
			func(p *dialogstest.Person, r []dialogs.Reply) error {
				if got := profile(p).Dutch; got != orientation.DutchLittle {
					return fmt.Errorf("dutch %q", got)
				}
				return nil
			}},
		{"label with a typo", orientation.StepDutch, func(l string) string { return typo(label(l, "opt_dutch_conversational")) },
			func(p *dialogstest.Person, r []dialogs.Reply) error {
				if got := profile(p).Dutch; got != orientation.DutchConversational {
					return fmt.Errorf("dutch %q", got)
				}
				return nil
			}},
		{"done as on the button", orientation.StepSectors, func(l string) string { return label(l, "btn_done") }, step(orientation.StepLicence)},
		{"sector by its label", orientation.StepSectors, func(l string) string { return label(l, "opt_sec_construction") + " 🏗" },
			func(p *dialogstest.Person, r []dialogs.Reply) error {
				if !strings.HasPrefix(dialogstest.Label(r, "a:sec:construction"), locales.Mark) {
					return fmt.Errorf("construction not picked")
				}
				return nil
			}},
		{"no licence", orientation.StepLicence, func(l string) string { return typed["no"][langIndex(l)] },
			func(p *dialogstest.Person, r []dialogs.Reply) error {
				if got := profile(p).Licence; got != orientation.LicenceNone {
					return fmt.Errorf("licence %q", got)
				}
				return nil
			}},
	}
	if len(cases) < 20 {
		t.Fatalf("only %d typed inputs per language", len(cases))
	}
	for _, l := range locales.Languages {
		t.Run(l.Code, func(t *testing.T) {
			i := langIndex(l.Code)
			for _, c := range cases {
				p := typingPerson(t, l.Code)
				at(p, c.at)
				in := ""
				if c.input != nil {
					in = c.input(l.Code)
				} else {
					in = typed[c.id][i]
				}
				r := p.Maybe(dialogs.Event{Kind: dialogs.KindText, Text: in})
				want := c.want
				if c.id == "language" {
					want = func(p *dialogstest.Person, r []dialogs.Reply) error {
						if got := p.State().Lang; got != languageTo[i] || p.Step() != orientation.StepAge {
							return fmt.Errorf("language %q at %q, want %q at the age question", got, p.Step(), languageTo[i])
						}
						return nil
					}
				}
				if err := want(p, r); err != nil {
					t.Errorf("%s: typed %q at %q: %v; got:%s", c.id, in, c.at, err, dialogstest.Dump(r))
				}
			}
		})
	}
}

// typo drops the second-last letter of a label long enough to forgive it.
func typo(s string) string {
	r := []rune(s)
	if len(r) < 4 {
		return s
	}
	return string(append(r[:len(r)-2:len(r)-2], r[len(r)-1]))
}

func TestFirstNameIsAName(t *testing.T) {
	p := typingPerson(t, "nl")
	at(p, orientation.StepName)
	for _, bad := range []string{"😀", "12345"} {
		p2 := typingPerson(t, "nl")
		at(p2, orientation.StepName)
		p2.Expect(p2.Say(bad), "name_invalid")
		if p2.Step() != orientation.StepName {
			t.Fatalf("%q accepted as a name", bad)
		}
	}
	r := p.Say("Ik heet Jens en ik ben 19 jaar")
	p.Expect(r, "name_sentence", map[string]any{"Name": "Jens"})
	if p.Step() != orientation.StepName || profile(p).Name != "" {
		t.Fatalf("a sentence taken as a name: %q", profile(p).Name)
	}
	p.Expect(p.Press("name:ok"), "q_dutch") // the age came with the name
	if got := profile(p); got.Name != "Jens" || got.Age != orientation.AgeUnder25 {
		t.Fatalf("name %q age %q, want Jens, under 25", got.Name, got.Age)
	}
	// Typed all in lower case, the name gets its capital.
	j := typingPerson(t, "nl")
	at(j, orientation.StepName)
	j.Expect(j.Say("ik heet jan en ik ben 19"), "name_sentence", map[string]any{"Name": "Jan"})
	j.Expect(j.Press("name:ok"), "q_dutch")
	if got := profile(j); got.Name != "Jan" || got.Age != orientation.AgeUnder25 {
		t.Fatalf("name %q age %q, want Jan, under 25", got.Name, got.Age)
	}
	// Without an age in the sentence, the age is asked next.
	k := typingPerson(t, "en")
	at(k, orientation.StepName)
	k.Expect(k.Say("hello my name is sara and i look for work"), "name_sentence", map[string]any{"Name": "Sara"})
	k.Expect(k.Press("name:ok"), "q_age")
	q := typingPerson(t, "ar")
	at(q, orientation.StepName)
	q.Expect(q.Say("اسمي أمينة"), "name_sentence", map[string]any{"Name": "أمينة"})
	q.Expect(q.Say("Amina 🌸"), "q_age") // an emoji beside a name is left out
	if got := profile(q).Name; got != "Amina" {
		t.Fatalf("name %q", got)
	}
}

func TestHomeByPlaceName(t *testing.T) {
	for in, want := range map[string][2]string{
		"Kiel": {"antwerpen", "2020"}, "borgerhout": {"borgerhout", "2140"}, "Mechelen": {"", "2800"},
		"Linkeroever": {"antwerpen", "2050"}, "٢٦٠٠": {"berchem", "2600"}, "B 2800": {"", "2800"},
		// A postcode among other words, a wijk with its city's name.
		"berchem 2600": {"berchem", "2600"}, "2060 Antwerpen": {"antwerpen", "2060"}, "antwerpen noord": {"antwerpen", "2060"},
		// The Dutch names of places bpost names in French.
		"Brussel": {"", "1000"}, "Luik": {"", "4000"}, "Bergen": {"", "7000"}, "Namen": {"", "5000"}, "Sint-Jans-Molenbeek": {"", "1080"},
		// bpost's names, Dutch and French, as before.
		"Gent": {"", "9000"}, "Leuven": {"", "3000"}, "Antwerpen": {"antwerpen", "2000"}, "Bruxelles": {"", "1000"}, "Liège": {"", "4000"},
	} {
		p := typingPerson(t, "nl")
		p.Onboard()
		p.Command("profile")
		p.Press("edit:home")
		p.Expect(p.Say(in), "summary_title")
		if got := profile(p); got.District != want[0] || got.Postcode != want[1] {
			t.Errorf("%q: district %q postcode %q, want %v", in, got.District, got.Postcode, want)
		}
	}
}

// A yes, a no, a greeting, "why" or "don't know" typed at the name
// question is no name: the person is asked for their first name alone,
// and nothing is kept as one.
func TestFillerWordsAreNoName(t *testing.T) {
	for lang, words := range map[string][]string{
		"nl": {"nee", "ja", "Ok", "hallo", "waarom", "weet niet"},
		"en": {"Hello", "why", "yes", "ok", "thanks"},
		// "ماذا" (what?) alone asks for help, as "wat?" does: see kw_help.
		"ar": {"لا", "نعم", "ليش", "مرحبا", "السلام عليكم"},
		"uk": {"Привіт", "так", "дякую"},
		"so": {"haa", "maya", "asc"},
	} {
		for _, w := range words {
			p := typingPerson(t, lang)
			at(p, orientation.StepName)
			r := p.Say(w)
			p.Expect(r, "name_not_name")
			p.Expect(r, "q_name")
			if p.Step() != orientation.StepName || profile(p).Name != "" {
				t.Fatalf("[%s] %q kept as a first name (%q) at step %q", lang, w, profile(p).Name, p.Step())
			}
		}
	}
	p := typingPerson(t, "nl")
	at(p, orientation.StepName)
	p.Expect(p.Say("Noor"), "q_age") // a name is still a name
}

// Someone typing at a person's pace (a message every five seconds) is
// answered every time, with the question's buttons and a way to a
// person; only a flood earns silence (finding 5). "een beetje wel" holds
// the label "Een beetje" and answers the question.
func TestTypingAtAPersonsPaceIsAlwaysAnswered(t *testing.T) {
	p := typingPerson(t, "nl")
	at(p, orientation.StepDutch)
	for _, line := range []string{"goed", "redelijk", "gaat wel", "hmm", "nou ja"} {
		p.Clock.Advance(5 * time.Second)
		r := p.Maybe(dialogs.Event{Kind: dialogs.KindText, Text: line})
		p.Expect(r, "bad_not_understood")
		if !dialogstest.Offered(r, "a:dutch:little") || !dialogstest.Offered(r, "office") {
			t.Fatalf("%q five seconds after the last: no buttons or no way to a person:%s", line, dialogstest.Dump(r))
		}
	}
	p.Clock.Advance(5 * time.Second)
	p.Expect(p.Say("een beetje wel"), "q_situation")
	if got := profile(p).Dutch; got != orientation.DutchLittle {
		t.Fatalf("dutch %q, want %q", got, orientation.DutchLittle)
	}
}

// The same things typed in a burst: the question once, the reason twice,
// then quiet.
func TestAFloodIsAnsweredLess(t *testing.T) {
	p := typingPerson(t, "nl")
	at(p, orientation.StepDutch)
	answered := 0
	for _, line := range []string{"goed", "redelijk", "gaat wel", "hmm", "nou ja"} {
		if r := p.Maybe(dialogs.Event{Kind: dialogs.KindText, Text: line}); len(r) > 0 {
			answered++
		}
	}
	if answered != 3 {
		t.Fatalf("five messages in a burst: %d answered, want 3", answered)
	}
}

// More ways people type an answer (finding 13): a thumb or "yes pls" for
// yes, "fluent" for "Fluently", a typo or another word order in asking
// for a person.
func TestMoreWaysToSayIt(t *testing.T) {
	for _, yes := range []string{"yes pls", "Yes please", "👍", "👍🏽"} {
		p := typingPerson(t, "en")
		at(p, dialogs.StepConsent)
		p.Expect(p.Say(yes), "q_name")
		if !p.State().Consented() {
			t.Fatalf("%q at the privacy notice is no yes", yes)
		}
	}
	p := typingPerson(t, "en")
	at(p, orientation.StepDutch)
	p.Say("fluent")
	if got := profile(p).Dutch; got != orientation.DutchFluent {
		t.Fatalf("'fluent': dutch %q, want %q", got, orientation.DutchFluent)
	}
	for lang, ask := range map[string]string{"en": "talk to sombody", "so": "waxaan rabaa inaan la hadlo qof"} {
		p := typingPerson(t, lang)
		at(p, orientation.StepAge)
		p.Expect(p.Say(ask), "office_none")
	}
}

// What someone types after a long break is handled under the greeting,
// not swallowed by it (finding 1).
func TestTypedAfterABreakIsHandled(t *testing.T) {
	for lang, appts := range map[string]string{"nl": "mijn afspraken", "ar": "مواعيدي", "en": "my appointments"} {
		p := typingPerson(t, lang)
		at(p, orientation.StepAge)
		p.Clock.Advance(24 * time.Hour)
		r := p.Say(appts)
		p.Expect(r, "welcome_back")
		p.Expect(r, "appts_none")
		p.Clock.Advance(24 * time.Hour)
		r = p.Say("19")
		p.Expect(r, "welcome_back")
		p.Expect(r, "q_dutch")
	}
}

// "cancel" typed at the menu, as someone who booked types it, lists what
// there is to cancel; at a question it is a wish to stop answering (see
// TestStopAtAQuestionOffersAPauseOrErasing).
func TestCancelTypedAtTheMenuListsTheAppointments(t *testing.T) {
	for i, l := range locales.Languages {
		p := typingPerson(t, l.Code)
		p.Onboard()
		if r := p.Say(typed["cancel"][i]); !strings.Contains(dialogstest.Dump(r), p.Tr("appts_none")) {
			t.Errorf("[%s] %q at the menu:%s", l.Code, typed["cancel"][i], dialogstest.Dump(r))
		}
	}
}

// A sector already chosen and typed again stays chosen: the person means
// "this one", and a toggle would take it away without a word.
func TestTypingAChosenSectorKeepsIt(t *testing.T) {
	for _, lang := range []string{"nl", "ar"} {
		p := typingPerson(t, lang)
		at(p, orientation.StepSectors) // care is chosen
		p.Say(strings.ToLower(p.Tr("opt_sec_care")))
		p.Expect(p.Say(p.Tr("btn_done")), "q_licence")
		if got := profile(p).Sectors; !slices.Contains(got, "care") {
			t.Fatalf("[%s] typing a chosen sector took it away: %v", lang, got)
		}
	}
}

// /profile halfway through the questions says the answers so far are kept
// and asks the open question again; it does not say none were answered.
func TestProfileHalfwayKeepsTheAnswers(t *testing.T) {
	for _, lang := range []string{"en", "nl", "fa-AF"} {
		p := typingPerson(t, lang)
		at(p, orientation.StepEducation)
		r := p.Command("profile")
		p.Expect(r, "profile_unfinished")
		p.Expect(r, "q_education")
		if strings.Contains(dialogstest.Dump(r), p.Tr("profile_empty")) {
			t.Fatalf("[%s] /profile halfway says nothing was answered:%s", lang, dialogstest.Dump(r))
		}
		if profile(p).Dutch == "" {
			t.Fatalf("[%s] the answers before the open question were lost", lang)
		}
	}
}
