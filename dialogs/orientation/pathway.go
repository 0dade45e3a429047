package orientation

// This file is the one place where a jobseeker's next steps are decided.
// Staff can review it: each rule reads "when <condition>, advise <step>".
// Every rule that matches is advised, in the order listed; when none does,
// the fallback is. Each rule has its own test in pathway_test.go.

// NextStep is one piece of advice on the pathway; its ID names the message
// "step_<ID>" that explains it, and later features (booking, sessions) key
// on it.
type NextStep struct {
	ID string
}

// Rule advises Step when When holds for a profile.
type Rule struct {
	Step NextStep
	Why  string // for staff reading this file and the tests
	When func(p Profile) bool
}

// Pathway is the ordered rule list.
var Pathway = []Rule{
	{NextStep{"orientation_coaching"}, "no clear job goal: choose one together with a coach",
		func(p Profile) bool { return p.Goal == GoalUnknown }},
	{NextStep{"talentenwerf"}, "interest in construction: Talentenwerf info session",
		func(p Profile) bool { return p.HasSector(SectorConstruction) }},
	{NextStep{"talentenstroom"}, "interest in port and logistics: Talentenstroom info session",
		func(p Profile) bool { return p.HasSector(SectorPort) }},
	{NextStep{"talentenfabriek"}, "interest in industry: Talentenfabriek info session",
		func(p Profile) bool { return p.HasSector(SectorIndustry) }},
	{NextStep{"onderwijstalent"}, "interest in education: Onderwijstalent info session",
		func(p Profile) bool { return p.HasSector(SectorEducation) }},
	{NextStep{"youth_track"}, "under 25 without a secondary diploma: the youth track",
		func(p Profile) bool {
			return p.Age == AgeUnder25 && (p.Education == EducationPrimary || p.Education == EducationSecondaryUnfinished)
		}},
	{NextStep{"work_experience"}, "on social assistance via OCMW: the city's work-experience route",
		func(p Profile) bool { return p.Situation == SituationOCMW }},
	{NextStep{"specialised_guidance"}, "a health condition or work disability: specialised guidance",
		func(p Profile) bool { return p.HasSupport(SupportDisability) }},
	{NextStep{"dutch_course"}, "speaks no or little Dutch: a Dutch course alongside the job route",
		func(p Profile) bool { return p.Dutch == DutchNone || p.Dutch == DutchLittle }},
	{NextStep{"diploma_recognition"}, "a foreign diploma that is not (known to be) recognised: have it recognised",
		func(p Profile) bool { return p.Diploma == DiplomaNotRecognised || p.Diploma == DiplomaUnknown }},
	{NextStep{"childcare"}, "needs childcare to be able to work: help finding it",
		func(p Profile) bool { return p.HasSupport(SupportChildcare) }},
}

// Fallback is advised when no rule matches: someone with a clear goal and
// nothing else to arrange gets a job coach.
var Fallback = NextStep{"job_coaching"}

// Advise returns the next steps for p, in rule order. A Dutch course or a
// diploma recognition goes alongside a job route, never instead of one, so
// when only those match the fallback is added in front.
func Advise(p Profile) []NextStep {
	var steps []NextStep
	route := false
	for _, r := range Pathway {
		if r.When(p) {
			steps = append(steps, r.Step)
			if !alongside[r.Step.ID] {
				route = true
			}
		}
	}
	if !route {
		steps = append([]NextStep{Fallback}, steps...)
	}
	return steps
}

// alongside are steps that support a route rather than being one.
var alongside = map[string]bool{"dutch_course": true, "diploma_recognition": true, "childcare": true}
