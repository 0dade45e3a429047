package main

import (
	"fmt"
	"regexp"
	"strings"
)

// The message files are written by hand and grouped by flow, with
// multi-line texts, so the import edits them as text: it replaces the
// literal of one value and leaves every other byte alone. This is the
// small part of TOML those files use: comments, [table] headers and
// key = "string" lines.

// table is one [id] table of a message file.
type table struct {
	id      string
	comment []string        // "# --- ... ---" lines right above the header
	keys    map[string]span // key → its string literal
	order   []string        // keys in file order
	end     int             // end of the line of the table's last value
}

// span is where a string literal sits in the text, quotes included.
type span struct{ start, end int }

// scan lists the tables of a message file in file order.
func scan(text string) ([]*table, error) {
	var tables []*table
	var comments []string
	pos := 0
	line := func() int { return strings.Count(text[:pos], "\n") + 1 }
	for pos < len(text) {
		switch c := text[pos]; {
		case c == ' ' || c == '\t' || c == '\r':
			pos++
		case c == '\n':
			pos++
		case c == '#':
			end := lineEnd(text, pos)
			if strings.HasPrefix(text[pos:end], "# ---") {
				comments = append(comments, strings.TrimRight(text[pos:end], " \r"))
			}
			pos = end
		case c == '[':
			end := lineEnd(text, pos)
			h := strings.TrimSpace(text[pos:end])
			if i := strings.Index(h, "#"); i >= 0 {
				h = strings.TrimSpace(h[:i])
			}
			if !strings.HasSuffix(h, "]") || strings.HasPrefix(h, "[[") {
				return nil, fmt.Errorf("line %d: cannot read the table header %q", line(), h)
			}
			id := strings.Trim(strings.TrimSpace(h[1:len(h)-1]), `"'`)
			tables = append(tables, &table{id: id, comment: comments, keys: map[string]span{}, end: end})
			comments = nil
			pos = end
		default:
			eq := strings.IndexByte(text[pos:], '=')
			if eq < 0 || strings.Contains(text[pos:pos+eq], "\n") {
				return nil, fmt.Errorf("line %d: expected key = value", line())
			}
			key := strings.Trim(strings.TrimSpace(text[pos:pos+eq]), `"'`)
			pos += eq + 1
			for pos < len(text) && (text[pos] == ' ' || text[pos] == '\t') {
				pos++
			}
			start := pos
			end, err := literalEnd(text, pos)
			if err != nil {
				return nil, fmt.Errorf("line %d: %s: %v", line(), key, err)
			}
			pos = lineEnd(text, end)
			if len(tables) == 0 {
				continue // a key before the first table: not a message
			}
			t := tables[len(tables)-1]
			t.keys[key] = span{start, end}
			t.order = append(t.order, key)
			t.end = pos
		}
	}
	return tables, nil
}

func lineEnd(text string, pos int) int {
	if i := strings.IndexByte(text[pos:], '\n'); i >= 0 {
		return pos + i
	}
	return len(text)
}

// literalEnd is the end of the string literal that starts at pos.
func literalEnd(text string, pos int) (int, error) {
	rest := text[pos:]
	closeAt := func(from int, delim string, escapes bool) (int, error) {
		for i := from; i < len(text); i++ {
			if escapes && text[i] == '\\' {
				i++
				continue
			}
			if strings.HasPrefix(text[i:], delim) {
				end := i + len(delim)
				// """a"""" ends with a quote of the content: up to two more.
				for n := 0; len(delim) == 3 && n < 2 && end < len(text) && text[end] == delim[0]; n++ {
					end++
				}
				return end, nil
			}
			if len(delim) == 1 && text[i] == '\n' {
				break
			}
		}
		return 0, fmt.Errorf("unterminated string")
	}
	switch {
	case strings.HasPrefix(rest, `"""`):
		return closeAt(pos+3, `"""`, true)
	case strings.HasPrefix(rest, `'''`):
		return closeAt(pos+3, `'''`, false)
	case strings.HasPrefix(rest, `"`):
		return closeAt(pos+1, `"`, true)
	case strings.HasPrefix(rest, `'`):
		return closeAt(pos+1, `'`, false)
	}
	// Not a string (a number, a boolean): up to the end of the line.
	end := lineEnd(text, pos)
	if i := strings.IndexByte(text[pos:end], '#'); i >= 0 {
		end = pos + i
	}
	return end, nil
}

// bidiEscape matches an escaped bidirectional control in a literal.
var bidiEscape = regexp.MustCompile(`(?i)\\u(200[ef]|061c|202[a-e]|206[6-9])`)

// isBidi reports the invisible controls that set the direction of text: a
// reviewer must see them, so the review file writes them as \uXXXX.
func isBidi(r rune) bool {
	return r == '\u200E' || r == '\u200F' || r == '\u061C' || r >= '\u202A' && r <= '\u202E' || r >= '\u2066' && r <= '\u2069'
}

// quote writes s as a TOML basic string: multi-line (""") when multiline,
// else on one line with \n; bidirectional controls as \uXXXX when escBidi.
func quote(s string, multiline, escBidi bool) string {
	var b strings.Builder
	if multiline {
		b.WriteString(`"""`)
		if strings.HasPrefix(s, "\n") {
			b.WriteByte('\n') // the first newline after """ is not part of the text
		}
	} else {
		b.WriteByte('"')
	}
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '"':
			b.WriteString(`\"`)
		case r == '\n' && multiline:
			b.WriteByte('\n')
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		case escBidi && isBidi(r):
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	if multiline {
		b.WriteString(`"""`)
	} else {
		b.WriteByte('"')
	}
	return b.String()
}

// requote writes s in the style of the literal it replaces: multi-line if
// that was multi-line (or s now needs lines and it was), bidirectional
// controls escaped if that had them escaped or had none raw.
func requote(old, s string) string {
	multiline := strings.HasPrefix(old, `"""`) || strings.HasPrefix(old, `'''`)
	escBidi := bidiEscape.MatchString(old) || !strings.ContainsFunc(old, isBidi)
	return quote(s, multiline, escBidi)
}
