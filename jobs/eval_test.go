package jobs_test

import (
	"os"
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/vacancies"
	"github.com/werkwijzer/werkwijzer/jobs"
)

// persona is one person of the evaluation set (testdata/personas.yaml).
type persona struct {
	Name    string
	Group   string
	Profile orientation.Profile
	Judged  string
	Good    []string
}

func personas(t testing.TB) []persona {
	t.Helper()
	b, err := os.ReadFile("testdata/personas.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var ps []persona
	if err := yaml.Unmarshal(b, &ps); err != nil {
		t.Fatal(err)
	}
	return ps
}

var dutchLevels = []string{orientation.DutchNone, orientation.DutchLittle, orientation.DutchConversational, orientation.DutchFluent}

// The set is what the issue asks: at least 20 people of the groups the
// city reaches, each judged against vacancies that exist in the sample.
func TestEvaluationSetIsSound(t *testing.T) {
	ps := personas(t)
	if len(ps) < 20 {
		t.Fatalf("%d personas, want at least 20", len(ps))
	}
	vs, err := jobs.Sample()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, v := range vs {
		ids[v.ID] = true
	}
	groups := map[string]bool{}
	for _, p := range ps {
		groups[p.Group] = true
		if p.Judged == "" || len(p.Good) == 0 || len(p.Profile.Sectors) == 0 || p.Profile.Dutch == "" || p.Profile.Postcode == "" {
			t.Errorf("%s: judged %q, %d good, profile %+v", p.Name, p.Judged, len(p.Good), p.Profile)
		}
		for _, g := range p.Good {
			if !ids[g] {
				t.Errorf("%s: good vacancy %s is not in the sample", p.Name, g)
			}
		}
	}
	if len(groups) < 15 {
		t.Errorf("%d distinct groups, want the set to span the target groups", len(groups))
	}
}

// For every persona, each of their top 10 keeps every hard constraint,
// checked here from their answers, not with the rules themselves; and no
// reason on a card is contradicted by what the card shows.
func TestEvaluationTopTenKeepsEveryHardConstraint(t *testing.T) {
	vs, err := jobs.Sample()
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]jobs.Vacancy{}
	for _, v := range vs {
		byID[v.ID] = v
	}
	tr := func(id string, _ map[string]any) string { return id }
	for _, pe := range personas(t) {
		p := pe.Profile
		top := jobs.Best(vacancies.Seeker{Profile: p}, vs, vacancies.Chosen, now, 0, 10)
		if len(top) == 0 {
			t.Errorf("%s: nothing offered", pe.Name)
		}
		radius := 20.0
		if p.Licence == orientation.LicenceB || p.Licence == orientation.LicenceC {
			radius = 40
		}
		av := p.Availability
		for _, m := range top {
			v := byID[m.Facts.ID]
			fail := func(what string) { t.Errorf("%s: %s (%s) breaks %s", pe.Name, v.ID, v.Title, what) }
			if !slices.Contains(p.Sectors, orientation.SectorOther) || len(p.Sectors) > 1 {
				if !slices.Contains(p.Sectors, v.Sector) {
					fail("their sectors")
				}
			}
			switch v.Licence {
			case orientation.LicenceB:
				if p.Licence != orientation.LicenceB && p.Licence != orientation.LicenceC {
					fail("licence B")
				}
			case orientation.LicenceC:
				if p.Licence != orientation.LicenceC {
					fail("licence C")
				}
			}
			need, have := slices.Index(dutchLevels, v.Dutch), slices.Index(dutchLevels, p.Dutch)
			if need > have+1 || (have == 0 && need > 1) {
				fail("their Dutch")
			}
			if km, ok := jobs.Distance(p.Postcode, v.Postcode); ok && km > radius {
				fail("the distance")
			}
			wantsFull, wantsPart := slices.Contains(av, orientation.AvailFullTime), slices.Contains(av, orientation.AvailPartTime)
			if (wantsFull || wantsPart) && !(v.FullTime && wantsFull || v.PartTime && wantsPart) {
				fail("their hours")
			}
			if v.Shifts && !slices.Contains(av, orientation.AvailShifts) {
				fail("no shifts")
			}
			if v.Weekends && !slices.Contains(av, orientation.AvailWeekends) {
				fail("no weekends")
			}
			if v.Education == orientation.EducationHigher && p.Education != orientation.EducationHigher {
				fail("the degree")
			}
			o := jobs.OfferOf(v, m, "nl", tr)
			for _, r := range m.Reasons {
				ok := true
				switch r.Code {
				case jobs.ReasonSector:
					ok = r.Sector == o.Sector && !o.Outside
				case jobs.ReasonHome:
					ok = o.Km == 0
				case jobs.ReasonNear:
					ok = o.Km == r.Km && r.Km > 0
				case jobs.ReasonDutch:
					ok = o.Dutch == r.Dutch && p.Dutch != orientation.DutchFluent
				case jobs.ReasonNoDutch:
					ok = o.Dutch == orientation.DutchNone && p.Dutch != orientation.DutchFluent
				case jobs.ReasonHours:
					ok = o.PartTime
				case jobs.ReasonNoDiploma:
					ok = o.Education == ""
				case jobs.ReasonLicenceUse:
					ok = o.Licence == orientation.LicenceB || o.Licence == orientation.LicenceC
				}
				if !ok {
					t.Errorf("%s: %s: the reason %+v is contradicted by the card %+v", pe.Name, v.ID, r, o)
				}
			}
		}
	}
}

// BenchmarkPrecisionAt5 reports, over the evaluation set, how many of the
// matcher's first five vacancies a coach judged good (precision@5), and
// the worst persona's.
//
//	go test ./jobs -run '^$' -bench PrecisionAt5 -benchtime 1x
func BenchmarkPrecisionAt5(b *testing.B) {
	vs, err := jobs.Sample()
	if err != nil {
		b.Fatal(err)
	}
	ps := personas(b)
	var sum, worst float64
	for i := 0; i < b.N; i++ {
		sum, worst = 0, 1
		for _, pe := range ps {
			top := jobs.Best(vacancies.Seeker{Profile: pe.Profile}, vs, vacancies.Chosen, now, 0, 5)
			hits := 0
			for _, m := range top {
				if slices.Contains(pe.Good, m.Facts.ID) {
					hits++
				}
			}
			p := float64(hits) / 5
			if len(pe.Good) < 5 {
				p = float64(hits) / float64(len(pe.Good)) // as many as there are to find
			}
			if testing.Verbose() && i == 0 {
				b.Logf("%-8s %.1f (%d good)", pe.Name, p, len(pe.Good))
			}
			sum += p
			worst = min(worst, p)
		}
	}
	b.ReportMetric(sum/float64(len(ps)), "precision@5")
	b.ReportMetric(worst, "worst-precision@5")
}
