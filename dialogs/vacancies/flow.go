// Package vacancies is the flow of "Jobs for me": one vacancy at a time,
// best first, with what it offers, what it asks, why it fits and how to
// apply; first the vacancies in the sectors the person chose, then, only
// if they opt in after a divider, those outside; Not for me (and why:
// "too far", "the hours" and "the sector" change what comes next) and
// Next; Interested; and new vacancies by message (alerts) for those who
// ask. Matching itself is behind the Finder port (package jobs implements
// it). It depends only on package dialogs and orientation, whose Profile
// it matches.
package vacancies

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/handover"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
)

// AlertLog tells what the alerts keep on a person outside their
// conversation, for /mydata. Package jobs implements it.
type AlertLog interface {
	Held(ctx context.Context, chat int64) (AlertsHeld, error)
}

// AlertsHeld is what the alerts keep on one person.
type AlertsHeld struct {
	// Subscribed: they are on the list of people who get alerts.
	Subscribed bool `json:"on_the_list"`
	// Planned are the vacancies planned for them and not sent yet (those
	// sent are in their conversation: State.Alerted); a vacancy is
	// planned once, so that none is sent twice.
	Planned []string `json:"planned,omitempty"`
	// Queued are those still to send.
	Queued []string `json:"waiting_to_be_sent,omitempty"`
	// ThisWeek counts the alerts planned this week, against the cap.
	ThisWeek int `json:"planned_this_week,omitempty"`
}

// Bounds on what is remembered per person; the oldest go first.
const (
	MaxRejected   = 200
	MaxAlerted    = 200
	MaxInterested = 100
)

// State is the flow's part of a conversation.
type State struct {
	// Rejected are the vacancies the person said were not for them.
	Rejected []Rejected `json:"rejected,omitempty"`
	// Narrow is what their reasons taught, until they reset it.
	Narrow Narrow `json:"narrow,omitzero"`
	// Interested are the vacancies they said they were interested in,
	// so that a second press tells staff nothing new.
	Interested []string `json:"interested,omitempty"`
	// Alerts: the person asked for new vacancies by message.
	Alerts bool `json:"alerts,omitempty"`
	// Alerted are the vacancies sent as alerts, so that one handed out
	// twice (a sender that died before acknowledging) is shown once.
	Alerted []string `json:"alerted,omitempty"`
	// Indexed is the Fingerprint of the Wants last told to the alerts'
	// index ("" when it holds nothing of them).
	Indexed string `json:"indexed,omitempty"`
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
	// does "Interested" promise that a staff member will be in touch;
	// without, it tells the person how to apply through the city's work
	// team (Contact).
	Staff bool
	// Alerts tells /mydata what the alerts keep; nil shows only what the
	// conversation holds.
	Alerts AlertLog
}

