package orientation

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/werkwijzer/werkwijzer/dialogs"
)

type option struct {
	value string
	msg   string // message id of the label; empty for districts
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
	text  func(s string) (value, problem string)
	get   func(p *Profile) []string
	set   func(p *Profile, v []string)
	asked func(p *Profile) bool // nil: always asked
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
			text: parseName},
		{step: StepAge, prompt: "q_age", why: "why_age", field: "field_age", cols: 3,
			options: opts("opt_age_", AgeUnder25, Age25to49, Age50Plus)},
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
			options: opts("opt_lic_", LicenceNone, LicenceB, LicenceC)},
		{step: StepAvailability, prompt: "q_availability", field: "field_availability", cols: 2, multi: true,
			options: opts("opt_av_", AvailFullTime, AvailPartTime, AvailShifts, AvailWeekends)},
		{step: StepHome, prompt: "q_home", why: "why_home", field: "field_home", cols: 3,
			options: districtOptions(), text: parsePostcode},
		{step: StepGoal, prompt: "q_goal", field: "field_goal", cols: 1,
			options: opts("opt_goal_", GoalKnow, GoalLearn, GoalUnknown)},
		{step: StepSupport, prompt: "q_support", why: "why_support", field: "field_support", cols: 1, multi: true,
			exclusive: SupportNone,
			options:   opts("opt_sup_", SupportDisability, SupportChildcare, SupportNone)},
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

// parseName accepts a first name as typed, tidied: control characters out,
// runs of space folded. Any script and emoji are fine; it is their name.
func parseName(s string) (string, string) {
	var b strings.Builder
	space := false
	for _, r := range strings.TrimSpace(s) {
		switch {
		case unicode.IsSpace(r):
			space = true
		case unicode.IsControl(r) || r == utf8.RuneError:
		default:
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		}
	}
	name := b.String()
	if name == "" {
		return "", "bad_empty"
	}
	if utf8.RuneCountInString(name) > MaxNameRunes {
		return "", "name_too_long"
	}
	return name, ""
}

// parsePostcode accepts a Belgian postcode: four digits from 1000 to 9999
// (bpost's range), typed with or without a "B-" prefix or spaces.
func parsePostcode(s string) (string, string) {
	t := strings.ToUpper(strings.Join(strings.Fields(s), ""))
	t = strings.TrimPrefix(strings.TrimPrefix(t, "B-"), "B")
	// Arabic-Indic and other digits count: people type on their own keyboard.
	var digits strings.Builder
	for _, r := range t {
		if !unicode.IsDigit(r) {
			return "", "home_invalid"
		}
		digits.WriteRune('0' + digitValue(r))
	}
	n, err := strconv.Atoi(digits.String())
	if err != nil || len(digits.String()) != 4 || n < 1000 {
		return "", "home_invalid"
	}
	return digits.String(), ""
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
