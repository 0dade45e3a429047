package answers_test

import (
	"bufio"
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/answers"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/locales"
)

func TestMain(m *testing.M) { redistest.Main(m) }

type paraphrase struct{ id, lang, text string }

// paraphrases reads testdata/paraphrases.tsv, the set the matching was
// tuned on.
func paraphrases(t testing.TB) []paraphrase { return questions(t, "testdata/paraphrases.tsv") }

// heldout reads testdata/heldout.tsv, questions written blind, which
// nobody tuned for: how well the tuning carries over (see its header).
func heldout(t testing.TB) []paraphrase { return questions(t, "testdata/heldout.tsv") }

func questions(t testing.TB, file string) []paraphrase {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []paraphrase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); line != "" && line[0] != '#' {
			p := strings.SplitN(line, "\t", 3)
			out = append(out, paraphrase{p[0], p[1], p[2]})
		}
	}
	return out
}

func TestSeedIsWhole(t *testing.T) {
	f := answers.Seed()
	if len(f.Entries) < 30 {
		t.Fatalf("the seed has %d entries, want at least 30", len(f.Entries))
	}
	for _, e := range f.Entries {
		if e.Source == "" {
			t.Errorf("%s says nowhere where its facts come from", e.ID)
		}
		for _, l := range locales.Languages {
			if e.Answers[l.Code] == "" {
				t.Errorf("%s has no answer in %s", e.ID, l.Code)
			}
		}
		for _, l := range []string{"nl", "ar", "tr", "uk", "so"} {
			if len(e.Questions[l]) == 0 {
				t.Errorf("%s has no question in %s", e.ID, l)
			}
		}
	}
	// Every paraphrase names an entry, and none is a wording of the file.
	ids := map[string]bool{}
	for _, e := range f.Entries {
		ids[e.ID] = true
	}
	per := map[string]int{}
	before := nearCopiesBefore14(t)
	for _, p := range paraphrases(t) {
		if !ids[p.id] {
			t.Errorf("paraphrase of unknown entry %s", p.id)
		}
		for _, e := range f.Entries {
			for _, q := range e.Questions[p.lang] {
				if nearCopy(p.lang, p.text, q) && !before[p.lang+"\t"+p.text+"\t"+q] {
					t.Errorf("paraphrase %q is (nearly) the wording %q of %s: it would measure nothing", p.text, q, e.ID)
				}
			}
		}
		per[p.id+"/"+p.lang]++
	}
	for id := range ids {
		for _, l := range []string{"nl", "ar", "tr", "uk", "so"} {
			if per[id+"/"+l] < 5 {
				t.Errorf("%s has %d paraphrases in %s, want 5", id, per[id+"/"+l], l)
			}
		}
	}
}

// nearCopy is whether a paraphrase is a wording of the file in all but
// small ways: folded, the same once the spaces are gone, or sharing most
// of its words (Jaccard similarity of the word sets of at least 0.6), so
// that the benchmark measures questions the index has not seen.
func nearCopy(lang, paraphrase, wording string) bool {
	a, b := locales.Words(lang, paraphrase), locales.Words(lang, wording)
	if strings.Join(a, "") == strings.Join(b, "") {
		return true
	}
	set := map[string]int{}
	for _, w := range a {
		set[w] |= 1
	}
	for _, w := range b {
		set[w] |= 2
	}
	both := 0
	for _, v := range set {
		if v == 3 {
			both++
		}
	}
	return len(set) > 0 && float64(both) >= 0.6*float64(len(set))
}

// nearCopiesBefore14 are the pairs of a paraphrase and a wording of the
// file that were near copies already when the rule came (issue #14): the
// wordings are the staff's and stay, the pairs are listed so that no new
// one comes in unseen (lang, paraphrase, wording per line).
func nearCopiesBefore14(t testing.TB) map[string]bool {
	t.Helper()
	b, err := os.ReadFile("testdata/nearcopies-before-14.tsv")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		if line != "" && line[0] != '#' {
			out[line] = true
		}
	}
	return out
}

// The benchmark's figure, held by a test so that a change to the matching
// or the file that makes it worse fails. The goal of issue #14 is 90 %;
// the seed reaches 91.9 % (README, "Measured"), 79.3 % before #14: more
// wordings per entry, taken from what people really type (colloquial
// Arabic among them), are what raised it most, then the closest wording,
// the letters' trigrams and colloquial Arabic read as Standard.
const floor = 0.91

// heldoutFloor holds the held-out set's figure the same way: 87.6 % when
// it was last run blind (63.7 % before #14).
const heldoutFloor = 0.87

