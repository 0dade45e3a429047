package jobs

import (
	"math"
	"slices"

	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
)

// This file is the one place where a vacancy is matched against a
// jobseeker. Staff can review it: each rule says what it looks at and why.
// Each rule has its own test, with a near miss that must not trigger it,
// in rules_test.go.
//
// A search goes in three steps:
//
//  1. The hard rules: a vacancy that breaks one is not offered to the
//     person at all, and never sent as an alert.
//  2. The sector: the vacancies in a sector the person chose make their
//     list; the others come only after a divider ("other jobs you could do,
//     outside construction") that the person opts into, and are never sent
//     as alerts. Someone who named no sector (or only "something else") has
//     one list of every sector.
//  3. The order: by fit (the soft rules), then by distance, nearest first,
//     then the newest.
//
// "Not for me" hides that vacancy for good, and its reason narrows what
// comes next (vacancies.Narrow), until the person asks to see everything
// again: "too far" keeps only vacancies nearer than that one, "the hours"
// takes what made its hours hard (its shifts, its weekends, or else its
// kind of hours) out of what the person can work, "the sector" takes that
// sector out.
//
// Why a vacancy fits is said with the reasons below. They rest on the same
// facts the card shows (the distance, what it asks, the hours), so a
// reason is never contradicted by the card.

// Radius is how far, in km between postcode centres, a workplace may be:
// farther is a hard mismatch. Someone with a licence can drive; without,
// public transport from Antwerp reaches about this far in an hour.
const (
	RadiusWithoutLicence = 20
	RadiusWithLicence    = 40
)

// HardRule is one reason a vacancy is not offered: Breaks reports that v
// breaks it for s (km is the distance from their home, -1 when unknown).
type HardRule struct {
	Name   string
	Why    string
	Breaks func(s *seeker, v *Facts, km float64) bool
}

// Hard are the hard rules.
var Hard = []HardRule{
	{"expired", "the vacancy is past its validThrough",
		func(s *seeker, v *Facts, _ float64) bool { return !v.Active(s.now) }},
	{"not_for_me", "the person said this vacancy was not for them",
		func(s *seeker, v *Facts, _ float64) bool { return s.hidden[v.ID] }},
	{"licence", "it needs a driving licence they do not have: C needs C; B needs B or C",
		func(s *seeker, v *Facts, _ float64) bool {
			switch v.Licence {
			case orientation.LicenceC:
				return s.p.Licence != orientation.LicenceC
			case orientation.LicenceB:
				return s.p.Licence != orientation.LicenceB && s.p.Licence != orientation.LicenceC
			}
			return false
		}},
	{"dutch", "it needs Dutch two levels above theirs, or more than a little from someone who speaks none",
		func(s *seeker, v *Facts, _ float64) bool {
			need, have := dutchRank(v.Dutch), s.dutch
			return need >= 0 && have >= 0 && (need-have >= 2 || (have == 0 && need >= 2))
		}},
	{"distance", "it is farther than they can travel: RadiusWithLicence with a licence, else RadiusWithoutLicence",
		func(s *seeker, _ *Facts, km float64) bool { return km >= 0 && km > s.radius }},
	{"too_far", `after "too far" on a vacancy at n km: only vacancies nearer than n km (rounded)`,
		func(s *seeker, _ *Facts, km float64) bool {
			return s.n.MaxKm > 0 && km >= 0 && roundKm(km) >= s.n.MaxKm
		}},
	{"hours", "none of its hours (full-time, part-time) is one they can work",
		func(s *seeker, v *Facts, _ float64) bool { return !(v.FullTime && s.full || v.PartTime && s.part) }},
	{"shifts", "it is in shifts, and they cannot work shifts",
		func(s *seeker, v *Facts, _ float64) bool { return v.Shifts && !s.shifts }},
	{"weekends", "it includes weekends, and they cannot work weekends",
		func(s *seeker, v *Facts, _ float64) bool { return v.Weekends && !s.weekends }},
	{"degree", "it needs a higher-education degree, and they said they have none",
		func(s *seeker, v *Facts, _ float64) bool {
			return v.Education == orientation.EducationHigher && s.p.Education != "" && s.p.Education != orientation.EducationHigher
		}},
	{"sector_not_for_me", `the person said "not this sector" of its sector`,
		func(s *seeker, v *Facts, _ float64) bool { return slices.Contains(s.n.NoSectors, v.Sector) }},
}

// What the person can work, from their availability answer: a vacancy must
// offer one of the kinds of hours they chose (both when they chose
// neither), and may be in shifts or include weekends only if they said they
// can. Someone who did not answer can work anything. "The hours" then
// takes values out (vacancies.Narrow.NoHours).
func (s *seeker) setHours() {
	av := s.p.Availability
	has := func(v string) bool { return len(av) == 0 || slices.Contains(av, v) }
	s.full, s.part = has(orientation.AvailFullTime), has(orientation.AvailPartTime)
	if !s.full && !s.part {
		s.full, s.part = true, true
	}
	s.shifts, s.weekends = has(orientation.AvailShifts), has(orientation.AvailWeekends)
	for _, no := range s.n.NoHours {
		switch no {
		case orientation.AvailFullTime:
			s.full = false
		case orientation.AvailPartTime:
			s.part = false
		case orientation.AvailShifts:
			s.shifts = false
		case orientation.AvailWeekends:
			s.weekends = false
		}
	}
}

