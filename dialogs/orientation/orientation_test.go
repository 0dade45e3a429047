package orientation_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/dialogstest"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/privacy"
	"github.com/werkwijzer/werkwijzer/locales"
)

var texts = dialogstest.Texts

func newPerson(t *testing.T, lang string) *dialogstest.Person {
	return dialogstest.New(t, lang, orientation.Flow{}, privacy.Flow{})
}

func profile(p *dialogstest.Person) orientation.Profile { return p.Orientation().Profile }

func TestOnboardingInEveryLanguage(t *testing.T) {
	for _, l := range locales.Languages {
		t.Run(l.Code, func(t *testing.T) {
			p := newPerson(t, l.Code)
			r := p.Onboard()
			p.Expect(r, "result_intro_named", map[string]any{"Name": "Amira"})
			for _, step := range []string{"orientation_coaching", "talentenwerf", "talentenstroom", "youth_track",
				"work_experience", "dutch_course", "diploma_recognition", "childcare"} {
				p.Expect(r, "step_"+step)
			}
			if p.Step() != dialogs.StepMenu || !p.Orientation().Done() || !p.State().Consented() {
				t.Fatalf("after onboarding: step %q oriented %v consented %v", p.Step(), p.Orientation().Oriented, p.State().Consented())
			}
			if !dialogstest.Offered(r, "menu:mydata") || !dialogstest.Offered(r, "menu:forget") {
				t.Fatalf("result offers no menu:%s", dialogstest.Dump(r))
			}
		})
	}
}

func TestTelegramLanguageComesFirst(t *testing.T) {
	p := newPerson(t, "ar")
	r := p.Command("start")
	if got := r[len(r)-1].Buttons[0][0]; got.Data != "lang:ar" || got.Text != "العربية" {
		t.Fatalf("first language button = %+v, want Arabic named in Arabic", got)
	}
	p = newPerson(t, "fa")
	r = p.Command("start")
	if got := r[len(r)-1].Buttons[0][0].Data; got != "lang:fa-AF" {
		t.Fatalf("Telegram's fa: first button %q, want Dari", got)
	}
	p = newPerson(t, "")
	r = p.Command("start")
	n := 0
	for _, row := range r[len(r)-1].Buttons {
		n += len(row)
	}
	if n != len(locales.Languages) {
		t.Fatalf("picker shows %d languages, want %d", n, len(locales.Languages))
	}
}

func TestLanguageChangeKeepsTheStep(t *testing.T) {
	p := newPerson(t, "nl")
	p.Command("start")
	p.Press("lang:nl")
	p.Press("consent:yes")
	p.Say("Jan")
	p.Press("a:age:25_49")
	if p.Step() != orientation.StepDutch {
		t.Fatalf("step %q, want dutch", p.Step())
	}
	p.Command("language")
	r := p.Press("lang:uk")
	p.Lang = "uk"
	p.Expect(r, "language_changed")
	p.Expect(r, "q_dutch")
	if p.Step() != orientation.StepDutch || p.State().Lang != "uk" {
		t.Fatalf("after change: step %q lang %q", p.Step(), p.State().Lang)
	}
	if got := profile(p); got.Name != "Jan" || got.Age != orientation.Age25to49 {
		t.Fatalf("answers lost on language change: %+v", got)
	}
}

