package orientation

import (
	"bufio"
	"bytes"
	_ "embed"
	"iter"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/language"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/locales"
)

type option struct {
	value string
	msg   string // message id of the label; empty for districts
	role  dialogs.Role
}

func opts(prefix string, values ...string) []option {
	o := make([]option, len(values))
	for i, v := range values {
		o[i] = option{value: v, msg: prefix + v}
	}
	return o
}

// question is one orientation question. get and set move its answer between
// the profile and the []string the engine works with.
type question struct {
	step      dialogs.Step
	prompt    string
	why       string // message id of the reason we ask; set on sensitive questions, which get "skip"
	field     string // message id of the field's name in summaries
	options   []option
	multi     bool
	exclusive string // a multi-select value that clears the others ("no support needed")
	cols      int    // buttons per row
	// text parses a typed answer; nil means the question takes buttons only.
	// It returns the answer or the id of a message explaining what is wrong.
	text func(c *dialogs.Conv, s string) (value, problem string)
	// claims tells whether text that reads as a question answers this
	// one all the same (StepHandler.Claims); nil: it never does.
	claims func(c *dialogs.Conv, s string) bool
	get    func(p *Profile) []string
	set    func(p *Profile, v []string)
	asked  func(p *Profile) bool // nil: always asked
}

func single(field func(p *Profile) *string) (func(*Profile) []string, func(*Profile, []string)) {
	get := func(p *Profile) []string {
		if v := *field(p); v != "" {
			return []string{v}
		}
		return nil
	}
	set := func(p *Profile, v []string) {
		*field(p) = ""
		if len(v) > 0 {
			*field(p) = v[0]
		}
	}
	return get, set
}

func multiple(field func(p *Profile) *[]string) (func(*Profile) []string, func(*Profile, []string)) {
	get := func(p *Profile) []string { return append([]string(nil), *field(p)...) }
	set := func(p *Profile, v []string) { *field(p) = append([]string(nil), v...) }
	return get, set
}

// MaxNameRunes bounds a first name; longer text is probably not a name.
const MaxNameRunes = 40

// questions is the orientation in the order it is asked.
var questions = func() []*question {
	q := []*question{
		{step: StepName, prompt: "q_name", why: "why_name", field: "field_name",
			text: parseName, claims: func(c *dialogs.Conv, s string) bool { return introducedName(c, s) != "" }},
		{step: StepAge, prompt: "q_age", why: "why_age", field: "field_age", cols: 3,
			options: opts("opt_age_", AgeUnder25, Age25to49, Age50Plus), text: parseAge, claims: parses(parseAge)},
		{step: StepDutch, prompt: "q_dutch", field: "field_dutch", cols: 2,
			options: opts("opt_dutch_", DutchNone, DutchLittle, DutchConversational, DutchFluent)},
		{step: StepSituation, prompt: "q_situation", why: "why_situation", field: "field_situation", cols: 1,
			options: opts("opt_sit_", SituationVDAB, SituationOCMW, SituationStudent, SituationWorking, SituationOther)},
		{step: StepEducation, prompt: "q_education", why: "why_education", field: "field_education", cols: 1,
			options: opts("opt_edu_", EducationPrimary, EducationSecondaryUnfinished, EducationSecondary, EducationHigher)},
		{step: StepDiploma, prompt: "q_diploma", why: "why_diploma", field: "field_diploma", cols: 1,
			options: opts("opt_dipl_", DiplomaBelgium, DiplomaRecognised, DiplomaNotRecognised, DiplomaUnknown),
			asked:   func(p *Profile) bool { return p.Education != "" && p.Education != EducationPrimary }},
		{step: StepSectors, prompt: "q_sectors", field: "field_sectors", cols: 2, multi: true,
			options: opts("opt_sec_", Sectors...)},
		{step: StepLicence, prompt: "q_licence", field: "field_licence", cols: 1,
			options: roles(opts("opt_lic_", LicenceNone, LicenceB, LicenceC), dialogs.RoleNo, "", "")},
		{step: StepAvailability, prompt: "q_availability", field: "field_availability", cols: 2, multi: true,
			options: opts("opt_av_", AvailFullTime, AvailPartTime, AvailShifts, AvailWeekends)},
		{step: StepHome, prompt: "q_home", why: "why_home", field: "field_home", cols: 3,
			options: districtOptions(), text: parsePostcode, claims: parses(parsePostcode)},
		{step: StepGoal, prompt: "q_goal", field: "field_goal", cols: 1,
			options: roles(opts("opt_goal_", GoalKnow, GoalLearn, GoalUnknown), dialogs.RoleYes, "", dialogs.RoleNo)},
		{step: StepSupport, prompt: "q_support", why: "why_support", field: "field_support", cols: 1, multi: true,
			exclusive: SupportNone,
			options:   roles(opts("opt_sup_", SupportDisability, SupportChildcare, SupportNone), "", "", dialogs.RoleNo)},
	}
	fields := map[dialogs.Step]func(p *Profile) *string{
		StepName:      func(p *Profile) *string { return &p.Name },
		StepAge:       func(p *Profile) *string { return &p.Age },
		StepDutch:     func(p *Profile) *string { return &p.Dutch },
		StepSituation: func(p *Profile) *string { return &p.Situation },
		StepEducation: func(p *Profile) *string { return &p.Education },
		StepDiploma:   func(p *Profile) *string { return &p.Diploma },
		StepLicence:   func(p *Profile) *string { return &p.Licence },
		StepGoal:      func(p *Profile) *string { return &p.Goal },
	}
	lists := map[dialogs.Step]func(p *Profile) *[]string{
		StepSectors:      func(p *Profile) *[]string { return &p.Sectors },
		StepAvailability: func(p *Profile) *[]string { return &p.Availability },
		StepSupport:      func(p *Profile) *[]string { return &p.Support },
	}
	for _, x := range q {
		switch {
		case fields[x.step] != nil:
			x.get, x.set = single(fields[x.step])
		case lists[x.step] != nil:
			x.get, x.set = multiple(lists[x.step])
		}
	}
	// Home keeps the district and its postcode, or a typed postcode alone.
	var home *question
	for _, x := range q {
		if x.step == StepHome {
			home = x
		}
	}
	home.get = func(p *Profile) []string {
		switch {
		case p.District != "":
			return []string{p.District}
		case p.Postcode != "":
			return []string{p.Postcode}
		}
		return nil
	}
	home.set = func(p *Profile, v []string) {
		p.District, p.Postcode = "", ""
		if len(v) == 0 {
			return
		}
		if d, ok := districtByID(v[0]); ok {
			p.District, p.Postcode = d.ID, d.Postcode
			return
		}
		p.Postcode = v[0]
		if d, ok := districtByPostcode(v[0]); ok {
			p.District = d.ID
		}
	}
	return q
}()

