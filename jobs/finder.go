package jobs

import (
	"context"
	"sync"
	"time"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/vacancies"
)

var _ vacancies.Finder = (*Finder)(nil)

// Finder offers a person the vacancies that fit them, in their language:
// the dialogs' JobFinder over the catalogue. It keeps the catalogue in
// memory for CacheFor, since every "next" would otherwise read it whole.
type Finder struct {
	Catalogue *Catalogue
	// T gives a locale message in a language.
	T     func(lang, id string, data map[string]any) string
	Clock clock.Clock
	// CacheFor is how long the catalogue is kept in memory; an import
	// shows after at most this long.
	CacheFor time.Duration

	mu     sync.Mutex
	cached []Vacancy
	at     time.Time
}

// vacancies is the catalogue: from memory while that copy is recent and
// memory is allowed, else read anew.
func (f *Finder) vacancies(ctx context.Context, now time.Time, memory bool) ([]Vacancy, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if memory && f.cached != nil && now.Sub(f.at) < f.CacheFor && !now.Before(f.at) {
		return f.cached, nil
	}
	vs, err := f.Catalogue.Active(ctx, now)
	if err != nil {
		return nil, err
	}
	f.cached, f.at = vs, now
	return vs, nil
}

// Offer is one vacancy by id or handle as p sees it, or nil when it is no
// longer offered or does not fit them.
func (f *Finder) Offer(ctx context.Context, lang string, p orientation.Profile, idOrHandle string) (*vacancies.Offer, error) {
	now := clock.Or(f.Clock).Now()
	// One not in memory may be newer than the copy (an alert for a
	// vacancy imported a moment ago): then the catalogue is read anew.
	for _, memory := range []bool{true, false} {
		vs, err := f.vacancies(ctx, now, memory)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			if v.ID != idOrHandle && vacancies.Handle(v.ID) != idOrHandle {
				continue
			}
			m, ok := Score(p, v, nil, now)
			if !ok {
				return nil, nil
			}
			o := f.offer(lang, m)
			return &o, nil
		}
	}
	return nil, nil
}

func (f *Finder) offer(lang string, m Match) vacancies.Offer {
	v := m.Vacancy
	place := v.Locality
	if pl, ok := Places[v.Postcode]; ok && place == "" {
		place = pl.Name
	}
	// Clipped, so a card stays far within Telegram's 4,096 characters
	// whatever a feed puts in these fields.
	o := vacancies.Offer{ID: v.ID, Title: Summary(v.Title, 200), Employer: Summary(v.Employer, 120), Place: Summary(place, 80), Hours: hoursOf(v),
		Sector: v.Sector, Km: m.Km, Shifts: v.Shifts}
	for _, r := range m.Reasons {
		o.Reasons = append(o.Reasons, r.Text(func(id string, data map[string]any) string { return f.T(lang, id, data) }))
	}
	return o
}

// Offers returns the n best vacancies for p from offset, leaving out and
// ranking down by what they rejected.
func (f *Finder) Offers(ctx context.Context, lang string, p orientation.Profile, rejected []vacancies.Rejected, offset, n int) ([]vacancies.Offer, error) {
	now := clock.Or(f.Clock).Now()
	vs, err := f.vacancies(ctx, now, true)
	if err != nil {
		return nil, err
	}
	fb := Feedback{Rejected: map[string]vacancies.Rejected{}}
	for _, r := range rejected {
		fb.Rejected[r.ID] = r
	}
	var out []vacancies.Offer
	for _, m := range Best(p, vs, &fb, now, offset, n) {
		out = append(out, f.offer(lang, m))
	}
	return out, nil
}
