package locales_test

import (
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/BurntSushi/toml"
	"golang.org/x/text/cases"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"

	"github.com/werkwijzer/werkwijzer/locales"
)

// The glossary (GLOSSARY.md) fixes, per language, the word for each term.
// These tests read it from disk, as a translator leaves it, and hold every
// message to it: a message whose Dutch names a term must name it with one
// of the language's forms.

// glossary is GLOSSARY.md parsed.
type glossary struct {
	terms      []string        // from "## Terms", in order
	notChecked map[string]bool // message ids under "## Not checked"
	langs      map[string]*glossLang
}

// glossLang is one language's section.
type glossLang struct {
	empty    bool // nothing filled in yet
	address  string
	gender   string
	forms    map[string][]string // term → its forms, as written
	problems []string            // what is malformed in the section
}

var backtickID = regexp.MustCompile("^- `([a-z0-9_]+)`")

// parseGlossary reads the Markdown of GLOSSARY.md. problems are mistakes of
// the file as a whole; a section's own mistakes are in its problems.
func parseGlossary(md string) (g *glossary, problems []string) {
	g = &glossary{notChecked: map[string]bool{}, langs: map[string]*glossLang{}}
	type section struct {
		name  string
		lines []string
	}
	var sections []section
	for _, line := range strings.Split(md, "\n") {
		line = strings.TrimRight(line, " \t\r")
		if name, ok := strings.CutPrefix(line, "## "); ok {
			sections = append(sections, section{name: strings.TrimSpace(name)})
			continue
		}
		if len(sections) > 0 {
			sections[len(sections)-1].lines = append(sections[len(sections)-1].lines, line)
		}
	}
	var langSections []section
	for _, s := range sections {
		switch {
		case s.name == "Terms":
			for _, row := range tableRows(s.lines) {
				if row[0] != "" {
					g.terms = append(g.terms, row[0])
				}
			}
		case s.name == "Not checked":
			for _, line := range s.lines {
				if m := backtickID.FindStringSubmatch(line); m != nil {
					g.notChecked[m[1]] = true
				}
			}
		case locales.Supported(s.name):
			if g.langs[s.name] != nil {
				problems = append(problems, fmt.Sprintf("GLOSSARY.md: two sections ## %s", s.name))
			}
			g.langs[s.name] = &glossLang{}
			langSections = append(langSections, s)
		default:
			problems = append(problems, fmt.Sprintf("GLOSSARY.md: section ## %s is neither Terms, Not checked nor a language code of locales.Languages", s.name))
		}
	}
	if len(g.terms) == 0 {
		problems = append(problems, "GLOSSARY.md: no terms under ## Terms")
	}
	for _, s := range langSections {
		g.langs[s.name] = parseLangSection(s.name, s.lines, g.terms)
	}
	for _, l := range locales.Languages {
		if g.langs[l.Code] == nil {
			problems = append(problems, fmt.Sprintf("GLOSSARY.md: no section ## %s", l.Code))
		}
	}
	return g, problems
}

