package jobs_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/vacancies"
	"github.com/werkwijzer/werkwijzer/jobs"
	"github.com/werkwijzer/werkwijzer/locales"
)

// amira lives in Deurne, speaks a little Dutch, has no licence, wants
// full-time work in construction or the port, and finished secondary
// school.
func amira() orientation.Profile {
	return orientation.Profile{District: "deurne", Postcode: "2100", Dutch: orientation.DutchLittle, Licence: orientation.LicenceNone,
		Availability: []string{orientation.AvailFullTime}, Sectors: []string{orientation.SectorConstruction, orientation.SectorPort},
		Education: orientation.EducationSecondary}
}

func seekerOf(p orientation.Profile) vacancies.Seeker { return vacancies.Seeker{Profile: p} }

// vacancy fits amira: construction in Antwerpen (2000, about 4 km from
// Deurne), full-time, a little Dutch, no licence, no diploma.
func vacancy(mod func(*jobs.Vacancy)) jobs.Vacancy {
	v := jobs.Vacancy{ID: "v", Title: "Metselaar", Employer: "E", Postcode: "2000", Sector: orientation.SectorConstruction,
		FullTime: true, Dutch: orientation.DutchLittle, Licence: orientation.LicenceNone}
	if mod != nil {
		mod(&v)
	}
	return v
}

// ruleCase changes the person (p, s) and the vacancy (v) from the fitting
// pair above; nil leaves them.
type ruleCase struct {
	p func(*orientation.Profile)
	s func(*vacancies.Seeker)
	v func(*jobs.Vacancy)
}

func (c ruleCase) make() (vacancies.Seeker, jobs.Vacancy) {
	p := amira()
	if c.p != nil {
		c.p(&p)
	}
	s := seekerOf(p)
	if c.s != nil {
		c.s(&s)
	}
	return s, vacancy(c.v)
}

// Each hard rule of rules.go excludes a vacancy that breaks it, and only
// it; a near miss on the other side of its line does not trigger it.
func TestEveryHardRuleWithANearMiss(t *testing.T) {
	cases := map[string]struct{ hit, miss ruleCase }{
		"expired": {ruleCase{v: func(v *jobs.Vacancy) { v.ValidThrough = now.Add(-time.Minute) }},
			ruleCase{v: func(v *jobs.Vacancy) { v.ValidThrough = now.Add(time.Minute) }}},
		"not_for_me": {ruleCase{s: func(s *vacancies.Seeker) { s.Hidden = []string{"v"} }},
			ruleCase{s: func(s *vacancies.Seeker) { s.Hidden = []string{"v2"} }}},
		"licence": {ruleCase{v: func(v *jobs.Vacancy) { v.Licence = orientation.LicenceB }},
			ruleCase{p: func(p *orientation.Profile) { p.Licence = orientation.LicenceC }, v: func(v *jobs.Vacancy) { v.Licence = orientation.LicenceB }}},
		"dutch": {ruleCase{v: func(v *jobs.Vacancy) { v.Dutch = orientation.DutchFluent }},
			ruleCase{v: func(v *jobs.Vacancy) { v.Dutch = orientation.DutchConversational }}},
		"distance": {ruleCase{v: func(v *jobs.Vacancy) { v.Postcode = "2800" }}, // Mechelen, 22 km
			ruleCase{p: func(p *orientation.Profile) { p.Licence = orientation.LicenceB }, v: func(v *jobs.Vacancy) { v.Postcode = "2800" }}},
		"too_far": {ruleCase{s: func(s *vacancies.Seeker) { s.Narrow.MaxKm = 4 }},
			ruleCase{s: func(s *vacancies.Seeker) { s.Narrow.MaxKm = 5 }}},
		"hours": {ruleCase{p: func(p *orientation.Profile) { p.Availability = []string{orientation.AvailPartTime} }},
			ruleCase{p: func(p *orientation.Profile) { p.Availability = []string{orientation.AvailPartTime} }, v: func(v *jobs.Vacancy) { v.PartTime = true }}},
		"shifts": {ruleCase{v: func(v *jobs.Vacancy) { v.Shifts = true }},
			ruleCase{p: func(p *orientation.Profile) { p.Availability = append(p.Availability, orientation.AvailShifts) }, v: func(v *jobs.Vacancy) { v.Shifts = true }}},
		"weekends": {ruleCase{v: func(v *jobs.Vacancy) { v.Weekends = true }},
			ruleCase{p: func(p *orientation.Profile) { p.Availability = nil }, v: func(v *jobs.Vacancy) { v.Weekends = true }}},
		"degree": {ruleCase{v: func(v *jobs.Vacancy) { v.Education = orientation.EducationHigher }},
			ruleCase{p: func(p *orientation.Profile) { p.Education = "" }, v: func(v *jobs.Vacancy) { v.Education = orientation.EducationHigher }}},
		"sector_not_for_me": {ruleCase{s: func(s *vacancies.Seeker) { s.Narrow.NoSectors = []string{orientation.SectorConstruction} }},
			ruleCase{s: func(s *vacancies.Seeker) { s.Narrow.NoSectors = []string{orientation.SectorPort} }}},
	}
	if s, v := (ruleCase{}).make(); len(jobs.Broken(s, v, now)) != 0 {
		t.Fatalf("the base pair breaks %v", jobs.Broken(s, v, now))
	}
	for _, r := range jobs.Hard {
		c, ok := cases[r.Name]
		if !ok {
			t.Errorf("hard rule %q has no test case", r.Name)
			continue
		}
		s, v := c.hit.make()
		if got := jobs.Broken(s, v, now); !slices.Equal(got, []string{r.Name}) {
			t.Errorf("%s: breaks %v, want only %s", r.Name, got, r.Name)
		}
		s, v = c.miss.make()
		if got := jobs.Broken(s, v, now); slices.Contains(got, r.Name) {
			t.Errorf("%s: the near miss breaks it (%v)", r.Name, got)
		}
		delete(cases, r.Name)
	}
	for name := range cases {
		t.Errorf("a test case for %q, which is no rule", name)
	}
}