func TestBadInputKeepsTheConversationWhereItWas(t *testing.T) {
	for _, lang := range []string{"nl", "ar", "so"} {
		t.Run(lang, func(t *testing.T) {
			cases := []struct {
				name string
				ev   dialogs.Event
				msg  string
			}{
				{"a word at the age question", dialogs.Event{Kind: dialogs.KindText, Text: "twintig"}, "age_invalid"},
				{"an age nobody has", dialogs.Event{Kind: dialogs.KindText, Text: "150"}, "age_invalid"},
				{"empty", dialogs.Event{Kind: dialogs.KindText, Text: "  \n "}, "bad_empty"},
				{"sticker/photo/voice", dialogs.Event{Kind: dialogs.KindMedia}, "bad_media"},
				{"edited message", dialogs.Event{Kind: dialogs.KindEdited}, "bad_edited"},
				{"unknown command", dialogs.Event{Kind: dialogs.KindCommand, Command: "foo"}, "bad_unknown_command"},
				{"forged callback", dialogs.Event{Kind: dialogs.KindButton, Data: "a:age:999"}, "bad_old_button"},
				{"button of another step", dialogs.Event{Kind: dialogs.KindButton, Data: "a:dutch:fluent"}, "bad_old_button"},
				{"garbage callback", dialogs.Event{Kind: dialogs.KindButton, Data: "\x00\xff:::"}, "bad_old_button"},
				{"right-to-left and emoji", dialogs.Event{Kind: dialogs.KindText, Text: "مرحبا 👋"}, "age_invalid"},
			}
			for _, c := range cases {
				p := newPerson(t, lang)
				p.Command("start")
				p.Press("lang:" + lang)
				p.Press("consent:yes")
				p.Say("Amira")
				before := p.State()
				r := p.Do(c.ev)
				p.Expect(r, c.msg)
				p.Expect(r, "q_age") // the question again, with its buttons
				if !dialogstest.Offered(r, "a:age:u25") || !dialogstest.Offered(r, "office") {
					t.Fatalf("%s: buttons and a way to a person not offered again:%s", c.name, dialogstest.Dump(r))
				}
				if p.Step() != before.Step || profile(p).Name != "Amira" {
					t.Fatalf("%s: conversation moved: step %q -> %q", c.name, before.Step, p.Step())
				}
			}
		})
	}
}

// A long message is never refused: without a staff side nothing is kept,
// and the office's contact is shown; the question stays open.
func TestLongMessageWithoutStaffSide(t *testing.T) {
	p := newPerson(t, "ar")
	p.Command("start")
	p.Press("lang:ar")
	p.Press("consent:yes")
	p.Say("Amira")
	r := p.Say(strings.Repeat("أريد أن أتعلم اللغة الهولندية ولدي أطفال صغار. ", 60))
	p.Expect(r, "long_not_kept")
	p.Expect(r, "office_none")
	if p.Step() != orientation.StepAge || len(dialogs.KeptMessagesOf(p.State())) != 0 {
		t.Fatalf("step %q, kept %v", p.Step(), dialogs.KeptMessagesOf(p.State()))
	}
}

func TestNameAndPostcodeAreValidated(t *testing.T) {
	p := newPerson(t, "en")
	p.Command("start")
	p.Press("lang:en")
	p.Press("consent:yes")
	r := p.Say(strings.Repeat("Bartholomew", 5))
	p.Expect(r, "name_too_long", map[string]any{"Max": orientation.MaxNameRunes})
	p.Say("  محمد \t علي ")
	if got := profile(p).Name; got != "محمد علي" {
		t.Fatalf("name stored as %q", got)
	}
	p.Press("a:age:50p")
	p.Press("a:dutch:fluent")
	p.Press("skip:sit")
	p.Press("a:edu:primary") // no diploma question after primary school
	if p.Step() != orientation.StepSectors {
		t.Fatalf("after primary education: step %q, want sectors", p.Step())
	}
	r = p.Press("done:sec")
	p.Expect(r, "sectors_none_chosen")
	p.Press("a:sec:care")
	p.Press("done:sec")
	p.Press("a:lic:none")
	p.Press("a:av:parttime")
	p.Press("done:av")
	// The question comes again once; then the reason alone, twice; then
	// the bot stops repeating itself until the person moves on.
	for i, bad := range []string{"1234", "9999", "12345", "0999", "abcd", "20 60 1"} {
		r := p.Maybe(dialogs.Event{Kind: dialogs.KindText, Text: bad})
		switch {
		case i == 0:
			p.Expect(r, "home_invalid")
			p.Expect(r, "q_home")
		case i < 3:
			p.Expect(r, "home_invalid")
			p.Expect(r, "bad_still")
			p.ExpectNot(r, "q_home")
		default:
			if len(r) != 0 {
				t.Fatalf("re-asked %d times:%s", i+1, dialogstest.Dump(r))
			}
		}
		if p.Step() != orientation.StepHome {
			t.Fatalf("invalid postcode %q moved the step to %q", bad, p.Step())
		}
	}
	// A minute later the person, who took their time, is answered again,
	// with the question's buttons under the reason; a burst after that is
	// not.
	p.Clock.Advance(dialogs.ReaskPause)
	r = p.Maybe(dialogs.Event{Kind: dialogs.KindText, Text: "2o6o"})
	p.Expect(r, "home_invalid")
	if !dialogstest.Offered(r, "a:home:berchem") || !dialogstest.Offered(r, "office") {
		t.Fatalf("answered after a minute without the buttons:%s", dialogstest.Dump(r))
	}
	if r := p.Maybe(dialogs.Event{Kind: dialogs.KindText, Text: "2o6o"}); len(r) != 0 {
		t.Fatalf("re-asked again within the minute:%s", dialogstest.Dump(r))
	}
	p.Say("B-2060")
	if got := profile(p); got.Postcode != "2060" || got.District != "antwerpen" {
		t.Fatalf("2060: postcode %q district %q", got.Postcode, got.District)
	}
	p.Press("back:goal")
	p.Say("٢٨٠٠") // Mechelen, typed with Arabic-Indic digits
	if got := profile(p); got.Postcode != "2800" || got.District != "" {
		t.Fatalf("2800: postcode %q district %q", got.Postcode, got.District)
	}
}