// roles gives options the roles of their typed synonyms, in order.
func roles(o []option, r ...dialogs.Role) []option {
	for i := range r {
		o[i].role = r[i]
	}
	return o
}

func districtOptions() []option {
	o := make([]option, len(Districts))
	for i, d := range Districts {
		o[i] = option{value: d.ID}
	}
	return o
}

func districtByID(id string) (District, bool) {
	for _, d := range Districts {
		if d.ID == id {
			return d, true
		}
	}
	return District{}, false
}

// antwerpPostcodes maps the city's postcodes to their district: 2018, 2020,
// 2030, 2050 and 2060 all lie in the district Antwerpen.
var antwerpPostcodes = map[string]string{
	"2000": "antwerpen", "2018": "antwerpen", "2020": "antwerpen", "2030": "antwerpen",
	"2050": "antwerpen", "2060": "antwerpen", "2600": "berchem", "2140": "borgerhout",
	"2100": "deurne", "2180": "ekeren", "2660": "hoboken", "2170": "merksem",
	"2610": "wilrijk", "2040": "bzl",
}

func districtByPostcode(pc string) (District, bool) {
	if id, ok := antwerpPostcodes[pc]; ok {
		return districtByID(id)
	}
	return District{}, false
}

func questionFor(step dialogs.Step) *question {
	for _, q := range questions {
		if q.step == step {
			return q
		}
	}
	return nil
}

func (q *question) isAsked(p *Profile) bool { return q.asked == nil || q.asked(p) }

func (q *question) valid(value string) bool {
	for _, o := range q.options {
		if o.value == value {
			return true
		}
	}
	return false
}