// "The hours" takes out what was hard: shifts from someone who said they
// can work them, and full-time from someone who wanted either.
func TestTheHoursNarrowAvailability(t *testing.T) {
	p := amira()
	p.Availability = []string{orientation.AvailFullTime, orientation.AvailPartTime, orientation.AvailShifts}
	shifts := vacancy(func(v *jobs.Vacancy) { v.Shifts = true })
	s := seekerOf(p)
	if b := jobs.Broken(s, shifts, now); len(b) != 0 {
		t.Fatalf("a shift job for someone who works shifts breaks %v", b)
	}
	s.Narrow.NoHours = []string{orientation.AvailShifts}
	if b := jobs.Broken(s, shifts, now); !slices.Equal(b, []string{"shifts"}) {
		t.Fatalf("after 'the hours' on shifts: breaks %v, want shifts", b)
	}
	s.Narrow.NoHours = []string{orientation.AvailFullTime}
	if b := jobs.Broken(s, vacancy(nil), now); !slices.Equal(b, []string{"hours"}) {
		t.Fatalf("after 'the hours' on full-time: a full-time job breaks %v, want hours", b)
	}
	if b := jobs.Broken(s, vacancy(func(v *jobs.Vacancy) { v.PartTime = true }), now); len(b) != 0 {
		t.Fatalf("after 'the hours' on full-time: a job that is also part-time breaks %v", b)
	}
}

func TestEverySoftRuleWithANearMiss(t *testing.T) {
	cases := map[string]struct{ hit, miss ruleCase }{
		"dutch_stretch": {ruleCase{v: func(v *jobs.Vacancy) { v.Dutch = orientation.DutchConversational }},
			ruleCase{p: func(p *orientation.Profile) { p.Dutch = orientation.DutchConversational }, v: func(v *jobs.Vacancy) { v.Dutch = orientation.DutchConversational }}},
		"diploma": {ruleCase{p: func(p *orientation.Profile) { p.Education = orientation.EducationSecondaryUnfinished }, v: func(v *jobs.Vacancy) { v.Education = orientation.EducationSecondary }},
			ruleCase{v: func(v *jobs.Vacancy) { v.Education = orientation.EducationSecondary }}},
	}
	for _, r := range jobs.Soft {
		c, ok := cases[r.Name]
		if !ok {
			t.Errorf("soft rule %q has no test case", r.Name)
			continue
		}
		s, v := c.hit.make()
		if m, ok := jobs.Score(s, v, now); !ok || m.Fit != -1 {
			t.Errorf("%s: fit %d (fits %v), want -1", r.Name, m.Fit, ok)
		}
		s, v = c.miss.make()
		if m, ok := jobs.Score(s, v, now); !ok || m.Fit != 0 {
			t.Errorf("%s: the near miss has fit %d (fits %v), want 0", r.Name, m.Fit, ok)
		}
		delete(cases, r.Name)
	}
	if len(cases) > 0 {
		t.Errorf("test cases for rules that do not exist: %v", cases)
	}
}

func codes(m jobs.Match) []jobs.ReasonCode {
	var out []jobs.ReasonCode
	for _, r := range m.Reasons {
		out = append(out, r.Code)
	}
	return out
}