func TestBackSkipAndEditFromSummary(t *testing.T) {
	p := newPerson(t, "fr")
	p.Onboard()
	r := p.Command("profile")
	p.Expect(r, "summary_title")
	p.Expect(p.Press("edit:sec"), "q_sectors")
	if !strings.HasPrefix(dialogstest.Label(p.Last(), "a:sec:construction"), "✓") || !strings.HasPrefix(dialogstest.Label(p.Last(), "a:sec:port"), "✓") {
		t.Fatalf("editing sectors does not show the earlier choice:%s", dialogstest.Dump(p.Last()))
	}
	p.Press("a:sec:construction") // unpick
	r = p.Press("done:sec")
	p.Expect(r, "summary_title") // back to the summary, not on through the questions
	if got := profile(p); got.HasSector(orientation.SectorConstruction) || !got.HasSector(orientation.SectorPort) {
		t.Fatalf("sectors after edit: %v", got.Sectors)
	}
	r = p.Press("ok:sum")
	if strings.Contains(dialogstest.Dump(r), p.Tr("step_talentenwerf")) {
		t.Fatalf("construction removed but Talentenwerf still advised:%s", dialogstest.Dump(r))
	}
	p.Expect(r, "step_talentenstroom")

	// Back on a question goes to the previous one; skip records a skip.
	q := newPerson(t, "fr")
	q.Command("start")
	q.Press("lang:fr")
	q.Press("consent:yes")
	q.Press("skip:name")
	q.Press("skip:age")
	q.Expect(q.Press("back:dutch"), "q_age")
	q.Expect(q.Press("back:age"), "q_name")
	q.Expect(q.Press("back:name"), "language_choose")
	q.Expect(q.Press("lang:fr"), "q_name") // consent is not asked twice
}

func TestExclusiveSupportChoice(t *testing.T) {
	p := newPerson(t, "nl")
	p.Onboard()
	p.Command("profile")
	p.Press("edit:sup")
	p.Press("a:sup:disability")
	p.Press("a:sup:none")
	p.Press("done:sup")
	if got := profile(p).Support; len(got) != 1 || got[0] != orientation.SupportNone {
		t.Fatalf("support = %v, want only none", got)
	}
}

func TestDeclineStoresNothingAndCanAgreeLater(t *testing.T) {
	p := newPerson(t, "ti")
	p.Command("start")
	p.Press("lang:ti")
	r := p.Press("consent:no")
	p.Expect(r, "consent_declined")
	p.Expect(r, "office_none")
	if st := p.State(); st == nil || st.Lang != "ti" || st.Consented() || len(st.Flows) > 1 {
		t.Fatalf("after declining, only the language is kept: %+v", st)
	}
	if ttl := p.Engine.TTL(p.State()); ttl != dialogs.DefaultPreConsent {
		t.Fatalf("the language is kept %v, want a day", ttl)
	}
	// Typing or /menu now answers in Tigrinya, not with the Dutch greeting.
	p.Expect(p.Command("menu"), "consent_required")
	p.Expect(p.Say("ሰላም"), "consent_declined")
	p.Expect(p.Press("consent:info:ti"), "general_info")
	r = p.Press("consent:yes:ti")
	p.Expect(r, "q_name")
	if p.State() == nil || !p.State().Consented() || p.State().Lang != "ti" {
		t.Fatalf("agreeing later: state %+v", p.State())
	}
}

