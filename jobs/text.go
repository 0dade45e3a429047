package jobs

import (
	"strings"
	_ "time/tzdata" // Europe/Brussels must load on machines without zoneinfo

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
