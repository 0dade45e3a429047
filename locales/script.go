package locales

import (
	"slices"
	"strings"
	"unicode"
)

// Coded is the language whose code text is ("nl", "AR", "fa", "uk"), for
// someone who types the code before a language is chosen; "" for
// anything else.
func Coded(text string) string {
	t := strings.ToLower(strings.Trim(strings.TrimSpace(text), ".!?,;:"))
	if len(t) < 2 || len(t) > 5 || strings.ContainsAny(t, " ") {
		return ""
	}
	for _, l := range Languages {
		if t == strings.ToLower(l.Code) || t == l.Telegram {
			return l.Code
		}
	}
	return ""
}

// scripts are our languages by the script they are written in, where
// that tells them from the rest: Latin is written by too many to narrow
// the choice. The letters that only one of them uses put it first.
var scripts = []struct {
	table *unicode.RangeTable
	langs []string
	own   map[string]string
}{
	{unicode.Arabic, []string{"ar", "fa-AF", "ps"}, map[string]string{"ps": "ټډړښږځڅېۍڼ", "fa-AF": "پچژگکی"}},
	{unicode.Cyrillic, []string{"uk", "ru", "bg"}, map[string]string{"uk": "іїєґ", "ru": "ыэё"}},
	{unicode.Ethiopic, []string{"ti"}, nil},
}

// InScript are the languages of ours written in the script most of
// text's letters are in, the likeliest first; nil for Latin letters, for
// a script none of ours is written in, or for no letters at all.
func InScript(text string) []string {
	best, most := -1, 0
	for i, s := range scripts {
		n := 0
		for _, r := range text {
			if unicode.Is(s.table, r) {
				n++
			}
		}
		if n > most {
			best, most = i, n
		}
	}
	latin := 0
	for _, r := range text {
		if unicode.Is(unicode.Latin, r) {
			latin++
		}
	}
	if best < 0 || latin > most {
		return nil
	}
	s := scripts[best]
	out := slices.Clone(s.langs)
	for _, code := range s.langs {
		if own := s.own[code]; own != "" && strings.ContainsAny(text, own) {
			i := slices.Index(out, code)
			out = append([]string{code}, append(out[:i:i], out[i+1:]...)...)
			break
		}
	}
	return out
}
