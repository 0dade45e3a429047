package dialogstest

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/faq"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/signup"
	"github.com/werkwijzer/werkwijzer/dialogs/vacancies"
	"github.com/werkwijzer/werkwijzer/locales"
)

// Finder is an in-memory vacancies.Finder: it offers List in order,
// leaving out what the person rejected and what their reasons narrowed
// (MaxKm, NoHours, NoSectors); offers in a sector the person did not name
// make the Outside list. Fits decides, beyond that, who an offer fits (all,
// when nil).
type Finder struct {
	List []vacancies.Offer
	Fits func(p orientation.Profile, o vacancies.Offer) bool
	// Err, when set, is what every call fails with (Redis down).
	Err error

	mu sync.Mutex
}

var _ vacancies.Finder = (*Finder)(nil)

// NewFinder offers offers.
func NewFinder(offers ...vacancies.Offer) *Finder { return &Finder{List: offers} }

func (f *Finder) fits(s vacancies.Seeker, o vacancies.Offer) bool {
	n := s.Narrow
	switch {
	case slices.Contains(s.Hidden, o.ID), slices.Contains(n.NoSectors, o.Sector):
		return false
	case n.MaxKm > 0 && o.Km >= n.MaxKm:
		return false
	case o.Shifts && slices.Contains(n.NoHours, orientation.AvailShifts), o.Weekends && slices.Contains(n.NoHours, orientation.AvailWeekends):
		return false
	case slices.Contains(n.NoHours, orientation.AvailFullTime) && !o.PartTime, slices.Contains(n.NoHours, orientation.AvailPartTime) && !o.FullTime:
		return false
	}
	return f.Fits == nil || f.Fits(s.Profile, o)
}

// outside reports whether o is in a sector p did not choose.
func outside(p orientation.Profile, o vacancies.Offer) bool {
	named := slices.ContainsFunc(p.Sectors, func(x string) bool { return x != orientation.SectorOther })
	return named && !slices.Contains(p.Sectors, o.Sector)
}

// Offers implements vacancies.Finder.
func (f *Finder) Offers(_ context.Context, _ string, s vacancies.Seeker, list vacancies.List, offset, n int) ([]vacancies.Offer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Err != nil {
		return nil, f.Err
	}
	var out []vacancies.Offer
	for _, o := range f.List {
		o.Outside = outside(s.Profile, o)
		if f.fits(s, o) && o.Outside == (list == vacancies.Outside) {
			out = append(out, o)
		}
	}
	if offset >= len(out) {
		return nil, nil
	}
	return out[offset:min(len(out), offset+n)], nil
}

// Offer implements vacancies.Finder.
func (f *Finder) Offer(_ context.Context, _ string, s vacancies.Seeker, idOrHandle string) (*vacancies.Offer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Err != nil {
		return nil, f.Err
	}
	for _, o := range f.List {
		if (o.ID == idOrHandle || vacancies.Handle(o.ID) == idOrHandle) && f.fits(s, o) {
			o.Outside = outside(s.Profile, o)
			return &o, nil
		}
	}
	return nil, nil
}

// Links is an in-memory signup.Resolver: codes map to links or problems.
type Links struct {
	Links    map[string]*signup.Link
	Problems map[string]signup.Problem
	// Err, when set, is what every lookup fails with (Redis down).
	Err error
}

var _ signup.Resolver = (*Links)(nil)

// ResolveLink implements signup.Resolver.
func (l *Links) ResolveLink(_ context.Context, code string) (*signup.Link, signup.Problem, error) {
	if l.Err != nil {
		return nil, "", l.Err
	}
	if link, ok := l.Links[code]; ok {
		return link, "", nil
	}
	if p, ok := l.Problems[code]; ok {
		return nil, p, nil
	}
	return nil, signup.Unknown, nil
}

// Sessions is an in-memory dialogs.Sessions, storing states as JSON as
// Redis does (so that what a flow keeps must survive a round trip).
type Sessions struct {
	mu     sync.Mutex
	states map[int64][]byte
	out    map[int64]*dialogs.Turn
}