func TestEveryReasonWithANearMiss(t *testing.T) {
	cases := map[jobs.ReasonCode]struct{ hit, miss ruleCase }{
		jobs.ReasonSector: {ruleCase{}, ruleCase{p: func(p *orientation.Profile) { p.Sectors = []string{orientation.SectorOther} }}},
		jobs.ReasonHome: {ruleCase{v: func(v *jobs.Vacancy) { v.Postcode = "2100" }},
			ruleCase{v: func(v *jobs.Vacancy) { v.Postcode = "2140" }}}, // Borgerhout, 2 km
		jobs.ReasonNear: {ruleCase{v: func(v *jobs.Vacancy) { v.Postcode = "2140" }},
			ruleCase{v: func(v *jobs.Vacancy) { v.Postcode = "2100" }}},
		jobs.ReasonDutch: {ruleCase{}, ruleCase{p: func(p *orientation.Profile) { p.Dutch = orientation.DutchFluent }}},
		jobs.ReasonNoDutch: {ruleCase{v: func(v *jobs.Vacancy) { v.Dutch = orientation.DutchNone }},
			ruleCase{p: func(p *orientation.Profile) { p.Dutch = orientation.DutchFluent }, v: func(v *jobs.Vacancy) { v.Dutch = orientation.DutchNone }}},
		jobs.ReasonHours: {ruleCase{p: func(p *orientation.Profile) { p.Availability = []string{orientation.AvailPartTime} }, v: func(v *jobs.Vacancy) { v.PartTime = true }},
			ruleCase{v: func(v *jobs.Vacancy) { v.PartTime = true }}},
		jobs.ReasonNoDiploma: {ruleCase{}, ruleCase{p: func(p *orientation.Profile) { p.Education = orientation.EducationHigher }}},
		jobs.ReasonLicenceUse: {ruleCase{p: func(p *orientation.Profile) { p.Licence = orientation.LicenceB }, v: func(v *jobs.Vacancy) { v.Licence = orientation.LicenceB }},
			ruleCase{p: func(p *orientation.Profile) { p.Licence = orientation.LicenceB }}},
	}
	for _, r := range jobs.Reasons {
		c, ok := cases[r.Code]
		if !ok {
			t.Errorf("reason %q has no test case", r.Code)
			continue
		}
		s, v := c.hit.make()
		if m, ok := jobs.Score(s, v, now); !ok || !slices.Contains(codes(m), r.Code) {
			t.Errorf("%s: reasons %v (fits %v), want it", r.Code, codes(m), ok)
		}
		s, v = c.miss.make()
		if m, ok := jobs.Score(s, v, now); !ok || slices.Contains(codes(m), r.Code) {
			t.Errorf("%s: the near miss gives reasons %v (fits %v)", r.Code, codes(m), ok)
		}
		delete(cases, r.Code)
	}
	if len(cases) > 0 {
		t.Errorf("test cases for reasons that do not exist: %v", cases)
	}
	// The distance reason says what the card says: the same whole km.
	m, _ := jobs.Score(seekerOf(amira()), vacancy(nil), now)
	for _, r := range m.Reasons {
		if r.Code == jobs.ReasonNear && (r.Km != int(m.Km+0.5) || r.Place != "Deurne") {
			t.Errorf("distance reason %+v, the match is %.1f km from Deurne", r, m.Km)
		}
	}
}

// Chosen sectors are a hard line: the other sectors make a list of their
// own; someone who named none (or only "something else") has one list.
func TestSectorsSplitTheLists(t *testing.T) {
	retail := vacancy(func(v *jobs.Vacancy) { v.ID, v.Sector = "r", orientation.SectorRetail })
	build := vacancy(func(v *jobs.Vacancy) { v.ID = "b" })
	vs := []jobs.Vacancy{retail, build}
	s := seekerOf(amira())
	if got := ids(jobs.Best(s, vs, vacancies.Chosen, now, 0, 10)); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("their sectors: %v, want only b", got)
	}
	if got := jobs.Best(s, vs, vacancies.Outside, now, 0, 10); len(got) != 1 || got[0].Facts.ID != "r" || !got[0].Outside {
		t.Fatalf("outside: %+v, want r, marked outside", got)
	}
	open := amira()
	open.Sectors = []string{orientation.SectorOther}
	if got := ids(jobs.Best(seekerOf(open), vs, vacancies.Chosen, now, 0, 10)); len(got) != 2 {
		t.Fatalf("someone open to any sector: %v, want both", got)
	}
}

