package jobs

import (
	"math"
	"slices"
	"sort"
	"time"

	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/vacancies"
)

// Radius is how far, in km between postcode centres, a workplace may be:
// farther is a hard mismatch. Someone with a licence can drive; without,
// public transport from Antwerp reaches about this far in an hour.
const (
	RadiusWithoutLicence = 20
	RadiusWithLicence    = 40
)

// ReasonCode names one reason a vacancy fits; the person reads it in their
// language through the message "reason_<code>".
type ReasonCode string

// The reasons shown to a person.
const (
	ReasonSector     ReasonCode = "sector"      // in a sector they chose
	ReasonNear       ReasonCode = "near"        // Km from Place
	ReasonDutch      ReasonCode = "dutch"       // the Dutch needed is what they speak, or less
	ReasonNoDutch    ReasonCode = "no_dutch"    // no Dutch needed
	ReasonHours      ReasonCode = "hours"       // part-time, as they want
	ReasonNoDiploma  ReasonCode = "no_diploma"  // no diploma asked
	ReasonLicenceUse ReasonCode = "licence_use" // their licence is wanted
)

// Reason is one reason, with what its message needs.
type Reason struct {
	Code   ReasonCode
	Sector string // ReasonSector
	Km     int    // ReasonNear
	Place  string // ReasonNear: the person's district or postcode place
	Dutch  string // ReasonDutch: the level needed
}

// MessageID is the locale message that shows r.
func (r Reason) MessageID() string {
	if r.Code == ReasonDutch {
		return "reason_dutch_" + r.Dutch
	}
	return "reason_" + string(r.Code)
}

// Translator gives a locale message in the person's language.
type Translator func(id string, data map[string]any) string

// Text is r in the person's language, as in "in construction, 6 km from
// Deurne, a little Dutch is enough".
func (r Reason) Text(t Translator) string {
	return t(r.MessageID(), map[string]any{"Sector": t("opt_sec_"+r.Sector, nil), "Km": r.Km, "Place": r.Place})
}

// Match is a vacancy that fits, how well, and why.
type Match struct {
	Vacancy Vacancy
	Score   int
	Reasons []Reason
	Km      float64 // -1 when unknown
}

// Feedback is what a person said of vacancies they saw: rejected ones are
// never shown again, and lower similar ones.
type Feedback struct {
	Rejected map[string]vacancies.Rejected
}

func hoursOf(v Vacancy) string {
	switch {
	case v.FullTime && v.PartTime:
		return "both"
	case v.PartTime:
		return "part"
	}
	return "full"
}

// Reject records "not for me" on v, with its features, so that similar
// vacancies rank lower.
func (f *Feedback) Reject(p orientation.Profile, v Vacancy, why vacancies.Why) {
	if f.Rejected == nil {
		f.Rejected = map[string]vacancies.Rejected{}
	}
	km, _ := Distance(home(p), v.Postcode)
	f.Rejected[v.ID] = vacancies.Rejected{ID: v.ID, Why: why, Sector: v.Sector, Km: km, Hours: hoursOf(v), Shifts: v.Shifts}
}

// home is the person's postcode: typed, or their district's.
func home(p orientation.Profile) string {
	if p.Postcode != "" {
		return p.Postcode
	}
	for _, d := range orientation.Districts {
		if d.ID == p.District {
			return d.Postcode
		}
	}
	return ""
}

func homeName(p orientation.Profile) string {
	for _, d := range orientation.Districts {
		if d.ID == p.District {
			return d.Name
		}
	}
	if pl, ok := Places[home(p)]; ok {
		return pl.Name
	}
	return home(p)
}

