package dialogs

import (
	"slices"
	"time"
)

// StateVersion is written with every State so that a later change to its
// shape can still read conversations saved by an older binary.
const StateVersion = 1

// Step names where a conversation is. The values are stored and appear in
// callback data, so they are short and must never be renamed.
type Step string

const (
	StepLanguage     Step = "lang"
	StepConsent      Step = "consent"
	StepName         Step = "name"
	StepAge          Step = "age"
	StepDutch        Step = "dutch"
	StepSituation    Step = "sit"
	StepEducation    Step = "edu"
	StepDiploma      Step = "dipl"
	StepSectors      Step = "sec"
	StepLicence      Step = "lic"
	StepAvailability Step = "av"
	StepHome         Step = "home"
	StepGoal         Step = "goal"
	StepSupport      Step = "sup"
	StepSummary      Step = "sum"
	// StepShare asks, after the summary, whether coaches may see the answers.
	StepShare Step = "share"
	StepMenu  Step = "menu"
)

// State is everything we hold on one chat, stored as one value.
type State struct {
	V    int    `json:"v"`
	Lang string `json:"lang,omitempty"`
	Step Step   `json:"step"`
	// Agreed is when the person accepted the privacy notice; zero before.
	Agreed time.Time `json:"agreed,omitzero"`
	// Oriented is when the person first confirmed their answers.
	Oriented time.Time `json:"oriented,omitzero"`
	Profile  Profile   `json:"profile"`
	// Picked holds a multi-select's choices until "done" is pressed.
	Picked []string `json:"picked,omitempty"`
	// Editing means the current question was opened from the summary, so
	// answering it returns there.
	Editing bool `json:"editing,omitempty"`
	// Share is the person's answer to "may a coach see your answers?":
	// ShareYes, ShareNo, or empty when not asked yet. Staff get the
	// answers only on ShareYes.
	Share string `json:"share,omitempty"`
	// Handover is set while the person waits for, or talks with, a staff
	// member.
	Handover *Handover `json:"handover,omitempty"`
	// Source is the first sign-up link the person opened, if any.
	Source *Source `json:"source,omitempty"`
	// SectorFirst is the sector a sign-up link named: offered first.
	SectorFirst string `json:"sector_first,omitempty"`
	// Rejected are the vacancies the person said were not for them.
	Rejected []Rejected `json:"rejected,omitempty"`
	// Alerts: the person asked for new vacancies by message.
	Alerts bool `json:"alerts,omitempty"`
	// Alerted are the vacancies sent as alerts, so that one handed out
	// twice (a sender that died before acknowledging) is shown once.
	Alerted []string `json:"alerted,omitempty"`
	// Moving is the appointment the person is moving, until they pick
	// the new one.
	Moving string `json:"moving,omitempty"`
	// Noticed are the schedule's notices shown, so that one handed out
	// twice is shown once.
	Noticed    []string  `json:"noticed,omitempty"`
	Created    time.Time `json:"created"`
	LastSeen   time.Time `json:"last_seen"`
	LastUpdate int64     `json:"last_update,omitempty"`
}

// Profile holds the orientation answers. Empty means not answered; a step in
// Skipped was skipped on purpose.
type Profile struct {
	Name         string   `json:"name,omitempty"`
	Age          string   `json:"age,omitempty"`
	Dutch        string   `json:"dutch,omitempty"`
	Situation    string   `json:"situation,omitempty"`
	Education    string   `json:"education,omitempty"`
	Diploma      string   `json:"diploma,omitempty"`
	Sectors      []string `json:"sectors,omitempty"`
	Licence      string   `json:"licence,omitempty"`
	Availability []string `json:"availability,omitempty"`
	District     string   `json:"district,omitempty"`
	Postcode     string   `json:"postcode,omitempty"`
	Goal         string   `json:"goal,omitempty"`
	Support      []string `json:"support,omitempty"`
	Skipped      []Step   `json:"skipped,omitempty"`
}

// The answers to the sharing question.
const (
	ShareYes = "yes"
	ShareNo  = "no"
)

// Handover is a request to talk to a person, from the moment it is made
// until the staff member hands the conversation back.
type Handover struct {
	// Active is false while the person waits, true once a staff member
	// took over; the bot stays silent then.
	Active bool      `json:"active,omitempty"`
	Since  time.Time `json:"since"`
	// Staff is the first name of the staff member who took over.
	Staff string `json:"staff,omitempty"`
	// Pending holds what the person typed while waiting, handed to the
	// staff member when they take over and then dropped.
	Pending []string `json:"pending,omitempty"`
}

// Consented reports whether the person agreed to the privacy notice.
func (s *State) Consented() bool { return !s.Agreed.IsZero() }

// HasSector reports whether the person chose sector.
func (p Profile) HasSector(sector string) bool { return slices.Contains(p.Sectors, sector) }

// HasSupport reports whether the person asked for support need.
func (p Profile) HasSupport(need string) bool { return slices.Contains(p.Support, need) }

// skipped reports whether step was skipped on purpose.
func (p Profile) skipped(step Step) bool {
	for _, s := range p.Skipped {
		if s == step {
			return true
		}
	}
	return false
}

func (p *Profile) setSkipped(step Step, on bool) {
	out := p.Skipped[:0]
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
