package jobs

import (
	"math"
	"slices"
	"sort"
	"time"

	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/vacancies"
)

// Reason is one reason, with what its message needs.
type Reason struct {
	Code   ReasonCode
	Sector string // ReasonSector
	Km     int    // ReasonNear
	Place  string // ReasonHome, ReasonNear: the person's district or postcode place
	Dutch  string // ReasonDutch: the level it asks
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
	Facts Facts
	// Fit is 0 for a vacancy no soft rule applies to, one lower for
	// each that does.
	Fit int
	// Km is the distance from the person's home; -1 when unknown.
	Km float64
	// Outside: in a sector the person did not choose.
	Outside bool
	Reasons []Reason
}

// seeker is a person as the rules read them, prepared once per search.
type seeker struct {
	p      orientation.Profile
	n      vacancies.Narrow
	hidden map[string]bool
	now    time.Time
	// dutch is their Dutch's rank (-1 unknown).
	dutch int
	// open: they named no sector, so every sector is theirs.
	open bool
	// What they can work (setHours).
	full, part, shifts, weekends bool
	radius                       float64
	// km is the distance from home (a postcode of Places; "" when
	// unknown) to each of placeList, measured when first needed
	// (notMeasured until then).
	km   []float64
	home string
}

func newSeeker(s vacancies.Seeker, now time.Time) *seeker {
	p := s.Profile
	k := &seeker{p: p, n: s.Narrow, now: now, dutch: dutchRank(p.Dutch), radius: RadiusWithoutLicence}
	if len(s.Hidden) > 0 {
		k.hidden = make(map[string]bool, len(s.Hidden))
		for _, id := range s.Hidden {
			k.hidden[id] = true
		}
	}
	k.open = !slices.ContainsFunc(p.Sectors, func(x string) bool { return x != orientation.SectorOther })
	if p.Licence == orientation.LicenceB || p.Licence == orientation.LicenceC {
		k.radius = RadiusWithLicence
	}
	k.setHours()
	if h := home(p); placeIndex(h) >= 0 {
		k.home = h
	}
	return k
}

const notMeasured = -2

func (s *seeker) distance(v *Facts) float64 {
	if s.home == "" || v.place < 0 {
		return -1
	}
	if s.km == nil {
		s.km = make([]float64, len(placeList))
		for i := range s.km {
			s.km[i] = notMeasured
		}
	}
	if km := s.km[v.place]; km != notMeasured {
		return km
	}
	km, _ := Distance(s.home, placeList[v.place])
	s.km[v.place] = km
	return km
}

// match applies the hard rules to v; ok is false when one is broken.
func (s *seeker) match(v *Facts) (Match, bool) {
	km := s.distance(v)
	for i := range Hard {
		if Hard[i].Breaks(s, v, km) {
			return Match{}, false
		}
	}
	m := Match{Facts: *v, Km: km, Outside: !s.inTheirSectors(v)}
	for i := range Soft {
		if Soft[i].Applies(s, v) {
			m.Fit--
		}
	}
	return m, true
}

// homeName is where the person lives, as reasons name it.
func (s *seeker) homeName() string { return homeName(s.p) }

// explain adds m's reasons.
func (s *seeker) explain(m *Match) {
	m.Reasons = m.Reasons[:0]
	for _, r := range Reasons {
		if reason, ok := r.Give(s, &m.Facts, m.Km); ok {
			m.Reasons = append(m.Reasons, reason)
		}
	}
}

// search ranks facts for s: the fitting ones of list, best first.
// Reasons are left to explain, for the few that are shown.
func (s *seeker) search(facts []Facts, list vacancies.List) []Match {
	var out []Match
	for i := range facts {
		m, ok := s.match(&facts[i])
		if ok && m.Outside == (list == vacancies.Outside) {
			out = append(out, m)
		}
	}
	sortMatches(out)
	return out
}

// sortMatches orders by fit, then distance (unknown last), then the
// newest, then the id, so that pages of one list never overlap.
func sortMatches(ms []Match) {
	far := func(km float64) float64 {
		if km < 0 {
			return math.Inf(1)
		}
		return km
	}
	sort.Slice(ms, func(i, j int) bool {
		a, b := &ms[i], &ms[j]
		if a.Fit != b.Fit {
			return a.Fit > b.Fit
		}
		if ka, kb := far(a.Km), far(b.Km); ka != kb {
			return ka < kb
		}
		if !a.Facts.Posted.Equal(b.Facts.Posted) {
			return a.Facts.Posted.After(b.Facts.Posted)
		}
		return a.Facts.ID < b.Facts.ID
	})
}

// Score matches one vacancy against a person; ok is false when a hard
// rule excludes it (Broken says which).
func Score(s vacancies.Seeker, v Vacancy, now time.Time) (Match, bool) {
	k := newSeeker(s, now)
	f := FactsOf(v)
	m, ok := k.match(&f)
	if ok {
		k.explain(&m)
	}
	return m, ok
}

// Broken names the hard rules v breaks for s.
func Broken(s vacancies.Seeker, v Vacancy, now time.Time) []string {
	k := newSeeker(s, now)
	f := FactsOf(v)
	km := k.distance(&f)
	var out []string
	for _, r := range Hard {
		if r.Breaks(k, &f, km) {
			out = append(out, r.Name)
		}
	}
	return out
}

// Best ranks vacancies for a person: the fitting ones of list, best first,
// from offset, at most n, with their reasons.
func Best(s vacancies.Seeker, vs []Vacancy, list vacancies.List, now time.Time, offset, n int) []Match {
	facts := make([]Facts, len(vs))
	for i, v := range vs {
		facts[i] = FactsOf(v)
	}
	k := newSeeker(s, now)
	ms := k.search(facts, list)
	if offset >= len(ms) {
		return nil
	}
	ms = ms[offset:min(len(ms), offset+n)]
	for i := range ms {
		k.explain(&ms[i])
	}
	return ms
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

// PlaceName is where a vacancy is, as its card says: the district or town
// of its postcode, else the locality the feed gave, else the postcode.
func PlaceName(v Vacancy) string {
	for _, d := range orientation.Districts {
		if d.Postcode == v.Postcode {
			return d.Name
		}
	}
	if pl, ok := Places[v.Postcode]; ok {
		return pl.Name
	}
	if l := Line(v.Locality); l != "" {
		return l
	}
	return v.Postcode
}
