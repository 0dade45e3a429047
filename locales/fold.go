package locales

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// Fold makes typed text comparable with a label or a keyword, as the
// people we serve type on a phone: lower case by the language's rules
// (Turkish İ is i), without diacritics, harakat, tatweel, emoji, the "✓ "
// mark or punctuation; the Arabic letters that keyboards of Arabic, Dari
// and Pashto write differently (ي ی ى, ك ک, أ إ آ ا, ة ه) as one; every
// decimal digit (Arabic-Indic ٣٥, Persian ۳۵, full width) as ASCII; runs
// of space as one. "Klaar ✓" and "klaar", "Türkçe" and "turkce", "٣٥" and
// "35" fold alike.
func Fold(lang, s string) string {
	tag := language.Make(lang)
	if lang == "" {
		tag = language.Dutch
	}
	s = cases.Lower(tag).String(norm.NFKD.String(s))
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r), unicode.Is(unicode.Me, r), unicode.Is(unicode.Cf, r), r == 'ـ':
			continue // accents, harakat, RTL marks, tatweel
		case unicode.IsDigit(r):
			r = '0' + digitValue(r)
		case unicode.IsLetter(r):
			r = arabicLetter(r)
		case r == '\'' || r == '’' || r == '`':
			continue // "l'équipe", "ma'lumaad": the apostrophe is often left out
		default:
			// Space, punctuation, symbols and emoji all separate words.
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// Words is Fold(lang, s) cut into words.
func Words(lang, s string) []string { return strings.Fields(Fold(lang, s)) }

// arabicLetter writes the letters that Arabic, Dari and Pashto keyboards
// give different code points as one.
func arabicLetter(r rune) rune {
	switch r {
	case 'ي', 'ى', 'ې', 'ۍ', 'ئ':
		return 'ی'
	case 'ك':
		return 'ک'
	case 'أ', 'إ', 'آ', 'ٱ':
		return 'ا'
	case 'ة':
		return 'ه'
	case 'ؤ':
		return 'و'
	case 'ı':
		return 'i' // dotless i: Turkish typed without its keyboard
	}
	return r
}

// Digits writes every decimal digit of s (Arabic-Indic ٠٤٨٥, Persian
// ۰۴۸۵, full width) as ASCII and leaves the rest as it is, so that a
// number typed on an Arabic, Dari or Pashto keyboard reads as the same
// number ("٠٤٨٥ ١٢" is "0485 12") where Fold would take out the + or
// the spaces a phone number needs.
func Digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r > unicode.MaxASCII && unicode.IsDigit(r) {
			return '0' + digitValue(r)
		}
		return r
	}, s)
}

// digitValue is the value of a decimal digit in any script.
func digitValue(r rune) rune {
	for _, zero := range []rune{'0', '٠', '۰', '०', '০', '੦', '૦', '୦', '௦', '౦', '೦', '൦', '๐', '໐', '༠', '၀', '០', '᠐', '０'} {
		if r >= zero && r <= zero+9 {
			return r - zero
		}
	}
	return 0
}

// Keywords are the comma-separated phrases of message id in lang's own
// file, folded: the lists of what people type (yes, no, help, a language's
// names) that translators keep with the other texts. Empty when lang's
// file lacks the message: keyword lists do not fall back, a Dutch "nee"
// must not count as an Arabic answer unless the Arabic list says so.
func (c *Catalog) Keywords(lang, id string) []string {
	s, ok := c.own(lang, id, nil)
	if !ok {
		return nil
	}
	var out []string
	for _, k := range strings.Split(s, ",") {
		f := Fold(lang, k)
		if f == "" {
			f = Emoji(k) // 👍: a keyword without letters stays as it is
		}
		if f != "" {
			out = append(out, f)
		}
	}
	return out
}

// Emoji is s reduced to its symbols, for a message of emoji alone (👍),
// which Fold leaves empty: without space, variation selectors and skin
// tones, so that 👍🏽 and 👍️ count as 👍. "" when s holds letters or
// digits.
func Emoji(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r):
			return ""
		case unicode.IsSpace(r), r == '\uFE0F', r == '\uFE0E', r >= 0x1F3FB && r <= 0x1F3FF:
			continue
		case unicode.IsPunct(r):
			continue // "👍!"
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Distance is the number of runes to insert, delete or change to turn a
// into b (Levenshtein), for typo tolerance on short words.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Typos is how many typing mistakes a word of n runes may have and still
// count as the word: none below 5 runes (too many short words are one
// letter apart: menu and mens, stop and step), one up to 8, two from 9.
func Typos(n int) int {
	switch {
	case n < 5:
		return 0
	case n < 9:
		return 1
	}
	return 2
}