var _ dialogs.Sessions = (*Sessions)(nil)

// NewSessions returns an empty store.
func NewSessions() *Sessions {
	return &Sessions{states: map[int64][]byte{}, out: map[int64]*dialogs.Turn{}}
}

// Load implements dialogs.Sessions.
func (s *Sessions) Load(_ context.Context, chat int64) (*dialogs.State, *dialogs.Turn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var st *dialogs.State
	if b, ok := s.states[chat]; ok {
		st = &dialogs.State{}
		if err := json.Unmarshal(b, st); err != nil {
			return nil, nil, err
		}
	}
	return st, s.copyTurn(s.out[chat]), nil
}

func (s *Sessions) copyTurn(t *dialogs.Turn) *dialogs.Turn {
	if t == nil {
		return nil
	}
	b, _ := json.Marshal(t)
	var cp dialogs.Turn
	json.Unmarshal(b, &cp)
	return &cp
}

// Save implements dialogs.Sessions.
func (s *Sessions) Save(_ context.Context, chat int64, st *dialogs.State, _ time.Duration, out *dialogs.Turn) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st == nil {
		delete(s.states, chat)
	} else {
		b, err := json.Marshal(st)
		if err != nil {
			return err
		}
		s.states[chat] = b
	}
	if out != nil {
		s.out[chat] = s.copyTurn(out)
	}
	return nil
}

// Progress implements dialogs.Sessions.
func (s *Sessions) Progress(_ context.Context, out *dialogs.Turn) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur := s.out[out.ChatID]; cur != nil && cur.Update == out.Update {
		cur.Sent = out.Sent
	}
	return nil
}

// Delivered implements dialogs.Sessions.
func (s *Sessions) Delivered(_ context.Context, turns []*dialogs.Turn) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range turns {
		if cur := s.out[t.ChatID]; cur != nil && cur.Update == t.Update {
			delete(s.out, t.ChatID)
		}
	}
	return nil
}

// Retriever is a faq.Retriever from a function: an in-memory index (an
// answers.Index), or a table.
type Retriever func(lang, text string) *faq.Answer

// Answer implements faq.Retriever.
func (r Retriever) Answer(_ context.Context, lang, text string) (*faq.Answer, error) {
	return r(lang, text), nil
}

// FAQEntry is one question of an FAQ: how people ask it, per language,
// the answer per language (at least Dutch and English), and the flow the
// answer offers ("" for none).
type FAQEntry struct {
	ID        string
	Flow      string
	Questions map[string][]string
	Answers   map[string]string
}

// FAQ is an in-memory faq.Retriever over entries: a question is answered
// when it is one of an entry's wordings in that language (letters and
// digits only, whatever their case), in the language asked, else in
// English, else in Dutch (as package answers answers, there by
// similarity). Import replaces the entries.
type FAQ struct {
	mu      sync.Mutex
	entries []FAQEntry
}

var _ faq.Retriever = (*FAQ)(nil)

// NewFAQ answers entries (its seed).
func NewFAQ(entries ...FAQEntry) *FAQ { return &FAQ{entries: entries} }

// Import replaces the FAQ with entries.
func (f *FAQ) Import(_ context.Context, entries []FAQEntry) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.entries = slices.Clone(entries)
	return nil
}

func wording(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }), " ")
}

// Answer implements faq.Retriever.
func (f *FAQ) Answer(_ context.Context, lang, text string) (*faq.Answer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range f.entries {
		if !slices.ContainsFunc(e.Questions[lang], func(q string) bool { return wording(q) == wording(text) }) {
			continue
		}
		for _, l := range locales.Chain(lang) {
			if a := e.Answers[l]; a != "" {
				return &faq.Answer{ID: e.ID, Text: a, Flow: e.Flow}, nil
			}
		}
	}
	return nil, nil
}
