package handover

import (
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxText is the longest text Telegram takes in one message: 4,096
// characters as Telegram counts them, in UTF-16 code units
// (core.telegram.org/bots/api#sendmessage), so an emoji counts twice. A
// longer text is refused whole, so a staff member's long answer is sent
// in parts.
const MaxText = 4096

func units(s string) int { return len(utf16.Encode([]rune(s))) }

// split cuts text into parts of at most limit UTF-16 code units each: at
// the last paragraph break that fits, else at the last end of a sentence,
// else between two words, and inside a word only when a word alone is
// longer than limit. The parts keep their order and, put together, every
// word of text.
func split(text string, limit int) []string {
	text = strings.TrimSpace(text)
	var parts []string
	for units(text) > limit {
		window := prefix(text, limit)
		cut := lastBreak(window)
		if cut <= 0 {
			cut = len(window) // one word longer than a message
		}
		if p := strings.TrimSpace(text[:cut]); p != "" {
			parts = append(parts, p)
		}
		text = strings.TrimSpace(text[cut:])
	}
	if text != "" {
		parts = append(parts, text)
	}
	return parts
}

// prefix is the longest start of s of at most limit UTF-16 code units,
// ending between two runes.
func prefix(s string, limit int) string {
	n := 0
	for i, r := range s {
		w := utf16.RuneLen(r)
		if w < 0 {
			w = 1
		}
		if n+w > limit {
			return s[:i]
		}
		n += w
	}
	return s
}

// lastBreak is where in window to cut: after its last paragraph break,
// else after its last sentence end, else at its last space; 0 for none.
func lastBreak(window string) int {
	if i := strings.LastIndex(window, "\n\n"); i > 0 {
		return i + 2
	}
	best, space := 0, 0
	for i, r := range window {
		if !unicode.IsSpace(r) || i == 0 {
			continue
		}
		space = i
		// A sentence ends before this space: a stop, maybe followed by
		// closing quotes or brackets.
		j := i
		for j > 0 {
			p, size := utf8.DecodeLastRuneInString(window[:j])
			if strings.ContainsRune(`"'”’»)]`, p) {
				j -= size
				continue
			}
			if strings.ContainsRune(".!?…؟۔。", p) || r == '\n' {
				best = i
			}
			break
		}
	}
	if best > 0 {
		return best
	}
	return space
}