func parseLangSection(code string, lines []string, terms []string) *glossLang {
	sec := &glossLang{forms: map[string][]string{}}
	bad := func(format string, args ...any) {
		sec.problems = append(sec.problems, fmt.Sprintf("GLOSSARY.md ## %s: ", code)+fmt.Sprintf(format, args...))
	}
	content := false
	for _, line := range lines {
		t := strings.TrimSpace(line)
		if t != "" && !(strings.HasPrefix(t, "<!--") && strings.HasSuffix(t, "-->")) {
			content = true
		}
		if v, ok := strings.CutPrefix(t, "- Address:"); ok {
			sec.address = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(t, "- Gender:"); ok {
			sec.gender = strings.TrimSpace(v)
		}
	}
	if !content {
		sec.empty = true
		return sec
	}
	if sec.address == "" {
		bad("no '- Address:' line (the form of address)")
	}
	if sec.gender == "" {
		bad("no '- Gender:' line (how gender is handled)")
	}
	known := map[string]bool{}
	for _, term := range terms {
		known[term] = true
	}
	for _, row := range tableRows(lines) {
		if len(row) != 3 {
			bad("row %q has %d cells, want 3: | term | word | forms |", strings.Join(row, " | "), len(row))
			continue
		}
		term, word := row[0], row[1]
		switch {
		case !known[term]:
			bad("row for %q, which is not a term of ## Terms", term)
			continue
		case sec.forms[term] != nil:
			bad("two rows for %s", term)
			continue
		case word == "":
			bad("%s has no word", term)
		}
		var forms []string
		for _, f := range strings.Split(row[2], ",") {
			if f = strings.TrimSpace(f); f != "" {
				forms = append(forms, f)
			}
		}
		if len(forms) == 0 {
			bad("%s has no forms", term)
			forms = []string{}
		}
		sec.forms[term] = forms
	}
	for _, term := range terms {
		if sec.forms[term] == nil {
			bad("no row for the term %s", term)
		}
	}
	return sec
}

// tableRows are the data rows of the Markdown tables in lines: cells
// trimmed, the header row and the |---| row left out.
func tableRows(lines []string) [][]string {
	var rows [][]string
	header := true
	for _, line := range lines {
		t := strings.TrimSpace(line)
		if !strings.HasPrefix(t, "|") {
			header = true // a table ended; the next starts with its header
			continue
		}
		cells := strings.Split(strings.Trim(t, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if strings.Trim(strings.Join(cells, ""), "-: ") == "" {
			continue // |---|---|
		}
		if header {
			header = false
			continue
		}
		rows = append(rows, cells)
	}
	return rows
}

// fold makes s comparable for lang: NFC, lower case by the language's rules
// (Turkish İ is i), without invisible format characters (the Dari zero-width
// non-joiner, right-to-left marks, soft hyphens) a translator may or may not
// have typed.
func fold(lang, s string) string {
	s = cases.Lower(language.Make(lang)).String(norm.NFC.String(s))
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
}

func containsAny(lang, text string, forms []string) (string, bool) {
	t := fold(lang, text)
	for _, f := range forms {
		if strings.Contains(t, fold(lang, f)) {
			return f, true
		}
	}
	return "", false
}

// messages are a language's texts: id → form (other, one, ...) → text.
type messages map[string]map[string]string

func readMessages(t testing.TB, fsys fs.FS, code string) messages {
	t.Helper()
	buf, err := fs.ReadFile(fsys, code+".toml")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]map[string]any
	if err := toml.Unmarshal(buf, &raw); err != nil {
		t.Fatalf("%s.toml: %v", code, err)
	}
	out := messages{}
	for id, m := range raw {
		out[id] = map[string]string{}
		for k, v := range m {
			if s, ok := v.(string); ok && k != "description" && k != "hash" {
				out[id][k] = s
			}
		}
	}
	return out
}

// glossaryMismatches lists the messages of lang that name a term in Dutch
// but not with one of lang's forms. Every form (other, one, ...) the
// language has must name it.
func glossaryMismatches(g *glossary, lang string, nl, msgs messages) []string {
	var out []string
	src := g.langs[locales.Source]
	ids := make([]string, 0, len(nl))
	for id := range nl {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if g.notChecked[id] || msgs[id] == nil {
			continue // a missing message is Check's to report
		}
		var dutch []string
		for _, s := range nl[id] {
			dutch = append(dutch, s)
		}
		for _, term := range g.terms {
			dutchForm, named := containsAny(locales.Source, strings.Join(dutch, "\n"), src.forms[term])
			if !named {
				continue
			}
			for _, form := range []string{"zero", "one", "two", "few", "many", "other"} {
				text, ok := msgs[id][form]
				if !ok {
					continue
				}
				if _, ok := containsAny(lang, text, g.langs[lang].forms[term]); !ok {
					where := id
					if form != "other" {
						where += "." + form
					}
					out = append(out, fmt.Sprintf("%s %s: the Dutch names %s (%q) but the text has none of its forms %q: %q",
						lang, where, term, dutchForm, g.langs[lang].forms[term], text))
				}
			}
		}
	}
	return out
}

func TestGlossary(t *testing.T) {
	md, err := os.ReadFile("GLOSSARY.md")
	if err != nil {
		t.Fatal(err)
	}
	g, problems := parseGlossary(string(md))
	for _, p := range problems {
		t.Error(p)
	}
	nl := readMessages(t, locales.Files(), locales.Source)
	for id := range g.notChecked {
		if nl[id] == nil {
			t.Errorf("GLOSSARY.md: %s is under Not checked but is no message of nl.toml", id)
		}
	}
	src := g.langs[locales.Source]
	if src == nil || src.empty || len(src.problems) > 0 {
		t.Fatalf("GLOSSARY.md: the nl section, which gives the Dutch forms, is missing or malformed: %v", src)
	}
	for _, l := range locales.Languages {
		t.Run(l.Code, func(t *testing.T) {
			sec := g.langs[l.Code]
			switch {
			case sec == nil:
				t.Fatalf("%s: GLOSSARY.md has no section ## %s", l.Code, l.Code)
			case sec.empty:
				t.Fatalf("%s: the section ## %s of GLOSSARY.md is not filled in: address, gender and the %d terms", l.Code, l.Code, len(g.terms))
			}
			for _, p := range sec.problems {
				t.Error(p)
			}
			if l.Code == locales.Source {
				return // the Dutch forms hold for the Dutch texts by definition
			}
			for _, m := range glossaryMismatches(g, l.Code, nl, readMessages(t, locales.Files(), l.Code)) {
				t.Error(m)
			}
		})
	}
}

// A glossary the tests cannot read, or a text that does not use the word,
// must be reported: these cases keep TestGlossary from passing on nothing.
func TestGlossaryFindsMistakes(t *testing.T) {
	head := "# Glossary\n\n## Terms\n\n| term | what it is |\n| --- | --- |\n| coach | the coach |\n| vacancy | a job offer |\n\n## Not checked\n\n- `language_name`: its name.\n\n"
	nlSection := "## nl\n\n- Address: je\n- Gender: none\n\n| term | word | forms |\n| --- | --- | --- |\n| coach | coach | coach |\n| vacancy | vacature | vacature |\n\n"
	rest := func(except string) string {
		var b strings.Builder
		for _, l := range locales.Languages {
			if l.Code != "nl" && l.Code != except {
				b.WriteString("## " + l.Code + "\n\n")
			}
		}
		return b.String()
	}
	cases := []struct {
		name, md, want string
	}{
		{"empty section", head + nlSection + rest(""), ""},
		{"term missing", head + nlSection + "## pl\n\n- Address: x\n- Gender: y\n\n| term | word | forms |\n| --- | --- | --- |\n| coach | doradca | doradc |\n" + rest("pl"),
			"## pl: no row for the term vacancy"},
		{"no forms", head + nlSection + "## pl\n\n- Address: x\n- Gender: y\n\n| term | word | forms |\n| --- | --- | --- |\n| coach | doradca | , |\n| vacancy | oferta | ofert |\n" + rest("pl"),
			"## pl: coach has no forms"},
		{"unknown term", head + nlSection + "## pl\n\n- Address: x\n- Gender: y\n\n| term | word | forms |\n| --- | --- | --- |\n| coach | doradca | doradc |\n| vacancy | oferta | ofert |\n| bus | autobus | autobus |\n" + rest("pl"),
			`row for "bus", which is not a term`},
		{"no address", head + nlSection + "## pl\n\n- Gender: y\n\n| term | word | forms |\n| --- | --- | --- |\n| coach | doradca | doradc |\n| vacancy | oferta | ofert |\n" + rest("pl"),
			"## pl: no '- Address:' line"},
		{"misspelt code", head + nlSection + "## fa\n\n" + rest(""), "section ## fa is neither"},
		{"language missing", head + nlSection + rest("so"), "no section ## so"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, problems := parseGlossary(c.md)
			for _, sec := range g.langs {
				problems = append(problems, sec.problems...)
			}
			all := strings.Join(problems, "\n")
			if c.want == "" {
				if !g.langs["pl"].empty || all != "" {
					t.Fatalf("an empty section should read as empty, without problems: %+v, %s", g.langs["pl"], all)
				}
				return
			}
			if !strings.Contains(all, c.want) {
				t.Fatalf("want a problem %q, got:\n%s", c.want, all)
			}
		})
	}

	pl := head + nlSection + "## pl\n\n- Address: x\n- Gender: y\n\n| term | word | forms |\n| --- | --- | --- |\n| coach | doradca | doradc |\n| vacancy | oferta | ofert |\n" + rest("pl")
	g, problems := parseGlossary(pl)
	if len(problems) > 0 || len(g.langs["pl"].problems) > 0 {
		t.Fatalf("a well-formed glossary has problems: %v %v", problems, g.langs["pl"].problems)
	}
	nl := messages{
		"a":             {"other": "Praat met een Coach."},
		"b":             {"other": "Nieuwe vacatures"},
		"c":             {"other": "Niets"},
		"language_name": {"other": "Coach-taal"},
	}
	msgs := messages{
		"a":             {"other": "Porozmawiaj z DORADCĄ."},      // upper case still counts
		"b":             {"other": "Nowe prace", "one": "Oferta"}, // other misses it
		"c":             {"other": "Nic"},
		"language_name": {"other": "Polski"}, // not checked
	}
	got := glossaryMismatches(g, "pl", nl, msgs)
	if len(got) != 1 || !strings.Contains(got[0], "pl b: the Dutch names vacancy") || !strings.Contains(got[0], `"Nowe prace"`) {
		t.Fatalf("want exactly b.other reported, with language, id, term and text; got %q", got)
	}
}

func TestFoldFollowsTheLanguage(t *testing.T) {
	if got := fold("tr", "İŞ"); got != "iş" {
		t.Errorf("Turkish İŞ folds to %q, want iş", got)
	}
	if got := fold("fa-AF", "می\u200cتوانید"); got != "میتوانید" {
		t.Errorf("the zero-width non-joiner is not left out: %q", got)
	}
}
