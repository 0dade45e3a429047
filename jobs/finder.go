package jobs

import (
	"context"
	"sync"
	"time"

	"github.com/werkwijzer/werkwijzer/dialogs"
)

var _ dialogs.JobFinder = (*Finder)(nil)

// Finder offers a person the vacancies that fit them, in their language:
// the dialogs' JobFinder over the catalogue. It keeps the catalogue in
// memory for CacheFor, since every "next" would otherwise read it whole.
type Finder struct {
	Catalogue *Catalogue
	// T gives a locale message in a language.
	T   func(lang, id string, data map[string]any) string
	Now func() time.Time
	// CacheFor is how long the catalogue is kept in memory; an import
	// shows after at most this long.
	CacheFor time.Duration

	mu     sync.Mutex
	cached []Vacancy
	at     time.Time
}

func (f *Finder) vacancies(ctx context.Context, now time.Time) ([]Vacancy, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cached != nil && now.Sub(f.at) < f.CacheFor && now.After(f.at) {
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
func (f *Finder) Offer(ctx context.Context, lang string, p dialogs.Profile, idOrHandle string) (*dialogs.JobOffer, error) {
	now := f.Now()
	vs, err := f.vacancies(ctx, now)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if v.ID != idOrHandle && dialogs.JobHandle(v.ID) != idOrHandle {
			continue
		}
		m, ok := Score(p, v, nil, now)
		if !ok {
			return nil, nil
		}
		o := f.offer(lang, m)
		return &o, nil
	}
	return nil, nil
}

func (f *Finder) offer(lang string, m Match) dialogs.JobOffer {
	v := m.Vacancy
	place := v.Locality
	if pl, ok := Places[v.Postcode]; ok && place == "" {
		place = pl.Name
	}
	// Clipped, so a card stays far within Telegram's 4,096 characters
	// whatever a feed puts in these fields.
	o := dialogs.JobOffer{ID: v.ID, Title: Summary(v.Title, 200), Employer: Summary(v.Employer, 120), Place: Summary(place, 80), Hours: hoursOf(v),
		Sector: v.Sector, Km: m.Km, Shifts: v.Shifts}
	for _, r := range m.Reasons {
		o.Reasons = append(o.Reasons, r.Text(func(id string, data map[string]any) string { return f.T(lang, id, data) }))
	}
	return o
}

// Offers returns the n best vacancies for p from offset, leaving out and
// ranking down by what they rejected.
func (f *Finder) Offers(ctx context.Context, lang string, p dialogs.Profile, rejected []dialogs.Rejected, offset, n int) ([]dialogs.JobOffer, error) {
	now := f.Now()
	vs, err := f.vacancies(ctx, now)
	if err != nil {
		return nil, err
	}
	fb := Feedback{Rejected: map[string]Rejection{}}
	for _, r := range rejected {
		fb.Rejected[r.ID] = Rejection{Why: NotForMe(r.Why), Sector: r.Sector, Km: r.Km, Hours: r.Hours, Shifts: r.Shifts}
	}
	var out []dialogs.JobOffer
	for _, m := range Best(p, vs, &fb, now, offset, n) {
		out = append(out, f.offer(lang, m))
	}
	return out, nil
}
