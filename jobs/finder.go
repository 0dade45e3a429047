package jobs

import (
	"context"
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs/vacancies"
)

var _ vacancies.Finder = (*Finder)(nil)

// Finder offers a person the vacancies that fit them, in their language:
// the vacancies flow's Finder over the catalogue. It keeps what matching
// reads of every vacancy (Facts) in memory and asks the catalogue's
// version with every search, so that an import shows at once and a search
// costs one small read, the matching in memory, and one read of the cards
// it shows.
type Finder struct {
	Catalogue *Catalogue
	// T gives a locale message in a language.
	T     func(lang, id string, data map[string]any) string
	Clock clock.Clock

	mu     sync.Mutex
	ver    int64
	facts  []Facts
	byID   map[string]int
	loaded bool
}

// current is the catalogue's facts, read anew only when its version moved.
func (f *Finder) current(ctx context.Context) ([]Facts, map[string]int, error) {
	ver, err := f.Catalogue.Version(ctx)
	if err != nil {
		return nil, nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.loaded && ver == f.ver {
		return f.facts, f.byID, nil
	}
	// The version is read before the facts: a copy is never labelled
	// newer than it is.
	facts, err := f.Catalogue.Facts(ctx)
	if err != nil {
		return nil, nil, err
	}
	byID := make(map[string]int, 2*len(facts))
	for i, x := range facts {
		byID[x.ID] = i
		byID[vacancies.Handle(x.ID)] = i
	}
	f.facts, f.byID, f.ver, f.loaded = facts, byID, ver, true
	return facts, byID, nil
}

// Offers returns the n best vacancies of list for s from offset.
func (f *Finder) Offers(ctx context.Context, lang string, s vacancies.Seeker, list vacancies.List, offset, n int) ([]vacancies.Offer, error) {
	facts, _, err := f.current(ctx)
	if err != nil {
		return nil, err
	}
	k := newSeeker(s, clock.Or(f.Clock).Now())
	ms := k.search(facts, list)
	if offset >= len(ms) || n <= 0 {
		return nil, nil
	}
	ms = ms[offset:min(len(ms), offset+n)]
	return f.offers(ctx, lang, k, ms)
}

// Offer is one vacancy by id or handle as s sees it, in either list, or
// nil when it is no longer offered or does not fit them.
func (f *Finder) Offer(ctx context.Context, lang string, s vacancies.Seeker, idOrHandle string) (*vacancies.Offer, error) {
	facts, byID, err := f.current(ctx)
	if err != nil {
		return nil, err
	}
	i, ok := byID[idOrHandle]
	if !ok {
		return nil, nil
	}
	k := newSeeker(s, clock.Or(f.Clock).Now())
	m, ok := k.match(&facts[i])
	if !ok {
		return nil, nil
	}
	out, err := f.offers(ctx, lang, k, []Match{m})
	if err != nil || len(out) == 0 {
		return nil, err
	}
	return &out[0], nil
}

// offers reads the matches' vacancies and writes them as cards show them.
func (f *Finder) offers(ctx context.Context, lang string, k *seeker, ms []Match) ([]vacancies.Offer, error) {
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.Facts.ID
	}
	vs, err := f.Catalogue.Get(ctx, ids...)
	if err != nil {
		return nil, err
	}
	tr := func(id string, data map[string]any) string { return f.T(lang, id, data) }
	out := make([]vacancies.Offer, 0, len(ms))
	for i := range ms {
		if vs[i] == nil {
			continue // expired between the two reads
		}
		k.explain(&ms[i])
		out = append(out, OfferOf(*vs[i], ms[i], lang, tr))
	}
	return out, nil
}

// Limits on what a card shows of a feed's text, so that a card stays far
// within Telegram's 4,096 characters whatever a feed puts in it, and is
// read on a phone.
const (
	maxTitle    = 200
	maxEmployer = 120
	maxPlace    = 80
	maxContact  = 200
	aboutLines  = 3
	maxAbout    = 320
)

// OfferOf is v as the person m was matched for sees it, in lang: every
// text of the feed made safe plain text again (a catalogue may hold what
// an older version imported), the reasons written with tr.
func OfferOf(v Vacancy, m Match, lang string, tr Translator) vacancies.Offer {
	o := vacancies.Offer{ID: v.ID, Title: Summary(Line(v.Title), maxTitle), Employer: Summary(Line(v.Employer), maxEmployer),
		Place: Summary(PlaceName(v), maxPlace), Km: -1, FullTime: v.FullTime, PartTime: v.PartTime,
		Shifts: v.Shifts, Weekends: v.Weekends, Sector: v.Sector, Outside: m.Outside, Dutch: v.Dutch, Licence: v.Licence,
		Education: v.Education, URL: v.ApplyURL(), About: About(v.Description)}
	if !v.FullTime && !v.PartTime {
		o.FullTime, o.PartTime = true, false
	}
	if m.Km >= 0 {
		o.Km = roundKm(m.Km)
	}
	for _, c := range Contracts {
		if v.Contract == c {
			o.Contract = c
		}
	}
	o.Salary, o.SalaryUnit = salary(v, lang)
	var contact []string
	for _, x := range []string{v.ContactName, v.ContactPhone, v.ContactEmail} {
		if l := Line(x); l != "" {
			contact = append(contact, l)
		}
	}
	o.Contact = Summary(strings.Join(contact, " · "), maxContact)
	for _, r := range m.Reasons {
		o.Reasons = append(o.Reasons, r.Text(tr))
	}
	return o
}

// About is two or three lines of a description, for the card: its first
// lines, at most maxAbout characters, cut on a word.
func About(description string) string {
	var lines []string
	for _, l := range strings.Split(Safe(description), "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			lines = append(lines, l)
		}
		if len(lines) == aboutLines {
			break
		}
	}
	return Summary(strings.Join(lines, "\n"), maxAbout)
}

// salary is v's pay as the card shows it in lang: "15,50" or
// "15,50–19,00" (whole euros from 100 up, as monthly pay is written), and
// its unit; "" when the feed gave no amount or a unit we do not name.
func salary(v Vacancy, lang string) (string, string) {
	switch v.SalaryUnit {
	case "HOUR", "MONTH", "YEAR":
	default:
		return "", ""
	}
	if v.SalaryMin <= 0 && v.SalaryMax <= 0 {
		return "", ""
	}
	lo, hi := v.SalaryMin, v.SalaryMax
	if lo <= 0 {
		lo = hi
	}
	if hi < lo {
		hi = lo
	}
	tag, err := language.Parse(lang + "-u-nu-latn")
	if err != nil {
		tag = language.Dutch
	}
	p := message.NewPrinter(tag)
	amount := func(x float64) string {
		if x >= 100 {
			return p.Sprint(number.Decimal(x, number.MaxFractionDigits(0)))
		}
		return p.Sprint(number.Decimal(x, number.MinFractionDigits(2), number.MaxFractionDigits(2)))
	}
	if lo == hi {
		return amount(lo), v.SalaryUnit
	}
	return amount(lo) + "–" + amount(hi), v.SalaryUnit
}
