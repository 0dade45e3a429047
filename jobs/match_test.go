package jobs_test

import (
	"fmt"
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

func vacancy(mod func(*jobs.Vacancy)) jobs.Vacancy {
	v := jobs.Vacancy{ID: "v", Title: "Metselaar", Employer: "E", Postcode: "2000", Sector: orientation.SectorConstruction,
		FullTime: true, Dutch: orientation.DutchLittle, Licence: orientation.LicenceNone}
	if mod != nil {
		mod(&v)
	}
	return v
}

// Each hard rule excludes, and its near miss does not.
func TestHardMismatchesExclude(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    func(*orientation.Profile)
		v    func(*jobs.Vacancy)
		fits bool
	}{
		{"licence C without C", nil, func(v *jobs.Vacancy) { v.Licence = orientation.LicenceC }, false},
		{"near miss: licence C with C", func(p *orientation.Profile) { p.Licence = orientation.LicenceC }, func(v *jobs.Vacancy) { v.Licence = orientation.LicenceC }, true},
		{"licence B without licence", nil, func(v *jobs.Vacancy) { v.Licence = orientation.LicenceB }, false},
		{"near miss: licence B with C", func(p *orientation.Profile) { p.Licence = orientation.LicenceC }, func(v *jobs.Vacancy) { v.Licence = orientation.LicenceB }, true},
		{"fluent Dutch for a little", nil, func(v *jobs.Vacancy) { v.Dutch = orientation.DutchFluent }, false},
		{"near miss: conversational for a little", nil, func(v *jobs.Vacancy) { v.Dutch = orientation.DutchConversational }, true},
		{"conversational for none", func(p *orientation.Profile) { p.Dutch = orientation.DutchNone }, func(v *jobs.Vacancy) { v.Dutch = orientation.DutchConversational }, false},
		{"too far without licence (Mechelen, 22 km)", nil, func(v *jobs.Vacancy) { v.Postcode = "2800" }, false},
		{"near miss: Mechelen with licence B", func(p *orientation.Profile) { p.Licence = orientation.LicenceB }, func(v *jobs.Vacancy) { v.Postcode = "2800" }, true},
		{"full-time only for part-time only", func(p *orientation.Profile) { p.Availability = []string{orientation.AvailPartTime} }, nil, false},
		{"near miss: full or part time for part-time only", func(p *orientation.Profile) { p.Availability = []string{orientation.AvailPartTime} }, func(v *jobs.Vacancy) { v.PartTime = true }, true},
		{"degree for secondary", nil, func(v *jobs.Vacancy) { v.Education = orientation.EducationHigher }, false},
		{"near miss: secondary for secondary", nil, func(v *jobs.Vacancy) { v.Education = orientation.EducationSecondary }, true},
		{"expired", nil, func(v *jobs.Vacancy) { v.ValidThrough = now.Add(-time.Minute) }, false},
		{"near miss: valid a minute more", nil, func(v *jobs.Vacancy) { v.ValidThrough = now.Add(time.Minute) }, true},
	} {
		p := amira()
		if tc.p != nil {
			tc.p(&p)
		}
		_, fits := jobs.Score(p, vacancy(tc.v), nil, now)
		if fits != tc.fits {
			t.Errorf("%s: fits %v, want %v", tc.name, fits, tc.fits)
		}
	}
}

func TestSoftRulesRankAndReasonsExplain(t *testing.T) {
	p := amira()
	m, ok := jobs.Score(p, vacancy(nil), nil, now)
	if !ok {
		t.Fatal("a fitting vacancy does not fit")
	}
	codes := map[jobs.ReasonCode]jobs.Reason{}
	for _, r := range m.Reasons {
		codes[r.Code] = r
	}
	if r := codes[jobs.ReasonSector]; r.Sector != orientation.SectorConstruction || m.Reasons[0].Code != jobs.ReasonSector {
		t.Fatalf("sector reason first: %+v", m.Reasons)
	}
	if r := codes[jobs.ReasonNear]; r.Place != "Deurne" || r.Km < 3 || r.Km > 6 {
		t.Fatalf("distance reason: %+v (Antwerpen is about 4 km from Deurne)", r)
	}
	if r := codes[jobs.ReasonDutch]; r.Dutch != orientation.DutchLittle {
		t.Fatalf("Dutch reason: %+v", m.Reasons)
	}
	base := m.Score
	for name, mod := range map[string]func(*jobs.Vacancy){
		"another sector":          func(v *jobs.Vacancy) { v.Sector = orientation.SectorRetail },
		"shifts not chosen":       func(v *jobs.Vacancy) { v.Shifts = true },
		"weekends not chosen":     func(v *jobs.Vacancy) { v.Weekends = true },
		"Dutch one level up":      func(v *jobs.Vacancy) { v.Dutch = orientation.DutchConversational },
		"farther (Hoboken)":       func(v *jobs.Vacancy) { v.Postcode = "2660" },
		"part-time for full-time": func(v *jobs.Vacancy) { v.FullTime, v.PartTime = false, true },
	} {
		if m, ok := jobs.Score(p, vacancy(mod), nil, now); !ok || m.Score >= base {
			t.Errorf("%s: score %d (fits %v), want below %d", name, m.Score, ok, base)
		}
	}
	// "other" is open to any sector.
	open := amira()
	open.Sectors = []string{orientation.SectorOther}
	a, _ := jobs.Score(open, vacancy(nil), nil, now)
	b, _ := jobs.Score(open, vacancy(func(v *jobs.Vacancy) { v.Sector = orientation.SectorRetail }), nil, now)
	if a.Score != b.Score {
		t.Errorf("someone open to any sector ranks sectors apart: %d vs %d", a.Score, b.Score)
	}
}

