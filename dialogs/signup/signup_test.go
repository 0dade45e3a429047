package signup_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/dialogstest"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/privacy"
	"github.com/werkwijzer/werkwijzer/dialogs/signup"
)

var texts = dialogstest.Texts

// counting is a resolver that counts its lookups.
type counting struct {
	dialogstest.Links
	asked int
}

func (c *counting) ResolveLink(ctx context.Context, code string) (*signup.Link, signup.Problem, error) {
	c.asked++
	return c.Links.ResolveLink(ctx, code)
}

func newPerson(t *testing.T, lang string, links *dialogstest.Links) *dialogstest.Person {
	return dialogstest.New(t, lang, orientation.Flow{}, privacy.Flow{}, signup.Flow{Links: links})
}

func start(p *dialogstest.Person, code string) []dialogs.Reply {
	p.T.Helper()
	return p.Do(dialogs.Event{Kind: dialogs.KindCommand, Command: "start", Text: code})
}

func source(p *dialogstest.Person) *dialogs.Source {
	s, _ := signup.Part.Read(p.State())
	return s.Source
}

func TestSignupLinkSetsLanguageSectorAndSource(t *testing.T) {
	links := &dialogstest.Links{Links: map[string]*signup.Link{
		"Ab3_x9": {Code: "Ab3_x9", Partner: "moskee-attaqwa", Place: "Borgerhout", Lang: "ar", Sector: orientation.SectorPort},
		"Zz9":    {Code: "Zz9", Partner: "ocmw-deurne", Lang: "nl"},
	}}
	p := newPerson(t, "nl", links) // their Telegram app says Dutch; the link says Arabic
	p.Lang = "ar"
	r := start(p, "Ab3_x9")
	p.Expect(r, "consent_notice", map[string]any{"Period": texts.N("ar", "unit_days", 180, nil)})
	if n := p.Note(dialogs.NoteLinkOpened); n.Return || n.Source == nil || n.Source.Partner != "moskee-attaqwa" || n.Source.Place != "Borgerhout" {
		t.Fatalf("link opened note: %+v", n)
	}
	// The language stays changeable.
	p.Expect(p.Press("picker"), "language_choose")
	p.Lang = "tr"
	p.Expect(p.Press("lang:tr"), "consent_notice", map[string]any{"Period": texts.N("tr", "unit_days", 180, nil)})
	p.Press("consent:yes")
	if n := p.Note(dialogs.NoteSignup); n.Source == nil || n.Source.Code != "Ab3_x9" {
		t.Fatalf("signup note does not say where they came from: %+v", n)
	}
	p.Say("Amira")
	p.Press("a:age:u25")
	p.Press("a:dutch:little")
	p.Press("a:sit:ocmw")
	p.Press("a:edu:primary")
	r = p.Last()
	if first := r[len(r)-1].Buttons[0][0].Data; first != "a:sec:port" {
		t.Fatalf("first sector offered %q, want the link's sector a:sec:port", first)
	}
	// A later link is a return; the first touch stays.
	start(p, "Zz9")
	if n := p.Note(dialogs.NoteLinkOpened); !n.Return || n.Source.Partner != "ocmw-deurne" {
		t.Fatalf("second link: %+v, want a return via ocmw-deurne", n)
	}
	if src := source(p); src.Partner != "moskee-attaqwa" || p.State().Lang != "tr" {
		t.Fatalf("after a second link: source %+v, language %q; want the first touch and the chosen language", src, p.State().Lang)
	}
}

func TestLinkWithoutLanguageShowsThePickerAndKeepsTheSource(t *testing.T) {
	links := &dialogstest.Links{Links: map[string]*signup.Link{"k1": {Code: "k1", Partner: "jeugdwerk", Place: "Kiel"}}}
	p := newPerson(t, "so", links)
	r := start(p, "k1")
	p.Expect(r, "language_choose")
	if p.State() == nil || source(p) == nil || p.State().Consented() {
		t.Fatalf("state after a link without language: %+v", p.State())
	}
	p.Expect(p.Press("lang:so"), "consent_notice", map[string]any{"Period": texts.N("so", "unit_days", 180, nil)})
	p.Press("consent:yes")
	if n := p.Note(dialogs.NoteSignup); n.Source == nil || n.Source.Place != "Kiel" {
		t.Fatalf("signup lost the link's place: %+v", n)
	}
}

