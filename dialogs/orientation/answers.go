package orientation

import (
	"slices"

	"github.com/werkwijzer/werkwijzer/dialogs"
)

// The orientation's steps. Stored and sent in callback data: never renamed.
const (
	StepName         dialogs.Step = "name"
	StepAge          dialogs.Step = "age"
	StepDutch        dialogs.Step = "dutch"
	StepSituation    dialogs.Step = "sit"
	StepEducation    dialogs.Step = "edu"
	StepDiploma      dialogs.Step = "dipl"
	StepSectors      dialogs.Step = "sec"
	StepLicence      dialogs.Step = "lic"
	StepAvailability dialogs.Step = "av"
	StepHome         dialogs.Step = "home"
	StepGoal         dialogs.Step = "goal"
	StepSupport      dialogs.Step = "sup"
	StepSummary      dialogs.Step = "sum"
	// StepShare asks, after the summary, whether coaches may see the answers.
	StepShare dialogs.Step = "share"
)

// Answer values. They are stored and sent in callback data: short, stable,
// never translated. Matching (package jobs) and booking read them too.
const (
	AgeUnder25 = "u25"
	Age25to49  = "25_49"
	Age50Plus  = "50p"

	DutchNone           = "none"
	DutchLittle         = "little"
	DutchConversational = "conversational"
	DutchFluent         = "fluent"

	SituationVDAB    = "vdab"
	SituationOCMW    = "ocmw"
	SituationStudent = "student"
	SituationWorking = "working"
	SituationOther   = "other"

	EducationPrimary             = "primary"
	EducationSecondaryUnfinished = "secondary_unfinished"
	EducationSecondary           = "secondary"
	EducationHigher              = "higher"

	DiplomaBelgium       = "belgium"
	DiplomaRecognised    = "recognised"
	DiplomaNotRecognised = "not_recognised"
	DiplomaUnknown       = "unknown"

	SectorConstruction = "construction"
	SectorIndustry     = "industry"
	SectorPort         = "port"
	SectorHospitality  = "hospitality"
	SectorEducation    = "education"
	SectorCare         = "care"
	SectorCleaning     = "cleaning"
	SectorRetail       = "retail"
	SectorOther        = "other"

	LicenceNone = "none"
	LicenceB    = "b"
	LicenceC    = "c"

	AvailFullTime = "fulltime"
	AvailPartTime = "parttime"
	AvailShifts   = "shifts"
	AvailWeekends = "weekends"

	GoalKnow    = "know"
	GoalLearn   = "learn"
	GoalUnknown = "unknown"

	SupportDisability = "disability"
	SupportChildcare  = "childcare"
	SupportNone       = "none"
)

// Sectors lists the sector values in the order they are offered; other
// packages (matching, sign-up links) use the same values.
var Sectors = []string{SectorConstruction, SectorIndustry, SectorPort, SectorHospitality,
	SectorEducation, SectorCare, SectorCleaning, SectorRetail, SectorOther}

// The answers to the sharing question.
const (
	ShareYes = "yes"
	ShareNo  = "no"
)

// District is one of Antwerp's nine districts. Names are proper nouns, shown
// as on the street signs in every language, so they are data, not messages.
type District struct {
	ID       string
	Name     string
	Postcode string
}

// Districts are offered as buttons on the home question; anyone else types a
// postcode.
var Districts = []District{
	{"antwerpen", "Antwerpen", "2000"},
	{"berchem", "Berchem", "2600"},
	{"borgerhout", "Borgerhout", "2140"},
	{"deurne", "Deurne", "2100"},
	{"ekeren", "Ekeren", "2180"},
	{"hoboken", "Hoboken", "2660"},
	{"merksem", "Merksem", "2170"},
	{"wilrijk", "Wilrijk", "2610"},
	{"bzl", "Berendrecht-Zandvliet-Lillo", "2040"},
}

// Profile holds the orientation answers. Empty means not answered; a step in
// Skipped was skipped on purpose.
type Profile struct {
	Name         string         `json:"name,omitempty"`
	Age          string         `json:"age,omitempty"`
	Dutch        string         `json:"dutch,omitempty"`
	Situation    string         `json:"situation,omitempty"`
	Education    string         `json:"education,omitempty"`
	Diploma      string         `json:"diploma,omitempty"`
	Sectors      []string       `json:"sectors,omitempty"`
	Licence      string         `json:"licence,omitempty"`
	Availability []string       `json:"availability,omitempty"`
	District     string         `json:"district,omitempty"`
	Postcode     string         `json:"postcode,omitempty"`
	Goal         string         `json:"goal,omitempty"`
	Support      []string       `json:"support,omitempty"`
	Skipped      []dialogs.Step `json:"skipped,omitempty"`
}

// HasSector reports whether the person chose sector.
func (p Profile) HasSector(sector string) bool { return slices.Contains(p.Sectors, sector) }

// HasSupport reports whether the person asked for support need.
func (p Profile) HasSupport(need string) bool { return slices.Contains(p.Support, need) }

// skipped reports whether step was skipped on purpose.
func (p Profile) skipped(step dialogs.Step) bool { return slices.Contains(p.Skipped, step) }

// setSkipped marks step skipped or not, in a new slice: the old one may be
// shared with a value the caller still holds.
func (p *Profile) setSkipped(step dialogs.Step, on bool) {
	var out []dialogs.Step
	for _, s := range p.Skipped {
		if s != step {
			out = append(out, s)
		}
	}
	if on {
		out = append(out, step)
	}
	p.Skipped = out
}
