package dialogs_test

import (
	"slices"
	"testing"

	"github.com/werkwijzer/werkwijzer/dialogs"
)

// base matches no rule: a clear goal, fluent Dutch, nothing to arrange.
func base() dialogs.Profile {
	return dialogs.Profile{Age: dialogs.Age25to49, Dutch: dialogs.DutchFluent, Situation: dialogs.SituationVDAB,
		Education: dialogs.EducationSecondary, Diploma: dialogs.DiplomaBelgium, Sectors: []string{dialogs.SectorRetail},
		Goal: dialogs.GoalKnow, Support: []string{dialogs.SupportNone}}
}

func ids(steps []dialogs.NextStep) []string {
	var out []string
	for _, s := range steps {
		out = append(out, s.ID)
	}
	return out
}

func TestPathwayRules(t *testing.T) {
	if got := ids(dialogs.Advise(base())); len(got) != 1 || got[0] != "job_coaching" {
		t.Fatalf("no rule matching: %v, want only the fallback job_coaching", got)
	}
	cases := []struct {
		rule   string
		change func(p *dialogs.Profile)
		miss   func(p *dialogs.Profile) // a near miss that must not trigger it
	}{
		{"orientation_coaching", func(p *dialogs.Profile) { p.Goal = dialogs.GoalUnknown }, func(p *dialogs.Profile) { p.Goal = dialogs.GoalLearn }},
		{"talentenwerf", func(p *dialogs.Profile) { p.Sectors = []string{dialogs.SectorConstruction} }, func(p *dialogs.Profile) { p.Sectors = []string{dialogs.SectorCleaning} }},
		{"talentenstroom", func(p *dialogs.Profile) { p.Sectors = []string{dialogs.SectorPort} }, func(p *dialogs.Profile) { p.Sectors = []string{dialogs.SectorRetail} }},
		{"talentenfabriek", func(p *dialogs.Profile) { p.Sectors = []string{dialogs.SectorIndustry} }, func(p *dialogs.Profile) { p.Sectors = []string{dialogs.SectorHospitality} }},
		{"onderwijstalent", func(p *dialogs.Profile) { p.Sectors = []string{dialogs.SectorEducation} }, func(p *dialogs.Profile) { p.Sectors = []string{dialogs.SectorCare} }},
		{"dutch_course", func(p *dialogs.Profile) { p.Dutch = dialogs.DutchLittle }, func(p *dialogs.Profile) { p.Dutch = dialogs.DutchConversational }},
		{"dutch_course", func(p *dialogs.Profile) { p.Dutch = dialogs.DutchNone }, func(p *dialogs.Profile) { p.Dutch = "" }},
		{"youth_track", func(p *dialogs.Profile) { p.Age, p.Education = dialogs.AgeUnder25, dialogs.EducationPrimary },
			func(p *dialogs.Profile) { p.Age, p.Education = dialogs.AgeUnder25, dialogs.EducationSecondary }},
		{"youth_track", func(p *dialogs.Profile) {
			p.Age, p.Education = dialogs.AgeUnder25, dialogs.EducationSecondaryUnfinished
		},
			func(p *dialogs.Profile) { p.Age, p.Education = dialogs.Age25to49, dialogs.EducationPrimary }},
		{"work_experience", func(p *dialogs.Profile) { p.Situation = dialogs.SituationOCMW }, func(p *dialogs.Profile) { p.Situation = dialogs.SituationOther }},
		{"specialised_guidance", func(p *dialogs.Profile) { p.Support = []string{dialogs.SupportDisability} }, func(p *dialogs.Profile) { p.Support = []string{dialogs.SupportChildcare} }},
		{"diploma_recognition", func(p *dialogs.Profile) { p.Diploma = dialogs.DiplomaNotRecognised }, func(p *dialogs.Profile) { p.Diploma = dialogs.DiplomaRecognised }},
		{"childcare", func(p *dialogs.Profile) { p.Support = []string{dialogs.SupportChildcare} }, func(p *dialogs.Profile) { p.Support = nil }},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			p := base()
			c.change(&p)
			if got := ids(dialogs.Advise(p)); !slices.Contains(got, c.rule) {
				t.Fatalf("Advise = %v, want %s", got, c.rule)
			}
			m := base()
			c.miss(&m)
			if got := ids(dialogs.Advise(m)); slices.Contains(got, c.rule) {
				t.Fatalf("near miss: Advise = %v, must not hold %s", got, c.rule)
			}
		})
	}
}

func TestSupportingStepsComeWithAJobRoute(t *testing.T) {
	p := base()
	p.Dutch = dialogs.DutchNone
	got := ids(dialogs.Advise(p))
	if len(got) != 2 || got[0] != "job_coaching" || got[1] != "dutch_course" {
		t.Fatalf("Advise = %v, want a job route with the Dutch course alongside", got)
	}
}

func TestEveryStepHasAMessage(t *testing.T) {
	for _, r := range append(dialogs.Pathway, dialogs.Rule{Step: dialogs.Fallback}) {
		for _, l := range []string{"nl", "en", "ps"} {
			if got := texts.T(l, "step_"+r.Step.ID, nil); got == "step_"+r.Step.ID {
				t.Errorf("step %s has no message in %s", r.Step.ID, l)
			}
		}
	}
}
