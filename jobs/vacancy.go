// Package jobs is vacancies and how well they fit a jobseeker: reading
// the formats employers and job boards publish (schema.org JobPosting as
// JSON-LD, and a documented CSV, see FORMAT.md) as safe plain text, and
// matching a vacancy against the orientation answers with reasons a person
// can read (the rules are in rules.go, for staff to review).
//
// It reads the orientation's answers (dialogs/orientation) and implements
// the vacancies flow's Finder port (dialogs/vacancies); it must not import
// Telegram or Slack packages: the conversation about vacancies belongs in
// the flow. Catalogue keeps the vacancies in Redis, with compact Facts for
// matching; Alerts keeps an index of what matching needs of the people who
// want alerts, plans new vacancies from it and queues them.
package jobs

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
)

// Vacancy is one job offer, as much of schema.org's JobPosting as we use,
// plus what it lacks and matters here (Dutch level, licence, shifts).
type Vacancy struct {
	ID           string    `json:"id"`
	Title        string    `json:"title"`
	Description  string    `json:"description"` // plain text
	Employer     string    `json:"employer"`
	Street       string    `json:"street,omitempty"`
	Postcode     string    `json:"postcode"`
	Locality     string    `json:"locality,omitempty"`
	Posted       time.Time `json:"posted,omitzero"`
	ValidThrough time.Time `json:"valid_through,omitzero"`
	// Hours is full-time, part-time or both, from employmentType.
	FullTime bool `json:"full_time,omitempty"`
	PartTime bool `json:"part_time,omitempty"`
	// Shifts and Weekends: the job needs them.
	Shifts   bool   `json:"shifts,omitempty"`
	Weekends bool   `json:"weekends,omitempty"`
	Sector   string `json:"sector"` // a orientation.Sectors value
	// Dutch is the level needed (a dialogs Dutch value; "" for none said).
	Dutch string `json:"dutch,omitempty"`
	// Licence needed: orientation.LicenceNone, LicenceB or LicenceC.
	Licence string `json:"licence,omitempty"`
	// Education needed (a dialogs Education value; "" for none).
	Education  string  `json:"education,omitempty"`
	Experience string  `json:"experience,omitempty"`
	SalaryMin  float64 `json:"salary_min,omitempty"`
	SalaryMax  float64 `json:"salary_max,omitempty"`
	SalaryUnit string  `json:"salary_unit,omitempty"` // HOUR, MONTH, YEAR
	// Contract is ContractPermanent, ContractTemporary, ContractInterim or
	// "" (not said).
	Contract string `json:"contract,omitempty"`
	// URL is where to apply: an http or https page.
	URL string `json:"url,omitempty"`
	// Contact is whom to apply to at the employer, when the feed says.
	ContactName  string `json:"contact_name,omitempty"`
	ContactPhone string `json:"contact_phone,omitempty"`
	ContactEmail string `json:"contact_email,omitempty"`
}

// The kinds of contract a card names.
const (
	ContractPermanent = "permanent"
	ContractTemporary = "temporary"
	ContractInterim   = "interim"
)

// Contracts lists them.
var Contracts = []string{ContractPermanent, ContractTemporary, ContractInterim}

// ApplyURL is v.URL when a phone can open it as a button (http or https,
// with a host), else "": Telegram refuses a message whose URL button it
// cannot read.
func (v Vacancy) ApplyURL() string {
	if okURL(v.URL) {
		return v.URL
	}
	return ""
}

func okURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && len(s) <= 2000
}

// Active reports whether v may be shown at now: not past validThrough.
func (v Vacancy) Active(now time.Time) bool {
	return v.ValidThrough.IsZero() || now.Before(v.ValidThrough)
}

// RecordError is a refused import: which record and why. A file with one
// is refused as a whole.
type RecordError struct {
	Record string // "line 7" for CSV, "item 3" for JSON-LD
	Reason string
}

func (e *RecordError) Error() string { return e.Record + ": " + e.Reason }

// dutchOrder ranks the Dutch levels, so "needed" can be compared with
// "spoken".
var dutchOrder = []string{orientation.DutchNone, orientation.DutchLittle, orientation.DutchConversational, orientation.DutchFluent}

func dutchRank(level string) int { return slices.Index(dutchOrder, level) }

// educationOrder ranks education levels.
var educationOrder = []string{orientation.EducationPrimary, orientation.EducationSecondaryUnfinished, orientation.EducationSecondary, orientation.EducationHigher}

// validate checks what every vacancy needs, whatever format it came in.
func (v *Vacancy) validate() error {
	switch {
	case strings.TrimSpace(v.ID) == "":
		return fmt.Errorf("no identifier: re-importing needs one to update the vacancy in place")
	case strings.TrimSpace(v.Title) == "":
		return fmt.Errorf("no title")
	case utf8.RuneCountInString(v.Title) > 200:
		return fmt.Errorf("title longer than 200 characters")
	case strings.TrimSpace(v.Employer) == "":
		return fmt.Errorf("no hiringOrganization")
	case !validPostcode(v.Postcode):
		return fmt.Errorf("postal code %q: want a Belgian postcode of four digits", v.Postcode)
	case !slices.Contains(orientation.Sectors, v.Sector):
		return fmt.Errorf("no sector: give industry or occupationalCategory, or a title the sector words know (see FORMAT.md)")
	case v.Dutch != "" && dutchRank(v.Dutch) < 0:
		return fmt.Errorf("Dutch level %q: want none, little, conversational or fluent", v.Dutch)
	case v.Licence != "" && !slices.Contains([]string{orientation.LicenceNone, orientation.LicenceB, orientation.LicenceC}, v.Licence):
		return fmt.Errorf("driving licence %q: want none, b or c", v.Licence)
	case v.Contract != "" && !slices.Contains(Contracts, v.Contract):
		return fmt.Errorf("contract %q: want permanent, temporary or interim", v.Contract)
	case v.URL != "" && !okURL(v.URL):
		return fmt.Errorf("url %q: want an http or https address", v.URL)
	}
	if !v.FullTime && !v.PartTime {
		v.FullTime = true // JobPosting's default reading: a job is full-time unless it says otherwise
	}
	return nil
}

func validPostcode(pc string) bool {
	if len(pc) != 4 || pc[0] == '0' {
		return false
	}
	for _, r := range pc {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Summary is v's description cut to at most max characters, on a word
// boundary, with an ellipsis: Telegram refuses messages over 4,096
// characters, and a long text is not read on a phone anyway.
func Summary(text string, max int) string {
	if utf8.RuneCountInString(text) <= max {
		return text
	}
	r := []rune(text)[:max-1]
	cut := len(r)
	for i := len(r) - 1; i > max/2; i-- {
		if r[i] == ' ' || r[i] == '\n' {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(r[:cut]), " \n,.;:") + "…"
}
