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
// index does not know. An entry is scored three ways and the scores
// weighed: against all its wordings as one document, against its
// closest single wording, and by the character trigrams of its words,
// which find what stems and prefixes miss in languages that glue
// endings and clitics to a word ("randevumu" and "randevu", "xogtayda"
// and "xogta", "وبالموعد" and "الموعد"). A message made only of words
// that ask nothing on their own (pronouns, question words, "ok", an
// age: asksNothing) gets no answer, since with thirty entries their IDF
// is chance.
//
// Why not bleve itself: it has analysers for more of our languages and
// fuzzy queries, but it is an index engine for large collections (some
// thirty modules, 20 MB of binary in a trial) and one fuzzy query took
// 0.7 ms on 450 short documents on this machine, most of the 1 ms budget
// of a message, before any Redis work. Thirty entries in fifteen languages
// need none of its persistence or query language: its stemmers (package
// snowballstem, no dependencies) and 250 lines of scoring do the job in
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

// gramRunes is the length of the character n-grams: three letters of a
// word (its ends marked) are what "randevumu" and "randevu", "xogtayda"
// and "xogta", "بياناتي" and "البيانات" share whatever their endings.
const gramRunes = 3

// variantWeight and gramWeight are what the closest single wording and
// the character n-grams count for, against 1 for the entry as one
// document of all its wordings.
const variantWeight, gramWeight = 0.5, 1.0

// closestPower sharpens the cosine with the closest wording where it
// stands alone (see Best): near 1 only for a question that is nearly
// that wording (0.9 gives 0.66, 0.8 gives 0.41).
const closestPower = 4

// terms are the words of s as the index keeps them: folded, stemmed,
// without the words too short to mean much.
func terms(lang, s string) []string {
	ts, _ := analyse(lang, s)
	return ts
}

// analyse is terms(lang, s) and, for each, whether it can ask something
// on its own (see asksNothing).
func analyse(lang, s string) (ts []string, asks []bool) {
	words := locales.Words(lang, s)
	if lang == "ar" {
		words = arabicWords(s)
	}
	ts, asks = make([]string, 0, len(words)), make([]bool, 0, len(words))
	stem := stemmers[lang]
	for _, w := range words {
		if utf8.RuneCountInString(w) < 2 {
			continue
		}
		// A number (an age, a postcode) asks nothing either.
		asks = append(asks, !asksNothing[lang][w] && strings.Trim(w, "0123456789") != "")
		if stem != nil {
			env := snowballstem.NewEnv(w)
			stem(env)
			w = env.Current()
		}
		if r := []rune(w); len(r) > prefixRunes && cutsPrefix(lang) {
			w = string(r[:prefixRunes])
		}
		ts = append(ts, w)
	}
	return ts, asks
}

// cutsPrefix is whether lang's terms are cut to prefixRunes: where there
// is no stemmer, and after the Russian one for Ukrainian and Bulgarian.
func cutsPrefix(lang string) bool { return stemmers[lang] == nil || lang == "uk" || lang == "bg" }

// grams are the character n-grams of s's folded words, each word marked
// at both ends: the secondary signal for the endings and clitics that
// the stemmers (or a prefix, where there is none) leave apart.
func grams(lang, s string) []string {
	var out []string
	words := locales.Words(lang, s)
	if lang == "ar" {
		words = arabicWords(s)
	}
	for _, w := range words {
		r := []rune(" " + w + " ")
		for i := 0; i+gramRunes <= len(r); i++ {
			out = append(out, string(r[i:i+gramRunes]))
		}
	}
	return out
}

