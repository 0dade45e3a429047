package orientation_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
)

// base matches no rule: a clear goal, fluent Dutch, nothing to arrange.
func base() orientation.Profile {
	return orientation.Profile{Age: orientation.Age25to49, Dutch: orientation.DutchFluent, Situation: orientation.SituationVDAB,
		Education: orientation.EducationSecondary, Diploma: orientation.DiplomaBelgium, Sectors: []string{orientation.SectorRetail},
		Goal: orientation.GoalKnow, Support: []string{orientation.SupportNone}}
}

func ids(steps []orientation.NextStep) []string {
	var out []string
	for _, s := range steps {
		out = append(out, s.ID)
	}
	return out
}

func TestPathwayRules(t *testing.T) {
	if got := ids(orientation.Advise(base())); len(got) != 1 || got[0] != "job_coaching" {
		t.Fatalf("no rule matching: %v, want only the fallback job_coaching", got)
	}
	cases := []struct {
		rule   string
		change func(p *orientation.Profile)
		miss   func(p *orientation.Profile) // a near miss that must not trigger it
	}{
		{"orientation_coaching", func(p *orientation.Profile) { p.Goal = orientation.GoalUnknown }, func(p *orientation.Profile) { p.Goal = orientation.GoalLearn }},
		{"talentenwerf", func(p *orientation.Profile) { p.Sectors = []string{orientation.SectorConstruction} }, func(p *orientation.Profile) { p.Sectors = []string{orientation.SectorCleaning} }},
		{"talentenstroom", func(p *orientation.Profile) { p.Sectors = []string{orientation.SectorPort} }, func(p *orientation.Profile) { p.Sectors = []string{orientation.SectorRetail} }},
		{"talentenfabriek", func(p *orientation.Profile) { p.Sectors = []string{orientation.SectorIndustry} }, func(p *orientation.Profile) { p.Sectors = []string{orientation.SectorHospitality} }},
		{"onderwijstalent", func(p *orientation.Profile) { p.Sectors = []string{orientation.SectorEducation} }, func(p *orientation.Profile) { p.Sectors = []string{orientation.SectorCare} }},
		{"dutch_course", func(p *orientation.Profile) { p.Dutch = orientation.DutchLittle }, func(p *orientation.Profile) { p.Dutch = orientation.DutchConversational }},
		{"dutch_course", func(p *orientation.Profile) { p.Dutch = orientation.DutchNone }, func(p *orientation.Profile) { p.Dutch = "" }},
		{"youth_track", func(p *orientation.Profile) {
			p.Age, p.Education = orientation.AgeUnder25, orientation.EducationPrimary
		},
			func(p *orientation.Profile) {
				p.Age, p.Education = orientation.AgeUnder25, orientation.EducationSecondary
			}},
		{"youth_track", func(p *orientation.Profile) {
			p.Age, p.Education = orientation.AgeUnder25, orientation.EducationSecondaryUnfinished
		},
			func(p *orientation.Profile) { p.Age, p.Education = orientation.Age25to49, orientation.EducationPrimary }},
		{"work_experience", func(p *orientation.Profile) { p.Situation = orientation.SituationOCMW }, func(p *orientation.Profile) { p.Situation = orientation.SituationOther }},
		{"specialised_guidance", func(p *orientation.Profile) { p.Support = []string{orientation.SupportDisability} }, func(p *orientation.Profile) { p.Support = []string{orientation.SupportChildcare} }},
		{"diploma_recognition", func(p *orientation.Profile) { p.Diploma = orientation.DiplomaNotRecognised }, func(p *orientation.Profile) { p.Diploma = orientation.DiplomaRecognised }},
		{"childcare", func(p *orientation.Profile) { p.Support = []string{orientation.SupportChildcare} }, func(p *orientation.Profile) { p.Support = nil }},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			p := base()
			c.change(&p)
			if got := ids(orientation.Advise(p)); !slices.Contains(got, c.rule) {
				t.Fatalf("Advise = %v, want %s", got, c.rule)
			}
			m := base()
			c.miss(&m)
			if got := ids(orientation.Advise(m)); slices.Contains(got, c.rule) {
				t.Fatalf("near miss: Advise = %v, must not hold %s", got, c.rule)
			}
		})
	}
}

func TestSupportingStepsComeWithAJobRoute(t *testing.T) {
	p := base()
	p.Dutch = orientation.DutchNone
	got := ids(orientation.Advise(p))
	if len(got) != 2 || got[0] != "job_coaching" || got[1] != "dutch_course" {
		t.Fatalf("Advise = %v, want a job route with the Dutch course alongside", got)
	}
}

func TestEveryStepHasAMessage(t *testing.T) {
	for _, r := range append(orientation.Pathway, orientation.Rule{Step: orientation.Fallback}) {
		for _, l := range []string{"nl", "en", "ps"} {
			if got := texts.T(l, "step_"+r.Step.ID, nil); got == "step_"+r.Step.ID {
				t.Errorf("step %s has no message in %s", r.Step.ID, l)
			}
		}
	}
}

// Info sessions are held in Dutch: someone who speaks no Dutch gets them
// after the other steps, unless an interpreter is offered for them; someone
// with a little Dutch keeps the order of the rules.
func TestNoDutchOnlySessionFirstForSomeoneWhoSpeaksNoDutch(t *testing.T) {
	p := base()
	p.Dutch = orientation.DutchNone
	p.Sectors = []string{orientation.SectorConstruction, orientation.SectorPort}
	got := orientation.Advise(p)
	if ids := ids(got); strings.Join(ids, " ") != "job_coaching dutch_course talentenwerf talentenstroom" {
		t.Fatalf("no Dutch, no interpreter: %v, want the sessions after the Dutch course", ids)
	}
	got = orientation.Advise(p, orientation.SectorPort)
	if ids := ids(got); strings.Join(ids, " ") != "talentenstroom dutch_course talentenwerf" || !got[0].Interpreter || got[2].Interpreter {
		t.Fatalf("an interpreter for port sessions: %+v, want Talentenstroom first, with its interpreter", got)
	}
	p.Dutch = orientation.DutchLittle
	if ids := ids(orientation.Advise(p)); ids[0] != "talentenwerf" {
		t.Fatalf("a little Dutch: %v, want the rule order", ids)
	}
}