// parseName accepts a first name: 1 to MaxNameRunes letters (any
// script, with spaces, hyphens and apostrophes), tidied (control
// characters and emoji out, runs of space folded). Digits or emoji alone
// are no name; a sentence ("Ik heet Jens en ik ben 19") is answered with
// "just your first name" and its likely name offered (see Guess).
func parseName(c *dialogs.Conv, s string) (string, string) {
	var b strings.Builder
	space, letters, digits := false, 0, false
	for _, r := range strings.TrimSpace(s) {
		switch {
		case unicode.IsSpace(r):
			space = true
		case unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) || r == '-' || r == '\'' || r == '’' || r == '.':
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			if unicode.IsLetter(r) {
				letters++
			}
		case unicode.IsDigit(r):
			digits = true
			space = true
		default:
			space = true // emoji, symbols, punctuation: not part of a name
		}
	}
	name := b.String()
	switch {
	case strings.TrimSpace(s) == "":
		return "", "bad_empty"
	case letters == 0:
		return "", "name_invalid"
	}
	if notAName(c, name) {
		return "", "name_not_name"
	}
	sentence := digits || len(strings.Fields(name)) > 3
	if guess := guessName(c, s, sentence); guess != "" || sentence {
		return capitalised(c.Lang(), guess), "name_sentence"
	}
	if utf8.RuneCountInString(name) > MaxNameRunes {
		return "", "name_too_long"
	}
	return name, ""
}

// notNames are the keyword lists of what people type at the name
// question that is no name: a yes or no, a greeting, "waarom", "weet
// niet", help, the menu, a person.
var notNames = []string{"kw_not_name", "kw_yes", "kw_no", "kw_help", "kw_help_alone", "kw_menu", "kw_person"}

// notAName reports whether name is one of the words of notNames in the
// person's language, Dutch or English (which many type).
func notAName(c *dialogs.Conv, name string) bool {
	texts := c.Engine().Texts
	for _, lang := range []string{c.Lang(), locales.Source, "en"} {
		t := locales.Fold(lang, name)
		for _, id := range notNames {
			if slices.Contains(texts.Keywords(lang, id), t) {
				return true
			}
		}
	}
	return false
}

// guessName is the name a sentence most likely gives: the word after "ik
// heet", "my name is", "اسمي" (the keyword list kw_name_intro of the
// person's language, and Dutch and English, which many type), else its
// first word of letters alone (one that begins with a capital, in a
// script that has them) when the text is a sentence; "" when there is no
// likely name.
func guessName(c *dialogs.Conv, s string, sentence bool) string {
	if n := introducedName(c, s); n != "" || !sentence {
		return n
	}
	words := strings.Fields(s)
	cased, first := false, ""
	for _, w := range words {
		n := nameWord(w)
		if n == "" || utf8.RuneCountInString(n) < 2 {
			continue
		}
		r, _ := utf8.DecodeRuneInString(n)
		if unicode.IsUpper(r) {
			return n
		}
		cased = cased || unicode.IsLower(r)
		if first == "" {
			first = n
		}
	}
	if cased {
		return "" // only lower-case words: no name stands out
	}
	return first
}

// capitalised is a name found in a sentence typed all in lower case ("ik
// heet jan") with a capital, by the rules of lang (Turkish "ismail" is
// "İsmail"); a name with a capital somewhere stays as it was typed.
func capitalised(lang, name string) string {
	if name == "" || strings.ToLower(name) != name || strings.ToUpper(name) == name {
		return name // cased as typed, or a script without case
	}
	return cases.Title(language.Make(lang)).String(name)
}

// introducedName is the word after "ik heet", "my name is", "اسمي" (the
// keyword list kw_name_intro of the person's language, and Dutch and
// English, which many type), or "".
func introducedName(c *dialogs.Conv, s string) string {
	texts := c.Engine().Texts
	words := strings.Fields(s)
	folded := make([]string, len(words))
	for i, w := range words {
		folded[i] = locales.Fold(c.Lang(), w)
	}
	for _, lang := range []string{c.Lang(), locales.Source, "en"} {
		for _, k := range texts.Keywords(lang, "kw_name_intro") {
			kw := strings.Fields(k)
			for i := 0; i+len(kw) < len(words); i++ {
				if strings.Join(folded[i:i+len(kw)], " ") == k {
					if n := nameWord(words[i+len(kw)]); n != "" {
						return n
					}
				}
			}
		}
	}
	return ""
}

// parses is a claim for a question whose parser accepts the text.
func parses(parse func(c *dialogs.Conv, s string) (string, string)) func(c *dialogs.Conv, s string) bool {
	return func(c *dialogs.Conv, s string) bool { _, problem := parse(c, s); return problem == "" }
}

// nameWord is w without punctuation if it is made of letters, else "".
func nameWord(w string) string {
	w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) })
	if w == "" || utf8.RuneCountInString(w) > MaxNameRunes {
		return ""
	}
	for _, r := range w {
		if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) && r != '-' && r != '\'' && r != '’' {
			return ""
		}
	}
	return w
}

