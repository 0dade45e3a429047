package dialogs_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/locales"
)

// onboard runs the whole onboarding as a script of presses and typing,
// checking each question appears in p's language.
func onboard(p *person) []dialogs.Reply {
	p.t.Helper()
	r := p.command("start")
	p.expect(r, "start_greeting")
	p.expect(r, "language_choose")
	if p.st != nil {
		p.t.Fatalf("state stored before the person chose anything: %+v", p.st)
	}
	p.expect(p.press("lang:"+p.lang), "consent_notice", map[string]any{"Period": texts.N(p.lang, "unit_days", 180, nil)})
	p.expect(p.press("consent:yes"), "q_name")
	p.expect(p.text("Amira"), "q_age")
	p.expect(p.press("a:age:u25"), "q_dutch")
	p.expect(p.press("a:dutch:little"), "q_situation")
	p.expect(p.press("a:sit:ocmw"), "q_education")
	p.expect(p.press("a:edu:secondary_unfinished"), "q_diploma")
	p.expect(p.press("a:dipl:not_recognised"), "q_sectors")
	p.press("a:sec:construction")
	p.press("a:sec:port")
	p.expect(p.press("done:sec"), "q_licence")
	p.expect(p.press("a:lic:b"), "q_availability")
	p.press("a:av:fulltime")
	p.expect(p.press("done:av"), "q_home")
	p.expect(p.press("a:home:deurne"), "q_goal")
	p.expect(p.press("a:goal:unknown"), "q_support")
	p.press("a:sup:childcare")
	r = p.press("done:sup")
	p.expect(r, "summary_title")
	for _, want := range []string{"Amira", "Deurne", p.tr("opt_sec_construction"), p.tr("opt_sec_port"), p.tr("opt_sup_childcare")} {
		if !strings.Contains(r[0].Text, want) {
			p.t.Fatalf("[%s] summary lacks %q:%s", p.lang, want, dump(r))
		}
	}
	return p.press("ok:sum")
}

func TestOnboardingInEveryLanguage(t *testing.T) {
	for _, l := range locales.Languages {
		t.Run(l.Code, func(t *testing.T) {
			p := newPerson(t, l.Code)
			r := onboard(p)
			p.expect(r, "result_intro_named", map[string]any{"Name": "Amira"})
			for _, step := range []string{"orientation_coaching", "talentenwerf", "talentenstroom", "youth_track",
				"work_experience", "dutch_course", "diploma_recognition", "childcare"} {
				p.expect(r, "step_"+step)
			}
			if p.step() != dialogs.StepMenu || p.st.Oriented.IsZero() || !p.st.Consented() {
				t.Fatalf("after onboarding: step %q oriented %v consented %v", p.step(), p.st.Oriented, p.st.Consented())
			}
			if !offered(r, "menu:mydata") || !offered(r, "menu:forget") {
				t.Fatalf("result offers no menu:%s", dump(r))
			}
		})
	}
}

func TestTelegramLanguageComesFirst(t *testing.T) {
	p := newPerson(t, "ar")
	r := p.command("start")
	if got := r[len(r)-1].Buttons[0][0]; got.Data != "lang:ar" || got.Text != "العربية" {
		t.Fatalf("first language button = %+v, want Arabic named in Arabic", got)
	}
	p = newPerson(t, "fa")
	r = p.command("start")
	if got := r[len(r)-1].Buttons[0][0].Data; got != "lang:fa-AF" {
		t.Fatalf("Telegram's fa: first button %q, want Dari", got)
	}
	p = newPerson(t, "")
	r = p.command("start")
	if n := countButtons(r[len(r)-1]); n != len(locales.Languages) {
		t.Fatalf("picker shows %d languages, want %d", n, len(locales.Languages))
	}
}

func countButtons(r dialogs.Reply) int {
	n := 0
	for _, row := range r.Buttons {
		n += len(row)
	}
	return n
}

func TestLanguageChangeKeepsTheStep(t *testing.T) {
	p := newPerson(t, "nl")
	p.command("start")
	p.press("lang:nl")
	p.press("consent:yes")
	p.text("Jan")
	p.press("a:age:25_49")
	if p.step() != dialogs.StepDutch {
		t.Fatalf("step %q, want dutch", p.step())
	}
	p.command("language")
	r := p.press("lang:uk")
	p.lang = "uk"
	p.expect(r, "language_changed")
	p.expect(r, "q_dutch")
	if p.step() != dialogs.StepDutch || p.st.Lang != "uk" {
		t.Fatalf("after change: step %q lang %q", p.step(), p.st.Lang)
	}
	if p.st.Profile.Name != "Jan" || p.st.Profile.Age != dialogs.Age25to49 {
		t.Fatalf("answers lost on language change: %+v", p.st.Profile)
	}
}

