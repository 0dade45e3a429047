// Package vacancies is the flow of "Jobs for me": one vacancy at a time,
// best first, with why it fits, Interested (staff are told), Not for me
// (and why, so that similar ones rank lower) and Next; and new vacancies by
// message (alerts) for those who ask. Matching itself is behind the Finder
// port (package jobs implements it). It depends only on package dialogs
// and orientation, whose Profile it matches.
package vacancies

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/handover"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
)

// Offer is a vacancy as one person sees it: the matching is done and the
// reasons are written in their language by the Finder.
type Offer struct {
	ID       string
	Title    string
	Employer string
	Place    string
	// Hours is "full", "part" or "both".
	Hours   string
	Reasons []string
	// What "not for me" remembers, to show fewer like it.
	Sector string
	Km     float64
	Shifts bool
}

// Why is the reason a person gave for "not for me".
type Why string

// The reasons for "not for me"; "" is something else.
const (
	TooFar      Why = "far"
	WrongHours  Why = "hours"
	WrongSector Why = "sector"
)

// Rejected is a vacancy a person said was not for them, and why, with what
// makes others like it. Matching (package jobs) reads it as it is stored.
type Rejected struct {
	ID     string  `json:"id"`
	Why    Why     `json:"why,omitempty"`
	Sector string  `json:"sector,omitempty"`
	Km     float64 `json:"km,omitempty"`
	Hours  string  `json:"hours,omitempty"`
	Shifts bool    `json:"shifts,omitempty"`
}

// Finder finds vacancies that fit a person, best first, leaving out those
// they rejected. Package jobs implements it over the vacancy catalogue.
type Finder interface {
	Offers(ctx context.Context, lang string, p orientation.Profile, rejected []Rejected, offset, n int) ([]Offer, error)
	// Offer is one vacancy, by id or by its handle (see Handle), as p sees
	// it; nil when it is no longer offered or does not fit.
	Offer(ctx context.Context, lang string, p orientation.Profile, idOrHandle string) (*Offer, error)
}

// AlertLog tells what the alerts keep on a person outside their
// conversation, for /mydata. Package jobs implements it.
type AlertLog interface {
	Held(ctx context.Context, chat int64) (AlertsHeld, error)
}

// AlertsHeld is what the alerts keep on one person.
type AlertsHeld struct {
	// Subscribed: they are on the list of people who get alerts.
	Subscribed bool `json:"on_the_list"`
	// Planned are the vacancies planned for them, sent or still to send,
	// so that none is sent twice.
	Planned []string `json:"planned,omitempty"`
	// Queued are those still to send.
	Queued []string `json:"waiting_to_be_sent,omitempty"`
	// ThisWeek counts the alerts planned this week, against the cap.
	ThisWeek int `json:"planned_this_week,omitempty"`
}

// Bounds on what is remembered per person; the oldest go first.
const (
	MaxRejected = 200
	MaxAlerted  = 200
)

// State is the flow's part of a conversation.
type State struct {
	// Rejected are the vacancies the person said were not for them.
	Rejected []Rejected `json:"rejected,omitempty"`
	// Alerts: the person asked for new vacancies by message.
	Alerts bool `json:"alerts,omitempty"`
	// Alerted are the vacancies sent as alerts, so that one handed out
	// twice (a sender that died before acknowledging) is shown once.
	Alerted []string `json:"alerted,omitempty"`
}

// Part is where the flow keeps its State.
var Part = dialogs.Part[State]{Key: "vacancies"}

// Handle is a vacancy's id as button data can carry it: ids can be long
// URLs, and Telegram allows 64 bytes.
func Handle(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:5])
}

// Flow is "Jobs for me".
type Flow struct {
	Finder Finder
	// Staff says someone reads the notes (Slack is connected): only then
	// does "Interested" promise that a staff member will be in touch.
	Staff bool
	// Alerts tells /mydata what the alerts keep; nil shows only what the
	// conversation holds.
	Alerts AlertLog
}

// Register implements dialogs.Flow.
func (f Flow) Register(r *dialogs.Router) {
	r.Button("menu:jobs", f.guard(func(c *dialogs.Conv) error { return f.card(c, 0, false) }))
	r.Button("job", f.guard(f.press))
	r.Inject(dialogs.KindAlert, f.alert)
	r.Menu(func(c *dialogs.Conv) [][]dialogs.Button {
		if !orientation.Of(c).Done() {
			return nil
		}
		return [][]dialogs.Button{{{Text: c.T("menu_jobs", nil), Data: "menu:jobs"}}}
	})
	r.Data(f.data)
}

