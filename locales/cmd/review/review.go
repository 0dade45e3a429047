package main

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/werkwijzer/werkwijzer/locales"
)

// formOrder is the order of CLDR plural forms in a message.
var formOrder = []string{"zero", "one", "two", "few", "many", "other"}

// message is one message as goi18n writes it: description, hash and forms.
type message map[string]string

// goi18nMerge runs `goi18n merge` on files (name → content) with Dutch as
// the source, and returns what it made of code: the active messages
// (translated, and for a review file only those whose hash matches the
// Dutch of now) and those still to translate.
func goi18nMerge(files map[string][]byte, code string) (active, translate map[string]message, err error) {
	tmp, err := os.MkdirTemp("", "werkwijzer-review-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(tmp)
	in, out := filepath.Join(tmp, "in"), filepath.Join(tmp, "out")
	if err := os.Mkdir(in, 0o755); err != nil {
		return nil, nil, err
	}
	if err := os.Mkdir(out, 0o755); err != nil {
		return nil, nil, err
	}
	args := []string{"tool", "goi18n", "merge", "-sourceLanguage", locales.Source, "-outdir", out}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		p := filepath.Join(in, name)
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return nil, nil, err
		}
		args = append(args, p)
	}
	cmd := exec.Command("go", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, nil, fmt.Errorf("goi18n merge: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	read := func(label string) (map[string]message, error) {
		// goi18n names its files after the language tag it parsed.
		name := fmt.Sprintf("%s.%s.toml", label, code)
		buf, err := os.ReadFile(filepath.Join(out, name))
		if os.IsNotExist(err) {
			return map[string]message{}, nil
		}
		if err != nil {
			return nil, err
		}
		m := map[string]message{}
		if err := toml.Unmarshal(buf, &m); err != nil {
			return nil, fmt.Errorf("goi18n's %s: %v", name, err)
		}
		return m, nil
	}
	if active, err = read("active"); err != nil {
		return nil, nil, err
	}
	if translate, err = read("translate"); err != nil {
		return nil, nil, err
	}
	return active, translate, nil
}

// texts parses a message file into id → key → string.
func texts(buf []byte) (map[string]message, error) {
	var raw map[string]map[string]any
	if err := toml.Unmarshal(buf, &raw); err != nil {
		return nil, err
	}
	out := map[string]message{}
	for id, m := range raw {
		out[id] = message{}
		for k, v := range m {
			if s, ok := v.(string); ok {
				out[id][k] = s
			}
		}
	}
	return out, nil
}

func forms(m message) message {
	out := message{}
	for _, f := range formOrder {
		if s, ok := m[f]; ok {
			out[f] = s
		}
	}
	return out
}

func checkCode(code string) error {
	if code == locales.Source {
		return fmt.Errorf("%s is the source: a Dutch reviewer reads and corrects %s.toml itself", code, code)
	}
	if !locales.Supported(code) {
		return fmt.Errorf("%q is not one of locales.Languages", code)
	}
	return nil
}

// export writes the review file of code into outDir and returns its path.
func export(dir, code, outDir string) (string, error) {
	if err := checkCode(code); err != nil {
		return "", err
	}
	nlBuf, err := os.ReadFile(filepath.Join(dir, locales.Source+".toml"))
	if err != nil {
		return "", err
	}
	langBuf, err := os.ReadFile(filepath.Join(dir, code+".toml"))
	if err != nil && !os.IsNotExist(err) {
		return "", err
	}
	active, translate, err := goi18nMerge(map[string][]byte{locales.Source + ".toml": nlBuf, code + ".toml": langBuf}, code)
	if err != nil {
		return "", err
	}
	order, err := scan(string(nlBuf))
	if err != nil {
		return "", fmt.Errorf("%s.toml: %v", locales.Source, err)
	}
	nl, err := texts(nlBuf)
	if err != nil {
		return "", err
	}
	en := map[string]message{}
	if code != "en" {
		if buf, err := os.ReadFile(filepath.Join(dir, "en.toml")); err == nil {
			if en, err = texts(buf); err != nil {
				return "", fmt.Errorf("en.toml: %v", err)
			}
		}
	}
	name := code
	if cat, err := locales.LoadFS(os.DirFS(dir)); err == nil {
		name = cat.Name(code)
	}

	var b strings.Builder
	b.WriteString(header(dir, code, name))
	for _, t := range order {
		for _, c := range t.comment {
			b.WriteString("\n" + c + "\n")
		}
		m, todo := active[t.id], false
		if m == nil {
			m, todo = translate[t.id], true
		}
		if m == nil {
			continue
		}
		fmt.Fprintf(&b, "\n[%s]\n", t.id)
		comment(&b, "nl", nl[t.id])
		comment(&b, "en", en[t.id])
		if note := widthNote(t.id); note != "" {
			b.WriteString("# " + note + "\n")
		}
		if todo {
			fmt.Fprintf(&b, "# TO TRANSLATE: write the text in %s between the quotes that are empty.\n", name)
		}
		if d := m["description"]; d != "" {
			b.WriteString("description = " + quote(d, false, true) + "\n")
		}
		b.WriteString("hash = " + quote(m["hash"], false, true) + "\n")
		for _, f := range formOrder {
			s, ok := m[f]
			if !ok {
				continue
			}
			if todo && (s == nl[t.id][f] || s == nl[t.id]["other"]) {
				s = "" // goi18n offers the Dutch; empty, a form left alone is not taken back as if translated
			}
			b.WriteString(f + " = " + quote(s, strings.Contains(s, "\n"), true) + "\n")
		}
	}
	path := filepath.Join(outDir, "werkwijzer."+code+".toml")
	return path, os.WriteFile(path, []byte(b.String()), 0o644)
}

