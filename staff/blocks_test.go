package staff_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/werkwijzer/werkwijzer/staff"
)

// Slack rejects a section of more than 10 fields and a header of more than
// 150 characters; a rejected message would stay queued forever.
func TestBlocksKeepSlackLimits(t *testing.T) {
	n := staff.Notification{Kind: staff.Kind(strings.Repeat("x", 200)), ChatRef: "r", Lang: "ps"}
	for i := range 23 {
		n.Fields = append(n.Fields, staff.Field{Label: fmt.Sprintf("L%d", i), Value: strings.Repeat("v", 3000)})
	}
	bs := staff.Blocks(n)
	if got := utf8.RuneCountInString(header(bs)); got > 150 {
		t.Errorf("header: got %d characters, want at most 150", got)
	}
	var sections, fields int
	for _, b := range bs {
		if s, ok := b.(*slack.SectionBlock); ok {
			sections++
			if len(s.Fields) > 10 {
				t.Errorf("section with %d fields, want at most 10", len(s.Fields))
			}
			for _, f := range s.Fields {
				fields++
				if c := utf8.RuneCountInString(f.Text); c > 2000 {
					t.Errorf("field of %d characters, want at most 2000", c)
				}
			}
		}
	}
	if sections != 3 || fields != 23 {
		t.Errorf("got %d sections with %d fields, want 3 with 23", sections, fields)
	}
}

func TestStaffRepliesReadAsPlainText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Kom morgen om 10u", "Kom morgen om 10u"},
		{"Zie <https://www.vdab.be|de VDAB-site>", "Zie de VDAB-site (https://www.vdab.be)"},
		{"<https://antwerpen.be>", "https://antwerpen.be"},
		{"Mail <mailto:werk@antwerpen.be|werk@antwerpen.be>", "Mail werk@antwerpen.be"},
		{"<@U123> zegt: 5 &lt; 6 &amp; 7 &gt; 3", "zegt: 5 < 6 & 7 > 3"},
		{"  /done  ", "/done"},
	} {
		if got := staff.Plain(tc.in); got != tc.want {
			t.Errorf("Plain(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
