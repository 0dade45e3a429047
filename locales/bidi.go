package locales

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/bidi"
)

// The Unicode bidirectional isolates (UAX #9): text between LRI and PDI is
// laid out left to right as one unit, and the text around it treats the
// whole as one neutral character.
const (
	LRI = '\u2066' // left-to-right isolate
	RLI = '\u2067' // right-to-left isolate
	FSI = '\u2068' // first-strong isolate
	PDI = '\u2069' // pop directional isolate
)

// IsolateNumbers wraps every run of digits in s that reads as one number
// ("+32 485 12 34 56", "0800 30 700", "13:30", "2600", "15/12", "٠٤٨٥ ١٢")
// in LRI … PDI, so that a right-to-left text shows it in its own order: in
// Arabic, Dari and Pashto the groups of a phone number separated by spaces
// are otherwise laid out right to left ("700 30 0800"). A run may hold
// single spaces, '.', ':', '/' or '-' between digits, and a '+' in front.
// Digits that are part of a word, a link or a code ("WW-3F2A",
// "https://t.me/x?start=12", "10u") are left alone: an isolate inside a
// link would cut it. So is a number after left-to-right words on its line
// ("Frankrijklei 119, 2000 Antwerpen", "VDAB 0800 30 700"): the bidi
// algorithm lays it out with them, left to right, already (UAX #9, W7),
// and an address copied into a map stays plain. Text already inside an isolate is left as it is, so
// IsolateNumbers can be applied again to a text that holds another.
//
// The isolates are invisible and sit outside the number, so a number
// copied from the message is the number; Telegram's clients and browsers
// lay them out (a web chat message has dir="rtl"); Fold and Width drop
// them as format characters.
func IsolateNumbers(s string) string {
	if !strings.ContainsFunc(s, unicode.IsDigit) {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s) + 16)
	depth := 0
	afterLatin := false // the line's last strong character is left to right
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case r == LRI || r == RLI || r == FSI:
			depth++
		case r == PDI:
			depth = max(depth-1, 0)
		case depth == 0 && numberStart(rs, i):
			j := numberEnd(rs, i)
			if !afterLatin && numberAlone(rs, j) {
				b.WriteRune(LRI)
				b.WriteString(string(rs[i:j]))
				b.WriteRune(PDI)
			} else {
				b.WriteString(string(rs[i:j]))
			}
			i = j
			continue
		case depth == 0:
			switch p, _ := bidi.LookupRune(r); p.Class() {
			case bidi.L:
				afterLatin = true
			case bidi.R, bidi.AL, bidi.B:
				afterLatin = false
			}
		}
		b.WriteRune(r)
		i++
	}
	return b.String()
}

// numberStart reports whether a number begins at rs[i]: a digit or a '+'
// before one, not glued to the word, code or link before it.
func numberStart(rs []rune, i int) bool {
	r := rs[i]
	if !unicode.IsDigit(r) && (r != '+' || i+1 == len(rs) || !unicode.IsDigit(rs[i+1])) {
		return false
	}
	if i == 0 {
		return true
	}
	p := rs[i-1]
	switch {
	case wordRune(p), strings.ContainsRune("_-./@#&=?%~+", p):
		return false
	case p == ':':
		return i < 2 || !wordRune(rs[i-2]) // "x.org:8080" and "tel:03" are one word
	}
	return true
}

// numberEnd is the index after the number that begins at rs[i].
func numberEnd(rs []rune, i int) int {
	j := i
	if rs[j] == '+' {
		j++
	}
	for {
		for j < len(rs) && unicode.IsDigit(rs[j]) {
			j++
		}
		if j+1 < len(rs) && strings.ContainsRune(" \u00A0\u202F.:/-", rs[j]) && unicode.IsDigit(rs[j+1]) {
			j++
			continue
		}
		return j
	}
}

// numberAlone reports whether the number that ends before rs[j] stands on
// its own: no letter or digit glued to it, nor a link or address going on.
func numberAlone(rs []rune, j int) bool {
	if j == len(rs) {
		return true
	}
	r := rs[j]
	switch {
	case wordRune(r), r == '@':
		return false
	case strings.ContainsRune("./-_", r):
		return j+1 == len(rs) || !wordRune(rs[j+1])
	}
	return true
}

// wordRune is a rune that makes a word or a code: a letter, a digit or a
// mark.
func wordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}