func TestParaphrasesFindTheirEntry(t *testing.T) {
	ix := answers.NewIndex(answers.Seed())
	for _, set := range []struct {
		name  string
		ps    []paraphrase
		floor float64
	}{{"paraphrases", paraphrases(t), floor}, {"held-out questions", heldout(t), heldoutFloor}} {
		wrong := 0
		for _, p := range set.ps {
			if m := ix.Best(p.lang, p.text); m.Entry == nil || m.Entry.ID != p.id {
				got := "nothing"
				if m.Entry != nil {
					got = m.Entry.ID
				}
				t.Logf("%s: %s %q: got %s, want %s", set.name, p.lang, p.text, got, p.id)
				wrong++
			}
		}
		if acc := 1 - float64(wrong)/float64(len(set.ps)); acc < set.floor {
			t.Errorf("top-1 accuracy %.1f %% on %d %s, want at least %.0f %%", 100*acc, len(set.ps), set.name, 100*set.floor)
		}
	}
}

func TestUnrelatedTextGetsNoAnswer(t *testing.T) {
	ix := answers.NewIndex(answers.Seed())
	for _, c := range []struct{ lang, text string }{
		{"nl", "Jens"}, {"nl", "het weer is mooi vandaag"}, {"ar", "أحب كرة القدم"}, {"tr", "bugün hava güzel"}, {"so", "subax wanaagsan"},
		{"nl", "dank je wel"}, {"nl", "hallo"}, {"nl", "ik hou van voetbal"}, {"ar", "شكرا جزيلا"}, {"tr", "teşekkür ederim"},
		{"uk", "дякую"}, {"uk", "погода гарна"}, {"so", "mahadsanid"},
		// What people type to a bot that asks nothing of the FAQ: greetings,
		// thanks, "ok", a name, an age, a postcode, small talk, noise.
		{"nl", "goeiemorgen"}, {"nl", "oké"}, {"nl", "ik ben 19"}, {"nl", "2060"}, {"nl", "blabla 2x"}, {"nl", "wat?"},
		{"nl", "hoe gaat het met jou"}, {"nl", "Fatima El Amrani"}, {"nl", "merci!!"},
		{"ar", "السلام عليكم"}, {"ar", "تمام"}, {"ar", "عمري 19"}, {"ar", "كيف حالك"}, {"ar", "اسمي محمد"}, {"ar", "ماذا؟"},
		{"tr", "merhaba"}, {"tr", "tamam"}, {"tr", "19 yaşındayım"}, {"tr", "nasılsın"}, {"tr", "adım Ayşe"}, {"tr", "ne?"},
		{"uk", "привіт"}, {"uk", "добре"}, {"uk", "як справи"}, {"uk", "мене звати Олена"}, {"uk", "мені 19"}, {"uk", "2018"},
		// Arabic as it is typed in Antwerp: Darija and Levantine greetings,
		// thanks, "ok", a name, an age.
		{"ar", "صباح الخير"}, {"ar", "لاباس"}, {"ar", "شكرا بزاف"}, {"ar", "واخا"}, {"ar", "ok"}, {"ar", "يوسف بن علي"},
		{"ar", "عندي ٢٥ سنة"}, {"ar", "مرحبا خويا"}, {"ar", "الحمد لله بخير"}, {"ar", "كيف داير؟"}, {"ar", "شو اخبارك"}, {"ar", "يعطيك العافية"},
		{"so", "iska warran"}, {"so", "haye"}, {"so", "magacaygu waa Cali"}, {"so", "waan fiicanahay"}, {"so", "19 jir"}, {"so", "maxaa?"},
	} {
		if m := ix.Best(c.lang, c.text); m.Entry != nil {
			t.Errorf("%s %q answered with %s (%.2f)", c.lang, c.text, m.Entry.ID, m.Score)
		}
	}
}

