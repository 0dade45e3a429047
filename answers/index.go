package answers

import (
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/arabic"
	"github.com/blevesearch/snowballstem/dutch"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/french"
	"github.com/blevesearch/snowballstem/romanian"
	"github.com/blevesearch/snowballstem/russian"
	"github.com/blevesearch/snowballstem/spanish"
	"github.com/blevesearch/snowballstem/turkish"

	"github.com/werkwijzer/werkwijzer/locales"
)

// Matching is TF-IDF over the question variants of each language, with
// the Snowball stemmers (the analysers bleve uses, without bleve's index
// machinery) where the Snowball project has one, a prefix of five letters
// where it has none (Ukrainian, Bulgarian, Polish, Dari, Pashto,
// Tigrinya, Somali), and typo tolerance by edit distance on words the
// index does not know.
//
// Why not bleve itself: it has analysers for more of our languages and
// fuzzy queries, but it is an index engine for large collections (some
// thirty modules, 20 MB of binary in a trial) and one fuzzy query took
// 0.7 ms on 450 short documents on this machine, most of the 1 ms budget
// of a message, before any Redis work. Thirty entries in fifteen languages
// need none of its persistence or query language: its stemmers (package
// snowballstem, no dependencies) and 150 lines of scoring do the job in
// microseconds (see BenchmarkFAQ).
var stemmers = map[string]func(*snowballstem.Env) bool{
	"nl": dutch.Stem, "en": english.Stem, "fr": french.Stem, "ar": arabic.Stem, "tr": turkish.Stem,
	"ro": romanian.Stem, "ru": russian.Stem, "es": spanish.Stem,
	// Ukrainian and Bulgarian share enough endings with Russian that
	// its stemmer helps more than it harms; the prefix below does the rest.
	"uk": russian.Stem, "bg": russian.Stem,
}

// answerWeight is what a word of the answer counts for, against 1 for a
// word of a question.
const answerWeight = 0.3

// prefixRunes is the crude stem of languages without a stemmer.
const prefixRunes = 5

// terms are the words of s as the index keeps them: folded, stemmed,
// without the words too short to mean much.
func terms(lang, s string) []string {
	words := locales.Words(lang, s)
	out := make([]string, 0, len(words))
	stem := stemmers[lang]
	for _, w := range words {
		if utf8.RuneCountInString(w) < 2 {
			continue
		}
		if stem != nil {
			env := snowballstem.NewEnv(w)
			stem(env)
			w = env.Current()
		}
		if r := []rune(w); len(r) > prefixRunes && (stem == nil || lang == "uk" || lang == "bg") {
			w = string(r[:prefixRunes])
		}
		out = append(out, w)
	}
	return out
}

// Index finds the entry a question in one's own words asks.
type Index struct {
	entries []Entry
	langs   map[string]*langIndex
}

type langIndex struct {
	idf  map[string]float64
	docs []doc
	// vocab lists the index's terms, for typo tolerance.
	vocab []string
}

type doc struct {
	entry int
	w     map[string]float64 // term → tf-idf weight
	norm  float64
}

// NewIndex indexes every question variant of f, per language. An entry is
// one document of all its wordings, so that a paraphrase whose words are
// spread over several wordings still finds it; a word's weight falls with
// the number of entries that use it, which makes "is", "ik", "هل" count
// for little without a stop-word list per language.
func NewIndex(f *File) *Index {
	ix := &Index{entries: f.Entries, langs: map[string]*langIndex{}}
	for _, l := range locales.Languages {
		li := &langIndex{idf: map[string]float64{}}
		tf := make([]map[string]float64, len(f.Entries))
		df := map[string]int{}
		n := 0
		for i, e := range f.Entries {
			if len(e.Questions[l.Code]) == 0 {
				continue
			}
			n++
			tf[i] = map[string]float64{}
			for _, q := range e.Questions[l.Code] {
				for _, t := range terms(l.Code, q) {
					tf[i][t]++
				}
			}
			// The answer's own words count a little: "tram" finds the
			// entry whose answer names the tram.
			for _, t := range terms(l.Code, e.Answers[l.Code]) {
				tf[i][t] += answerWeight
			}
			for t := range tf[i] {
				df[t]++
			}
		}
		for t, d := range df {
			li.idf[t] = math.Log(float64(n+1) / float64(d))
			li.vocab = append(li.vocab, t)
		}
		sort.Strings(li.vocab)
		for i, m := range tf {
			if m == nil {
				continue
			}
			d := doc{entry: i, w: map[string]float64{}}
			for t, c := range m {
				d.w[t] = math.Log1p(c) * li.idf[t]
				d.norm += d.w[t] * d.w[t]
			}
			d.norm = math.Sqrt(d.norm)
			if d.norm > 0 {
				li.docs = append(li.docs, d)
			}
		}
		ix.langs[l.Code] = li
	}
	return ix
}

// Match is an entry and how well a question matched it: the cosine of the
// question and the entry's closest variant, from 0 to 1.
type Match struct {
	Entry *Entry
	Score float64
}

// MinScore is the least score an answer is given for: below it, the bot
// says it did not understand rather than answer another question.
const MinScore = 0.15

// Best is the entry text asks in lang, or a zero Match when none fits
// well enough.
func (ix *Index) Best(lang, text string) Match {
	li := ix.langs[lang]
	if li == nil || len(li.docs) == 0 {
		return Match{}
	}
	q := map[string]float64{}
	words := terms(lang, text)
	known := 0.0 // how much of the question the index knows
	for _, t := range words {
		weight := 1.0
		if _, ok := li.idf[t]; !ok {
			// A word the index does not know counts for half through the
			// one it resembles: a guess, not a match.
			if t, weight = li.near(t), 0.5; t == "" {
				continue
			}
		}
		q[t] += weight * li.idf[t]
		known += weight
	}
	var qn float64
	for _, v := range q {
		qn += v * v
	}
	if qn == 0 {
		return Match{}
	}
	qn = math.Sqrt(qn)
	best, score := -1, 0.0
	for _, d := range li.docs {
		var dot float64
		for t, v := range q {
			dot += v * d.w[t]
		}
		if s := dot / (qn * d.norm); s > score {
			best, score = d.entry, s
		}
	}
	// A question mostly made of words the index does not know is not
	// asked here, however well its one known word matches.
	score *= math.Sqrt(known / float64(len(words)))
	if best < 0 || score < MinScore {
		return Match{}
	}
	return Match{Entry: &ix.entries[best], Score: score}
}

// near is the index's term closest to t: the one sharing the longest
// beginning with it (at least four letters and most of the shorter word:
// "مجاني" and "مجانیه", "denkliği" and "denklik", which the stemmers
// leave apart), else one within the typing mistakes t's length allows;
// "" when none is close.
func (li *langIndex) near(t string) string {
	rt := []rune(t)
	best, bestP := "", 0
	for _, v := range li.vocab {
		rv := []rune(v)
		p := 0
		for p < len(rt) && p < len(rv) && rt[p] == rv[p] {
			p++
		}
		if short := min(len(rt), len(rv)); p >= 4 && 10*p >= 7*short && p > bestP {
			best, bestP = v, p
		}
	}
	if best != "" {
		return best
	}
	allowed := locales.Typos(len(rt))
	if allowed == 0 {
		return ""
	}
	bestD := allowed + 1
	for _, v := range li.vocab {
		if d := locales.Distance(t, v); d < bestD {
			best, bestD = v, d
		}
	}
	return best
}

// trimmed is s without surrounding space, for the file's texts.
func trimmed(s string) string { return strings.TrimSpace(s) }