func TestBadInputKeepsTheConversationWhereItWas(t *testing.T) {
	for _, lang := range []string{"nl", "ar", "so"} {
		t.Run(lang, func(t *testing.T) {
			p := newPerson(t, lang)
			p.command("start")
			p.press("lang:" + lang)
			p.press("consent:yes")
			p.text("Amira")
			cases := []struct {
				name string
				ev   dialogs.Event
				msg  string
			}{
				{"free text on buttons", dialogs.Event{Kind: dialogs.KindText, Text: "twintig"}, "bad_use_buttons"},
				{"empty", dialogs.Event{Kind: dialogs.KindText, Text: "  \n "}, "bad_empty"},
				{"5000 characters", dialogs.Event{Kind: dialogs.KindText, Text: strings.Repeat("a", 5000)}, "bad_too_long"},
				{"sticker/photo/voice", dialogs.Event{Kind: dialogs.KindMedia}, "bad_media"},
				{"edited message", dialogs.Event{Kind: dialogs.KindEdited}, "bad_edited"},
				{"unknown command", dialogs.Event{Kind: dialogs.KindCommand, Command: "foo"}, "bad_unknown_command"},
				{"forged callback", dialogs.Event{Kind: dialogs.KindButton, Data: "a:age:999"}, "bad_old_button"},
				{"button of another step", dialogs.Event{Kind: dialogs.KindButton, Data: "a:dutch:fluent"}, "bad_old_button"},
				{"garbage callback", dialogs.Event{Kind: dialogs.KindButton, Data: "\x00\xff:::"}, "bad_old_button"},
				{"right-to-left and emoji", dialogs.Event{Kind: dialogs.KindText, Text: "مرحبا 👋"}, "bad_use_buttons"},
			}
			for _, c := range cases {
				before := *p.st
				r := p.do(c.ev)
				p.expect(r, c.msg)
				p.expect(r, "q_age") // the question again, with its buttons
				if !offered(r, "a:age:u25") {
					t.Fatalf("%s: buttons not offered again:%s", c.name, dump(r))
				}
				if p.step() != before.Step || p.st.Profile.Name != before.Profile.Name {
					t.Fatalf("%s: conversation moved: step %q -> %q", c.name, before.Step, p.step())
				}
			}
		})
	}
}

func TestNameAndPostcodeAreValidated(t *testing.T) {
	p := newPerson(t, "en")
	p.command("start")
	p.press("lang:en")
	p.press("consent:yes")
	r := p.text(strings.Repeat("Bartholomew ", 5))
	p.expect(r, "name_too_long", map[string]any{"Max": dialogs.MaxNameRunes})
	p.text("  محمد \t علي ")
	if p.st.Profile.Name != "محمد علي" {
		t.Fatalf("name stored as %q", p.st.Profile.Name)
	}
	for _, s := range []dialogs.Step{"age", "dutch", "sit", "edu"} {
		_ = s
	}
	p.press("a:age:50p")
	p.press("a:dutch:fluent")
	p.press("skip:sit")
	p.press("a:edu:primary") // no diploma question after primary school
	if p.step() != dialogs.StepSectors {
		t.Fatalf("after primary education: step %q, want sectors", p.step())
	}
	r = p.press("done:sec")
	p.expect(r, "sectors_none_chosen")
	p.press("a:sec:care")
	p.press("done:sec")
	p.press("a:lic:none")
	p.press("a:av:parttime")
	p.press("done:av")
	for _, bad := range []string{"123", "12345", "0999", "abcd", "20 60 1"} {
		p.expect(p.text(bad), "home_invalid")
		if p.step() != dialogs.StepHome {
			t.Fatalf("invalid postcode %q moved the step to %q", bad, p.step())
		}
	}
	p.text("B-2060")
	if p.st.Profile.Postcode != "2060" || p.st.Profile.District != "antwerpen" {
		t.Fatalf("2060: postcode %q district %q", p.st.Profile.Postcode, p.st.Profile.District)
	}
	p.press("back:goal")
	p.text("٢٨٠٠") // Mechelen, typed with Arabic-Indic digits
	if p.st.Profile.Postcode != "2800" || p.st.Profile.District != "" {
		t.Fatalf("2800: postcode %q district %q", p.st.Profile.Postcode, p.st.Profile.District)
	}
}

func TestBackSkipAndEditFromSummary(t *testing.T) {
	p := newPerson(t, "fr")
	onboard(p)
	r := p.command("profile")
	p.expect(r, "summary_title")
	p.expect(p.press("edit:sec"), "q_sectors")
	if !strings.HasPrefix(label(p.last, "a:sec:construction"), "✓") || !strings.HasPrefix(label(p.last, "a:sec:port"), "✓") {
		t.Fatalf("editing sectors does not show the earlier choice:%s", dump(p.last))
	}
	p.press("a:sec:construction") // unpick
	r = p.press("done:sec")
	p.expect(r, "summary_title") // back to the summary, not on through the questions
	if p.st.Profile.HasSector(dialogs.SectorConstruction) || !p.st.Profile.HasSector(dialogs.SectorPort) {
		t.Fatalf("sectors after edit: %v", p.st.Profile.Sectors)
	}
	r = p.press("ok:sum")
	if strings.Contains(dump(r), p.tr("step_talentenwerf")) {
		t.Fatalf("construction removed but Talentenwerf still advised:%s", dump(r))
	}
	p.expect(r, "step_talentenstroom")

	// Back on a question goes to the previous one; skip records a skip.
	q := newPerson(t, "fr")
	q.command("start")
	q.press("lang:fr")
	q.press("consent:yes")
	q.press("skip:name")
	q.press("skip:age")
	q.expect(q.press("back:dutch"), "q_age")
	q.expect(q.press("back:age"), "q_name")
	q.expect(q.press("back:name"), "language_choose")
	q.expect(q.press("lang:fr"), "q_name") // consent is not asked twice
}

