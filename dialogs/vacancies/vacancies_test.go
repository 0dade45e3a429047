package vacancies_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/dialogstest"
	"github.com/werkwijzer/werkwijzer/dialogs/handover"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/privacy"
	"github.com/werkwijzer/werkwijzer/dialogs/vacancies"
	"github.com/werkwijzer/werkwijzer/locales"
)

// The person of dialogstest.Onboard chose construction and the port, full
// time, lives in Deurne, has licence B.
var offers = []vacancies.Offer{
	{ID: "v1", Title: "Metselaar", Employer: "Bouwbedrijf Schelde", Place: "Berchem", Km: 11, FullTime: true, Sector: "construction",
		Contract: "permanent", Salary: "15,50–19,00", SalaryUnit: "HOUR", About: "Je metselt muren.\nWe leren het je op de werf.",
		Dutch: "little", Reasons: []string{"in de sector Bouw"}, URL: "https://jobs.example/v1"},
	{ID: "https://jobs.example/vacatures/2026/11/heftruckchauffeur-nachtploeg-haven-antwerpen", Title: "Heftruckchauffeur",
		Employer: "Haven BV", Place: "Berendrecht-Zandvliet-Lillo", Km: 14, FullTime: true, Shifts: true, Sector: "port",
		Contact: "Sara Janssens · 03 123 45 67"},
	{ID: "v3", Title: "Bekister", Employer: "Werf Noord", Place: "Borgerhout", Km: 2, FullTime: true, Weekends: true, Sector: "construction",
		Dutch: "none", Education: "secondary", Licence: "b"},
	{ID: "v4", Title: "Kassamedewerker", Employer: "Supermarkt Dagvers", Place: "Deurne", Km: 0, PartTime: true, Sector: "retail"},
}

func newPerson(t *testing.T, staff bool, finder *dialogstest.Finder) *dialogstest.Person {
	return newPersonIn(t, "nl", staff, finder)
}

var office = dialogs.Office{Name: "Werkwinkel Antwerpen", Address: "Frankrijklei 119, 2000 Antwerpen", Phone: "03 338 00 00",
	MapURL: "https://maps.example.org/werkwinkel"}

func newPersonIn(t *testing.T, lang string, staff bool, finder *dialogstest.Finder) *dialogstest.Person {
	p := dialogstest.New(t, lang, orientation.Flow{}, privacy.Flow{}, vacancies.Flow{Finder: finder, Staff: staff})
	p.Engine.Office = office
	return p
}

func part(p *dialogstest.Person) vacancies.State {
	s, _ := vacancies.Part.Read(p.State())
	return s
}

func card(t *testing.T, r []dialogs.Reply, title string) dialogs.Reply {
	t.Helper()
	for _, x := range r {
		if strings.Contains(x.Text, title) {
			return x
		}
	}
	t.Fatalf("no card of %s:%s", title, dialogstest.Dump(r))
	return dialogs.Reply{}
}

func TestCardsOneAtATimeWithNotForMe(t *testing.T) {
	for _, l := range locales.Languages {
		t.Run(l.Code, func(t *testing.T) { cardsOneAtATime(t, l.Code) })
	}
}

func cardsOneAtATime(t *testing.T, lang string) {
	p := newPersonIn(t, lang, true, dialogstest.NewFinder(offers...))
	p.Onboard()
	r := p.Press("menu:jobs")
	c := card(t, r, "Metselaar")
	for _, want := range []string{"Bouwbedrijf Schelde", p.Tr("job_place_km", map[string]any{"Place": "Berchem", "Km": 11}),
		p.Tr("job_hours_full"), p.Tr("job_contract_permanent"), p.Tr("job_salary_hour", map[string]any{"Amount": "15,50–19,00"}),
		"Je metselt muren.\nWe leren het je op de werf.", p.Tr("job_asks_dutch_little"), p.Tr("job_asks_edu_none"), "in de sector Bouw"} {
		if !strings.Contains(c.Text, want) {
			t.Fatalf("the card lacks %q:\n%s", want, c.Text)
		}
	}
	if !c.NoPreview {
		t.Error("a card with a link shows its preview")
	}
	h := vacancies.Handle(offers[0].ID)
	p.Press("job:nfm:" + h + ":0")
	r = p.Press("job:why:" + h + ":0:far")
	p.Expect(r, "nfm_done_far", map[string]any{"Km": 11})
	// "Too far" on an 11 km job: the 14 km one is gone too, the 2 km one
	// comes next.
	if next := dialogstest.Dump(r); !strings.Contains(next, "Bekister") || strings.Contains(next, "Heftruckchauffeur") {
		t.Fatalf("after 'too far' at 11 km:%s", next)
	}
	if got := part(p); len(got.Rejected) != 1 || got.Rejected[0].ID != "v1" || got.Rejected[0].Why != vacancies.TooFar || got.Narrow.MaxKm != 11 {
		t.Fatalf("state = %+v", got)
	}
	// A long id travels as a handle that fits Telegram's 64 bytes.
	for _, d := range dialogstest.Buttons(p.Forge("job:reset")) {
		if strings.Contains(d, "jobs.example") {
			t.Fatalf("a vacancy url in callback data: %q", d)
		}
	}
}