// data tells /mydata what the flow keeps: the alert subscription, the
// vacancies that were not for the person (and why), those sent or planned
// as alerts.
func (f Flow) data(c *dialogs.Conv) ([]string, map[string]any, error) {
	s := Part.Of(c)
	var lines []string
	x := map[string]any{}
	if s.Alerts {
		lines = append(lines, c.T("mydata_alerts_on", nil))
		x["vacancy_messages"] = true
	}
	if len(s.Rejected) > 0 {
		lines = append(lines, c.T("mydata_not_for_me", map[string]any{"Count": len(s.Rejected)}))
		x["vacancies_not_for_me"] = s.Rejected
	}
	if len(s.Alerted) > 0 {
		x["vacancies_sent_as_messages"] = s.Alerted
	}
	sent := len(s.Alerted)
	if f.Alerts != nil && c.Consented() {
		h, err := f.Alerts.Held(c.Context(), c.Event().ChatID)
		if err != nil {
			return nil, nil, err
		}
		if h.Subscribed || len(h.Planned) > 0 || len(h.Queued) > 0 || h.ThisWeek > 0 {
			x["vacancy_alerts"] = h
		}
		sent = max(sent, len(h.Planned))
	}
	if sent > 0 {
		lines = append(lines, c.T("mydata_alerts_sent", map[string]any{"Count": sent}))
	}
	return lines, x, nil
}

// guard lets only someone who agreed and finished the orientation see
// vacancies: matching needs the answers.
func (f Flow) guard(h dialogs.Handler) dialogs.Handler {
	return dialogs.Consented(func(c *dialogs.Conv) error {
		if !orientation.Of(c).Done() {
			c.Say(c.T("jobs_need_orientation", nil))
			return orientation.Resume(c)
		}
		return h(c)
	})
}

// press handles "job:next:<offset>", "job:int:<handle>:<offset>",
// "job:nfm:<handle>:<offset>", "job:why:<handle>:<offset>:<why>" and
// "job:alerts:on|off".
func (f Flow) press(c *dialogs.Conv) error {
	_, verb, rest := dialogs.SplitData(c.Event().Data)
	parts := strings.Split(rest, ":")
	s := Part.Of(c)
	switch {
	case verb == "next" && len(parts) == 1:
		return f.card(c, offset(parts[0]), false)
	case verb == "nfm" && len(parts) == 2:
		row := func(why Why, id string) dialogs.Button {
			return dialogs.Button{Text: c.T(id, nil), Data: "job:why:" + parts[0] + ":" + parts[1] + ":" + string(why)}
		}
		c.Say(c.T("not_for_me_ask", nil),
			[]dialogs.Button{row(TooFar, "btn_nfm_far"), row(WrongHours, "btn_nfm_hours")},
			[]dialogs.Button{row(WrongSector, "btn_nfm_sector"), row("other", "btn_nfm_other")})
		return nil
	case verb == "why" && len(parts) == 3:
		at := offset(parts[1])
		o, err := f.offer(c, parts[0])
		if err != nil {
			return err
		}
		if o == nil {
			c.Say(c.T("job_gone", nil))
			return f.card(c, at, false)
		}
		s.Rejected = append(s.Rejected, rejection(*o, Why(parts[2])))
		if len(s.Rejected) > MaxRejected {
			s.Rejected = s.Rejected[len(s.Rejected)-MaxRejected:]
		}
		c.Say(c.T("not_for_me_done", nil))
		return f.card(c, at, true)
	case verb == "int" && len(parts) == 2 && f.Staff:
		o, err := f.offer(c, parts[0])
		if err != nil {
			return err
		}
		if o == nil {
			c.Say(c.T("job_gone", nil))
			return nil
		}
		n := dialogs.Note{Kind: dialogs.NoteInterested, Fields: []dialogs.Field{
			{Label: "Vacature", Value: o.Title}, {Label: "Werkgever", Value: o.Employer},
			{Label: "Plaats", Value: o.Place}, {Label: "Vacature-id", Value: o.ID}}}
		shared, advice := orientation.Shared(c)
		n.Fields, n.Advice = append(n.Fields, shared...), advice
		c.Note(n)
		c.Say(c.T("interested_done", map[string]any{"Title": o.Title}),
			[]dialogs.Button{{Text: c.T("btn_next_job", nil), Data: fmt.Sprintf("job:next:%d", offset(parts[1])+1)}})
		return nil
	case verb == "alerts" && rest == "on":
		s.Alerts = true
		c.Note(dialogs.Note{Kind: dialogs.NoteAlertsOn})
		c.Say(c.T("alerts_on_done", nil), alertsRow(c))
		return nil
	case verb == "alerts" && rest == "off":
		s.Alerts = false
		c.Note(dialogs.Note{Kind: dialogs.NoteAlertsOff})
		c.Say(c.T("alerts_off_done", nil), alertsRow(c))
		return nil
	}
	return c.OldButton() // "Interested" without staff is an old button too
}