// asksNothing are, per language, the folded words that do not by
// themselves ask anything of the FAQ: pronouns, question words, small
// verbs, "yes", "ok", "good", an age. With thirty entries, the IDF of a
// question word is chance ("ماذا" is in three of them, "ne" in four), so
// that "wat?", "ik ben 19" or "hoe gaat het met jou" would each find the
// entry whose wordings happen to share it. These words still count in
// the matching; a message must have one word besides them that the
// index knows.
var asksNothing = map[string]map[string]bool{
	"nl": set("ik je jij jou u wij we ze zij hij het de een is ben bent zijn was wat wie waar hoe wanneer waarom welke welk en of met van voor in op aan naar te er dat dit die mijn me mij jullie kan kun mag moet wil ga gaat gaan doe doet heb heeft hebben nog ook niet wel ja nee oke ok goed jaar oud"),
	// Arabic in fold's letters (arabic.go), colloquial words as their
	// Standard ones; greetings and thanks too, as people type them.
	"ar": arabicSet("ما ماذا من این کیف متی هل لماذا انا انت انتم هو هی نحن فی علی الی عن مع و او هذا هذه ذلک لی عندی لدی عمری عمر سنه سنوات کم تمام طیب جید نعم لا " +
		"اريد يجب يمكن يوجد ليس عام سنين الان غدا جدا اسمي اسم ok okay اوكي اوك واخا لاباس باس بخير الحمد لله الحمدلله شكرا مشكور يعطيك العافيه مرحبا اهلا سلام السلام عليكم صباح مساء الخير النور بن مزيان زوين حالك حالكم احوالك الاحوال داير دايره حبيبي خويا اخي اختي"),
	"tr": set("ben sen siz biz o ne neden nasil nasilsin nerede kim mi mu var yok bir bu su ve ile icin yas yasinda yasindayim iyi iyiyim tamam peki evet hayir"),
	"uk": set("я ти ви він вона ми мені мене мій моя що хто де як коли чому який яка чи і й та а в у на з до за про це є так ні добре гаразд ок років рік роки"),
	"so": set("waan waa ma maxaa maxay maxaad maxaan yaa xaggee sidee goorma aan ayaan baan iyo ama oo ku ka u la ah waxaan jir sano sanno iska aniga adiga haa maya haye fiican fiicanahay wanaagsan salaan warran"),
}

// arabicSet is set for the Arabic words as arabicWords writes them.
func arabicSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range arabicWords(words) {
		m[w] = true
	}
	return m
}

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// Index finds the entry a question in one's own words asks.
type Index struct {
	entries []Entry
	langs   map[string]*langIndex
}

type langIndex struct {
	// words has one vector per entry, variants one per wording (with
	// the entries' IDF), grams one per entry.
	words, variants, grams space
	// vocab lists the index's terms, for typo tolerance.
	vocab []string
	// prefixes is whether long words are cut to prefixRunes.
	prefixes bool
}

// space is a set of TF-IDF vectors kept as postings, for cosines.
type space struct {
	idf  map[string]float64
	post map[string][]posting
	norm []float64
	of   []int // the entry of each vector
}

type posting struct {
	vec int
	w   float64
}

// idfOf is the inverse document frequency of each term of bags.
func idfOf(bags []map[string]float64) map[string]float64 {
	df := map[string]int{}
	for _, m := range bags {
		for t := range m {
			df[t]++
		}
	}
	idf := map[string]float64{}
	for t, d := range df {
		idf[t] = math.Log(float64(len(bags)+1) / float64(d))
	}
	return idf
}

func newSpace(bags []map[string]float64, of []int, idf map[string]float64) space {
	sp := space{idf: idf, post: map[string][]posting{}, norm: make([]float64, len(bags)), of: of}
	for i, m := range bags {
		for t, c := range m {
			w := math.Log1p(c) * idf[t]
			sp.post[t] = append(sp.post[t], posting{i, w})
			sp.norm[i] += w * w
		}
		sp.norm[i] = math.Sqrt(sp.norm[i])
	}
	return sp
}

// add adds weight times the cosine of q and each entry's closest vector
// of sp to score[entry].
func (sp *space) add(q map[string]float64, score []float64, weight float64) {
	var qn float64
	for _, v := range q {
		qn += v * v
	}
	if qn == 0 {
		return
	}
	qn = math.Sqrt(qn)
	dot := make([]float64, len(sp.norm))
	for t, v := range q {
		for _, p := range sp.post[t] {
			dot[p.vec] += v * p.w
		}
	}
	best := make([]float64, len(score))
	for i, d := range dot {
		if c := d / (qn * sp.norm[i]); d > 0 && c > best[sp.of[i]] {
			best[sp.of[i]] = c
		}
	}
	for e, c := range best {
		score[e] += weight * c
	}
}