func header(dir, code, name string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `# Werkwijzer: the messages in %s (%s), for review by a native speaker.
# Made by goi18n merge from nl.toml (the Dutch source) and %s.toml. How to review: REVIEW.md.
#
# - Change only the texts after "other =" (and "one =", "few =" ... where a number is counted).
# - Keep every {{.Placeholder}} exactly as it is, and the quotes around the text.
# - Lines that begin with # show the Dutch (nl) and the English (en): they are not sent back.
# - Leave "description" and "hash" as they are: the hash says which Dutch text you reviewed.
# - \n is a new line inside a text on one line. Write \" for a " inside a text.
`, name, code, code)
	if locales.IsRTL(code) {
		b.WriteString(`# - \u200F is an invisible right-to-left mark. A line that begins with a {{.Placeholder}}
#   must begin with \u200F: keep it, and add it where you make a line begin with one.
`)
	}
	b.WriteString("#\n# The words to use (from GLOSSARY.md):\n")
	section := glossarySection(dir, code)
	if strings.TrimSpace(section) == "" {
		section = "(not filled in yet: agree on the words with the maintainer)"
	}
	for _, line := range strings.Split(strings.TrimSpace(section), "\n") {
		b.WriteString(strings.TrimRight("#   "+line, " ") + "\n")
	}
	return b.String()
}