func offset(s string) int {
	n, _ := strconv.Atoi(s)
	return max(n, 0)
}

func rejection(o Offer, why Why) Rejected {
	switch why {
	case TooFar, WrongHours, WrongSector:
	default:
		why = ""
	}
	return Rejected{ID: o.ID, Why: why, Sector: o.Sector, Km: o.Km, Hours: o.Hours, Shifts: o.Shifts}
}

func (f Flow) offer(c *dialogs.Conv, handle string) (*Offer, error) {
	return f.Finder.Offer(c.Context(), c.Lang(), orientation.Of(c).Profile, handle)
}

// card shows the vacancy at offset, or says there is none (more).
func (f Flow) card(c *dialogs.Conv, at int, afterReject bool) error {
	offers, err := f.Finder.Offers(c.Context(), c.Lang(), orientation.Of(c).Profile, Part.Of(c).Rejected, at, 1)
	if err != nil {
		return err
	}
	if len(offers) == 0 {
		if at == 0 && !afterReject {
			c.Say(c.T("jobs_none", nil), c.MenuRows()...)
		} else {
			c.Say(c.T("jobs_end", nil), c.MenuRows()...)
		}
		return nil
	}
	f.show(c, offers[0], at, "")
	return nil
}

// alertsRow offers alerts, or a way to stop them.
func alertsRow(c *dialogs.Conv) []dialogs.Button {
	if Part.Of(c).Alerts {
		return []dialogs.Button{{Text: c.T("btn_alerts_off", nil), Data: "job:alerts:off"}}
	}
	return []dialogs.Button{{Text: c.T("btn_alerts_on", nil), Data: "job:alerts:on"}}
}

// show shows one vacancy, with intro in front when it comes as an alert.
func (f Flow) show(c *dialogs.Conv, o Offer, at int, intro string) {
	h := Handle(o.ID)
	text := c.T("job_card", map[string]any{"Title": o.Title, "Employer": o.Employer, "Place": o.Place,
		"Hours": c.T("job_hours_"+o.Hours, nil), "Reasons": c.List(o.Reasons)})
	if intro != "" {
		text = intro + "\n\n" + text
	}
	var first []dialogs.Button
	if f.Staff {
		first = append(first, dialogs.Button{Text: c.T("btn_interested", nil), Data: fmt.Sprintf("job:int:%s:%d", h, at)})
	}
	first = append(first, dialogs.Button{Text: c.T("btn_not_for_me", nil), Data: fmt.Sprintf("job:nfm:%s:%d", h, at)})
	c.Say(text, first, []dialogs.Button{{Text: c.T("btn_next_job", nil), Data: fmt.Sprintf("job:next:%d", at+1)}}, alertsRow(c))
}

// alert shows a new vacancy to someone who asked for alerts, once.
func (f Flow) alert(c *dialogs.Conv) error {
	s := Part.Of(c)
	id := c.Event().Data
	// A staff member talking: the bot keeps quiet.
	if !c.Consented() || !orientation.Of(c).Done() || !s.Alerts || handover.Busy(c) || slices.Contains(s.Alerted, id) {
		return nil // stopped meanwhile, or shown already
	}
	o, err := f.offer(c, id)
	if err != nil || o == nil {
		return err // no longer fits
	}
	s.Alerted = append(s.Alerted, id)
	if len(s.Alerted) > MaxAlerted {
		s.Alerted = s.Alerted[len(s.Alerted)-MaxAlerted:]
	}
	f.show(c, *o, 0, c.T("alert_intro", nil))
	return nil
}
