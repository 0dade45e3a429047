package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// keyLists are the files whose doc comments list the Redis keys their
// package writes (store/keys.go says so of all the others).
var keyLists = []string{"store/keys.go", "staff/doc.go", "outreach/partners.go", "jobs/alerts.go", "jobs/catalogue.go",
	"schedule/keys.go", "pseudonym/pseudonym.go", "web/doc.go"}

var keyPattern = regexp.MustCompile(`^//\s+(<p>:\S+)`)

// documentedKeys are the key patterns the packages list, such as
// "<p>:{u<id>}:conv".
func documentedKeys(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, f := range keyLists {
		b, err := os.ReadFile(filepath.Join("..", "..", f))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if m := keyPattern.FindStringSubmatch(line); m != nil {
				out = append(out, m[1])
			}
		}
	}
	return out
}

// keyRegexp matches the keys of pattern under prefix: each <name> is one
// or more characters other than ":" (a chat id in {u<id>} is digits).
func keyRegexp(prefix, pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	rest := strings.TrimPrefix(pattern, "<p>")
	b.WriteString(regexp.QuoteMeta(prefix))
	for rest != "" {
		i := strings.IndexByte(rest, '<')
		if i < 0 {
			b.WriteString(regexp.QuoteMeta(rest))
			break
		}
		b.WriteString(regexp.QuoteMeta(rest[:i]))
		j := strings.IndexByte(rest[i:], '>')
		b.WriteString(`[^:]+`)
		rest = rest[i+j+1:]
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// undocumented are the keys that match no documented pattern.
func undocumented(t *testing.T, prefix string, keys []string) []string {
	t.Helper()
	var res []*regexp.Regexp
	for _, p := range documentedKeys(t) {
		res = append(res, keyRegexp(prefix, p))
	}
	var out []string
	for _, k := range keys {
		if !slices.ContainsFunc(res, func(re *regexp.Regexp) bool { return re.MatchString(k) }) {
			out = append(out, k)
		}
	}
	return out
}

// The README's Privacy table, for a data-protection officer, lists every
// key the packages say they keep, and no key they do not.
func TestPrivacyTableListsEveryKey(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## Privacy\n")
	if !ok {
		t.Fatal("README has no Privacy section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var table []string
	rows := 0
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 7 || strings.HasPrefix(strings.TrimSpace(cells[1]), "---") || strings.TrimSpace(cells[1]) == "what is kept" {
			continue
		}
		rows++
		for i := 1; i <= 5; i++ {
			if strings.TrimSpace(cells[i]) == "" {
				t.Errorf("a row of the Privacy table leaves a column empty: %s", line)
			}
		}
		for _, m := range regexp.MustCompile("`(<p>:[^`]+)`").FindAllStringSubmatch(cells[2], -1) {
			table = append(table, m[1])
		}
	}
	docs := documentedKeys(t)
	if len(docs) < 30 || rows < 15 {
		t.Fatalf("%d documented keys, %d rows: the parsing is off", len(docs), rows)
	}
	for _, k := range docs {
		if !slices.Contains(table, k) {
			t.Errorf("%s is in the code's key lists but not in the README's Privacy table", k)
		}
	}
	for _, k := range table {
		if !slices.Contains(docs, k) {
			t.Errorf("the README's Privacy table lists %s, which no package's key list has", k)
		}
	}
}