// Every card says how to apply: its page (a link button), the employer
// contact on the card, or Interested.
func TestEveryCardSaysHowToApply(t *testing.T) {
	p := newPerson(t, false, dialogstest.NewFinder(offers[:3]...))
	p.Onboard()
	r := p.Press("menu:jobs")
	links := 0
	for _, row := range card(t, r, "Metselaar").Buttons {
		for _, b := range row {
			if b.URL == "https://jobs.example/v1" && b.Text == p.Tr("btn_apply") {
				links++
			}
			if strings.HasPrefix(b.Data, "job:int:") {
				t.Error("Interested next to the apply link, without staff to tell")
			}
		}
	}
	if links != 1 {
		t.Fatalf("the card with a page has %d apply links:%s", links, dialogstest.Dump(r))
	}
	r = p.Press("job:next:1")
	c := card(t, r, "Heftruckchauffeur")
	p.Expect(r, "job_apply_contact", map[string]any{"Contact": "Sara Janssens · 03 123 45 67"})
	if !strings.Contains(c.Text, p.Tr("job_shifts")) {
		t.Errorf("the card of a shift job does not say shifts:\n%s", c.Text)
	}
	r = p.Press("job:next:2")
	c = card(t, r, "Bekister")
	if !dialogstest.Offered(r, "job:int:"+vacancies.Handle("v3")+":2") {
		t.Fatalf("a card with no page or contact has no Interested:%s", dialogstest.Dump(r))
	}
	for _, want := range []string{p.Tr("job_weekends"), p.Tr("job_asks_dutch_none"), p.Tr("job_asks_licence_b"), p.Tr("job_asks_edu_secondary")} {
		if !strings.Contains(c.Text, want) {
			t.Errorf("the card lacks %q:\n%s", want, c.Text)
		}
	}
}

// With staff in Slack, Interested tells them once: pressing it again on
// the same vacancy says so and tells nobody again.
func TestInterestedTellsStaffOnce(t *testing.T) {
	p := newPerson(t, true, dialogstest.NewFinder(offers...))
	p.Onboard()
	p.Press("menu:jobs")
	data := "job:int:" + vacancies.Handle("v1") + ":0"
	r := p.Press(data)
	p.Expect(r, "interested_done", map[string]any{"Title": "Metselaar"})
	if n := p.Note(dialogs.NoteInterested); n.Fields[0].Value != "Metselaar" || n.Fields[3].Value != "v1" {
		t.Fatalf("interested note: %+v", n)
	}
	for i := 0; i < 4; i++ {
		r = p.Forge(data)
		p.Expect(r, "interested_again", map[string]any{"Title": "Metselaar"})
		for _, n := range p.Notes() {
			if n.Kind == dialogs.NoteInterested {
				t.Fatalf("press %d told staff again", i+2)
			}
		}
	}
	if got := part(p).Interested; len(got) != 1 || got[0] != "v1" {
		t.Fatalf("interested = %v", got)
	}
}