// NewIndex indexes every question variant of f, per language. An entry is
// one document of all its wordings, so that a paraphrase whose words are
// spread over several wordings still finds it, and each wording is one
// too, so that a paraphrase of one wording is not drowned by the others;
// a word's weight falls with the number of entries that use it, which
// makes "is", "ik", "هل" count for little.
func NewIndex(f *File) *Index {
	ix := &Index{entries: f.Entries, langs: map[string]*langIndex{}}
	for _, l := range locales.Languages {
		var docs, vars, gdocs []map[string]float64
		var docOf, varOf []int
		for i, e := range f.Entries {
			if len(e.Questions[l.Code]) == 0 {
				continue
			}
			d, g := map[string]float64{}, map[string]float64{}
			for _, q := range e.Questions[l.Code] {
				v := map[string]float64{}
				for _, t := range terms(l.Code, q) {
					d[t]++
					v[t]++
				}
				for _, t := range grams(l.Code, q) {
					g[t]++
				}
				if len(v) > 0 {
					vars, varOf = append(vars, v), append(varOf, i)
				}
			}
			// The answer's own words count a little: "tram" finds the
			// entry whose answer names the tram.
			for _, t := range terms(l.Code, e.Answers[l.Code]) {
				d[t] += answerWeight
			}
			for _, t := range grams(l.Code, e.Answers[l.Code]) {
				g[t] += answerWeight
			}
			docs, gdocs, docOf = append(docs, d), append(gdocs, g), append(docOf, i)
		}
		idf := idfOf(docs)
		li := &langIndex{
			words:    newSpace(docs, docOf, idf),
			variants: newSpace(vars, varOf, idf),
			grams:    newSpace(gdocs, docOf, idfOf(gdocs)),
			prefixes: cutsPrefix(l.Code),
		}
		for t := range idf {
			li.vocab = append(li.vocab, t)
		}
		sort.Strings(li.vocab)
		ix.langs[l.Code] = li
	}
	return ix
}

// Match is an entry and how well a question matched it, from 0 to 1: the
// cosines of the question with the entry's wordings together, with its
// closest wording and, letter by letter, with the entry, weighed, and
// lowered by the share of the question's words the index does not know.
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
	if li == nil || len(li.words.norm) == 0 {
		return Match{}
	}
	q := map[string]float64{}
	words, asks := analyse(lang, text)
	known, something := 0.0, false // how much of the question the index knows; whether it asks anything
	for i, t := range words {
		weight := 1.0
		if _, ok := li.words.idf[t]; !ok {
			// A word the index does not know counts for half through the
			// one it resembles: a guess, not a match.
			if t, weight = li.near(t), 0.5; t == "" {
				continue
			}
		}
		q[t] += weight * li.words.idf[t]
		known += weight
		something = something || asks[i]
	}
	if !something {
		return Match{}
	}
	score := make([]float64, len(ix.entries))
	closest := make([]float64, len(ix.entries))
	li.words.add(q, score, 1)
	li.variants.add(q, closest, 1)
	g := map[string]float64{}
	for _, t := range grams(lang, text) {
		g[t] += li.grams.idf[t]
	}
	li.grams.add(g, score, gramWeight)
	best, top := -1, 0.0
	for e, s := range score {
		// An entry scores the better of its closest wording alone
		// (sharpened) and all of it together: a question that is nearly one wording
		// finds that wording's entry, even where another entry uses
		// its words more often ("Is het gratis?" and the trainings).
		s = max(math.Pow(closest[e], 8), (s+variantWeight*closest[e])/(1+variantWeight+gramWeight))
		if s > top {
			best, top = e, s
		}
	}
	// A question mostly made of words the index does not know is not
	// asked here, however well its one known word matches.
	top *= math.Sqrt(known / float64(len(words)))
	if best < 0 || top < MinScore {
		return Match{}
	}
	return Match{Entry: &ix.entries[best], Score: top}
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
		short := min(len(rt), len(rv))
		if li.prefixes && p < short {
			continue // four letters of five are no longer the same prefix
		}
		if p >= 4 && 10*p >= 7*short && p > bestP {
			best, bestP = v, p
		}
	}
	if best != "" {
		return best
	}
	allowed := locales.Typos(len(rt))
	if li.prefixes && len(rt) == prefixRunes {
		// A five-letter prefix is not a five-letter word: one letter
		// off, "погода" would be "поговорити". The letters' n-grams
		// are the typo tolerance of these languages.
		allowed = 0
	}
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