func TestMyDataAndForget(t *testing.T) {
	p := newPerson(t, "pl")
	p.Onboard()
	r := p.Command("mydata")
	p.Expect(r, "mydata_title")
	var doc *dialogs.Document
	for _, x := range r {
		if x.Document != nil {
			doc = x.Document
		}
	}
	if doc == nil {
		t.Fatal("/mydata sent no JSON document")
	}
	var export struct {
		Language  string              `json:"language"`
		Profile   orientation.Profile `json:"answers"`
		ExpiresAt time.Time           `json:"erased_after"`
	}
	if err := json.Unmarshal(doc.Content, &export); err != nil {
		t.Fatalf("/mydata JSON: %v", err)
	}
	if export.Profile.Name != "Amira" || export.Language != "pl" || !export.ExpiresAt.After(p.Clock.Now().Add(179*24*time.Hour)) {
		t.Fatalf("export = %+v", export)
	}
	if !strings.Contains(r[0].Text, "Amira") || !strings.Contains(r[0].Text, texts.T("pl", "month_11", nil)) {
		t.Fatalf("readable /mydata lacks the name or a Polish date:%s", dialogstest.Dump(r))
	}
	p.Expect(p.Command("forget"), "forget_confirm")
	p.Expect(p.Press("forget:no"), "forget_cancelled")
	if p.State() == nil {
		t.Fatal("forget:no erased the state")
	}
	p.Command("forget")
	p.Expect(p.Press("forget:yes"), "forget_done")
	if p.State() != nil {
		t.Fatalf("state after /forget: %+v", p.State())
	}
	p.Expect(p.Command("mydata"), "mydata_nothing")
}

func TestReturningPersonIsGreetedAndResumes(t *testing.T) {
	p := newPerson(t, "tr")
	p.Command("start")
	p.Press("lang:tr")
	p.Press("consent:yes")
	p.Say("Emre")
	p.Press("a:age:25_49")
	p.Clock.Advance(3 * 24 * time.Hour)
	r := p.Say("merhaba")
	p.Expect(r, "welcome_back_named", map[string]any{"Name": "Emre"})
	if want := texts.N("tr", "questions_left", 9, nil); !strings.Contains(r[0].Text, want) {
		t.Fatalf("want %q in %s", want, dialogstest.Dump(r))
	}
	p.Expect(r, "q_dutch")
	if p.Step() != orientation.StepDutch {
		t.Fatalf("returning moved the step to %q", p.Step())
	}
}

func TestMenuOnlyAfterConsent(t *testing.T) {
	p := newPerson(t, "ro")
	p.Command("start")
	p.Press("lang:ro")
	p.Expect(p.Command("menu"), "consent_required")
	p.Expect(p.Forge("menu:profile"), "consent_required")
	p.Press("consent:yes")
	r := p.Command("menu")
	if dialogstest.Offered(r, "menu:next") {
		t.Fatalf("menu offers a next step before orientation:%s", dialogstest.Dump(r))
	}
	p.Expect(p.Press("menu:profile"), "profile_empty")
}

func TestTTL(t *testing.T) {
	p := newPerson(t, "nl")
	p.Command("start")
	p.Press("lang:nl")
	if got := p.Engine.TTL(p.State()); got != dialogs.DefaultPreConsent {
		t.Fatalf("TTL before consent = %v", got)
	}
	p.Press("consent:yes")
	if got := p.Engine.TTL(p.State()); got != dialogs.DefaultRetention {
		t.Fatalf("TTL after consent = %v", got)
	}
}

// The engine never changes the state it is given: a caller (the store, a
// retry) may still hold it. A shallow copy and an in-place filter once
// turned the caller's skipped steps [sit sup] into [sup sup].
func TestEngineLeavesItsInputAlone(t *testing.T) {
	p := newPerson(t, "nl")
	p.Onboard()
	p.Command("profile")
	p.Press("edit:sit")
	p.Press("skip:sit")
	p.Press("edit:sup")
	p.Press("skip:sup")
	before := p.State()
	keep, _ := json.Marshal(before)
	p.Press("edit:sit")
	p.Press("a:sit:vdab") // unskips sit, filtering Skipped
	var after dialogs.State
	json.Unmarshal(keep, &after)
	if !reflect.DeepEqual(*before, after) {
		t.Fatalf("the state handed to the engine changed:\nbefore %s\nafter  %+v", keep, *before)
	}
	o, _ := orientation.Part.Read(before)
	if !reflect.DeepEqual(o.Profile.Skipped, []dialogs.Step{"sit", "sup"}) {
		t.Fatalf("skipped steps of the earlier state = %v, want [sit sup]", o.Profile.Skipped)
	}
	if got := profile(p).Skipped; !reflect.DeepEqual(got, []dialogs.Step{"sup"}) {
		t.Fatalf("skipped steps now = %v, want [sup]", got)
	}
}

