package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/werkwijzer/werkwijzer/locales"
)

// copyLocales copies the message files and the glossary into a temporary
// directory, so that a test may change them.
func copyLocales(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	names, err := filepath.Glob("../../*.toml")
	if err != nil || len(names) < 15 {
		t.Fatalf("message files: %v %v", names, err)
	}
	for _, n := range append(names, "../../GLOSSARY.md") {
		buf, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(n)), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	buf, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(buf)
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func parse(t *testing.T, s string) map[string]message {
	t.Helper()
	m, err := texts([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// tableText is the text of table [id], from its header to the next one.
func tableText(s, id string) string {
	i := strings.Index(s, "\n["+id+"]\n")
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i+1:], "\n[")
	if j < 0 {
		return s[i+1:]
	}
	return s[i+1 : i+1+j]
}

// setOther does what a reviewer does in an editor: it replaces the other =
// line (or lines) of table [id] in the review file.
func setOther(t *testing.T, file, id, literal string) {
	t.Helper()
	s := readFile(t, file)
	tt := tableText(s, id)
	i := strings.Index(tt, "\nother = ")
	if tt == "" || i < 0 {
		t.Fatalf("no other = in [%s] of the review file", id)
	}
	writeFile(t, file, strings.Replace(s, tt, tt[:i]+"\nother = "+literal+"\n", 1))
}

func problemsOf(dir, code string) []string {
	var out []string
	for _, p := range locales.Check(os.DirFS(dir)) {
		if strings.HasPrefix(p, code+":") {
			out = append(out, p)
		}
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	dir := copyLocales(t)
	nlPath, plPath := filepath.Join(dir, "nl.toml"), filepath.Join(dir, "pl.toml")
	// A message new in Dutch, which Polish does not have yet.
	nl := readFile(t, nlPath)
	if !strings.Contains(nl, "\n[btn_decline]\n") {
		t.Fatal("nl.toml has no [btn_decline]")
	}
	writeFile(t, nlPath, strings.Replace(nl, "\n[btn_decline]\n", "\n[review_test_new]\nother = \"Nieuw\"\n\n[btn_decline]\n", 1))
	missing := "pl: missing message review_test_new"
	before := problemsOf(dir, "pl")
	if !strings.Contains(strings.Join(before, "\n"), missing) {
		t.Fatalf("Check does not miss review_test_new in Polish: %q", before)
	}
	old := readFile(t, plPath)
	oldMsgs := parse(t, old)
	if !strings.HasPrefix(tableText(old, "consent_notice"), "[consent_notice]\nother = \"\"\"") {
		t.Fatalf("pl consent_notice is no multi-line text any more; pick another message:\n%s", tableText(old, "consent_notice"))
	}

	file, err := export(dir, "pl", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	review := readFile(t, file)
	for _, want := range []string{"# nl: Overslaan", "[review_test_new]\n# nl: Nieuw", "# TO TRANSLATE", "hash = \"sha1-", "at most 11 characters"} {
		if !strings.Contains(review, want) {
			t.Errorf("the review file lacks %q", want)
		}
	}
	// The reviewer changes a one-line text and a multi-line one, and
	// translates the new message.
	setOther(t, file, "btn_skip", `"Pomiń (test)"`)
	notice := oldMsgs["consent_notice"]["other"]
	newNotice := "Zanim zaczniemy (test):" + notice[strings.Index(notice, "\n"):]
	setOther(t, file, "consent_notice", quote(newNotice, true, true))
	setOther(t, file, "review_test_new", `"Nowe"`)
	// Saved by an editor on Windows.
	writeFile(t, file, strings.ReplaceAll(readFile(t, file), "\n", "\r\n"))

	rep, err := importReview(dir, "pl", file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rep, "2 texts changed, 1 messages added") {
		t.Errorf("report: %s", rep)
	}
	got := readFile(t, plPath)
	want := parse(t, old)
	want["btn_skip"]["other"] = "Pomiń (test)"
	want["consent_notice"]["other"] = newNotice
	want["review_test_new"] = message{"other": "Nowe"}
	if m := parse(t, got); !reflect.DeepEqual(m, want) {
		for id := range want {
			if !reflect.DeepEqual(m[id], want[id]) {
				t.Errorf("%s = %q, want %q", id, m[id], want[id])
			}
		}
		t.Fatal("pl.toml does not hold exactly the reviewed changes")
	}
	// Every byte outside the three messages is as it was.
	strip := func(s string) string {
		for _, id := range []string{"btn_skip", "consent_notice", "review_test_new"} {
			if tt := tableText(s, id); tt != "" {
				s = strings.Replace(s, "\n"+tt, "", 1) // with the blank line above it
			}
		}
		return s
	}
	if strip(got) != strip(old) {
		t.Error("pl.toml changed outside the reviewed messages")
	}
	if tt := tableText(got, "btn_skip"); tt != "[btn_skip]\nother = \"Pomiń (test)\"\n" {
		t.Errorf("btn_skip reads %q", tt)
	}
	if tt := tableText(got, "consent_notice"); !strings.HasPrefix(tt, "[consent_notice]\nother = \"\"\"Zanim zaczniemy (test):\n") {
		t.Errorf("consent_notice lost its multi-line form: %q", tt)
	}
	if !strings.Contains(got, "[btn_agree]") || strings.Index(got, "[review_test_new]") > strings.Index(got, "[btn_decline]") || strings.Index(got, "[review_test_new]") < strings.Index(got, "[btn_agree]") {
		t.Error("review_test_new is not where nl.toml has it, between btn_agree and btn_decline")
	}
	after := problemsOf(dir, "pl")
	var wantProblems []string
	for _, p := range before {
		if p != missing {
			wantProblems = append(wantProblems, p)
		}
	}
	if !reflect.DeepEqual(after, wantProblems) {
		t.Errorf("Check after the import: %q, want %q", after, wantProblems)
	}
}

// Exporting and importing an unchanged file changes nothing, in every
// language: the export's quoting and the import's editing lose nothing.
func TestRoundTripWithoutChangesKeepsEveryFile(t *testing.T) {
	dir := copyLocales(t)
	for _, l := range locales.Languages {
		if l.Code == locales.Source {
			continue
		}
		t.Run(l.Code, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(dir, l.Code+".toml")
			old := readFile(t, path)
			file, err := export(dir, l.Code, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			rep, err := importReview(dir, l.Code, file)
			if err != nil {
				t.Fatal(err)
			}
			if got := readFile(t, path); got != old {
				t.Errorf("%s.toml changed: %s", l.Code, rep)
			}
			if !strings.Contains(rep, ": 0 texts changed, 0 messages added") {
				t.Errorf("report: %s", rep)
			}
		})
	}
}

func TestImportListsWhatIsStillToTranslate(t *testing.T) {
	dir := copyLocales(t)
	nlPath := filepath.Join(dir, "nl.toml")
	writeFile(t, nlPath, readFile(t, nlPath)+"\n[review_test_new]\nother = \"Nieuw\"\n")
	file, err := export(dir, "pl", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	old := readFile(t, filepath.Join(dir, "pl.toml"))
	rep, err := importReview(dir, "pl", file) // the reviewer left it empty
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(dir, "pl.toml")); got != old {
		t.Error("an empty text was taken as a translation")
	}
	_, todo, _ := strings.Cut(rep, "still to translate (left empty):\n")
	if !strings.Contains(todo, "  review_test_new\n") {
		t.Errorf("the report does not list review_test_new as still to translate: %s", rep)
	}
}

func TestImportLeavesTextsWhoseDutchChanged(t *testing.T) {
	dir := copyLocales(t)
	file, err := export(dir, "pl", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	setOther(t, file, "btn_skip", `"Pomiń (test)"`)
	// Meanwhile the Dutch of btn_skip changes: the review no longer fits it.
	nlPath := filepath.Join(dir, "nl.toml")
	nl := readFile(t, nlPath)
	tt := tableText(nl, "btn_skip")
	writeFile(t, nlPath, strings.Replace(nl, tt, "[btn_skip]\nother = \"Sla over\"\n", 1))
	old := readFile(t, filepath.Join(dir, "pl.toml"))
	rep, err := importReview(dir, "pl", file)
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(dir, "pl.toml")); got != old {
		t.Error("a text reviewed against an older Dutch was taken")
	}
	if !strings.Contains(rep, "the Dutch changed since the export") || !strings.Contains(rep, "btn_skip") {
		t.Errorf("the report does not name btn_skip as not taken: %s", rep)
	}
}

func TestImportRefusesABrokenPlaceholder(t *testing.T) {
	dir := copyLocales(t)
	file, err := export(dir, "pl", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	setOther(t, file, "result_intro_named", `"{{.Imie}}, polecamy:"`)
	old := readFile(t, filepath.Join(dir, "pl.toml"))
	_, err = importReview(dir, "pl", file)
	if err == nil || !strings.Contains(err.Error(), "result_intro_named.other has placeholders {Imie}, want {Name}") {
		t.Fatalf("import of a renamed placeholder: %v", err)
	}
	if got := readFile(t, filepath.Join(dir, "pl.toml")); got != old {
		t.Error("pl.toml was written although the review broke a placeholder")
	}
}

func TestExportRefusesTheSourceAndUnknownLanguages(t *testing.T) {
	for _, code := range []string{"nl", "xx"} {
		if _, err := export(copyLocales(t), code, t.TempDir()); err == nil {
			t.Errorf("export %s did not fail", code)
		}
	}
}

// The scanner finds every value of every real message file where the TOML
// parser does.
func TestScanFindsEveryLiteral(t *testing.T) {
	names, _ := filepath.Glob("../../*.toml")
	for _, n := range names {
		s := readFile(t, n)
		msgs := parse(t, s)
		tables, err := scan(s)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		if len(tables) != len(msgs) {
			t.Errorf("%s: scan found %d tables, toml %d", n, len(tables), len(msgs))
		}
		for _, tb := range tables {
			if len(tb.keys) != len(msgs[tb.id]) {
				t.Errorf("%s [%s]: scan found keys %v, toml %v", n, tb.id, tb.order, msgs[tb.id])
			}
			for k, sp := range tb.keys {
				var v struct{ V string }
				if err := toml.Unmarshal([]byte("V = "+s[sp.start:sp.end]), &v); err != nil || v.V != msgs[tb.id][k] {
					t.Errorf("%s [%s] %s: literal %q reads %q (%v), want %q", n, tb.id, k, s[sp.start:sp.end], v.V, err, msgs[tb.id][k])
				}
			}
		}
	}
}

func TestQuoteReadsBack(t *testing.T) {
	for _, s := range []string{
		"plain", `with "quotes" and \backslash`, "two\nlines", "\nleading newline", `ends with a quote"`,
		"tab\there", "\u200F{{.Name}}، مرحبًا", "می\u200cتوانید", "emoji 🙋\u200D♀️", `"""triple"""`, "",
	} {
		for _, multi := range []bool{false, true} {
			for _, esc := range []bool{false, true} {
				lit := quote(s, multi, esc)
				var v struct{ V string }
				if err := toml.Unmarshal([]byte("V = "+lit), &v); err != nil || v.V != s {
					t.Errorf("quote(%q, %v, %v) = %s, reads back %q (%v)", s, multi, esc, lit, v.V, err)
				}
				if esc && strings.ContainsRune(lit, '\u200F') {
					t.Errorf("quote(%q) kept a raw RLM: %s", s, lit)
				}
			}
		}
	}
	if got := requote(`"\u200Fx"`, "\u200Fy"); got != `"\u200Fy"` {
		t.Errorf("requote of an escaped RLM = %s", got)
	}
	if got := requote("\"\u200Fx\"", "\u200Fy"); got != "\"\u200Fy\"" {
		t.Errorf("requote of a raw RLM = %s", got)
	}
	if got := requote(`"""a"""`, "b"); got != `"""b"""` {
		t.Errorf("requote of a multi-line text = %s", got)
	}
}
