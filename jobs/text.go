package jobs

import (
	"strings"
	_ "time/tzdata" // Europe/Brussels must load on machines without zoneinfo
	"unicode"

	"golang.org/x/net/html"

	"github.com/werkwijzer/werkwijzer/clock"
)

var brussels = clock.Brussels

// blocks are the elements after which text goes on a new line.
var blocks = map[string]bool{"p": true, "br": true, "div": true, "li": true, "ul": true, "ol": true, "tr": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "section": true, "article": true, "table": true}

// PlainText reduces HTML (as job boards put in descriptions) to the plain
// text a chat shows: tags gone, entities decoded, list items as bullets,
// block elements as line breaks, runs of space folded; scripts and styles
// dropped whole. Text without tags comes back tidied.
func PlainText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	skip := 0
	newline := func() {
		out := b.String()
		if out != "" && !strings.HasSuffix(out, "\n") {
			b.WriteString("\n")
		}
	}
	for {
		switch z.Next() {
		case html.ErrorToken:
			return tidy(b.String())
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			tag := string(name)
			switch {
			case tag == "script" || tag == "style":
				skip++
			case tag == "li":
				newline()
				b.WriteString("• ")
			case blocks[tag]:
				newline()
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if (tag == "script" || tag == "style") && skip > 0 {
				skip--
			} else if blocks[tag] {
				newline()
			}
		case html.TextToken:
			if skip == 0 {
				raw := string(z.Text())
				b.WriteString(spaceAround(raw, true) + strings.Join(strings.Fields(raw), " ") + spaceAround(raw, false))
			}
		}
	}
}

// spaceAround keeps one space where raw text began (before) or ended with
// white space, so that "een <b>metselaar</b> voor" keeps its words apart.
func spaceAround(raw string, before bool) string {
	trimmed := strings.TrimRight(raw, " \t\r\n")
	if before {
		trimmed = strings.TrimLeft(raw, " \t\r\n")
	}
	if trimmed != raw {
		return " "
	}
	return ""
}

// tidy folds spaces within lines and drops empty lines.
func tidy(s string) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// Line reduces feed text that a card shows on one line (a title, an
// employer, a place, a contact) to safe plain text: HTML reduced to its
// text ("<b>Evil</b>" is "Evil"), line breaks and runs of space folded to
// one space, and the controls that change the direction of text or hide
// what follows removed. Telegram and Slack show text without markup, so
// this is all that stands between a feed and the card.
func Line(s string) string {
	return strings.Join(strings.Fields(Safe(PlainText(s))), " ")
}

// Safe removes from plain text the characters that reorder or hide text
// when it is shown: the bidirectional embeddings, overrides and isolates
// (U+202A–U+202E, U+2066–U+2069), the direction marks (U+200E, U+200F,
// U+061C) and other control characters but the line break. A feed has no
// business with any of them, and U+202E turns "exe.txt" into "txt.exe"
// in Telegram and in Slack.
func Safe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F, r == 0x061C:
			return -1
		case r == '\t' || r == '\r':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}