// A conversation saved by the binary before the flows had parts of their
// own (version 1: one flat struct) loads and goes on where it was.
func TestVersionOneConversationContinues(t *testing.T) {
	saved := `{"v":1,"lang":"uk","step":"av","agreed":"2026-11-20T09:00:00Z",
		"profile":{"name":"Олена","age":"25_49","dutch":"little","situation":"vdab","education":"higher",
		"diploma":"recognised","sectors":["care"],"licence":"none","skipped":["sit"]},
		"picked":["parttime"],"share":"yes","source":{"code":"abc","partner":"buurthuis-kiel"},
		"sector_first":"care","rejected":[{"id":"v1","why":"far","km":12}],"alerts":true,
		"alerted":["v9"],"moving":"c1","noticed":["day:c1@123"],
		"created":"2026-11-20T09:00:00Z","last_seen":"2026-11-23T09:00:00Z","last_update":41}`
	var st dialogs.State
	if err := json.Unmarshal([]byte(saved), &st); err != nil {
		t.Fatal(err)
	}
	if st.V != dialogs.StateVersion || st.Lang != "uk" || st.Step != orientation.StepAvailability || st.LastUpdate != 41 || !st.Consented() {
		t.Fatalf("frame of a version-1 state: %+v", st)
	}
	for _, key := range []string{"orientation", "signup", "vacancies", "booking"} {
		if _, ok := st.Flows[key]; !ok {
			t.Fatalf("version-1 fields of %s lost: %s", key, st.Flows)
		}
	}
	p := newPerson(t, "uk")
	p.SetState(&st)
	r := p.Forge("done:av") // the button of the message they saw; what was picked is still held
	if r == nil {
		t.Fatal("no reply")
	}
	p.Expect(r, "q_home")
	if got := profile(p); got.Name != "Олена" || len(got.Availability) != 1 || got.Availability[0] != orientation.AvailPartTime {
		t.Fatalf("profile after continuing: %+v", got)
	}
	if o := p.Orientation(); o.Share != orientation.ShareYes || o.SectorFirst != "care" {
		t.Fatalf("orientation after continuing: %+v", o)
	}
	// Another flow's part is left as it was.
	var rest struct {
		Rejected []struct{ ID, Why string } `json:"rejected"`
		Alerts   bool                       `json:"alerts"`
	}
	json.Unmarshal(p.State().Flows["vacancies"], &rest)
	if !rest.Alerts || len(rest.Rejected) != 1 || rest.Rejected[0].Why != "far" {
		t.Fatalf("vacancies part after continuing: %s", p.State().Flows["vacancies"])
	}
}

// Until a native speaker has reviewed a language, its privacy notice can be
// read in another language too; agreeing there keeps the chosen language.
func TestNoticeCanBeReadInAnotherLanguage(t *testing.T) {
	for _, l := range locales.Languages {
		p := newPerson(t, l.Code)
		p.Command("start")
		if r := p.Press("lang:" + l.Code); dialogstest.Offered(r, "consent:other") == locales.Reviewed(l.Code) {
			t.Errorf("%s (reviewed: %v): offers another language: %v", l.Code, locales.Reviewed(l.Code), !locales.Reviewed(l.Code))
		}
	}
	p := newPerson(t, "ti")
	p.Command("start")
	p.Press("lang:ti")
	p.Expect(p.Forge("consent:other"), "notice_other_lang_choose")
	if dialogstest.Offered(p.Last(), "consent:read:ti") || !dialogstest.Offered(p.Last(), "consent:read:en") {
		t.Fatalf("languages offered:%s", dialogstest.Dump(p.Last()))
	}
	r := p.Press("consent:read:en")
	if want := texts.T("en", "consent_notice", map[string]any{"Period": texts.N("en", "unit_days", 180, nil)}); r[0].Text != want {
		t.Fatalf("notice in English:%s", dialogstest.Dump(r))
	}
	p.Expect(p.Press("consent:yes"), "q_name")
	if p.State().Lang != "ti" {
		t.Fatalf("language after agreeing on the English notice: %q, want ti", p.State().Lang)
	}
}