func TestNotForMeLowersSimilarAndHidesTheVacancy(t *testing.T) {
	p := amira()
	near := vacancy(func(v *jobs.Vacancy) { v.ID, v.Postcode = "near", "2140" })
	far := vacancy(func(v *jobs.Vacancy) { v.ID, v.Postcode = "far", "2660" })
	farther := vacancy(func(v *jobs.Vacancy) { v.ID, v.Postcode = "farther", "2630" }) // Aartselaar, beyond Hoboken
	port := vacancy(func(v *jobs.Vacancy) { v.ID, v.Sector = "port", orientation.SectorPort })
	all := []jobs.Vacancy{near, far, farther, port}
	var fb jobs.Feedback
	before := scores(p, all, &fb)
	fb.Reject(p, far, vacancies.TooFar)
	after := scores(p, all, &fb)
	if _, shown := after["far"]; shown {
		t.Fatal("a vacancy marked not for me is shown again")
	}
	if after["farther"] >= before["farther"] || after["near"] != before["near"] {
		t.Fatalf("too far: farther %d→%d (want lower), near %d→%d (want same)", before["farther"], after["farther"], before["near"], after["near"])
	}
	fb.Reject(p, near, vacancies.WrongSector)
	after2 := scores(p, all, &fb)
	if after2["port"] != after["port"] || after2["farther"] >= after["farther"] {
		t.Fatalf("not this sector: port %d→%d (want same), construction %d→%d (want lower)", after["port"], after2["port"], after["farther"], after2["farther"])
	}
}

func scores(p orientation.Profile, vs []jobs.Vacancy, fb *jobs.Feedback) map[string]int {
	out := map[string]int{}
	for _, m := range jobs.Best(p, vs, fb, now, 0, 100) {
		out[m.Vacancy.ID] = m.Score
	}
	return out
}

func TestBestPagesThroughTheFittingOnes(t *testing.T) {
	var vs []jobs.Vacancy
	for i, pc := range []string{"2660", "2000", "2100", "2800", "2140"} {
		vs = append(vs, vacancy(func(v *jobs.Vacancy) { v.ID, v.Postcode = fmt.Sprint(i), pc }))
	}
	first := jobs.Best(amira(), vs, nil, now, 0, 2)
	rest := jobs.Best(amira(), vs, nil, now, 2, 10)
	if len(first) != 2 || first[0].Vacancy.Postcode != "2100" || len(rest) != 2 {
		t.Fatalf("pages: %v / %v, want the nearest (Deurne itself) first and Mechelen left out", ids(first), ids(rest))
	}
}

func ids(ms []jobs.Match) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Vacancy.ID+"@"+m.Vacancy.Postcode)
	}
	return out
}

// The two figures issue #6 asks for, on the matching itself (the profiles
// and vacancies in memory; reading them from Redis comes with the store).
func BenchmarkMatchAllVacanciesOneProfile(b *testing.B) {
	vs := manyVacancies(10000)
	p := amira()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		jobs.Best(p, vs, nil, now, 0, 5)
	}
}

func BenchmarkMatchOneVacancyManyProfiles(b *testing.B) {
	ps := manyProfiles(100000)
	v := vacancy(nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := 0
		for _, p := range ps {
			if _, ok := jobs.Score(p, v, nil, now); ok {
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

// Every reason a match can carry reads in every language.
func TestReasonsReadInEveryLanguage(t *testing.T) {
	texts := locales.MustLoad()
	reasons := []jobs.Reason{
		{Code: jobs.ReasonSector, Sector: orientation.SectorPort}, {Code: jobs.ReasonNear, Km: 6, Place: "Deurne"},
		{Code: jobs.ReasonNoDutch}, {Code: jobs.ReasonHours}, {Code: jobs.ReasonNoDiploma}, {Code: jobs.ReasonLicenceUse},
	}
	for _, level := range []string{orientation.DutchLittle, orientation.DutchConversational, orientation.DutchFluent} {
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
			case jobs.ReasonSector:
				if !strings.Contains(got, texts.T(l.Code, "opt_sec_port", nil)) {
					t.Errorf("%s: sector reason %q lacks the sector's name", l.Code, got)
				}
			}
		}
	}
	// And the reasons of a real match are among them.
	m, _ := jobs.Score(amira(), vacancy(nil), nil, now)
	for _, r := range m.Reasons {
		if got := r.Text(func(id string, data map[string]any) string { return texts.T("ar", id, data) }); got == "" {
			t.Errorf("reason %s of a real match has no Arabic text", r.MessageID())
		}
	}
}