// Register implements dialogs.Flow.
func (f Flow) Register(r *dialogs.Router) {
	r.Button("menu:jobs", f.guard(func(c *dialogs.Conv) error { return f.card(c, pos{}, false) }))
	r.Button("job", f.guard(f.press))
	r.Inject(dialogs.KindAlert, f.alert)
	r.Finally(settle)
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
	sent := slices.Clone(s.Alerted) // and those still to send
	if f.Alerts != nil && c.Consented() {
		h, err := f.Alerts.Held(c.Context(), c.Event().ChatID)
		if err != nil {
			return nil, nil, err
		}
		if h.Subscribed || len(h.Planned) > 0 || len(h.Queued) > 0 || h.ThisWeek > 0 {
			x["vacancy_alerts"] = h
		}
		for _, id := range h.Planned {
			if !slices.Contains(sent, id) {
				sent = append(sent, id)
			}
		}
	}
	if !s.Narrow.Empty() {
		x["vacancies_narrowed"] = s.Narrow
	}
	if len(s.Interested) > 0 {
		x["vacancies_interested"] = s.Interested
	}
	if len(sent) > 0 {
		lines = append(lines, c.T("mydata_alerts_sent", map[string]any{"Count": len(sent)}))
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

// pos is a place in one of the person's two lists, as button data carries
// it: "3" is the fourth of their sectors, "o3" the fourth outside them.
type pos struct {
	list List
	at   int
}

func parsePos(s string) (pos, bool) {
	p := pos{}
	if rest, ok := strings.CutPrefix(s, "o"); ok {
		p.list, s = Outside, rest
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 100000 {
		return pos{}, false
	}
	p.at = n
	return p, true
}

func (p pos) String() string {
	if p.list == Outside {
		return "o" + strconv.Itoa(p.at)
	}
	return strconv.Itoa(p.at)
}

func (p pos) next() pos { return pos{p.list, p.at + 1} }

// press handles "job:next:<pos>", "job:int:<handle>:<pos>",
// "job:nfm:<handle>:<pos>", "job:why:<handle>:<pos>:<why>", "job:reset"
// and "job:alerts:on|off".
func (f Flow) press(c *dialogs.Conv) error {
	_, verb, rest := dialogs.SplitData(c.Event().Data)
	parts := strings.Split(rest, ":")
	s := Part.Of(c)
	switch {
	case verb == "next" && len(parts) == 1:
		if p, ok := parsePos(parts[0]); ok {
			return f.card(c, p, false)
		}
	case verb == "nfm" && len(parts) == 2:
		if _, ok := parsePos(parts[1]); ok {
			row := func(why Why, id string) dialogs.Button {
				return dialogs.Button{Text: c.T(id, nil), Data: "job:why:" + parts[0] + ":" + parts[1] + ":" + string(why)}
			}
			c.Say(c.T("not_for_me_ask", nil),
				[]dialogs.Button{row(TooFar, "btn_nfm_far"), row(WrongHours, "btn_nfm_hours")},
				[]dialogs.Button{row(WrongSector, "btn_nfm_sector"), row("other", "btn_nfm_other")})
			return nil
		}
	case verb == "why" && len(parts) == 3:
		if p, ok := parsePos(parts[1]); ok {
			return f.notForMe(c, parts[0], p, Why(parts[2]))
		}
	case verb == "int" && len(parts) == 2:
		if p, ok := parsePos(parts[1]); ok {
			return f.interested(c, parts[0], p)
		}
	case verb == "reset" && rest == "":
		s.Narrow = Narrow{}
		c.Say(c.T("jobs_reset_done", nil))
		return f.card(c, pos{}, false)
	case verb == "alerts" && rest == "on":
		s.Alerts = true
		c.Note(dialogs.Note{Kind: dialogs.NoteAlertsOn})
		// The way back to the vacancies first, where the button that led
		// here was: a second tap on it must not stop the alerts again.
		c.Say(c.T("alerts_on_done", nil), []dialogs.Button{{Text: c.T("menu_jobs", nil), Data: "menu:jobs"}}, alertsRow(c))
		return nil
	case verb == "alerts" && rest == "off" && !s.Alerts:
		// Nothing to stop: say so, rather than "stopped", and tell
		// staff nothing.
		c.Say(c.T("alerts_were_off", nil), alertsRow(c))
		return nil
	case verb == "alerts" && rest == "off":
		s.Alerts = false
		c.Note(dialogs.Note{Kind: dialogs.NoteAlertsOff})
		c.Say(c.T("alerts_off_done", nil), alertsRow(c))
		return nil
	}
	return c.OldButton()
}

// seeker is the person as matching reads them.
func seeker(c *dialogs.Conv) Seeker {
	s := Part.Of(c)
	hidden := make([]string, len(s.Rejected))
	for i, r := range s.Rejected {
		hidden[i] = r.ID
	}
	return Seeker{Profile: orientation.Of(c).Profile, Narrow: s.Narrow, Hidden: hidden}
}

func (f Flow) offer(c *dialogs.Conv, handle string) (*Offer, error) {
	return f.Finder.Offer(c.Context(), c.Lang(), seeker(c), handle)
}

// notForMe hides the vacancy for good and narrows the search by the
// reason: "too far" keeps only nearer vacancies, "the hours" takes what
// made these hours hard out of the person's availability, "the sector"
// takes the sector out. The next card follows at once.
func (f Flow) notForMe(c *dialogs.Conv, handle string, at pos, why Why) error {
	o, err := f.offer(c, handle)
	if err != nil {
		return err
	}
	if o == nil {
		c.Say(c.T("job_gone", nil))
		return f.card(c, at, false)
	}
	s := Part.Of(c)
	switch why {
	case TooFar, WrongHours, WrongSector:
	default:
		why = ""
	}
	s.Rejected = append(s.Rejected, Rejected{ID: o.ID, Why: why, Sector: o.Sector, Km: float64(o.Km), Hours: hoursKind(*o), Shifts: o.Shifts})
	if len(s.Rejected) > MaxRejected {
		s.Rejected = s.Rejected[len(s.Rejected)-MaxRejected:]
	}
	said := c.T("not_for_me_done", nil)
	switch why {
	case TooFar:
		if o.Km > 0 && (s.Narrow.MaxKm == 0 || o.Km < s.Narrow.MaxKm) {
			s.Narrow.MaxKm = o.Km
			said = c.T("nfm_done_far", map[string]any{"Km": o.Km})
		}
	case WrongHours:
		if out := hardHours(*o); len(out) > 0 {
			var names []string
			for _, h := range out {
				if !slices.Contains(s.Narrow.NoHours, h) {
					s.Narrow.NoHours = append(s.Narrow.NoHours, h)
				}
				names = append(names, c.T(hoursName[h], nil))
			}
			said = c.T("nfm_done_hours", map[string]any{"Hours": c.List(names)})
		}
	case WrongSector:
		if !slices.Contains(s.Narrow.NoSectors, o.Sector) {
			s.Narrow.NoSectors = append(s.Narrow.NoSectors, o.Sector)
		}
		said = c.T("nfm_done_sector", map[string]any{"Sector": c.T("opt_sec_"+o.Sector, nil)})
	}
	c.Say(said)
	// The list lost this vacancy (and maybe more): the next one is now at
	// the same place.
	return f.card(c, at, true)
}

// hoursName names an availability value on a card.
var hoursName = map[string]string{
	orientation.AvailShifts: "job_shifts", orientation.AvailWeekends: "job_weekends",
	orientation.AvailFullTime: "job_hours_full", orientation.AvailPartTime: "job_hours_part",
}

// hardHours is what "the hours" of o most likely means: its shifts and
// its weekends, or, with neither, its kind of hours when it offers only
// one (a job that is full-time or part-time leaves nothing to take out).
func hardHours(o Offer) []string {
	var out []string
	if o.Shifts {
		out = append(out, orientation.AvailShifts)
	}
	if o.Weekends {
		out = append(out, orientation.AvailWeekends)
	}
	switch {
	case len(out) > 0:
	case o.FullTime && !o.PartTime:
		out = append(out, orientation.AvailFullTime)
	case o.PartTime && !o.FullTime:
		out = append(out, orientation.AvailPartTime)
	}
	return out
}

func hoursKind(o Offer) string {
	switch {
	case o.FullTime && o.PartTime:
		return "both"
	case o.PartTime:
		return "part"
	}
	return "full"
}

// interested tells staff (once per vacancy) that the person is interested,
// or, without staff, how to apply: through the vacancy's own route if it
// has one, else through the work team's office.
func (f Flow) interested(c *dialogs.Conv, handle string, at pos) error {
	o, err := f.offer(c, handle)
	if err != nil {
		return err
	}
	if o == nil {
		c.Say(c.T("job_gone", nil))
		return nil
	}
	s := Part.Of(c)
	next := []dialogs.Button{{Text: c.T("btn_next_job", nil), Data: "job:next:" + at.next().String()}}
	again := slices.Contains(s.Interested, o.ID)
	if !again {
		s.Interested = append(s.Interested, o.ID)
		if len(s.Interested) > MaxInterested {
			s.Interested = s.Interested[len(s.Interested)-MaxInterested:]
		}
		// The funnel counts it even without staff; staff read it only
		// where they are connected.
		n := dialogs.Note{Kind: dialogs.NoteInterested, Fields: []dialogs.Field{
			{Label: "Vacature", Value: o.Title}, {Label: "Werkgever", Value: o.Employer},
			{Label: "Plaats", Value: o.Place}, {Label: "Vacature-id", Value: o.ID}}}
		shared, advice := orientation.Shared(c)
		n.Fields, n.Advice = append(n.Fields, shared...), advice
		c.Note(n)
	}
	switch {
	case f.Staff && again:
		c.Say(c.T("interested_again", map[string]any{"Title": o.Title}), next)
	case f.Staff:
		c.Say(c.T("interested_done", map[string]any{"Title": o.Title}), next)
	default:
		f.route(c, *o, next)
	}
	return nil
}

// route tells someone without staff in Slack how to apply for o.
func (f Flow) route(c *dialogs.Conv, o Offer, next []dialogs.Button) {
	var rows [][]dialogs.Button
	var text string
	switch {
	case o.URL != "":
		text = c.T("interested_url", map[string]any{"Title": o.Title})
		rows = append(rows, []dialogs.Button{{Text: c.T("btn_apply", nil), URL: o.URL}})
	case o.Contact != "":
		text = c.T("interested_contact", map[string]any{"Title": o.Title, "Contact": o.Contact})
	default:
		text = c.T("interested_route", map[string]any{"Title": o.Title, "Employer": o.Employer})
	}
	text += "\n\n" + c.OfficeContact()
	if m := c.Engine().Office.MapURL; m != "" {
		rows = append(rows, []dialogs.Button{{Text: c.T("btn_map", nil), URL: m}})
	}
	rows = append(rows, next)
	c.Send(dialogs.Reply{Text: text, Buttons: rows, NoPreview: true})
}

// card shows the vacancy at p; at the end of the person's own sectors, the
// divider to the others, which they open with a button; at the very end,
// what would show more.
func (f Flow) card(c *dialogs.Conv, p pos, afterReject bool) error {
	sk := seeker(c)
	offers, err := f.Finder.Offers(c.Context(), c.Lang(), sk, p.list, p.at, 1)
	if err != nil {
		return err
	}
	if len(offers) > 0 {
		f.show(c, offers[0], p, "")
		return nil
	}
	first := p.at == 0 && !afterReject
	if p.list == Chosen && len(chosen(sk.Profile)) > 0 {
		outside, err := f.Finder.Offers(c.Context(), c.Lang(), sk, Outside, 0, 1)
		if err != nil {
			return err
		}
		if len(outside) > 0 {
			var names []string
			for _, s := range chosen(sk.Profile) {
				names = append(names, c.T("opt_sec_"+s, nil))
			}
			text := c.T("jobs_divider", map[string]any{"Sectors": c.List(names)})
			if first {
				text = c.T("jobs_none_chosen", map[string]any{"Sectors": c.List(names)}) + "\n\n" + text
			}
			c.Say(text, []dialogs.Button{{Text: c.T("btn_show_others", nil), Data: "job:next:o0"}})
			return nil
		}
	}
	text := c.T("jobs_end", nil)
	if first && p.list == Chosen {
		text = c.T("jobs_none", nil)
	}
	var rows [][]dialogs.Button
	if !Part.Of(c).Narrow.Empty() {
		rows = append(rows, []dialogs.Button{{Text: c.T("btn_jobs_reset", nil), Data: "job:reset"}})
	}
	c.Say(text, append(rows, c.MenuRows()...)...)
	return nil
}

// chosen are the sectors the person named ("other" is no sector).
func chosen(p orientation.Profile) []string {
	return slices.DeleteFunc(slices.Clone(p.Sectors), func(s string) bool { return s == orientation.SectorOther })
}

// alertsRow offers alerts, or a way to stop them.
func alertsRow(c *dialogs.Conv) []dialogs.Button {
	if Part.Of(c).Alerts {
		return []dialogs.Button{{Text: c.T("btn_alerts_off", nil), Data: "job:alerts:off"}}
	}
	return []dialogs.Button{{Text: c.T("btn_alerts_on", nil), Data: "job:alerts:on"}}
}

// Card is the text of o's card in the person's language: what it is, where,
// the hours, the contract and pay, a few lines of the description, what it
// asks, why it fits and, for an employer contact, how to apply.
func Card(c *dialogs.Conv, o Offer) string {
	place := o.Place
	if o.Km > 0 {
		place = c.T("job_place_km", map[string]any{"Place": o.Place, "Km": o.Km})
	}
	var hours []string
	switch {
	case o.FullTime && o.PartTime:
		hours = append(hours, c.T("job_hours_both", nil))
	case o.PartTime:
		hours = append(hours, c.T("job_hours_part", nil))
	default:
		hours = append(hours, c.T("job_hours_full", nil))
	}
	if o.Shifts {
		hours = append(hours, c.T("job_shifts", nil))
	}
	if o.Weekends {
		hours = append(hours, c.T("job_weekends", nil))
	}
	lines := []string{c.T("job_card", map[string]any{"Title": o.Title, "Employer": o.Employer, "Place": place, "Hours": c.List(hours)})}
	var terms []string
	if o.Contract != "" {
		terms = append(terms, c.T("job_contract_"+o.Contract, nil))
	}
	switch o.SalaryUnit {
	case "HOUR", "MONTH", "YEAR":
		if o.Salary != "" {
			terms = append(terms, c.T("job_salary_"+strings.ToLower(o.SalaryUnit), map[string]any{"Amount": o.Salary}))
		}
	}
	if len(terms) > 0 {
		lines = append(lines, "📄 "+c.List(terms))
	}
	if o.About != "" {
		lines = append(lines, "", o.About)
	}
	var asks []string
	if o.Dutch != "" {
		asks = append(asks, c.T("job_asks_dutch_"+o.Dutch, nil))
	}
	if o.Licence == orientation.LicenceB || o.Licence == orientation.LicenceC {
		asks = append(asks, c.T("job_asks_licence_"+o.Licence, nil))
	}
	switch o.Education {
	case orientation.EducationSecondary, orientation.EducationHigher:
		asks = append(asks, c.T("job_asks_edu_"+o.Education, nil))
	default:
		asks = append(asks, c.T("job_asks_edu_none", nil))
	}
	lines = append(lines, "", c.T("job_asks", map[string]any{"Asks": c.List(asks)}))
	if len(o.Reasons) > 0 {
		lines = append(lines, c.T("job_why", map[string]any{"Reasons": c.List(o.Reasons)}))
	}
	if o.URL == "" && o.Contact != "" {
		lines = append(lines, "", c.T("job_apply_contact", map[string]any{"Contact": o.Contact}))
	}
	return strings.Join(lines, "\n")
}

// show shows one vacancy, with intro in front when it comes as an alert.
// Every card has a way to apply: the vacancy's page, its employer
// contact, or Interested (always, when staff read it).
func (f Flow) show(c *dialogs.Conv, o Offer, p pos, intro string) {
	h := Handle(o.ID)
	text := Card(c, o)
	if intro != "" {
		text = intro + "\n\n" + text
	}
	var rows [][]dialogs.Button
	if o.URL != "" {
		rows = append(rows, []dialogs.Button{{Text: c.T("btn_apply", nil), URL: o.URL}})
	}
	var first []dialogs.Button
	if f.Staff || (o.URL == "" && o.Contact == "") {
		first = append(first, dialogs.Button{Text: c.T("btn_interested", nil), Data: fmt.Sprintf("job:int:%s:%s", h, p)})
	}
	first = append(first, dialogs.Button{Text: c.T("btn_not_for_me", nil), Data: fmt.Sprintf("job:nfm:%s:%s", h, p)})
	rows = append(rows, first, []dialogs.Button{{Text: c.T("btn_next_job", nil), Data: "job:next:" + p.next().String()}}, alertsRow(c))
	c.Send(dialogs.Reply{Text: text, Buttons: rows, NoPreview: true})
}

// alert shows a new vacancy to someone who asked for alerts, once, if it
// still fits: in their sectors, not one they turned down.
func (f Flow) alert(c *dialogs.Conv) error {
	s := Part.Of(c)
	id := c.Event().Data
	// A staff member talking: the bot keeps quiet.
	if !c.Consented() || !orientation.Of(c).Done() || !s.Alerts || handover.Busy(c) || slices.Contains(s.Alerted, id) {
		return nil // stopped meanwhile, or shown already
	}
	o, err := f.offer(c, id)
	if err != nil || o == nil || o.Outside {
		return err // no longer fits
	}
	s.Alerted = append(s.Alerted, id)
	if len(s.Alerted) > MaxAlerted {
		s.Alerted = s.Alerted[len(s.Alerted)-MaxAlerted:]
	}
	f.show(c, *o, pos{}, c.T("alert_intro", nil))
	return nil
}

// settle tells the alerts' index (a NoteMatching) when what it holds of
// the person changed in this turn: their answers, what "not for me"
// taught, alerts on or off, and once a day the day their data expires.
func settle(c *dialogs.Conv) {
	if !c.Consented() {
		return
	}
	s := Part.Of(c)
	o := orientation.Of(c)
	fp := ""
	var w Wants
	if s.Alerts && o.Done() {
		w = WantsOf(o.Profile, s.Narrow, c.Now().Add(c.Engine().TTL(c.State())))
		fp = w.Fingerprint()
	}
	if fp == s.Indexed {
		return
	}
	s.Indexed = fp
	n := dialogs.Note{Kind: dialogs.NoteMatching}
	if fp != "" {
		n.Data, _ = json.Marshal(w)
	}
	c.Note(n)
}
