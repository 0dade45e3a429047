package outreach_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"html"
	"image/png"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/dialogstest"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/signup"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/locales"
	"github.com/werkwijzer/werkwijzer/outreach"
)

func TestMain(m *testing.M) { redistest.Main(m) }

func TestExampleRegistryParses(t *testing.T) {
	data, err := os.ReadFile("partners.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ps, err := outreach.ParsePartners(data)
	if err != nil {
		t.Fatalf("the shipped example is refused: %v", err)
	}
	kinds := map[outreach.Kind]bool{}
	for _, p := range ps {
		kinds[p.Kind] = true
	}
	if len(kinds) != len(outreach.Kinds) {
		t.Fatalf("the example shows %d of the %d kinds", len(kinds), len(outreach.Kinds))
	}
}

func TestBadRegistryIsRefusedWithLineAndReason(t *testing.T) {
	good := "partners:\n  - id: buurthuis-kiel\n    name: Buurthuis Kiel\n    kind: vindplaats\n    city_supported: true\n"
	for _, tc := range []struct {
		name, file string
		line       int
		reason     string
	}{
		{"unknown kind", strings.Replace(good, "vindplaats", "vindplaas", 1), 4, `kind "vindplaas"`},
		{"bad boolean", strings.Replace(good, "true", "ja", 1), 5, "true or false"},
		{"unknown field", good + "    website: x\n", 6, `unknown field "website"`},
		{"missing name", strings.Replace(good, "    name: Buurthuis Kiel\n", "", 1), 2, "missing name"},
		{"bad id", strings.Replace(good, "buurthuis-kiel", "Buurthuis Kiel", 1), 2, "id"},
		{"duplicate id", good + strings.TrimPrefix(good, "partners:\n"), 6, "used twice (also on line 2)"},
		{"not yaml", "partners:\n  - id: [\n", 2, "yaml"},
		{"empty", "", 1, "empty"},
		{"other top field", "people:\n  - x\n", 1, `unknown field "people"`},
	} {
		_, err := outreach.ParsePartners([]byte(tc.file))
		var le *outreach.LineError
		if !errors.As(err, &le) || le.Line != tc.line || !strings.Contains(le.Reason, tc.reason) {
			t.Errorf("%s: got %v, want line %d: …%s…", tc.name, err, tc.line, tc.reason)
		}
	}
}

func setup(t *testing.T) (*outreach.Registry, *outreach.Links, *clock.Fake) {
	t.Helper()
	rdb, prefix := redistest.Client(t)
	reg := outreach.NewRegistry(rdb, prefix)
	data, _ := os.ReadFile("partners.example.yaml")
	ps, err := outreach.ParsePartners(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.Replace(context.Background(), ps); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	links := outreach.NewLinks(rdb, prefix, []byte("test-secret"), reg)
	clk := clock.NewFake(now)
	links.Clock = clk
	return reg, links, clk
}

var telegramPayload = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func TestLinkCodesFitTelegramAndResolve(t *testing.T) {
	_, links, _ := setup(t)
	ctx := context.Background()
	seen := map[string]bool{}
	for _, lang := range append([]string{""}, codes()...) {
		for _, sector := range append([]string{""}, orientation.Sectors...) {
			spec := outreach.Spec{Partner: "moskee-attaqwa", Place: strings.Repeat("Borgerhout ", 7), Lang: lang, Sector: sector}
			l, err := links.Create(ctx, spec)
			if err != nil {
				t.Fatalf("%+v: %v", spec, err)
			}
			if !telegramPayload.MatchString(l.Code) || seen[l.Code] {
				t.Fatalf("code %q: breaks Telegram's rule or repeats", l.Code)
			}
			seen[l.Code] = true
			got, problem, err := links.ResolveLink(ctx, l.Code)
			if err != nil || problem != "" || got.Partner != "moskee-attaqwa" || got.Lang != lang || got.Sector != sector {
				t.Fatalf("resolve %q: %+v %q %v", l.Code, got, problem, err)
			}
		}
	}
}

func codes() []string {
	var out []string
	for _, l := range locales.Languages {
		out = append(out, l.Code)
	}
	return out
}

// An altered code never resolves to a link: every single-character change,
// and a code made of two links' halves, is recognised as tampered (or
// malformed), so nobody can turn one partner's link into another's.
func TestAlteredCodesAreRejected(t *testing.T) {
	_, links, _ := setup(t)
	ctx := context.Background()
	a, _ := links.Create(ctx, outreach.Spec{Partner: "buurthuis-kiel"})
	b, _ := links.Create(ctx, outreach.Spec{Partner: "ocmw-antwerpen"})
	alphabet := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
	for i := range a.Code {
		for _, c := range alphabet {
			if byte(c) == a.Code[i] {
				continue
			}
			altered := a.Code[:i] + string(c) + a.Code[i+1:]
			if l, problem, _ := links.ResolveLink(ctx, altered); l != nil || problem != signup.Tampered {
				t.Fatalf("altered code %q: %+v, %q; want tampered", altered, l, problem)
			}
		}
	}
	swapped := b.Code[:8] + a.Code[8:]
	if l, problem, _ := links.ResolveLink(ctx, swapped); l != nil || problem != signup.Tampered {
		t.Fatalf("b's id with a's tag: %+v, %q", l, problem)
	}
	for _, bad := range []string{"", "short", a.Code + "x", "has space in it!", "ÄÖÜ" + a.Code[3:]} {
		if _, problem, _ := links.ResolveLink(ctx, bad); problem != signup.Malformed {
			t.Errorf("%q: %q, want malformed", bad, problem)
		}
	}
}

func TestUnknownAndExpiredCodes(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	reg := outreach.NewRegistry(rdb, prefix)
	reg.Replace(context.Background(), []outreach.Partner{{ID: "p1", Name: "P", Kind: outreach.KindOutreach}})
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	clk := clock.NewFake(now)
	links := outreach.NewLinks(rdb, prefix, []byte("s"), reg)
	links.Clock = clk
	ctx := context.Background()
	l, err := links.Create(ctx, outreach.Spec{Partner: "p1", Expires: now.Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, problem, _ := links.ResolveLink(ctx, l.Code); problem != "" {
		t.Fatalf("fresh link: %q", problem)
	}
	clk.Advance(25 * time.Hour)
	if _, problem, _ := links.ResolveLink(ctx, l.Code); problem != signup.Expired {
		t.Fatalf("after its expiry: %q, want expired", problem)
	}
	// A well-signed code whose record is gone (another deployment's secret
	// happens to match, or the record was removed) is unknown.
	other := outreach.NewLinks(rdb, prefix+"x", []byte("s"), reg)
	if _, problem, _ := other.ResolveLink(ctx, l.Code); problem != signup.Unknown {
		t.Fatalf("no record: %q, want unknown", problem)
	}
	if _, err := links.Create(ctx, outreach.Spec{Partner: "nobody"}); !errors.Is(err, outreach.ErrNoPartner) {
		t.Fatalf("link for an unknown partner: %v", err)
	}
	for _, spec := range []outreach.Spec{{Partner: "p1", Lang: "xx"}, {Partner: "p1", Sector: "mining"},
		{Partner: "p1", Place: "a|b"}, {Partner: "p1", Expires: now.Add(-time.Hour)}} {
		if _, err := links.Create(ctx, spec); !errors.Is(err, outreach.ErrBadSpec) {
			t.Errorf("%+v: %v, want ErrBadSpec", spec, err)
		}
	}
}

func TestQRCodeDecodesToTheLink(t *testing.T) {
	url := outreach.URL("@WerkwijzerBot", "Ab3_x9-Kq2LmN0pQ")
	if url != "https://t.me/WerkwijzerBot?start=Ab3_x9-Kq2LmN0pQ" {
		t.Fatalf("URL: %s", url)
	}
	b, err := outreach.QRPNG(url, 300)
	if err != nil {
		t.Fatal(err)
	}
	if got := decodeQR(t, b); got != url {
		t.Fatalf("QR decodes to %q, want %q", got, url)
	}
}

func decodeQR(t *testing.T, b []byte) string {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("QR does not decode: %v", err)
	}
	return res.GetText()
}

func TestPosterHasQRLinkAndEveryLanguage(t *testing.T) {
	texts := locales.MustLoad()
	url := outreach.URL("WerkwijzerBot", "Ab3_x9-Kq2LmN0pQ")
	out, err := outreach.Poster{URL: url, Partner: "Moskee <At-Taqwa>", Place: "Borgerhout",
		Line: func(lang string) string { return texts.T(lang, "poster_line", nil) }}.HTML()
	if err != nil {
		t.Fatal(err)
	}
	page := string(out)
	for _, want := range []string{"size: A4", url, "Moskee &lt;At-Taqwa&gt;", "data:image/png;base64,"} {
		if !strings.Contains(page, want) {
			t.Errorf("poster lacks %q", want)
		}
	}
	for _, l := range locales.Languages {
		dir := "ltr"
		if l.RTL {
			dir = "rtl"
		}
		want := `<li lang="` + l.Code + `" dir="` + dir + `">` + html.EscapeString(texts.T(l.Code, "poster_line", nil)) + "</li>"
		if !strings.Contains(page, want) {
			t.Errorf("poster lacks the %s line %q", l.Code, want)
		}
	}
	m := regexp.MustCompile(`<img src="data:image/png;base64,([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("poster has no QR image")
	}
	png, err := decodeBase64(html.UnescapeString(m[1]))
	if err != nil || decodeQR(t, png) != url {
		t.Fatalf("the poster's QR code does not lead to the link")
	}
}

func TestFunnelCountsPerStageWeekAndGroup(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	f := outreach.NewFunnel(rdb, prefix)
	ctx := context.Background()
	brussels, _ := time.LoadLocation("Europe/Brussels")
	sunday := time.Date(2026, 11, 29, 23, 30, 0, 0, brussels) // ISO week 48
	monday := time.Date(2026, 11, 30, 0, 30, 0, 0, brussels)  // week 49
	kiel := &dialogs.Source{Code: "c-kiel", Partner: "buurthuis-kiel", Place: "Kiel"}
	kiel2 := &dialogs.Source{Code: "c-kiel2", Partner: "buurthuis-kiel", Place: "Kiel"}
	moskee := &dialogs.Source{Code: "c-moskee", Partner: "moskee-attaqwa", Place: "Borgerhout"}
	turn := func(id string, notes ...dialogs.Note) *dialogs.Turn {
		for i := range notes {
			notes[i].ID = id + string(rune('a'+i))
		}
		return &dialogs.Turn{Notes: notes}
	}
	for _, tr := range []*dialogs.Turn{
		turn("1", dialogs.Note{Kind: dialogs.NoteLinkOpened, Source: kiel, At: sunday}),
		turn("2", dialogs.Note{Kind: dialogs.NoteSignup, Source: kiel, At: sunday}),
		turn("3", dialogs.Note{Kind: dialogs.NoteLinkOpened, Source: kiel2, At: monday},
			dialogs.Note{Kind: dialogs.NoteOriented, Source: kiel, At: monday}),
		turn("4", dialogs.Note{Kind: dialogs.NoteLinkOpened, Source: moskee, At: monday},
			dialogs.Note{Kind: dialogs.NoteLinkOpened, Source: kiel, Return: true, At: monday}),
		turn("5", dialogs.Note{Kind: dialogs.NoteLinkBad, Text: "tampered", At: monday}),
		turn("6", dialogs.Note{Kind: dialogs.NoteSignup, At: monday}), // no link: not in the funnel
	} {
		for i := 0; i < 2; i++ { // delivered twice: counted once
			if err := f.Deliver(ctx, tr); err != nil {
				t.Fatal(err)
			}
		}
	}
	rows, bad, err := f.Report(ctx, outreach.ByPartner, sunday.AddDate(0, 0, -14), monday)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]map[outreach.Stage]int{}
	for _, r := range rows {
		got[r.Week+" "+r.Partner] = r.Counts
	}
	want := map[string]map[outreach.Stage]int{
		"2026-W48 buurthuis-kiel": {outreach.StageOpened: 1, outreach.StageAgreed: 1},
		"2026-W49 buurthuis-kiel": {outreach.StageOpened: 1, outreach.StageOriented: 1, outreach.StageReturned: 1},
		"2026-W49 moskee-attaqwa": {outreach.StageOpened: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("rows %v, want %v", got, want)
	}
	for k, w := range want {
		for _, s := range outreach.Stages {
			if got[k][s] != w[s] {
				t.Errorf("%s %s: %d, want %d", k, s, got[k][s], w[s])
			}
		}
	}
	if len(bad) != 1 || bad[0].Counts[signup.Tampered] != 1 {
		t.Fatalf("bad links: %+v", bad)
	}
	// By link: Kiel's two links apart; since Monday: week 49 only.
	rows, _, _ = f.Report(ctx, outreach.ByLink, monday, monday)
	if len(rows) != 3 || rows[0].Link != "c-kiel" || rows[1].Link != "c-kiel2" {
		t.Fatalf("by link since Monday: %+v", rows)
	}
	var buf bytes.Buffer
	if err := outreach.WriteCSV(&buf, outreach.ByLink, rows); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(recs) != 4 || recs[0][3] != "link" || recs[2][3] != "c-kiel2" || recs[2][4] != "1" {
		t.Fatalf("CSV: %v %v", recs, err)
	}
	buf.Reset()
	outreach.WriteTable(&buf, outreach.ByPlace, rows)
	if !strings.Contains(buf.String(), "Borgerhout") || !strings.Contains(buf.String(), "oriented") {
		t.Fatalf("table:\n%s", buf.String())
	}
}

func decodeBase64(s string) ([]byte, error) { return base64.StdEncoding.DecodeString(s) }

// A place typed like a formula reaches the spreadsheet as text.
func TestCSVDefusesFormulas(t *testing.T) {
	rows := []outreach.Row{{Week: "2026-W48", Partner: "p", Place: "=HYPERLINK(\"http://x\")", Counts: map[outreach.Stage]int{outreach.StageOpened: 1}}}
	var buf bytes.Buffer
	outreach.WriteCSV(&buf, outreach.ByPlace, rows)
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil || recs[1][2] != "'=HYPERLINK(\"http://x\")" || recs[1][3] != "1" {
		t.Fatalf("CSV: %q %v", recs, err)
	}
}

// Links over Redis keep the contract the in-memory fake of dialogstest
// keeps.
func TestLinksResolverContract(t *testing.T) {
	dialogstest.ResolverContract(t, func(tb testing.TB) (signup.Resolver, string, signup.Link) {
		_, links, _ := setup(tb.(*testing.T))
		l, err := links.Create(context.Background(), outreach.Spec{Partner: "buurthuis-kiel", Place: "Kiel", Lang: "ar", Sector: "port"})
		if err != nil {
			tb.Fatal(err)
		}
		return links, l.Code, l.Link
	})
}