// Without staff, Interested gives the way to apply and the work team's
// office: its name, address, phone, hours and a map.
func TestInterestedWithoutStaffGivesTheRouteAndTheOffice(t *testing.T) {
	for _, lang := range []string{"nl", "ar", "ti"} {
		p := newPersonIn(t, lang, false, dialogstest.NewFinder(offers...))
		p.Onboard()
		p.Press("menu:jobs")
		r := p.Forge("job:int:" + vacancies.Handle("v3") + ":2")
		p.Expect(r, "interested_route", map[string]any{"Title": "Bekister", "Employer": "Werf Noord"})
		p.Expect(r, "office_intro")
		for _, want := range []string{office.Name, office.Address, office.Phone} {
			if !strings.Contains(r[0].Text, want) {
				t.Errorf("[%s] the route lacks %q:%s", lang, want, dialogstest.Dump(r))
			}
		}
		if !hasLink(r, office.MapURL) || !dialogstest.Offered(r, "job:next:3") {
			t.Errorf("[%s] no map link or way on:%s", lang, dialogstest.Dump(r))
		}
		// In Arabic the office's phone number keeps its order: isolated,
		// as it stands on a line of its own.
		if locales.IsRTL(lang) && !strings.Contains(r[0].Text, "📞 \u2066"+office.Phone+"\u2069") {
			t.Errorf("[%s] the office's phone is not isolated from the right-to-left text: %+q", lang, r[0].Text)
		}
		// The funnel still counts interest, once.
		p.Note(dialogs.NoteInterested)
		r = p.Forge("job:int:" + vacancies.Handle("v1") + ":0")
		p.Expect(r, "interested_url", map[string]any{"Title": "Metselaar"})
		if !hasLink(r, "https://jobs.example/v1") {
			t.Errorf("[%s] no apply link:%s", lang, dialogstest.Dump(r))
		}
		r = p.Forge("job:int:" + vacancies.Handle(offers[1].ID) + ":1")
		p.Expect(r, "interested_contact", map[string]any{"Title": "Heftruckchauffeur", "Contact": "Sara Janssens · 03 123 45 67"})
	}
	// An office nobody configured is left out, not shown empty.
	p := dialogstest.New(t, "nl", orientation.Flow{}, privacy.Flow{}, vacancies.Flow{Finder: dialogstest.NewFinder(offers...)})
	p.Onboard()
	r := p.Forge("job:int:" + vacancies.Handle("v3") + ":2")
	p.ExpectNot(r, "office_intro")
	p.Expect(r, "interested_route", map[string]any{"Title": "Bekister", "Employer": "Werf Noord"})
}

func hasLink(r []dialogs.Reply, url string) bool {
	for _, x := range r {
		for _, row := range x.Buttons {
			for _, b := range row {
				if b.URL == url {
					return true
				}
			}
		}
	}
	return false
}

// The person's own sectors come first; the others only after the divider,
// when they press for them.
func TestDividerBeforeOtherSectors(t *testing.T) {
	p := newPerson(t, false, dialogstest.NewFinder(offers...))
	p.Onboard()
	seen := []string{}
	r := p.Press("menu:jobs")
	for i := 1; ; i++ {
		if dialogstest.Offered(r, "job:next:o0") {
			break
		}
		if strings.Contains(dialogstest.Dump(r), "Kassamedewerker") {
			t.Fatalf("a retail job before the divider, after %v", seen)
		}
		seen = append(seen, r[len(r)-1].Text[:8])
		if i > 5 {
			t.Fatalf("no divider after %v", seen)
		}
		r = p.Press("job:next:" + string(rune('0'+i)))
	}
	if len(seen) != 3 {
		t.Fatalf("%d cards before the divider, want the 3 in construction and the port", len(seen))
	}
	p.Expect(r, "jobs_divider", map[string]any{"Sectors": p.Tr("opt_sec_construction") + p.Tr("list_sep") + p.Tr("opt_sec_port")})
	r = p.Press("job:next:o0")
	if c := card(t, r, "Kassamedewerker"); !strings.Contains(c.Text, "📍 Deurne\n") {
		t.Fatalf("a job where the person lives says a distance:\n%s", c.Text)
	}
}