// Score matches one vacancy against a person's answers. ok is false for a
// hard mismatch (each rule below says which are); the rest rank by score,
// higher first, and carry the reasons that make them fit.
//
// Hard mismatches:
//   - a driving licence the person does not have (C needs C; B needs B or C);
//   - Dutch two levels above theirs, or "conversational" or more for
//     someone with none;
//   - farther than the radius (RadiusWithLicence with a licence, else
//     RadiusWithoutLicence), when both postcodes are known;
//   - full-time only, for someone who wants only part-time;
//   - a higher-education degree for someone without one;
//   - a vacancy past validThrough, or one they said was not for them.
//
// Soft (rank lower): another sector than the ones they chose ("other" is
// open to any), shifts or weekends they did not say they can do, Dutch one
// level above theirs, a secondary diploma they do not have, distance, and
// vacancies like one they said was not for them.
func Score(p orientation.Profile, v Vacancy, fb *Feedback, now time.Time) (Match, bool) {
	m := Match{Vacancy: v, Score: 100, Km: -1}
	if !v.Active(now) {
		return m, false
	}
	if fb != nil {
		if _, no := fb.Rejected[v.ID]; no {
			return m, false
		}
	}
	licence := p.Licence
	switch v.Licence {
	case orientation.LicenceC:
		if licence != orientation.LicenceC {
			return m, false
		}
		m.Reasons = append(m.Reasons, Reason{Code: ReasonLicenceUse})
	case orientation.LicenceB:
		if licence != orientation.LicenceB && licence != orientation.LicenceC {
			return m, false
		}
		m.Reasons = append(m.Reasons, Reason{Code: ReasonLicenceUse})
	}
	if v.Dutch != "" && p.Dutch != "" {
		need, have := dutchRank(v.Dutch), dutchRank(p.Dutch)
		switch {
		case need-have >= 2 || (have == 0 && need >= 2):
			return m, false
		case need > have:
			m.Score -= 25
		case need == 0:
			m.Reasons = append(m.Reasons, Reason{Code: ReasonNoDutch})
		default:
			m.Reasons = append(m.Reasons, Reason{Code: ReasonDutch, Dutch: v.Dutch})
		}
	}
	if km, ok := Distance(home(p), v.Postcode); ok {
		m.Km = km
		radius := float64(RadiusWithoutLicence)
		if licence == orientation.LicenceB || licence == orientation.LicenceC {
			radius = RadiusWithLicence
		}
		if km > radius {
			return m, false
		}
		m.Score -= int(km)
		m.Reasons = append(m.Reasons, Reason{Code: ReasonNear, Km: int(math.Round(km)), Place: homeName(p)})
	}
	wantsFull, wantsPart := slices.Contains(p.Availability, orientation.AvailFullTime), slices.Contains(p.Availability, orientation.AvailPartTime)
	switch {
	case v.FullTime && !v.PartTime && wantsPart && !wantsFull:
		return m, false
	case v.PartTime && wantsPart:
		m.Reasons = append(m.Reasons, Reason{Code: ReasonHours})
	case v.PartTime && !v.FullTime && wantsFull && !wantsPart:
		m.Score -= 15
	}
	if v.Shifts && !slices.Contains(p.Availability, orientation.AvailShifts) {
		m.Score -= 15
	}
	if v.Weekends && !slices.Contains(p.Availability, orientation.AvailWeekends) {
		m.Score -= 10
	}
	switch {
	case v.Education == orientation.EducationHigher && p.Education != "" && p.Education != orientation.EducationHigher:
		return m, false
	case v.Education == orientation.EducationSecondary && (p.Education == orientation.EducationPrimary || p.Education == orientation.EducationSecondaryUnfinished):
		m.Score -= 20
	case v.Education == "":
		m.Reasons = append(m.Reasons, Reason{Code: ReasonNoDiploma})
	}
	chose := slices.DeleteFunc(slices.Clone(p.Sectors), func(s string) bool { return s == orientation.SectorOther })
	switch {
	case slices.Contains(chose, v.Sector):
		m.Score += 30
		m.Reasons = append([]Reason{{Code: ReasonSector, Sector: v.Sector}}, m.Reasons...)
	case len(chose) > 0 && !slices.Contains(p.Sectors, orientation.SectorOther):
		m.Score -= 40
	}
	if fb != nil {
		for _, r := range fb.Rejected {
			switch r.Why {
			case vacancies.WrongSector:
				if r.Sector == v.Sector {
					m.Score -= 30
				}
			case vacancies.TooFar:
				if m.Km >= 0 && m.Km >= r.Km-1 {
					m.Score -= 20
				}
			case vacancies.WrongHours:
				if r.Hours == hoursOf(v) && r.Shifts == v.Shifts {
					m.Score -= 20
				}
			default:
				if r.Sector == v.Sector {
					m.Score -= 5
				}
			}
		}
	}
	return m, true
}

// Best ranks vacancies for a person: the fitting ones, best first (nearer
// first among equals, then the newest), from offset, at most n.
func Best(p orientation.Profile, vacancies []Vacancy, fb *Feedback, now time.Time, offset, n int) []Match {
	var out []Match
	for _, v := range vacancies {
		if m, ok := Score(p, v, fb, now); ok {
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.Km != b.Km {
			return a.Km < b.Km
		}
		return a.Vacancy.Posted.After(b.Vacancy.Posted)
	})
	if offset >= len(out) {
		return nil
	}
	return out[offset:min(len(out), offset+n)]
}
