package dialogs

import (
	"context"
	"regexp"
	"slices"

	"github.com/werkwijzer/werkwijzer/locales"
)

// Link is what a sign-up link stands for: the partner and place an outreach
// worker handed it out at, and optionally the language and sector to start
// with. Links are made by staff and resolved outside the engine (they live
// in Redis); the engine only sees the result.
type Link struct {
	Code    string `json:"code"`
	Partner string `json:"partner"`
	Place   string `json:"place,omitempty"`
	Lang    string `json:"lang,omitempty"`
	Sector  string `json:"sector,omitempty"`
}

// LinkProblem says why a /start payload did not resolve to a link; such a
// start is an ordinary one, counted by its problem.
type LinkProblem string

// The problems of a /start payload.
const (
	LinkMalformed LinkProblem = "malformed"
	LinkTampered  LinkProblem = "tampered"
	LinkUnknown   LinkProblem = "unknown"
	LinkExpired   LinkProblem = "expired"
)

// LinkResolver looks up what a /start payload stands for. It returns a
// problem for a payload that is not a valid link, and an error only when it
// could not look (Redis is down): the update is then tried again.
type LinkResolver interface {
	ResolveLink(ctx context.Context, code string) (*Link, LinkProblem, error)
}

// Source is where a person first came from: the first sign-up link they
// opened. It is kept with their conversation, and goes with every note so
// that the funnel counts per partner, place and link; never who.
type Source struct {
	Code    string `json:"code"`
	Partner string `json:"partner"`
	Place   string `json:"place,omitempty"`
}

// startPayload is what Telegram lets a deep link carry
// (core.telegram.org/bots/features#deep-linking): up to 64 of A-Z a-z 0-9 _ -.
var startPayload = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// resolveLink fills in the link a /start carries; a bad one becomes a
// problem, never an error the person sees.
func (s *Service) resolveLink(ctx context.Context, ev *Event) error {
	if ev.Kind != KindCommand || ev.Command != "start" || ev.Text == "" {
		return nil
	}
	if !startPayload.MatchString(ev.Text) {
		ev.LinkProblem = LinkMalformed
		return nil
	}
	if s.Links == nil {
		ev.LinkProblem = LinkUnknown
		return nil
	}
	link, problem, err := s.Links.ResolveLink(ctx, ev.Text)
	if err != nil {
		return err
	}
	ev.Link, ev.LinkProblem = link, problem
	return nil
}

// arrive records a /start's link on st: the first link is where the person
// came from; a different one later is a return. Both are noted for the
// funnel, as is a payload that was not a valid link.
func (t *turn) arrive() {
	ev, st := t.ev, t.st
	if ev.LinkProblem != "" {
		t.note(Note{Kind: NoteLinkBad, Text: string(ev.LinkProblem)})
		return
	}
	l := ev.Link
	if l == nil || st == nil {
		return
	}
	src := &Source{Code: l.Code, Partner: l.Partner, Place: l.Place}
	if st.Source == nil {
		st.Source = src
		t.note(Note{Kind: NoteLinkOpened, Source: src})
	} else {
		t.note(Note{Kind: NoteLinkOpened, Source: src, Return: true})
	}
	if l.Sector != "" && slices.Contains(Sectors, l.Sector) && st.SectorFirst == "" {
		st.SectorFirst = l.Sector
	}
}

// linkStart begins a conversation from a sign-up link: in the link's
// language, straight to the privacy notice, or at the picker when it names
// none. The link's origin is kept from here, with the rest of the
// pre-consent state (a day).
func (t *turn) linkStart() {
	l := t.ev.Link
	if locales.Supported(l.Lang) {
		t.st = t.newState(l.Lang)
		t.arrive()
		t.say(t.tr("start_greeting", nil))
		t.render()
		t.out[len(t.out)-1].Buttons = append(t.out[len(t.out)-1].Buttons,
			[]Button{{t.tr("menu_language", nil), "picker"}})
		return
	}
	t.st = t.newState("")
	t.st.Step = StepLanguage
	t.arrive()
	t.say(t.tr("start_greeting", nil))
	t.picker()
}

// sectorOptions orders the sectors with the one the person's link named
// first.
func (t *turn) sectorOptions(opts []option) []option {
	first := t.st.SectorFirst
	if first == "" {
		return opts
	}
	out := make([]option, 0, len(opts))
	for _, o := range opts {
		if o.value == first {
			out = append(out, o)
		}
	}
	for _, o := range opts {
		if o.value != first {
			out = append(out, o)
		}
	}
	return out
}