// parseAge reads an age typed as a number ("19", "٣٥", "ik ben 52 jaar")
// and answers with its age band.
func parseAge(c *dialogs.Conv, s string) (string, string) {
	for _, w := range locales.Words(c.Lang(), s) {
		n, ok := number(w)
		if !ok {
			continue
		}
		switch {
		case n < 15 || n > 99:
			return "", "age_invalid"
		case n < 25:
			return AgeUnder25, ""
		case n < 50:
			return Age25to49, ""
		}
		return Age50Plus, ""
	}
	return "", "age_invalid"
}

func number(w string) (int, bool) {
	if w == "" || len(w) > 3 {
		return 0, false
	}
	n := 0
	for _, r := range w {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, true
}

//go:embed data/postcodes.csv
var postcodesCSV []byte

//go:embed data/places-nl.csv
var placesNLCSV []byte

// postcodes is every Belgian postcode (data/postcodes.csv, with its
// source); places maps each place bpost names, folded, to its lowest
// postcode, and the Dutch names of the places bpost names in French
// (data/places-nl.csv, with its sources) to theirs.
var postcodes, places = func() (map[string]bool, map[string]string) {
	pcs, pls := map[string]bool{}, map[string]string{}
	for pc, place := range csvRows("postcodes.csv", postcodesCSV) {
		pcs[pc] = true
		k := locales.Fold(locales.Source, place)
		if old, ok := pls[k]; !ok || pc < old {
			pls[k] = pc
		}
	}
	for pc, place := range csvRows("places-nl.csv", placesNLCSV) {
		if !pcs[pc] {
			panic("orientation: data/places-nl.csv: " + pc + " is not a postcode")
		}
		if k := locales.Fold(locales.Source, place); pls[k] == "" {
			pls[k] = pc // bpost's own name for a place comes first
		}
	}
	return pcs, pls
}()

// csvRows yields the (postcode, place) lines of an embedded data file.
func csvRows(name string, data []byte) iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			line := sc.Text()
			if line == "" || line[0] == '#' || strings.HasPrefix(line, "postcode,") {
				continue
			}
			pc, place, ok := strings.Cut(line, ",")
			if !ok || len(pc) != 4 {
				panic("orientation: data/" + name + ": bad line " + line)
			}
			if !yield(pc, place) {
				return
			}
		}
	}
}

// Neighbourhoods of the city that people name where they live, with their
// postcode (the city of Antwerp's districts and their wijken; bpost's
// list names only the districts). Folded.
var neighbourhoods = map[string]string{
	"kiel": "2020", "nieuw zuid": "2020", "antwerpen noord": "2060", "linkeroever": "2050", "sint anna": "2050",
	"luchtbal": "2030", "haven": "2030", "seefhoek": "2060", "dam": "2060",
	"stuivenberg": "2060", "schipperskwartier": "2000", "eilandje": "2000",
	"zuid": "2000", "centrum": "2000", "sint andries": "2000", "harmonie": "2018",
	"haringrode": "2018", "oud berchem": "2600", "deurne noord": "2100",
	"deurne zuid": "2100", "zandvliet": "2040", "berendrecht": "2040", "lillo": "2040",
}

// parsePostcode takes where the person lives, typed: a Belgian postcode
// on bpost's list (with or without "B-", in any digits), or the name of
// an Antwerp district, a neighbourhood ("Kiel") or a Belgian place.
func parsePostcode(c *dialogs.Conv, s string) (string, string) {
	t := locales.Fold(locales.Source, s)
	compact := strings.ReplaceAll(t, " ", "")
	compact = strings.TrimPrefix(compact, "b")
	if len(compact) == 4 && strings.Trim(compact, "0123456789") == "" {
		if postcodes[compact] {
			return compact, ""
		}
		return "", "home_invalid"
	}
	for _, d := range Districts {
		if locales.Fold(locales.Source, d.Name) == t {
			return d.ID, ""
		}
	}
	if pc, ok := neighbourhoods[t]; ok {
		return pc, ""
	}
	if pc, ok := places[t]; ok {
		if d, ok := districtByPostcode(pc); ok {
			return d.ID, ""
		}
		return pc, ""
	}
	// A postcode among other words: "berchem 2600", "2060 antwerpen".
	for _, w := range strings.Fields(t) {
		if len(w) == 4 && postcodes[w] {
			return w, ""
		}
	}
	return "", "home_invalid"
}