// glossarySection is the text under "## <code>" in GLOSSARY.md.
func glossarySection(dir, code string) string {
	buf, err := os.ReadFile(filepath.Join(dir, "GLOSSARY.md"))
	if err != nil {
		return ""
	}
	_, rest, ok := strings.Cut("\n"+string(buf), "\n## "+code+"\n")
	if !ok {
		return ""
	}
	if i := strings.Index(rest, "\n## "); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

func comment(b *strings.Builder, lang string, m message) {
	for _, f := range formOrder {
		s, ok := m[f]
		if !ok {
			continue
		}
		label := lang
		if len(forms(m)) > 1 {
			label += " (" + f + ")"
		}
		for i, line := range strings.Split(s, "\n") {
			if i == 0 {
				fmt.Fprintf(b, "# %s: %s\n", label, line)
			} else {
				fmt.Fprintf(b, "# %s  %s\n", strings.Repeat(" ", len(label)), line)
			}
		}
	}
}

// widthNote tells a reviewer how wide a button may be.
func widthNote(id string) string {
	if strings.HasPrefix(id, "field_") {
		return `Also on a button as "✎ " and this name, two to a row: at most 15 characters.`
	}
	l, ok := locales.ButtonLayout(id)
	if !ok {
		return ""
	}
	where := map[int]string{1: "alone on its row", 2: "two to a row", 3: "three to a row"}[l.PerRow]
	switch {
	case id == "btn_edit":
		return fmt.Sprintf(`Button, %s: "✎ " and a field name (field_*). Keep the ✎.`, where)
	case l.Mark:
		return fmt.Sprintf(`Button, %s: at most %d characters (a "✓ " is put in front when chosen).`, where, l.Limit()-locales.Width(locales.Mark))
	}
	return fmt.Sprintf("Button, %s: at most %d characters (an emoji counts as one).", where, l.Limit())
}

// edit replaces text[start:end] with s; an insertion has start == end.
type edit struct {
	start, end int
	s          string
}

// importReview takes the review file back into dir/<code>.toml and reports
// what it did. It writes nothing when the result would have a problem
// (locales.Check) the file did not have before.
func importReview(dir, code, file string) (string, error) {
	if err := checkCode(code); err != nil {
		return "", err
	}
	returned, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	// An editor on Windows may have saved it with CRLF: the texts have LF.
	returned = bytes.ReplaceAll(returned, []byte("\r\n"), []byte("\n"))
	nlBuf, err := os.ReadFile(filepath.Join(dir, locales.Source+".toml"))
	if err != nil {
		return "", err
	}
	// The name carries the language for goi18n, whatever the reviewer
	// called the file.
	active, _, err := goi18nMerge(map[string][]byte{locales.Source + ".toml": nlBuf, "review." + code + ".toml": returned}, code)
	if err != nil {
		return "", err
	}
	sent, err := texts(returned)
	if err != nil {
		return "", fmt.Errorf("%s: %v", file, err)
	}
	nlOrder, err := scan(string(nlBuf))
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, code+".toml")
	oldBuf, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	old := string(oldBuf)
	tables, err := scan(old)
	if err != nil {
		return "", fmt.Errorf("%s: %v", path, err)
	}
	byID := map[string]*table{}
	for _, t := range tables {
		byID[t.id] = t
	}
	oldMsgs, err := texts(oldBuf)
	if err != nil {
		return "", err
	}

	var edits []edit
	var changed, added, dropped []string
	want := map[string]message{} // id → forms after the import, for the check below
	for id, m := range oldMsgs {
		want[id] = maps.Clone(m)
	}
	for i, nt := range nlOrder {
		id := nt.id
		a := active[id]
		if a == nil {
			for _, s := range forms(sent[id]) {
				if s != "" {
					dropped = append(dropped, id) // goi18n left it out: its hash is not the Dutch of now
					break
				}
			}
			continue
		}
		if t := byID[id]; t != nil {
			for _, f := range formOrder {
				s, ok := a[f]
				if !ok || oldMsgs[id][f] == s {
					continue
				}
				if sp, ok := t.keys[f]; ok {
					edits = append(edits, edit{sp.start, sp.end, requote(old[sp.start:sp.end], s)})
				} else {
					edits = append(edits, edit{t.end, t.end, "\n" + f + " = " + quote(s, strings.Contains(s, "\n"), true)})
				}
				want[id][f] = s
				changed = append(changed, id+"."+f)
			}
			continue
		}
		// A message the file lacks goes after the one nl.toml has before it.
		at := len(old)
		for j := i - 1; j >= 0; j-- {
			if t := byID[nlOrder[j].id]; t != nil {
				at = t.end
				break
			}
		}
		var block strings.Builder
		fmt.Fprintf(&block, "\n\n[%s]", id)
		want[id] = message{}
		for _, f := range formOrder {
			if s, ok := a[f]; ok {
				block.WriteString("\n" + f + " = " + quote(s, strings.Contains(s, "\n"), true))
				want[id][f] = s
			}
		}
		edits = append(edits, edit{at, at, block.String()})
		added = append(added, id)
	}
	var unknown []string
	for id := range sent {
		if !slices.ContainsFunc(nlOrder, func(t *table) bool { return t.id == id }) {
			unknown = append(unknown, id)
		}
	}
	sort.Strings(unknown)

	// Apply from the end, so that earlier offsets still hold; insertions at
	// one place keep the order of nl.toml.
	idx := make([]int, len(edits))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(x, y int) bool {
		a, b := edits[idx[x]], edits[idx[y]]
		if a.start != b.start {
			return a.start > b.start
		}
		return idx[x] > idx[y]
	})
	text := old
	for _, i := range idx {
		e := edits[i]
		text = text[:e.start] + e.s + text[e.end:]
	}

	// The file must now read as the old one with exactly these changes.
	got, err := texts([]byte(text))
	if err != nil {
		return "", fmt.Errorf("the edited %s would not parse (a bug of this tool; nothing written): %v", path, err)
	}
	if !reflect.DeepEqual(got, want) {
		return "", fmt.Errorf("the edited %s does not hold exactly the reviewed changes (a bug of this tool; nothing written)", path)
	}
	if problems := newProblems(dir, code, text); len(problems) > 0 {
		return "", fmt.Errorf("nothing written: the reviewed file would bring these problems to %s:\n  %s", path, strings.Join(problems, "\n  "))
	}
	if text != old {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			return "", err
		}
	}

	var r strings.Builder
	fmt.Fprintf(&r, "%s: %d texts changed, %d messages added\n", path, len(changed), len(added))
	list := func(what string, ids []string) {
		if len(ids) > 0 {
			fmt.Fprintf(&r, "%s:\n  %s\n", what, strings.Join(ids, "\n  "))
		}
	}
	list("changed", changed)
	list("added", added)
	list("not taken, the Dutch changed since the export (export again and ask for these)", dropped)
	list("not taken, no such message in nl.toml", unknown)
	var todo []string
	for _, t := range nlOrder {
		if _, ok := want[t.id]; !ok {
			todo = append(todo, t.id)
		}
	}
	list("still to translate (left empty)", todo)
	return r.String(), nil
}

// newProblems are the problems locales.Check finds for code with text as
// its file that it does not find now.
func newProblems(dir, code, text string) []string {
	tmp, err := os.MkdirTemp("", "werkwijzer-check-")
	if err != nil {
		return []string{err.Error()}
	}
	defer os.RemoveAll(tmp)
	names, _ := filepath.Glob(filepath.Join(dir, "*.toml"))
	for _, n := range names {
		buf, err := os.ReadFile(n)
		if err != nil {
			return []string{err.Error()}
		}
		if filepath.Base(n) == code+".toml" {
			buf = []byte(text)
		}
		if err := os.WriteFile(filepath.Join(tmp, filepath.Base(n)), buf, 0o644); err != nil {
			return []string{err.Error()}
		}
	}
	before := map[string]bool{}
	for _, p := range locales.Check(os.DirFS(dir)) {
		before[p] = true
	}
	var out []string
	for _, p := range locales.Check(os.DirFS(tmp)) {
		if !before[p] && (strings.HasPrefix(p, code+":") || strings.Contains(p, code+".toml")) {
			out = append(out, p)
		}
	}
	return out
}