// "The hours" on a shift job leaves out shifts; "not this sector" the
// sector; at the end, the person can see everything again.
func TestTheHoursAndTheSectorChangeWhatComesNext(t *testing.T) {
	list := []vacancies.Offer{
		{ID: "s1", Title: "Orderpicker", Employer: "A", Place: "Merksem", Km: 4, FullTime: true, Shifts: true, Sector: "port"},
		{ID: "s2", Title: "Heftruckchauffeur", Employer: "B", Place: "Ekeren", Km: 6, FullTime: true, Shifts: true, Sector: "port"},
		{ID: "d1", Title: "Magazijnier", Employer: "C", Place: "Deurne", Km: 1, FullTime: true, Sector: "port"},
		{ID: "c1", Title: "Metselaar", Employer: "D", Place: "Berchem", Km: 5, FullTime: true, Sector: "construction"},
	}
	p := newPerson(t, false, dialogstest.NewFinder(list...))
	p.Onboard()
	p.Press("menu:jobs")
	r := p.Forge("job:why:" + vacancies.Handle("s1") + ":0:hours")
	p.Expect(r, "nfm_done_hours", map[string]any{"Hours": p.Tr("job_shifts")})
	if d := dialogstest.Dump(r); strings.Contains(d, "Heftruckchauffeur") || !strings.Contains(d, "Magazijnier") {
		t.Fatalf("after 'the hours' on shifts another shift job comes:%s", d)
	}
	r = p.Forge("job:why:" + vacancies.Handle("d1") + ":0:sector")
	p.Expect(r, "nfm_done_sector", map[string]any{"Sector": p.Tr("opt_sec_port")})
	card(t, r, "Metselaar")
	r = p.Press("job:next:1")
	p.Expect(r, "jobs_end")
	if !dialogstest.Offered(r, "job:reset") || !dialogstest.Offered(r, "menu:profile") {
		t.Fatalf("the end offers no way to see more:%s", dialogstest.Dump(r))
	}
	if n := part(p).Narrow; len(n.NoHours) != 1 || n.NoHours[0] != orientation.AvailShifts || len(n.NoSectors) != 1 {
		t.Fatalf("narrow = %+v", n)
	}
	r = p.Press("job:reset")
	p.Expect(r, "jobs_reset_done")
	card(t, r, "Heftruckchauffeur") // s1 and d1 stay hidden; s2 is back
	if !part(p).Narrow.Empty() {
		t.Fatal("reset left the search narrowed")
	}
}

func TestForgedJobButtonsBeforeConsentOrOrientation(t *testing.T) {
	p := newPerson(t, false, dialogstest.NewFinder(offers...))
	p.Lang = "pl"
	p.Hint = "pl"
	p.Command("start")
	p.Press("lang:pl")
	p.Expect(p.Forge("job:next:0"), "consent_required")
	if p.State().Consented() || p.Step() != dialogs.StepConsent {
		t.Fatalf("a forged jobs button moved an unconsented person to %q", p.Step())
	}
	p.Press("consent:yes")
	p.Expect(p.Forge("job:int:abc:0"), "jobs_need_orientation")
	p2 := newPerson(t, false, dialogstest.NewFinder(offers...))
	p2.Onboard()
	for _, d := range []string{"job:next:x", "job:next:-1", "job:int:abc", "job:why:a:0", "job:reset:now"} {
		p2.Expect(p2.Forge(d), "bad_old_button")
	}
}

// An alert shows once, only to someone who wants alerts, never while a
// staff member has the conversation, never for a vacancy outside their
// sectors or one they turned down.
func TestAlertShowsOnce(t *testing.T) {
	p := newPerson(t, false, dialogstest.NewFinder(offers...))
	p.Onboard()
	alert := dialogs.Event{Kind: dialogs.KindAlert, Data: "v3"}
	if r := p.Maybe(alert); len(r) != 0 {
		t.Fatalf("an alert for someone who did not ask: %s", dialogstest.Dump(r))
	}
	p.Forge("job:alerts:on")
	p.Expect(p.Do(alert), "alert_intro")
	if r := p.Maybe(alert); len(r) != 0 {
		t.Fatalf("the same alert shown twice: %s", dialogstest.Dump(r))
	}
	if r := p.Maybe(dialogs.Event{Kind: dialogs.KindAlert, Data: "v4"}); len(r) != 0 {
		t.Fatalf("an alert outside their sectors: %s", dialogstest.Dump(r))
	}
	p.Forge("job:why:" + vacancies.Handle("v1") + ":0:")
	if r := p.Maybe(dialogs.Event{Kind: dialogs.KindAlert, Data: "v1"}); len(r) != 0 {
		t.Fatalf("an alert for a vacancy they turned down: %s", dialogstest.Dump(r))
	}
	st := p.State()
	if err := handover.Part.Write(st, handover.State{Open: &handover.Request{Active: true, Staff: "Lotte"}}); err != nil {
		t.Fatal(err)
	}
	p.SetState(st)
	if r := p.Maybe(dialogs.Event{Kind: dialogs.KindAlert, Data: offers[1].ID}); len(r) != 0 {
		t.Fatalf("an alert during a conversation with staff: %s", dialogstest.Dump(r))
	}
}

