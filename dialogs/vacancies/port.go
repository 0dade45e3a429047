package vacancies

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"time"

	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
)

// Offer is a vacancy as one person sees it: the matching is done and the
// reasons are written in their language by the Finder. Every text in it
// is plain text of one line (Title, Employer, Place, Contact) or a few
// (About): the Finder made feed text safe.
type Offer struct {
	ID       string
	Title    string
	Employer string
	// Place is where the work is: the district or town.
	Place string
	// Km is the distance from the person's home, rounded; -1 when either
	// postcode is unknown.
	Km int
	// The hours: full-time, part-time (both may be true), in shifts, with
	// weekends.
	FullTime, PartTime, Shifts, Weekends bool
	Sector                               string
	// Outside: in a sector the person did not choose (shown only after
	// the divider).
	Outside bool
	// Contract is "permanent", "temporary", "interim" or "" (not said).
	Contract string
	// Salary is the amount or range, formatted in the person's language
	// ("15,50–19,00"), and its unit: HOUR, MONTH or YEAR; "" when not said.
	Salary, SalaryUnit string
	// About is two or three lines of the description.
	About string
	// What it asks: the Dutch level ("" not said), the licence
	// (orientation.LicenceB or LicenceC; "" or LicenceNone for none) and
	// the education (orientation.EducationSecondary or EducationHigher;
	// "" for none).
	Dutch, Licence, Education string
	// How to apply: the vacancy's page (an http or https URL), or an
	// employer contact (name, phone, e-mail in one line); neither means
	// through the city's work team (Interested).
	URL, Contact string
	// Reasons why it fits, in the person's language; the card shows the
	// facts they rest on, from the same vacancy.
	Reasons []string
}

// Why is the reason a person gave for "not for me".
type Why string

// The reasons for "not for me"; "" is something else.
const (
	TooFar      Why = "far"
	WrongHours  Why = "hours"
	WrongSector Why = "sector"
)

// Rejected is a vacancy a person said was not for them, and why: it is
// never shown again. What the reason taught is in Narrow.
type Rejected struct {
	ID     string  `json:"id"`
	Why    Why     `json:"why,omitempty"`
	Sector string  `json:"sector,omitempty"`
	Km     float64 `json:"km,omitempty"`
	Hours  string  `json:"hours,omitempty"`
	Shifts bool    `json:"shifts,omitempty"`
}

// Narrow is what "not for me" taught: it narrows the search until the
// person asks to see everything again (job:reset).
type Narrow struct {
	// MaxKm: "too far" on a vacancy at that many km; only nearer ones
	// (rounded to whole km) are shown. 0: no limit of this kind.
	MaxKm int `json:"max_km,omitempty"`
	// NoHours: "the hours" took these availability values
	// (orientation.Avail*) out of what the person can work.
	NoHours []string `json:"no_hours,omitempty"`
	// NoSectors: "not this sector".
	NoSectors []string `json:"no_sectors,omitempty"`
}

// Empty reports whether nothing narrows the search.
func (n Narrow) Empty() bool { return n.MaxKm == 0 && len(n.NoHours) == 0 && len(n.NoSectors) == 0 }

// Seeker is what matching reads of a person: their answers, what "not
// for me" taught, and the vacancies they never want to see again.
type Seeker struct {
	Profile orientation.Profile
	Narrow  Narrow
	Hidden  []string
}

// List is which of a person's two lists a search reads.
type List int

const (
	// Chosen are the vacancies in the sectors the person chose (all of
	// them when they chose none).
	Chosen List = iota
	// Outside are those in other sectors: shown only after the divider,
	// which the person opts into, and never sent as alerts.
	Outside
)

// Finder finds vacancies that fit a person, best first. Package jobs
// implements it over the vacancy catalogue.
type Finder interface {
	// Offers are the n best vacancies of list for s from offset.
	Offers(ctx context.Context, lang string, s Seeker, list List, offset, n int) ([]Offer, error)
	// Offer is one vacancy, by id or by its handle (see Handle), as s
	// sees it, in either list (Offer.Outside says which); nil when it is
	// no longer offered or does not fit.
	Offer(ctx context.Context, lang string, s Seeker, idOrHandle string) (*Offer, error)
}

// Wants is what alert planning needs of someone who wants alerts, carried
// by a dialogs.NoteMatching whenever it changes (its absence: they want
// no alerts any more), so that the jobs side's index stays current with
// every turn without reading conversations.
type Wants struct {
	// Profile holds only the answers matching reads.
	Profile orientation.Profile `json:"profile"`
	Narrow  Narrow              `json:"narrow,omitzero"`
	// Until is when the conversation expires if the person says nothing
	// more (the end of that day): the index forgets them then too.
	Until time.Time `json:"until"`
}

// WantsOf is what matching reads of p and n, until until (rounded up to
// the end of its day, so that it changes once a day at most).
func WantsOf(p orientation.Profile, n Narrow, until time.Time) Wants {
	y, m, d := until.UTC().Date()
	return Wants{Profile: orientation.Profile{Dutch: p.Dutch, Education: p.Education, Licence: p.Licence,
		Sectors: slices.Clone(p.Sectors), Availability: slices.Clone(p.Availability), District: p.District, Postcode: p.Postcode},
		Narrow: n, Until: time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)}
}

// Fingerprint is a short digest of w: what the conversation remembers
// having told the index.
func (w Wants) Fingerprint() string {
	b, _ := json.Marshal(w)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:6])
}
