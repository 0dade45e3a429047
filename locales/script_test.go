package locales_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/werkwijzer/werkwijzer/locales"
)

// rtlProblems lists the lines of text that begin with a placeholder without
// a right-to-left mark (U+200F) or Arabic letter mark (U+061C) right before
// it. Telegram gives a line the direction of its first strong character; a
// name or a Dutch title put first makes the whole line left to right, its
// Arabic words and punctuation then read in the wrong order.
func rtlProblems(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimLeft(line, " \t"), "{{") {
			out = append(out, line)
		}
	}
	return out
}

func TestRightToLeftLinesStartRightToLeft(t *testing.T) {
	for _, l := range locales.Languages {
		if !l.RTL {
			continue
		}
		t.Run(l.Code, func(t *testing.T) {
			msgs := readMessages(t, locales.Files(), l.Code)
			ids := make([]string, 0, len(msgs))
			for id := range msgs {
				ids = append(ids, id)
			}
			sort.Strings(ids)
			for _, id := range ids {
				for _, form := range []string{"zero", "one", "two", "few", "many", "other"} {
					text, ok := msgs[id][form]
					if !ok {
						continue
					}
					for _, line := range rtlProblems(text) {
						t.Errorf(`%s %s.%s: the line %q begins with a placeholder: put \u200F right before it (text %q)`, l.Code, id, form, line, text)
					}
				}
			}
		})
	}
}

func TestRTLProblemsFindsUnmarkedLines(t *testing.T) {
	for text, want := range map[string]int{
		"{{.Name}}، مرحبًا":                1,
		"\u200F{{.Name}}، مرحبًا":          0,
		"\u061C{{.Name}}، مرحبًا":          0,
		"مرحبًا {{.Name}}":                 0,
		"مرحبًا\n  {{.N}}. {{.Title}}":     1,
		"مرحبًا\n\u200F{{.N}}. {{.Title}}": 0,
		"{{.A}}\n{{.B}}":                   2,
	} {
		if got := len(rtlProblems(text)); got != want {
			t.Errorf("rtlProblems(%q) found %d lines, want %d", text, got, want)
		}
	}
}

// comma is the comma each script uses in running text; languages not named
// write the Latin or Cyrillic ",".
var comma = map[string]string{"ar": "،", "fa-AF": "،", "ps": "،", "ti": "፣"}

func listSepProblem(code, sep string) string {
	want := comma[code]
	if want == "" {
		want = ","
	}
	switch {
	case !strings.Contains(sep, want):
		return fmt.Sprintf("%s list_sep is %q: use the script's own comma %q", code, sep, want)
	case want != "," && strings.Contains(sep, ","):
		return fmt.Sprintf("%s list_sep is %q: the Latin comma does not belong in this script, use %q", code, sep, want)
	case !strings.HasSuffix(sep, " "):
		return fmt.Sprintf("%s list_sep is %q: end it with a space, or the items run together", code, sep)
	}
	return ""
}

func TestListSeparator(t *testing.T) {
	for _, l := range locales.Languages {
		t.Run(l.Code, func(t *testing.T) {
			forms, ok := readMessages(t, locales.Files(), l.Code)["list_sep"]
			if !ok {
				t.Fatalf("%s has no list_sep: lists would be joined with another language's comma", l.Code)
			}
			if p := listSepProblem(l.Code, forms["other"]); p != "" {
				t.Error(p)
			}
		})
	}
	for _, c := range []struct{ code, sep, want string }{
		{"ar", ", ", "own comma"}, {"ps", "، ,", "Latin comma"}, {"ti", "፣", "end it with a space"}, {"pl", ", ", ""}, {"fa-AF", "، ", ""},
	} {
		if got := listSepProblem(c.code, c.sep); c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("listSepProblem(%s, %q) = %q, want %q", c.code, c.sep, got, c.want)
		}
	}
}

func TestListJoinsWithTheLanguagesSeparator(t *testing.T) {
	c := locales.MustLoad()
	if got := c.List(locales.Source, []string{"Bouw", "Zorg", "Horeca"}); got != "Bouw, Zorg, Horeca" {
		t.Errorf("Dutch list = %q", got)
	}
	if got := c.List(locales.Source, nil); got != "" {
		t.Errorf("empty list = %q", got)
	}
}
