package locales_test

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/werkwijzer/werkwijzer/locales"
)

func TestCatalogueIsComplete(t *testing.T) {
	for _, p := range locales.Check(locales.Files()) {
		t.Error(p)
	}
}

// copyFS is the embedded catalogue as a map a test may break.
func copyFS(t *testing.T) fstest.MapFS {
	m := fstest.MapFS{}
	names, _ := fs.Glob(locales.Files(), "*.toml")
	for _, n := range names {
		b, err := fs.ReadFile(locales.Files(), n)
		if err != nil {
			t.Fatal(err)
		}
		m[n] = &fstest.MapFile{Data: b}
	}
	return m
}

func TestCheckFindsBrokenCatalogues(t *testing.T) {
	cases := []struct {
		name   string
		lang   string
		break_ func(s string) string
		want   string
	}{
		{"missing message", "en", func(s string) string {
			return strings.Replace(s, "[q_age]", "[q_age_renamed]", 1)
		}, "en: missing message q_age"},
		{"renamed placeholder", "fr", func(s string) string {
			return strings.Replace(s, "{{.Name}}", "{{.Nom}}", 1)
		}, "placeholders {Nom}, want {Name}"},
		{"dropped placeholder", "tr", func(s string) string {
			return strings.Replace(s, "{{.Period}}", "180", 1)
		}, "consent_notice.other has placeholders {}, want {Period}"},
		{"missing plural form", "ru", func(s string) string {
			i := strings.Index(s, "[unit_days]")
			j := strings.Index(s[i:], "few =")
			k := strings.Index(s[i+j:], "\n")
			return s[:i+j] + s[i+j+k+1:]
		}, "ru: unit_days lacks the plural form"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := copyFS(t)
			f, ok := m[c.lang+".toml"]
			if !ok {
				t.Fatalf("no %s.toml", c.lang)
			}
			m[c.lang+".toml"] = &fstest.MapFile{Data: []byte(c.break_(string(f.Data)))}
			problems := strings.Join(locales.Check(m), "\n")
			if !strings.Contains(problems, c.want) {
				t.Fatalf("Check did not report %q; it said:\n%s", c.want, problems)
			}
		})
	}
	m := copyFS(t)
	delete(m, "so.toml")
	if p := strings.Join(locales.Check(m), "\n"); !strings.Contains(p, "so: no message file") {
		t.Fatalf("a missing language is not reported: %s", p)
	}
}

func TestFallbackChain(t *testing.T) {
	m := copyFS(t)
	// Remove a message from Ukrainian only: it must come in English, not fail.
	s := string(m["uk.toml"].Data)
	m["uk.toml"] = &fstest.MapFile{Data: []byte(strings.Replace(s, "[btn_skip]", "[btn_skip_gone]", 1))}
	c, err := locales.LoadFS(m)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.T("uk", "btn_skip", nil), c.T("en", "btn_skip", nil); got != want {
		t.Fatalf("uk without btn_skip = %q, want the English %q", got, want)
	}
	if got, want := c.T("xx", "btn_skip", nil), c.T("en", "btn_skip", nil); got != want {
		t.Fatalf("unknown language = %q, want English %q, the chain's next step", got, want)
	}
	// A message that exists only in Dutch still renders for everyone.
	nl := string(m["nl.toml"].Data) + "\n[only_dutch]\nother = \"alleen Nederlands\"\n"
	m["nl.toml"] = &fstest.MapFile{Data: []byte(nl)}
	if c, err = locales.LoadFS(m); err != nil {
		t.Fatal(err)
	}
	if got := c.T("ar", "only_dutch", nil); got != "alleen Nederlands" {
		t.Fatalf("a message only in Dutch rendered for Arabic as %q", got)
	}
}

func TestPluralsFollowCLDR(t *testing.T) {
	c := locales.MustLoad()
	cases := []struct {
		lang string
		n    int
		want string
	}{
		{"nl", 1, "1 dag"}, {"nl", 180, "180 dagen"},
		{"en", 1, "1 day"}, {"en", 180, "180 days"},
		{"ru", 1, "1 день"}, {"ru", 3, "3 дня"}, {"ru", 180, "180 дней"},
		{"uk", 21, "21 день"}, {"uk", 180, "180 днів"},
		{"pl", 1, "1 dzień"}, {"pl", 180, "180 dni"},
	}
	for _, tc := range cases {
		if got := c.N(tc.lang, "unit_days", tc.n, nil); got != tc.want {
			t.Errorf("%s %d days = %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
}

func TestMatchTelegramCodes(t *testing.T) {
	for in, want := range map[string]string{"en-US": "en", "fa": "fa-AF", "prs": "fa-AF", "uk": "uk", "pt-BR": "", "": "", "AR": "ar"} {
		if got := locales.Match(in); got != want {
			t.Errorf("Match(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRightToLeft(t *testing.T) {
	for code, rtl := range map[string]bool{"ar": true, "fa-AF": true, "ps": true, "ti": false, "nl": false} {
		if locales.IsRTL(code) != rtl {
			t.Errorf("IsRTL(%s) = %v", code, !rtl)
		}
	}
}

// A word that answers a question (yes, no, back, skip, done) must not also
// be one that asks for help when typed alone: the Somali "haa" (yes) once
// nearly became "haa?" (what?), and every yes would have shown the help.
func TestAnswerWordsAskForNoHelp(t *testing.T) {
	c := locales.MustLoad()
	for _, l := range locales.Languages {
		lost := c.Keywords(l.Code, "kw_help_alone")
		if len(lost) == 0 {
			t.Errorf("%s has no kw_help_alone", l.Code)
		}
		for _, id := range []string{"kw_yes", "kw_no", "kw_back", "kw_skip", "kw_done"} {
			for _, k := range c.Keywords(l.Code, id) {
				if slices.Contains(lost, k) {
					t.Errorf("%s: %q is in %s and in kw_help_alone", l.Code, k, id)
				}
			}
		}
	}
}
