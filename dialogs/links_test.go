package dialogs_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/dialogs"
)

func start(p *person, link *dialogs.Link, problem dialogs.LinkProblem) []dialogs.Reply {
	p.t.Helper()
	return p.do(dialogs.Event{Kind: dialogs.KindCommand, Command: "start", Text: "x", Link: link, LinkProblem: problem})
}

func TestSignupLinkSetsLanguageSectorAndSource(t *testing.T) {
	p := newPerson(t, "nl") // their Telegram app says Dutch; the link says Arabic
	p.lang = "ar"
	link := &dialogs.Link{Code: "Ab3_x9", Partner: "moskee-attaqwa", Place: "Borgerhout", Lang: "ar", Sector: dialogs.SectorPort}
	r := start(p, link, "")
	p.expect(r, "consent_notice", map[string]any{"Period": texts.N("ar", "unit_days", 180, nil)})
	if n := noteOf(p, dialogs.NoteLinkOpened); n.Return || n.Source == nil || n.Source.Partner != "moskee-attaqwa" || n.Source.Place != "Borgerhout" {
		t.Fatalf("link opened note: %+v", n)
	}
	// The language stays changeable.
	p.expect(p.press("picker"), "language_choose")
	p.lang = "tr"
	p.expect(p.press("lang:tr"), "consent_notice", map[string]any{"Period": texts.N("tr", "unit_days", 180, nil)})
	p.press("consent:yes")
	if n := noteOf(p, dialogs.NoteSignup); n.Source == nil || n.Source.Code != "Ab3_x9" {
		t.Fatalf("signup note does not say where they came from: %+v", n)
	}
	p.text("Amira")
	p.press("a:age:u25")
	p.press("a:dutch:little")
	p.press("a:sit:ocmw")
	p.press("a:edu:primary")
	r = p.last
	if first := r[len(r)-1].Buttons[0][0].Data; first != "a:sec:port" {
		t.Fatalf("first sector offered %q, want the link's sector a:sec:port", first)
	}
	// A later link is a return; the first touch stays.
	other := &dialogs.Link{Code: "Zz9", Partner: "ocmw-deurne", Lang: "nl"}
	start(p, other, "")
	if n := noteOf(p, dialogs.NoteLinkOpened); !n.Return || n.Source.Partner != "ocmw-deurne" {
		t.Fatalf("second link: %+v, want a return via ocmw-deurne", n)
	}
	if p.st.Source.Partner != "moskee-attaqwa" || p.st.Lang != "tr" {
		t.Fatalf("after a second link: source %+v, language %q; want the first touch and the chosen language", p.st.Source, p.st.Lang)
	}
}

func TestLinkWithoutLanguageShowsThePickerAndKeepsTheSource(t *testing.T) {
	p := newPerson(t, "so")
	r := start(p, &dialogs.Link{Code: "k1", Partner: "jeugdwerk", Place: "Kiel"}, "")
	p.expect(r, "language_choose")
	if p.st == nil || p.st.Source == nil || p.st.Consented() {
		t.Fatalf("state after a link without language: %+v", p.st)
	}
	p.expect(p.press("lang:so"), "consent_notice", map[string]any{"Period": texts.N("so", "unit_days", 180, nil)})
	p.press("consent:yes")
	if n := noteOf(p, dialogs.NoteSignup); n.Source == nil || n.Source.Place != "Kiel" {
		t.Fatalf("signup lost the link's place: %+v", n)
	}
}

func TestBadLinkIsAnOrdinaryStartCountedByItsProblem(t *testing.T) {
	for _, problem := range []dialogs.LinkProblem{dialogs.LinkMalformed, dialogs.LinkTampered, dialogs.LinkUnknown, dialogs.LinkExpired} {
		p := newPerson(t, "uk")
		r := start(p, nil, problem)
		p.expect(r, "start_greeting")
		p.expect(r, "language_choose")
		if p.st != nil {
			t.Fatalf("%s: state stored for a bad link before anything was chosen: %+v", problem, p.st)
		}
		if n := noteOf(p, dialogs.NoteLinkBad); n.Text != string(problem) {
			t.Fatalf("%s: bad-link note %+v", problem, n)
		}
	}
}

// memSessions is an in-memory Sessions, enough to run the Service.
type memSessions struct{ st map[int64]*dialogs.State }

func (m *memSessions) Load(_ context.Context, id int64) (*dialogs.State, *dialogs.Turn, error) {
	return m.st[id], nil, nil
}
func (m *memSessions) Save(_ context.Context, id int64, st *dialogs.State, _ time.Duration, _ *dialogs.Turn) error {
	m.st[id] = st
	return nil
}
func (m *memSessions) Progress(context.Context, *dialogs.Turn) error    { return nil }
func (m *memSessions) Delivered(context.Context, []*dialogs.Turn) error { return nil }
func (f linkFunc) ResolveLink(ctx context.Context, code string) (*dialogs.Link, dialogs.LinkProblem, error) {
	return f(code)
}

type linkFunc func(code string) (*dialogs.Link, dialogs.LinkProblem, error)

func TestServiceResolvesStartPayloads(t *testing.T) {
	asked := 0
	resolver := linkFunc(func(code string) (*dialogs.Link, dialogs.LinkProblem, error) {
		asked++
		switch code {
		case "good_1":
			return &dialogs.Link{Code: code, Partner: "p", Lang: "fr"}, "", nil
		case "down":
			return nil, "", errors.New("redis down")
		}
		return nil, dialogs.LinkUnknown, nil
	})
	svc := &dialogs.Service{Engine: dialogs.NewEngine(texts, nil), Sessions: &memSessions{st: map[int64]*dialogs.State{}}, Links: resolver}
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
		asked = 0
		turn, err := svc.Handle(ctx, dialogs.Event{ChatID: int64(len(tc.payload)), Kind: dialogs.KindCommand, Command: "start", Text: tc.payload})
		if err != nil {
			t.Fatalf("%q: %v", tc.payload, err)
		}
		if len(turn.Notes) != 1 || turn.Notes[0].Kind != tc.wantNote || turn.Notes[0].Text != tc.wantText || asked != tc.wantAsked {
			t.Errorf("%q: notes %+v, resolver asked %d times; want %s %q, %d", tc.payload, turn.Notes, asked, tc.wantNote, tc.wantText, tc.wantAsked)
		}
	}
	if _, err := svc.Handle(ctx, dialogs.Event{ChatID: 9, Kind: dialogs.KindCommand, Command: "start", Text: "down"}); err == nil {
		t.Fatal("a resolver that cannot look must fail the update, so it is tried again")
	}
}