// inTheirSectors reports whether v belongs to the person's own list: its
// sector is one they chose, or they named none.
func (s *seeker) inTheirSectors(v *Facts) bool {
	return s.open || slices.Contains(s.p.Sectors, v.Sector)
}

// SoftRule lowers the fit of a vacancy that fits less well: Applies
// reports that it does for v.
type SoftRule struct {
	Name    string
	Why     string
	Applies func(s *seeker, v *Facts) bool
}

// Soft are the soft rules: each that applies lowers the fit by one, and
// vacancies of equal fit are ordered by distance.
var Soft = []SoftRule{
	{"dutch_stretch", "it asks Dutch one level above theirs: possible, harder",
		func(s *seeker, v *Facts) bool {
			need, have := dutchRank(v.Dutch), s.dutch
			return need >= 0 && have >= 0 && need == have+1
		}},
	{"diploma", "it asks a secondary diploma they have not finished",
		func(s *seeker, v *Facts) bool {
			return v.Education == orientation.EducationSecondary &&
				(s.p.Education == orientation.EducationPrimary || s.p.Education == orientation.EducationSecondaryUnfinished)
		}},
}

// ReasonCode names one reason a vacancy fits; the person reads it in their
// language through the message "reason_<code>".
type ReasonCode string

// The reasons shown to a person.
const (
	ReasonSector     ReasonCode = "sector"      // in a sector they chose
	ReasonHome       ReasonCode = "home"        // in the place they live
	ReasonNear       ReasonCode = "near"        // Km from Place
	ReasonDutch      ReasonCode = "dutch"       // the Dutch it asks is what they speak, or less
	ReasonNoDutch    ReasonCode = "no_dutch"    // it asks no Dutch
	ReasonHours      ReasonCode = "hours"       // part-time, as they want
	ReasonNoDiploma  ReasonCode = "no_diploma"  // it asks no diploma
	ReasonLicenceUse ReasonCode = "licence_use" // their licence is wanted
)

// ReasonRule gives a reason when it holds.
type ReasonRule struct {
	Code ReasonCode
	Why  string
	Give func(s *seeker, v *Facts, km float64) (Reason, bool)
}

// Reasons are the reasons a fitting vacancy fits, in the order shown.
var Reasons = []ReasonRule{
	{ReasonSector, "it is in a sector they chose (not said to someone who named none)",
		func(s *seeker, v *Facts, _ float64) (Reason, bool) {
			return Reason{Code: ReasonSector, Sector: v.Sector}, !s.open && slices.Contains(s.p.Sectors, v.Sector)
		}},
	{ReasonHome, "it is where they live: the same postcode (never \"0 km from\")",
		func(s *seeker, _ *Facts, km float64) (Reason, bool) {
			return Reason{Code: ReasonHome, Place: s.homeName()}, km >= 0 && roundKm(km) == 0
		}},
	{ReasonNear, "how far it is from where they live, as the card says it",
		func(s *seeker, _ *Facts, km float64) (Reason, bool) {
			return Reason{Code: ReasonNear, Km: roundKm(km), Place: s.homeName()}, km >= 0 && roundKm(km) > 0
		}},
	{ReasonNoDutch, "it asks no Dutch (not said to someone whose Dutch is fluent: it goes without saying)",
		func(s *seeker, v *Facts, _ float64) (Reason, bool) {
			return Reason{Code: ReasonNoDutch}, dutchRank(v.Dutch) == 0 && s.dutch >= 0 && s.p.Dutch != orientation.DutchFluent
		}},
	{ReasonDutch, "the Dutch it asks is no more than theirs (not said to someone whose Dutch is fluent)",
		func(s *seeker, v *Facts, _ float64) (Reason, bool) {
			need, have := dutchRank(v.Dutch), s.dutch
			return Reason{Code: ReasonDutch, Dutch: v.Dutch}, need > 0 && have >= need && s.p.Dutch != orientation.DutchFluent
		}},
	{ReasonHours, "it is part-time, and they asked for part-time work",
		func(s *seeker, v *Facts, _ float64) (Reason, bool) {
			return Reason{Code: ReasonHours}, v.PartTime && s.part && slices.Contains(s.p.Availability, orientation.AvailPartTime)
		}},
	{ReasonNoDiploma, "it asks no diploma (not said to someone with a degree)",
		func(s *seeker, v *Facts, _ float64) (Reason, bool) {
			return Reason{Code: ReasonNoDiploma}, v.Education == "" && s.p.Education != orientation.EducationHigher
		}},
	{ReasonLicenceUse, "it asks a driving licence, which they have",
		func(s *seeker, v *Facts, _ float64) (Reason, bool) {
			return Reason{Code: ReasonLicenceUse}, v.Licence == orientation.LicenceB || v.Licence == orientation.LicenceC
		}},
}

// roundKm is a distance as a person reads it: whole km.
func roundKm(km float64) int { return int(math.Round(km)) }
