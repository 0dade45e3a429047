// Package signup is the flow of sign-up links: a /start whose payload is a
// link an outreach worker handed out starts the conversation in the link's
// language, offers its sector first, and remembers where the person came
// from, so that the funnel counts every later step per partner, place and
// link. It depends only on package dialogs (and orientation, whose sector
// order it sets); links themselves are resolved through the Resolver port.
package signup

import (
	"context"
	"regexp"
	"slices"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/locales"
)

// Link is what a sign-up link stands for: the partner and place an outreach
// worker handed it out at, and optionally the language and sector to start
// with.
type Link struct {
	Code    string `json:"code"`
	Partner string `json:"partner"`
	Place   string `json:"place,omitempty"`
	Lang    string `json:"lang,omitempty"`
	Sector  string `json:"sector,omitempty"`
}

// Problem says why a /start payload did not resolve to a link; such a start
// is an ordinary one, counted by its problem.
type Problem string

// The problems of a /start payload.
const (
	Malformed Problem = "malformed"
	Tampered  Problem = "tampered"
	Unknown   Problem = "unknown"
	Expired   Problem = "expired"
)

// Resolver looks up what a /start payload stands for. It returns a problem
// for a payload that is not a valid link, and an error only when it could
// not look (Redis is down): the update is then tried again.
type Resolver interface {
	ResolveLink(ctx context.Context, code string) (*Link, Problem, error)
}

// State is the flow's part of a conversation.
type State struct {
	// Source is the first sign-up link the person opened, if any.
	Source *dialogs.Source `json:"source,omitempty"`
}

// Part is where the flow keeps its State.
var Part = dialogs.Part[State]{Key: "signup"}

// Flow is the sign-up link flow.
type Flow struct {
	// Links resolves payloads; nil treats every payload as unknown.
	Links Resolver
}

// Register implements dialogs.Flow.
func (f Flow) Register(r *dialogs.Router) {
	r.OnStart(f.start)
	r.OnNote(func(c *dialogs.Conv, n *dialogs.Note) {
		if n.Source == nil && c.State() != nil {
			n.Source = Part.Of(c).Source
		}
	})
	r.Data(data)
}

// data tells /mydata where the person came from: the first sign-up link.
func data(c *dialogs.Conv) ([]string, map[string]any, error) {
	src := Part.Of(c).Source
	if src == nil {
		return nil, nil, nil
	}
	via := src.Partner
	if src.Place != "" {
		via += " · " + src.Place
	}
	return []string{c.T("mydata_source", map[string]any{"Via": via})}, map[string]any{"signup_link": src}, nil
}

// payload is what Telegram lets a deep link carry
// (core.telegram.org/bots/features#deep-linking): up to 64 of A-Z a-z 0-9 _ -.
var payload = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// start reads a /start's payload. A valid link for someone we hold nothing
// on starts the conversation in its language; otherwise the arrival is
// recorded and the frame greets as usual.
func (f Flow) start(c *dialogs.Conv) (bool, error) {
	code := c.Event().Text
	if code == "" {
		return false, nil
	}
	link, problem := (*Link)(nil), Malformed
	if payload.MatchString(code) {
		problem = Unknown
		if f.Links != nil {
			var err error
			if link, problem, err = f.Links.ResolveLink(c.Context(), code); err != nil {
				return false, err
			}
		}
	}
	if link == nil {
		c.Note(dialogs.Note{Kind: dialogs.NoteLinkBad, Text: string(problem)})
		return false, nil
	}
	if c.State() != nil {
		arrive(c, link)
		return false, nil
	}
	// Begin in the link's language, straight to the privacy notice, or
	// at the picker when it names none. The link's origin is kept from
	// here, with the rest of the pre-consent state (a day).
	if locales.Supported(link.Lang) {
		c.Begin(link.Lang)
		arrive(c, link)
		c.Say(c.T("start_greeting", nil))
		if err := c.Render(); err != nil {
			return true, err
		}
		c.Last().Buttons = append(c.Last().Buttons, []dialogs.Button{{Text: c.T("menu_language", nil), Data: "picker"}})
		return true, nil
	}
	c.Begin("")
	c.Enter(dialogs.StepLanguage)
	arrive(c, link)
	c.Say(c.T("start_greeting", nil))
	return true, c.Render()
}

// arrive records a link on the conversation: the first link is where the
// person came from; a different one later is a return. Both are noted for
// the funnel.
func arrive(c *dialogs.Conv, l *Link) {
	s := Part.Of(c)
	src := &dialogs.Source{Code: l.Code, Partner: l.Partner, Place: l.Place}
	if s.Source == nil {
		s.Source = src
		c.Note(dialogs.Note{Kind: dialogs.NoteLinkOpened, Source: src})
	} else {
		c.Note(dialogs.Note{Kind: dialogs.NoteLinkOpened, Source: src, Return: true})
	}
	o := orientation.Of(c)
	if l.Sector != "" && slices.Contains(orientation.Sectors, l.Sector) && o.SectorFirst == "" {
		o.SectorFirst = l.Sector
	}
}