// What matching needs is told to the alerts' index (a NoteMatching)
// whenever it changes, and only then: alerts on, a narrowing reason, a
// changed answer, alerts off.
func TestTheIndexHearsWhatMatchingNeeds(t *testing.T) {
	p := newPerson(t, false, dialogstest.NewFinder(offers...))
	p.Onboard()
	matching := func() (vacancies.Wants, bool, bool) {
		for _, n := range p.Notes() {
			if n.Kind == dialogs.NoteMatching {
				var w vacancies.Wants
				if len(n.Data) == 0 {
					return w, true, false
				}
				if err := json.Unmarshal(n.Data, &w); err != nil {
					t.Fatal(err)
				}
				return w, true, true
			}
		}
		return vacancies.Wants{}, false, false
	}
	p.Press("menu:jobs")
	if _, told, _ := matching(); told {
		t.Fatal("told the index of someone who wants no alerts")
	}
	p.Forge("job:alerts:on")
	w, told, in := matching()
	if !told || !in || w.Profile.District != "deurne" || len(w.Profile.Sectors) != 2 || w.Profile.Name != "" || w.Until.Before(dialogstest.Start.AddDate(0, 0, 179)) {
		t.Fatalf("alerts on: told %v, %+v", told, w)
	}
	p.Forge("job:next:1")
	if _, told, _ := matching(); told {
		t.Fatal("told the index again though nothing it holds changed")
	}
	p.Forge("job:why:" + vacancies.Handle(offers[1].ID) + ":1:far")
	if w, told, _ := matching(); !told || w.Narrow.MaxKm != 14 {
		t.Fatalf("after 'too far': told %v, %+v", told, w.Narrow)
	}
	// A changed answer is told too, whichever flow took it.
	p.Command("profile")
	p.Press("edit:" + string(orientation.StepAvailability))
	p.Press("a:av:shifts")
	p.Press("done:av")
	if w, told, _ := matching(); !told || len(w.Profile.Availability) != 2 {
		t.Fatalf("after a changed answer: told %v, %+v", told, w.Profile.Availability)
	}
	// Once a day the expiry moves with the person's activity.
	p.Clock.Advance(30 * time.Hour)
	p.Command("menu")
	if w2, told, _ := matching(); !told || !w2.Until.After(w.Until) {
		t.Fatalf("a day later: told %v, until %s", told, w2.Until)
	}
	p.Forge("job:alerts:off")
	if _, told, in := matching(); !told || in {
		t.Fatalf("alerts off: told %v, still in %v", told, in)
	}
}

// A finder that cannot answer (Redis down) fails the turn, so that the
// update is handled again later, rather than telling the person there are
// no vacancies.
func TestAFinderThatFailsFailsTheTurn(t *testing.T) {
	f := dialogstest.NewFinder(offers...)
	p := newPerson(t, false, f)
	p.Onboard()
	p.Command("menu")
	f.Err = errors.New("redis down")
	before := p.State()
	p.Fails(dialogs.Event{Kind: dialogs.KindButton, Data: "menu:jobs"})
	if p.State() != before {
		t.Fatal("a failed turn changed the state")
	}
	f.Err = nil
	if r := p.Press("menu:jobs"); !strings.Contains(r[0].Text, "Metselaar") {
		t.Fatalf("once the finder answers again:%s", dialogstest.Dump(r))
	}
}

