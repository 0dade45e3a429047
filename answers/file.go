// Package answers is the FAQ: the staff-editable file of questions
// jobseekers ask and their answers in every language (faq.yaml is the
// seed, with the source of every fact), its validation on import (the
// line and the reason), retrieval of the entry a question in the person's
// own words asks (Index), and its storage in Redis so that every instance
// answers from the file staff last imported. It implements faq.Retriever
// for the FAQ flow; it must not import Telegram or Slack packages.
//
// # Keys
//
// Under the caller's prefix, none naming a person:
//
//	<p>:faq   string  the imported file (JSON); replaced whole by an
//	                  import, no lifetime (staff data, like the partner
//	                  registry). Without it the embedded seed answers.
package answers

import (
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/werkwijzer/werkwijzer/locales"
)

//go:embed faq.yaml
var seed []byte

// Seed is the FAQ shipped with Werkwijzer, used until staff import one.
func Seed() *File {
	f, err := Parse(seed)
	if err != nil {
		panic("answers: faq.yaml: " + err.Error())
	}
	return f
}

// File is a FAQ as staff keep it.
type File struct {
	Entries []Entry `json:"entries"`
}

// Entry is one question people ask: its wordings per language, the answer
// per language, the flow it leads to, and where the answer's facts come
// from.
type Entry struct {
	ID string `json:"id"`
	// Flow is the button offered with the answer (one of Flows), or "".
	Flow      string              `json:"flow,omitempty"`
	Source    string              `json:"source"`
	Questions map[string][]string `json:"questions"`
	Answers   map[string]string   `json:"answers"`
}

// Flows are the buttons an answer may offer: the flows' own entries.
var Flows = []string{"coaching", "sessions", "appointments", "jobs", "profile", "mydata", "forget", "language", "person"}

// Required are the languages every entry must answer in; the others fall
// back to English, then Dutch, as the messages do (locales.Chain).
var Required = []string{locales.Source, "en"}

// LineError is a refused file: the line and the reason.
type LineError struct {
	Line   int
	Reason string
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

var idPattern = regexp.MustCompile(`^[a-z0-9_]{2,32}$`)

// Parse reads and checks a FAQ file; a file with a mistake is refused
// whole, with the line and the reason.
func Parse(data []byte) (*File, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, &LineError{1, "not YAML: " + err.Error()}
	}
	if len(root.Content) == 0 {
		return nil, &LineError{1, "the file is empty; want a list under entries:"}
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return nil, &LineError{doc.Line, "want a mapping with entries:"}
	}
	var list *yaml.Node
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if k := doc.Content[i]; k.Value != "entries" {
			return nil, &LineError{k.Line, fmt.Sprintf("unknown field %q; the file holds only entries:", k.Value)}
		}
		list = doc.Content[i+1]
	}
	if list == nil || list.Kind != yaml.SequenceNode || len(list.Content) == 0 {
		return nil, &LineError{doc.Line, "entries: must be a list of entries"}
	}
	f := &File{}
	seen := map[string]int{}
	for _, item := range list.Content {
		e, err := parseEntry(item)
		if err != nil {
			return nil, err
		}
		if l, dup := seen[e.ID]; dup {
			return nil, &LineError{item.Line, fmt.Sprintf("id %q is used twice (also on line %d)", e.ID, l)}
		}
		seen[e.ID] = item.Line
		f.Entries = append(f.Entries, e)
	}
	return f, nil
}

func parseEntry(item *yaml.Node) (Entry, error) {
	e := Entry{Questions: map[string][]string{}, Answers: map[string]string{}}
	if item.Kind != yaml.MappingNode {
		return e, &LineError{item.Line, "each entry is a mapping with id, source, questions and answers"}
	}
	has := map[string]bool{}
	for i := 0; i+1 < len(item.Content); i += 2 {
		k, v := item.Content[i], item.Content[i+1]
		has[k.Value] = true
		switch k.Value {
		case "id", "flow", "source":
			if v.Kind != yaml.ScalarNode || strings.TrimSpace(v.Value) == "" {
				return e, &LineError{v.Line, k.Value + " must be text"}
			}
			switch k.Value {
			case "id":
				if e.ID = v.Value; !idPattern.MatchString(e.ID) {
					return e, &LineError{v.Line, fmt.Sprintf("id %q: use 2 to 32 of a-z, 0-9 and _", e.ID)}
				}
			case "flow":
				if e.Flow = v.Value; !slices.Contains(Flows, e.Flow) {
					return e, &LineError{v.Line, fmt.Sprintf("flow %q is not one of %v", e.Flow, Flows)}
				}
			case "source":
				e.Source = trimmed(v.Value)
			}
		case "questions", "answers":
			if v.Kind != yaml.MappingNode {
				return e, &LineError{v.Line, k.Value + " must map language codes (nl, ar, ...) to texts"}
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				lk, lv := v.Content[j], v.Content[j+1]
				if !locales.Supported(lk.Value) {
					return e, &LineError{lk.Line, fmt.Sprintf("%q is not a language of Werkwijzer", lk.Value)}
				}
				if k.Value == "answers" {
					if lv.Kind != yaml.ScalarNode || trimmed(lv.Value) == "" {
						return e, &LineError{lv.Line, "the answer in " + lk.Value + " is empty"}
					}
					e.Answers[lk.Value] = trimmed(lv.Value)
					continue
				}
				if lv.Kind != yaml.SequenceNode || len(lv.Content) == 0 {
					return e, &LineError{lv.Line, "the questions in " + lk.Value + " must be a list of at least one wording"}
				}
				for _, q := range lv.Content {
					if q.Kind != yaml.ScalarNode || trimmed(q.Value) == "" {
						return e, &LineError{q.Line, "a question in " + lk.Value + " is empty"}
					}
					e.Questions[lk.Value] = append(e.Questions[lk.Value], trimmed(q.Value))
				}
			}
		default:
			return e, &LineError{k.Line, fmt.Sprintf("unknown field %q (want id, source, flow, questions, answers)", k.Value)}
		}
	}
	for _, f := range []string{"id", "source", "questions", "answers"} {
		if !has[f] {
			return e, &LineError{item.Line, "missing " + f}
		}
	}
	for _, l := range Required {
		if e.Answers[l] == "" {
			return e, &LineError{item.Line, fmt.Sprintf("entry %s has no answer in %s", e.ID, l)}
		}
	}
	if len(e.Questions[locales.Source]) == 0 {
		return e, &LineError{item.Line, fmt.Sprintf("entry %s has no question in %s", e.ID, locales.Source)}
	}
	return e, nil
}

// Answer is e's answer in lang, else in English, else in Dutch.
func (e *Entry) Answer(lang string) string {
	for _, l := range locales.Chain(lang) {
		if a := e.Answers[l]; a != "" {
			return a
		}
	}
	return ""
}
