package orientation

import "slices"

// This file is the one place where a jobseeker's next steps are decided.
// Staff can review it: each rule reads "when <condition>, advise <step>".
// Every rule that matches is advised, in the order listed; when none does,
// the fallback is. Each rule has its own test in pathway_test.go.

// NextStep is one piece of advice on the pathway; its ID names the message
// "step_<ID>" that explains it, and later features (booking, sessions) key
// on it.
type NextStep struct {
	ID string
	// Session is the sector of a Talentenhuis info session (held in
	// Dutch); "" for other steps.
	Session string
	// Interpreter: an interpreter can come to the session, so someone who
	// speaks no Dutch is advised it where it stands, and told.
	Interpreter bool
}

// Rule advises Step when When holds for a profile.
type Rule struct {
	Step NextStep
	Why  string // for staff reading this file and the tests
	When func(p Profile) bool
}

// Pathway is the ordered rule list.
var Pathway = []Rule{
	{NextStep{ID: "orientation_coaching"}, "no clear job goal: choose one together with a coach",
		func(p Profile) bool { return p.Goal == GoalUnknown }},
	{NextStep{ID: "talentenwerf", Session: SectorConstruction}, "interest in construction: Talentenwerf info session",
		func(p Profile) bool { return p.HasSector(SectorConstruction) }},
	{NextStep{ID: "talentenstroom", Session: SectorPort}, "interest in port and logistics: Talentenstroom info session",
		func(p Profile) bool { return p.HasSector(SectorPort) }},
	{NextStep{ID: "talentenfabriek", Session: SectorIndustry}, "interest in industry: Talentenfabriek info session",
		func(p Profile) bool { return p.HasSector(SectorIndustry) }},
	{NextStep{ID: "onderwijstalent", Session: SectorEducation}, "interest in education: Onderwijstalent info session",
		func(p Profile) bool { return p.HasSector(SectorEducation) }},
	{NextStep{ID: "youth_track"}, "under 25 without a secondary diploma: the youth track",
		func(p Profile) bool {
			return p.Age == AgeUnder25 && (p.Education == EducationPrimary || p.Education == EducationSecondaryUnfinished)
		}},
	{NextStep{ID: "work_experience"}, "on social assistance via OCMW: the city's work-experience route",
		func(p Profile) bool { return p.Situation == SituationOCMW }},
	{NextStep{ID: "specialised_guidance"}, "a health condition or work disability: specialised guidance",
		func(p Profile) bool { return p.HasSupport(SupportDisability) }},
	{NextStep{ID: "dutch_course"}, "speaks no or little Dutch: a Dutch course alongside the job route",
		func(p Profile) bool { return p.Dutch == DutchNone || p.Dutch == DutchLittle }},
	{NextStep{ID: "diploma_recognition"}, "a foreign diploma that is not (known to be) recognised: have it recognised",
		func(p Profile) bool { return p.Diploma == DiplomaNotRecognised || p.Diploma == DiplomaUnknown }},
	{NextStep{ID: "childcare"}, "needs childcare to be able to work: help finding it",
		func(p Profile) bool { return p.HasSupport(SupportChildcare) }},
}

// Fallback is advised when no rule matches: someone with a clear goal and
// nothing else to arrange gets a job coach.
var Fallback = NextStep{ID: "job_coaching"}

// Advise returns the next steps for p, in rule order. A Dutch course or a
// diploma recognition goes alongside a job route, never instead of one, so
// when only those match the fallback is added in front.
//
// The info sessions are held in Dutch. Someone who speaks no Dutch is not
// advised one first: it comes after the other steps (the Dutch course among
// them), unless its sector's sessions offer an interpreter (interpreted
// lists those sectors), in which case it keeps its place and says so.
func Advise(p Profile, interpreted ...string) []NextStep {
	var steps, later []NextStep
	route := false
	for _, r := range Pathway {
		if !r.When(p) {
			continue
		}
		step := r.Step
		if step.Session != "" && p.Dutch == DutchNone {
			if !slices.Contains(interpreted, step.Session) {
				later = append(later, step)
				continue
			}
			step.Interpreter = true
		}
		steps = append(steps, step)
		if !alongside[step.ID] {
			route = true
		}
	}
	if !route {
		steps = append([]NextStep{Fallback}, steps...)
	}
	return append(steps, later...)
}

// alongside are steps that support a route rather than being one.
var alongside = map[string]bool{"dutch_course": true, "diploma_recognition": true, "childcare": true}
