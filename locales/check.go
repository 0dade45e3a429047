package locales

import (
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// Files are the embedded message files.
func Files() fs.FS { return files }

var placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

var formKeys = []string{"zero", "one", "two", "few", "many", "other"}

// Check compares every language's file in fsys with the Dutch source and
// lists what is wrong: a missing language, a missing or extra message, a
// plural form the language's CLDR rules need but the file lacks, or a
// placeholder dropped or renamed. An empty list means the catalogue is whole.
func Check(fsys fs.FS) []string {
	var problems []string
	read := func(code string) map[string]map[string]string {
		buf, err := fs.ReadFile(fsys, code+".toml")
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: no message file", code))
			return nil
		}
		var raw map[string]map[string]any
		if err := toml.Unmarshal(buf, &raw); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", code, err))
			return nil
		}
		out := map[string]map[string]string{}
		for id, forms := range raw {
			out[id] = map[string]string{}
			for k, v := range forms {
				if s, ok := v.(string); ok && k != "description" && k != "hash" {
					out[id][k] = s
				}
			}
		}
		return out
	}
	src := read(Source)
	if src == nil {
		return problems
	}
	cat, err := LoadFS(fsys)
	if err != nil {
		return append(problems, err.Error())
	}
	for _, l := range Languages {
		msgs := read(l.Code)
		if msgs == nil {
			continue
		}
		for _, id := range sortedKeys(src) {
			forms, ok := msgs[id]
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: missing message %s", l.Code, id))
				continue
			}
			want := placeholders(src[id]["other"])
			for _, k := range formKeys {
				if s, ok := forms[k]; ok {
					if got := placeholders(s); got != want {
						problems = append(problems, fmt.Sprintf("%s: %s.%s has placeholders {%s}, want {%s}", l.Code, id, k, got, want))
					}
				}
			}
			if _, plural := src[id]["one"]; plural {
				problems = append(problems, missingForms(cat, l.Code, id)...)
			} else if forms["other"] == "" {
				problems = append(problems, fmt.Sprintf("%s: %s is empty", l.Code, id))
			}
		}
		for id := range msgs {
			if _, ok := src[id]; !ok {
				problems = append(problems, fmt.Sprintf("%s: message %s is not in %s.toml", l.Code, id, Source))
			}
		}
	}
	return problems
}

// missingForms renders a plural message for counts that reach every CLDR
// plural category (0..200 and a million, for French and Spanish "many") and
// reports the categories the language needs but the file lacks. go-i18n
// exposes the rules only through rendering, so this asks it that way.
func missingForms(c *Catalog, code, id string) []string {
	loc := i18n.NewLocalizer(c.bundle, code)
	seen := map[string]bool{}
	var out []string
	for _, n := range append(counts(), 1000000) {
		_, tag, err := loc.LocalizeWithTag(&i18n.LocalizeConfig{MessageID: id, PluralCount: n, TemplateData: map[string]any{"Count": n}})
		if err != nil || tag.String() != code {
			msg := fmt.Sprintf("%s: %s lacks the plural form for %d", code, id, n)
			if err != nil {
				msg += fmt.Sprintf(" (%v)", err)
			}
			if !seen[msg[:strings.Index(msg, " for ")]] {
				out = append(out, msg)
				seen[msg[:strings.Index(msg, " for ")]] = true
			}
		}
	}
	return out
}

func counts() []int {
	var n []int
	for i := 0; i <= 200; i++ {
		n = append(n, i)
	}
	return n
}

func placeholders(s string) string {
	set := map[string]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		set[m[1]] = true
	}
	return strings.Join(sortedKeys(set), ",")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