// /mydata shows, readable and in the file, the alert subscription, the
// vacancies that were not for the person and those sent or still to send
// as alerts: one sent (the conversation remembers it) and one waiting
// (the alerts hold it) make two.
func TestMyDataShowsAlertsAndNotForMe(t *testing.T) {
	ctx := context.Background()
	p := dialogstest.New(t, "nl")
	alerts := dialogstest.NewAlerts(p.Clock)
	p.Engine.Register(orientation.Flow{}, privacy.Flow{}, vacancies.Flow{Finder: dialogstest.NewFinder(offers...), Alerts: alerts})
	p.Onboard()
	p.Press("menu:jobs")
	h := vacancies.Handle(offers[0].ID)
	p.Press("job:nfm:" + h + ":0")
	p.Press("job:why:" + h + ":0:far")
	p.Press("job:alerts:on")
	alerts.Subscribe(ctx, p.Chat)
	alerts.Plan(ctx, "v3", "v2")
	alerts.Send(ctx, p.Chat, "v3")
	p.Expect(p.Do(dialogs.Event{Kind: dialogs.KindAlert, Data: "v3"}), "alert_intro")
	r := p.Command("mydata")
	p.Expect(r, "mydata_alerts_on")
	p.Expect(r, "mydata_not_for_me", map[string]any{"Count": 1})
	p.Expect(r, "mydata_alerts_sent", map[string]any{"Count": 2})
	var doc struct {
		NotForMe []vacancies.Rejected `json:"vacancies_not_for_me"`
		Alerts   vacancies.AlertsHeld `json:"vacancy_alerts"`
		On       bool                 `json:"vacancy_messages"`
	}
	if err := json.Unmarshal(r[0].Document.Content, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.NotForMe) != 1 || doc.NotForMe[0].Why != vacancies.TooFar || !doc.On || strings.Join(doc.Alerts.Queued, ",") != "v2" || doc.Alerts.ThisWeek != 1 {
		t.Fatalf("JSON: %+v", doc)
	}
}

// Turning alerts on does not put "stop" where "send me" was: a second tap
// on the same spot keeps them on.
func TestASecondTapDoesNotStopTheAlerts(t *testing.T) {
	p := newPerson(t, false, dialogstest.NewFinder(offers...))
	p.Onboard()
	p.Press("menu:jobs")
	r := p.Press("job:alerts:on")
	p.Expect(r, "alerts_on_done")
	if first := r[len(r)-1].Buttons[0][0].Data; first == "job:alerts:off" {
		t.Fatalf("stopping the alerts is the first button after turning them on:%s", dialogstest.Dump(r))
	}
	p.Press(r[len(r)-1].Buttons[0][0].Data)
	if !part(p).Alerts {
		t.Fatal("a second tap on the same spot stopped the alerts")
	}
	p.Expect(p.Press("job:alerts:off"), "alerts_off_done")
}

// Typed on a card, the card's buttons count first: their labels, their
// numbers as the chat shows them; a number under a message with one
// button is not a button of the menu further up.
func TestTypedOnACardPressesItsButtons(t *testing.T) {
	for _, lang := range []string{"nl", "en", "ar", "tr"} {
		t.Run(lang, func(t *testing.T) {
			p := newPersonIn(t, lang, false, dialogstest.NewFinder(offers...))
			p.Onboard()
			card(t, p.Press("menu:jobs"), "Metselaar")
			card(t, p.Say("2"), "Heftruckchauffeur") // [1] Not for me [2] Next [3] alerts
			p.Expect(p.Say(strings.ToUpper(strings.TrimPrefix(p.Tr("btn_not_for_me"), "👎 "))), "not_for_me_ask")
			p.Expect(p.Say("1"), "nfm_done_far", map[string]any{"Km": 14})
			p.Press("job:alerts:on")
			// One button shown (stop the alerts): "3" is none of it,
			// not the menu's third.
			r := p.Say("3")
			p.Expect(r, "bad_free_text")
			if got := part(p); !got.Alerts {
				t.Fatalf("alerts off after a stray number: %+v", got)
			}
		})
	}
}

// "stop" from someone who never asked for vacancy messages is not told
// "stopped", and staff are told nothing: the bot says none are sent and
// how to ask for them.
func TestStoppingAlertsThatWereOff(t *testing.T) {
	p := newPerson(t, false, dialogstest.NewFinder(offers...))
	p.Onboard()
	p.Press("menu:jobs")
	r := p.Forge("job:alerts:off") // as typed "stop" reaches it
	p.Expect(r, "alerts_were_off")
	if !dialogstest.Offered(r, "job:alerts:on") {
		t.Fatalf("no way to ask for them:%s", dialogstest.Dump(r))
	}
	for _, n := range p.Notes() {
		if n.Kind == dialogs.NoteAlertsOff {
			t.Fatalf("staff were told of alerts stopped that were never on: %+v", n)
		}
	}
}
