package locales_test

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/werkwijzer/werkwijzer/locales"
)

// sourceIDs are the message ids of nl.toml.
func sourceIDs(t testing.TB) []string {
	t.Helper()
	buf, err := fs.ReadFile(locales.Files(), locales.Source+".toml")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := toml.Unmarshal(buf, &raw); err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 0, len(raw))
	for id := range raw {
		ids = append(ids, id)
	}
	return ids
}

func TestButtonsFit(t *testing.T) {
	c := locales.MustLoad()
	for _, l := range locales.Languages {
		t.Run(l.Code, func(t *testing.T) {
			for _, b := range c.ButtonLabels(l.Code) {
				if w, max := locales.Width(b.Text), b.Layout.Limit(); w > max {
					how := fmt.Sprintf("%d to a row", b.Layout.PerRow)
					if b.Layout.Mark {
						how += `, with "✓ "`
					}
					t.Errorf("%s %s %q: %d characters, at most %d (%s)", l.Code, b.ID, b.Text, w, max, how)
				}
			}
		})
	}
}

// TestButtonLabelsRenderAsShown guards TestButtonsFit against passing
// because nothing was rendered or rendered the wrong way.
func TestButtonLabelsRenderAsShown(t *testing.T) {
	got := map[string]locales.Label{}
	for _, b := range locales.MustLoad().ButtonLabels(locales.Source) {
		got[b.ID] = b
	}
	for id, want := range map[string]string{
		"opt_sec_construction": "✓ Bouw",
		"opt_sup_childcare":    "✓ Kinderopvang",
		"btn_edit(field_age)":  "✎ Leeftijd",
		"btn_cancel_n":         "❌ Annuleer 9",
		"opt_age_25_49":        "25 tot 49",
		"language_name":        "Nederlands",
	} {
		if got[id].Text != want {
			t.Errorf("%s rendered as %q, want %q", id, got[id].Text, want)
		}
	}
	if l := got["opt_sec_construction"].Layout; l.PerRow != 2 || !l.Mark || l.Limit() != 17 {
		t.Errorf("opt_sec_construction has layout %+v, limit %d; want two to a row with the mark, 17", l, l.Limit())
	}
	fields := 0
	for _, id := range sourceIDs(t) {
		if strings.HasPrefix(id, "field_") {
			fields++
			if _, ok := got["btn_edit("+id+")"]; !ok {
				t.Errorf("btn_edit is not rendered with %s", id)
			}
		}
	}
	if fields < 12 {
		t.Errorf("only %d field_* messages", fields)
	}
}

func TestEveryButtonHasALayout(t *testing.T) {
	ids := sourceIDs(t)
	notButtons := map[string]bool{"menu_title": true} // the menu's question
	for _, id := range ids {
		button := id == "language_name" || strings.HasPrefix(id, "btn_") || strings.HasPrefix(id, "opt_") || strings.HasPrefix(id, "menu_")
		if _, ok := locales.ButtonLayout(id); button && !notButtons[id] && !ok {
			t.Errorf("%s looks like a button but has no entry in locales.Buttons", id)
		} else if ok && notButtons[id] {
			t.Errorf("%s is no button but has a layout", id)
		}
	}
	for key := range locales.Buttons {
		used := false
		for _, id := range ids {
			used = used || id == key || strings.HasSuffix(key, "_") && strings.HasPrefix(id, key)
		}
		if !used {
			t.Errorf("locales.Buttons has %q, which names no message of nl.toml", key)
		}
	}
}

func TestButtonLayoutPrefersTheLongestEntry(t *testing.T) {
	for id, want := range map[string]locales.Layout{
		"opt_sec_port":        {PerRow: 2, Mark: true},
		"opt_age_u25":         {PerRow: 3},
		"btn_cancel_n":        {PerRow: 2},
		"btn_handover_cancel": {PerRow: 1},
	} {
		if got, ok := locales.ButtonLayout(id); !ok || got != want {
			t.Errorf("ButtonLayout(%s) = %+v, %v; want %+v", id, got, ok, want)
		}
	}
	if _, ok := locales.ButtonLayout("q_age"); ok {
		t.Error("q_age is a question, not a button")
	}
}

func TestWidthCountsWhatAReaderSees(t *testing.T) {
	for s, want := range map[string]int{
		"Bouw":                 4,
		"✓ Bouw":               6,
		"🙋 Praten":             8,
		"ℹ️":                   1, // with U+FE0F
		"🙋\u200D♀️":            1, // a joined emoji
		"👍🏽":                   1, // a skin tone
		"🇧🇪🇳🇱":                 2, // two flags
		"e\u0301":              1, // a combining accent
		"\u200F{{.Name}}":      9,
		"مَرْحَبًا":            5, // harakat take no place
		"ጤና ይስጥልኝ":             8,
		"می\u200cخواهید":       8, // the zero-width non-joiner of Dari
		"Подивитися":           10,
		"İstanbul'da çalışmak": 20,
	} {
		if got := locales.Width(s); got != want {
			t.Errorf("Width(%q) = %d, want %d", s, got, want)
		}
	}
}