func TestBadLinkIsAnOrdinaryStartCountedByItsProblem(t *testing.T) {
	for _, problem := range []signup.Problem{signup.Tampered, signup.Unknown, signup.Expired} {
		links := &dialogstest.Links{Problems: map[string]signup.Problem{"bad": problem}}
		p := newPerson(t, "uk", links)
		r := start(p, "bad")
		p.Expect(r, "start_greeting")
		p.Expect(r, "language_choose")
		if p.State() != nil {
			t.Fatalf("%s: state stored for a bad link before anything was chosen: %+v", problem, p.State())
		}
		if n := p.Note(dialogs.NoteLinkBad); n.Text != string(problem) {
			t.Fatalf("%s: bad-link note %+v", problem, n)
		}
	}
}

func TestStartPayloadsAreResolvedOnce(t *testing.T) {
	res := &counting{Links: dialogstest.Links{Links: map[string]*signup.Link{"good_1": {Code: "good_1", Partner: "p", Lang: "fr"}}}}
	e := dialogs.NewEngine(texts, nil)
	e.Register(orientation.Flow{}, signup.Flow{Links: res})
	svc := &dialogs.Service{Engine: e, Sessions: dialogstest.NewSessions()}
	ctx := context.Background()
	for _, tc := range []struct {
		payload   string
		wantNote  dialogs.NoteKind
		wantText  string
		wantAsked int
	}{
		{"good_1", dialogs.NoteLinkOpened, "", 1},
		{"nope", dialogs.NoteLinkBad, "unknown", 1},
		{"has space", dialogs.NoteLinkBad, "malformed", 0},
		{strings.Repeat("a", 65), dialogs.NoteLinkBad, "malformed", 0},
		{"ünïcode", dialogs.NoteLinkBad, "malformed", 0},
	} {
		res.asked = 0
		turn, err := svc.Handle(ctx, dialogs.Event{ChatID: int64(len(tc.payload)), Kind: dialogs.KindCommand, Command: "start", Text: tc.payload})
		if err != nil {
			t.Fatalf("%q: %v", tc.payload, err)
		}
		if len(turn.Notes) != 1 || turn.Notes[0].Kind != tc.wantNote || turn.Notes[0].Text != tc.wantText || res.asked != tc.wantAsked {
			t.Errorf("%q: notes %+v, resolver asked %d times; want %s %q, %d", tc.payload, turn.Notes, res.asked, tc.wantNote, tc.wantText, tc.wantAsked)
		}
	}
	res.Err = errors.New("redis down")
	if _, err := svc.Handle(ctx, dialogs.Event{ChatID: 9, Kind: dialogs.KindCommand, Command: "start", Text: "down"}); err == nil {
		t.Fatal("a resolver that cannot look must fail the update, so it is tried again")
	}
}

// /mydata says which sign-up link brought the person, readable and in
// the JSON file.
func TestMyDataShowsTheSignupLink(t *testing.T) {
	links := &dialogstest.Links{Links: map[string]*signup.Link{
		"Ab3_x9": {Code: "Ab3_x9", Partner: "moskee-attaqwa", Place: "Borgerhout", Lang: "nl"}}}
	p := newPerson(t, "nl", links)
	start(p, "Ab3_x9")
	p.Press("consent:yes")
	r := p.Command("mydata")
	p.Expect(r, "mydata_source", map[string]any{"Via": "moskee-attaqwa · Borgerhout"})
	var doc struct {
		Link dialogs.Source `json:"signup_link"`
	}
	if err := json.Unmarshal(r[0].Document.Content, &doc); err != nil || doc.Link.Code != "Ab3_x9" || doc.Link.Place != "Borgerhout" {
		t.Fatalf("JSON signup_link: %+v %v", doc, err)
	}
	q := newPerson(t, "nl", links)
	q.Onboard()
	q.ExpectNot(q.Command("mydata"), "mydata_source", map[string]any{"Via": "moskee-attaqwa · Borgerhout"})
}