func TestExclusiveSupportChoice(t *testing.T) {
	p := newPerson(t, "nl")
	onboard(p)
	p.command("profile")
	p.press("edit:sup")
	p.press("a:sup:disability")
	p.press("a:sup:none")
	p.press("done:sup")
	if got := p.st.Profile.Support; len(got) != 1 || got[0] != dialogs.SupportNone {
		t.Fatalf("support = %v, want only none", got)
	}
}

func TestDeclineStoresNothingAndCanAgreeLater(t *testing.T) {
	p := newPerson(t, "ti")
	p.command("start")
	p.press("lang:ti")
	r := p.press("consent:no")
	p.expect(r, "consent_declined")
	if p.st != nil {
		t.Fatalf("state kept after declining: %+v", p.st)
	}
	p.expect(p.press("consent:info:ti"), "general_info")
	if p.st != nil {
		t.Fatal("state kept after general info")
	}
	r = p.press("consent:yes:ti")
	p.expect(r, "q_name")
	if p.st == nil || !p.st.Consented() || p.st.Lang != "ti" {
		t.Fatalf("agreeing later: state %+v", p.st)
	}
}

func TestMyDataAndForget(t *testing.T) {
	p := newPerson(t, "pl")
	onboard(p)
	r := p.command("mydata")
	p.expect(r, "mydata_title")
	var doc *dialogs.Document
	for _, x := range r {
		if x.Document != nil {
			doc = x.Document
		}
	}
	if doc == nil {
		t.Fatal("/mydata sent no JSON document")
	}
	var export dialogs.Export
	if err := json.Unmarshal(doc.Content, &export); err != nil {
		t.Fatalf("/mydata JSON: %v", err)
	}
	if export.Profile.Name != "Amira" || export.Language != "pl" || !export.ExpiresAt.After(p.now.Add(179*24*time.Hour)) {
		t.Fatalf("export = %+v", export)
	}
	if !strings.Contains(r[0].Text, "Amira") || !strings.Contains(r[0].Text, texts.T("pl", "month_11", nil)) {
		t.Fatalf("readable /mydata lacks the name or a Polish date:%s", dump(r))
	}
	p.expect(p.command("forget"), "forget_confirm")
	p.expect(p.press("forget:no"), "forget_cancelled")
	if p.st == nil {
		t.Fatal("forget:no erased the state")
	}
	p.command("forget")
	p.expect(p.press("forget:yes"), "forget_done")
	if p.st != nil {
		t.Fatalf("state after /forget: %+v", p.st)
	}
	p.expect(p.command("mydata"), "mydata_nothing")
}

func TestReturningPersonIsGreetedAndResumes(t *testing.T) {
	p := newPerson(t, "tr")
	p.command("start")
	p.press("lang:tr")
	p.press("consent:yes")
	p.text("Emre")
	p.press("a:age:25_49")
	p.now = p.now.Add(3 * 24 * time.Hour)
	r := p.text("merhaba")
	p.expect(r, "welcome_back_named", map[string]any{"Name": "Emre"})
	if want := texts.N("tr", "questions_left", 9, nil); !strings.Contains(r[0].Text, want) {
		t.Fatalf("want %q in %s", want, dump(r))
	}
	p.expect(r, "q_dutch")
	if p.step() != dialogs.StepDutch {
		t.Fatalf("returning moved the step to %q", p.step())
	}
}

func TestMenuOnlyAfterConsent(t *testing.T) {
	p := newPerson(t, "ro")
	p.command("start")
	p.press("lang:ro")
	p.expect(p.command("menu"), "consent_required")
	p.expect(p.forge("menu:profile"), "consent_required")
	p.press("consent:yes")
	r := p.command("menu")
	if offered(r, "menu:next") {
		t.Fatalf("menu offers a next step before orientation:%s", dump(r))
	}
	p.expect(p.press("menu:profile"), "profile_empty")
}

func TestTTL(t *testing.T) {
	p := newPerson(t, "nl")
	p.command("start")
	p.press("lang:nl")
	if got := p.e.TTL(p.st); got != dialogs.DefaultPreConsent {
		t.Fatalf("TTL before consent = %v", got)
	}
	p.press("consent:yes")
	if got := p.e.TTL(p.st); got != dialogs.DefaultRetention {
		t.Fatalf("TTL after consent = %v", got)
	}
}