// Within the list: by fit, then by distance, nearest first.
func TestOrderIsFitThenDistance(t *testing.T) {
	var vs []jobs.Vacancy
	for i, pc := range []string{"2660", "2000", "2100", "2140", "2600"} { // Hoboken, Antwerpen, Deurne, Borgerhout, Berchem
		vs = append(vs, vacancy(func(v *jobs.Vacancy) { v.ID, v.Postcode = fmt.Sprint("d", i), pc }))
	}
	stretch := vacancy(func(v *jobs.Vacancy) { v.ID, v.Postcode, v.Dutch = "stretch", "2100", orientation.DutchConversational })
	got := jobs.Best(seekerOf(amira()), append(vs, stretch), vacancies.Chosen, now, 0, 10)
	var km []float64
	for _, m := range got[:5] {
		km = append(km, m.Km)
	}
	if !slices.IsSorted(km) || got[0].Facts.Postcode != "2100" {
		t.Fatalf("distances %v, want nearest first, Deurne itself first", km)
	}
	if got[5].Facts.ID != "stretch" {
		t.Fatalf("last is %s, want the one asking more Dutch (lower fit) though it is in Deurne", got[5].Facts.ID)
	}
	if rest := jobs.Best(seekerOf(amira()), vs, vacancies.Chosen, now, 2, 10); len(rest) != 3 || rest[0].Facts.ID != got[2].Facts.ID {
		t.Fatalf("the page from 2 = %v, want the list from its third", ids(rest))
	}
}

func ids(ms []jobs.Match) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Facts.ID)
	}
	return out
}

// Every reason a match can carry reads in every language.
func TestReasonsReadInEveryLanguage(t *testing.T) {
	texts := locales.MustLoad()
	reasons := []jobs.Reason{
		{Code: jobs.ReasonSector, Sector: orientation.SectorPort}, {Code: jobs.ReasonNear, Km: 6, Place: "Deurne"},
		{Code: jobs.ReasonHome, Place: "Hoboken"}, {Code: jobs.ReasonNoDutch}, {Code: jobs.ReasonHours}, {Code: jobs.ReasonNoDiploma},
		{Code: jobs.ReasonLicenceUse},
	}
	for _, level := range []string{orientation.DutchLittle, orientation.DutchConversational} {
		reasons = append(reasons, jobs.Reason{Code: jobs.ReasonDutch, Dutch: level})
	}
	for _, l := range locales.Languages {
		tr := func(id string, data map[string]any) string { return texts.T(l.Code, id, data) }
		seen := map[string]bool{}
		for _, r := range reasons {
			got := r.Text(tr)
			if got == "" || got == r.MessageID() || strings.Contains(got, "{{") || strings.Contains(got, "<no value>") || seen[got] {
				t.Errorf("%s: %s reads %q", l.Code, r.MessageID(), got)
			}
			seen[got] = true
			switch r.Code {
			case jobs.ReasonNear:
				if !strings.Contains(got, "6") || !strings.Contains(got, "Deurne") {
					t.Errorf("%s: distance reason %q lacks the km or the place", l.Code, got)
				}
			case jobs.ReasonHome:
				if !strings.Contains(got, "Hoboken") || strings.Contains(got, "0") {
					t.Errorf("%s: home reason %q", l.Code, got)
				}
			case jobs.ReasonSector:
				if !strings.Contains(got, texts.T(l.Code, "opt_sec_port", nil)) {
					t.Errorf("%s: sector reason %q lacks the sector's name", l.Code, got)
				}
			}
		}
	}
}

// The two figures issue #6 asks for, on the matching itself (the profiles
// and vacancies in memory).
//
//	go test ./jobs -run '^$' -bench Match -benchtime 200x
func BenchmarkMatchAllVacanciesOneProfile(b *testing.B) {
	vs := manyVacancies(10000)
	s := seekerOf(amira())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		jobs.Best(s, vs, vacancies.Chosen, now, 0, 5)
	}
}

func BenchmarkMatchOneVacancyManyProfiles(b *testing.B) {
	ps := manyProfiles(100000)
	v := vacancy(nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := 0
		for _, p := range ps {
			if _, ok := jobs.Score(seekerOf(p), v, now); ok {
				n++
			}
		}
	}
}

func manyVacancies(n int) []jobs.Vacancy {
	pcs := []string{"2000", "2018", "2030", "2040", "2100", "2140", "2170", "2600", "2660", "2800", "9120", "2930"}
	out := make([]jobs.Vacancy, n)
	for i := range out {
		out[i] = vacancy(func(v *jobs.Vacancy) {
			v.ID, v.Postcode, v.Sector = fmt.Sprint(i), pcs[i%len(pcs)], orientation.Sectors[i%len(orientation.Sectors)]
			v.Shifts, v.PartTime = i%3 == 0, i%4 == 0
		})
	}
	return out
}

func manyProfiles(n int) []orientation.Profile {
	out := make([]orientation.Profile, n)
	levels := []string{orientation.DutchNone, orientation.DutchLittle, orientation.DutchConversational, orientation.DutchFluent}
	for i := range out {
		p := amira()
		p.District, p.Postcode = orientation.Districts[i%len(orientation.Districts)].ID, orientation.Districts[i%len(orientation.Districts)].Postcode
		p.Dutch = levels[i%4]
		p.Sectors = []string{orientation.Sectors[i%len(orientation.Sectors)]}
		out[i] = p
	}
	return out
}
