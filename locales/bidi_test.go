package locales_test

import (
	"slices"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/bidi"

	"github.com/werkwijzer/werkwijzer/locales"
)

// visual is text as a right-to-left reader's screen shows it, left to
// right, line by line, by the Unicode bidi algorithm (the one Telegram's
// clients and browsers follow), without the invisible format characters.
// The runs of an Ordering are either at the paragraph's level (1, right to
// left) or one above (2, left to right), so the line shows its runs in
// reverse, each right-to-left run reversed in itself.
func visual(t *testing.T, text string) string {
	t.Helper()
	var lines []string
	for _, line := range strings.Split(text, "\n") {
		var p bidi.Paragraph
		if _, err := p.SetString(line, bidi.DefaultDirection(bidi.RightToLeft)); err != nil {
			t.Fatal(err)
		}
		o, err := p.Order()
		if err != nil {
			t.Fatal(err)
		}
		var runs []string
		for i := range o.NumRuns() {
			r := o.Run(i)
			s := r.String()
			if r.Direction() == bidi.RightToLeft {
				s = bidi.ReverseString(s)
			}
			runs = append(runs, s)
		}
		slices.Reverse(runs)
		lines = append(lines, strings.Map(func(r rune) rune {
			if unicode.Is(unicode.Cf, r) {
				return -1
			}
			return r
		}, strings.Join(runs, "")))
	}
	return strings.Join(lines, "\n")
}

// The reader of Arabic, Dari or Pashto sees a phone number, a time and a
// postcode in their own order: "0800 30 700", not "700 30 0800".
func TestNumbersKeepTheirOrderInRightToLeftText(t *testing.T) {
	c := locales.MustLoad()
	for _, l := range locales.Languages {
		if !l.RTL {
			continue
		}
		for _, tc := range []struct {
			id   string
			data map[string]any
			want []string
		}{
			{"office_none", nil, []string{"0800 30 700"}},
			{"phone_saved", map[string]any{"Phone": "+32 485 12 34 56", "Coach": "Yusuf"}, []string{"+32 485 12 34 56"}},
			{"bad_phone", nil, []string{"0470 12 34 56", "+32 470 12 34 56"}},
			{"slot_line", map[string]any{"N": 1, "Date": "25", "Time": "13:30", "Place": "Haven 100, 2030 Antwerpen"},
				[]string{"13:30", "Haven 100, 2030 Antwerpen"}},
		} {
			text := c.T(l.Code, tc.id, tc.data)
			got := visual(t, text)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("%s %s shows %q, want %q in it in this order; text %+q", l.Code, tc.id, got, w, text)
				}
			}
		}
	}
}

// The texts of left-to-right languages are left as they are.
func TestNumbersInLeftToRightTextAreLeftAlone(t *testing.T) {
	c := locales.MustLoad()
	if got, want := c.T("en", "phone_saved", map[string]any{"Phone": "+32 485 12 34 56", "Coach": "Yusuf"}),
		"Thank you! Coach Yusuf will call you on +32 485 12 34 56."; !strings.Contains(got, "+32 485 12 34 56") || strings.ContainsAny(got, "\u2066\u2069") {
		t.Errorf("en phone_saved: %+q, want it without isolates (%q)", got, want)
	}
}

func TestIsolateNumbers(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"على الرقم 0800 30 700.", "على الرقم \u20660800 30 700\u2069."},
		{"على الرقم +32 485 12 34 56.", "على الرقم \u2066+32 485 12 34 56\u2069."},
		{"الساعة 13:30، 25/12", "الساعة \u206613:30\u2069، \u206625/12\u2069"},
		{"رقم ٠٤٨٥ ١٢ ٣٤", "رقم \u2066٠٤٨٥ ١٢ ٣٤\u2069"},
		{"\u200F1. الأول", "\u200F\u20661\u2069. الأول"},
		{"الفئة 25-49", "الفئة \u206625-49\u2069"},
		{"📞 03 338 00 00", "📞 \u206603 338 00 00\u2069"},
		// After Latin words the algorithm already keeps it left to right.
		{"📍 Frankrijklei 119, 2000 Antwerpen", "📍 Frankrijklei 119, 2000 Antwerpen"},
		// A new line starts afresh.
		{"Antwerpen\n0800 30 700", "Antwerpen\n\u20660800 30 700\u2069"},
		// Part of a link, a code or a word: left alone.
		{"افتح https://t.me/werkwijzer_bot?start=12ab", "افتح https://t.me/werkwijzer_bot?start=12ab"},
		{"افتح example.org:8080/x", "افتح example.org:8080/x"},
		{"المرجع WW-3F2A", "المرجع WW-3F2A"},
		{"الرمز ا12", "الرمز ا12"},
		{"الرمز 12ب", "الرمز 12ب"},
		{"بريد 12@example.org", "بريد 12@example.org"},
		// Already isolated (a placeholder's value): not again.
		{"الرقم \u20660800 30 700\u2069.", "الرقم \u20660800 30 700\u2069."},
		{"لا أرقام", "لا أرقام"},
		{"العدد 5+", "العدد \u20665\u2069+"},
	} {
		if got := locales.IsolateNumbers(tc.in); got != tc.want {
			t.Errorf("IsolateNumbers(%+q) = %+q, want %+q", tc.in, got, tc.want)
		}
		if again := locales.IsolateNumbers(tc.want); again != tc.want {
			t.Errorf("IsolateNumbers is not idempotent on %+q: %+q", tc.want, again)
		}
	}
}