func TestParseRefusesMistakesWithLineAndReason(t *testing.T) {
	good := "entries:\n  - id: free\n    source: VDAB\n    questions:\n      nl: [\"Is het gratis?\"]\n    answers:\n      nl: \"Ja.\"\n      en: \"Yes.\"\n"
	if _, err := answers.Parse([]byte(good)); err != nil {
		t.Fatalf("a good file: %v", err)
	}
	for _, c := range []struct{ name, file, want string }{
		{"no source", strings.Replace(good, "    source: VDAB\n", "", 1), "line 2: missing source"},
		{"unknown language", strings.Replace(good, "      en:", "      xx:", 1), `line 8: "xx" is not a language`},
		{"no English answer", strings.Replace(good, "      en: \"Yes.\"\n", "", 1), "no answer in en"},
		{"unknown flow", strings.Replace(good, "    source: VDAB\n", "    source: VDAB\n    flow: bowling\n", 1), `line 4: flow "bowling"`},
		{"empty question", strings.Replace(good, `["Is het gratis?"]`, `[""]`, 1), "line 5: a question in nl is empty"},
		{"unknown field", strings.Replace(good, "    source: VDAB\n", "    source: VDAB\n    colour: red\n", 1), `line 4: unknown field "colour"`},
		{"id twice", good + strings.TrimPrefix(good, "entries:\n"), `id "free" is used twice`},
		{"bad id", strings.Replace(good, "id: free", "id: Free Entry", 1), `line 2: id "Free Entry"`},
	} {
		_, err := answers.Parse([]byte(c.file))
		var le *answers.LineError
		if !errors.As(err, &le) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want %q", c.name, err, c.want)
		}
	}
}

// An import reaches every instance: another Store on the same Redis
// answers from it once its cache has run out.
func TestImportReplacesTheSeed(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	ctx := context.Background()
	a, b := answers.NewStore(rdb, prefix), answers.NewStore(rdb, prefix)
	b.CacheFor = time.Nanosecond
	if got, _ := b.Answer(ctx, "nl", "is het gratis"); got == nil || got.ID != "free" {
		t.Fatalf("seed answer: %+v", got)
	}
	f, err := answers.Parse([]byte("entries:\n  - id: bike\n    source: test\n    questions:\n      nl: [\"Mag ik met de fiets komen?\"]\n    answers:\n      nl: \"Ja, er is een fietsenstalling.\"\n      en: \"Yes.\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Import(ctx, f); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.Answer(ctx, "nl", "kan ik met mijn fiets komen"); got == nil || got.ID != "bike" {
		t.Fatalf("after import: %+v", got)
	}
	if got, _ := b.Answer(ctx, "nl", "is het gratis"); got != nil {
		t.Fatalf("the seed still answers after an import: %+v", got)
	}
	if got, _ := b.Answer(ctx, "ar", "هل يمكنني القدوم بالدراجة"); got != nil {
		t.Fatalf("an entry without Arabic questions answered in Arabic: %+v", got)
	}
}

// BenchmarkFAQ reports top-1 accuracy on the paraphrases and the time to
// answer one message, over the seed's 30 entries.
func BenchmarkFAQ(b *testing.B) {
	ix := answers.NewIndex(answers.Seed())
	ps := paraphrases(b)
	report := func(ps []paraphrase, suffix string) {
		right, all, total := map[string]int{}, map[string]int{}, 0
		for _, p := range ps {
			all[p.lang]++
			if m := ix.Best(p.lang, p.text); m.Entry != nil && m.Entry.ID == p.id {
				right[p.lang]++
				total++
			}
		}
		for _, l := range []string{"nl", "ar", "tr", "uk", "so"} {
			b.ReportMetric(100*float64(right[l])/float64(all[l]), "%top1_"+l+suffix)
		}
		b.ReportMetric(100*float64(total)/float64(len(ps)), "%top1"+suffix)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := ps[i%len(ps)]
		ix.Best(p.lang, p.text)
	}
	b.StopTimer()
	report(ps, "")
	report(heldout(b), "_heldout")
}

// An answer does not open with "yes" or "no": "Ja." answered "moet ik
// betalen?" as if one must, and "Yes." answers "do I need a diploma?" as
// wrongly as it answers "can I work without one?" rightly. What follows
// says it plainly either way.
func TestAnswersDoNotOpenWithYesOrNo(t *testing.T) {
	texts := locales.MustLoad()
	for _, e := range answers.Seed().Entries {
		for _, l := range locales.Languages {
			// The first word when it stands alone before a stop or a
			// comma: "Ja.", "Sí,", not the Spanish "Si" (if) that opens a
			// sentence.
			first, _, _ := strings.Cut(e.Answers[l.Code], " ")
			if !strings.ContainsAny(first, ".,،።፣!") {
				continue
			}
			words := locales.Words(l.Code, first)
			if len(words) != 1 {
				continue
			}
			for _, id := range []string{"kw_yes", "kw_no"} {
				if slices.Contains(texts.Keywords(l.Code, id), words[0]) {
					t.Errorf("%s in %s opens with %q (%s): %s", e.ID, l.Code, words[0], id, e.Answers[l.Code])
				}
			}
		}
	}
}
