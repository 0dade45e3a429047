package vacancies_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/dialogstest"
	"github.com/werkwijzer/werkwijzer/dialogs/handover"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/privacy"
	"github.com/werkwijzer/werkwijzer/dialogs/vacancies"
	"github.com/werkwijzer/werkwijzer/locales"
)

var offers = []vacancies.Offer{
	{ID: "v1", Title: "Lasser", Employer: "Metaalwerken", Place: "Hoboken", Hours: "full", Reasons: []string{"in de sector Industrie"}, Sector: "industry", Km: 6},
	{ID: "https://jobs.example/vacatures/2026/11/heftruckchauffeur-nachtploeg-haven-antwerpen", Title: "Heftruckchauffeur", Employer: "Haven BV", Place: "Berendrecht", Hours: "both", Sector: "port", Km: 17, Shifts: true},
	{ID: "v3", Title: "Poetshulp", Employer: "Schoon", Place: "Deurne", Hours: "part", Sector: "cleaning", Km: 1},
}

func newPerson(t *testing.T, staff bool, finder *dialogstest.Finder) *dialogstest.Person {
	return newPersonIn(t, "nl", staff, finder)
}

func newPersonIn(t *testing.T, lang string, staff bool, finder *dialogstest.Finder) *dialogstest.Person {
	return dialogstest.New(t, lang, orientation.Flow{}, privacy.Flow{}, vacancies.Flow{Finder: finder, Staff: staff})
}

func part(p *dialogstest.Person) vacancies.State {
	s, _ := vacancies.Part.Read(p.State())
	return s
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
	if !strings.Contains(r[0].Text, "Lasser") || !strings.Contains(r[0].Text, "in de sector Industrie") {
		t.Fatalf("first card:%s", dialogstest.Dump(r))
	}
	h := vacancies.Handle(offers[0].ID)
	p.Press("job:nfm:" + h + ":0")
	r = p.Press("job:why:" + h + ":0:far")
	p.Expect(r, "not_for_me_done")
	if !strings.Contains(dialogstest.Dump(r), "Heftruckchauffeur") {
		t.Fatalf("after 'too far' the next vacancy is not shown:%s", dialogstest.Dump(r))
	}
	if got := part(p).Rejected; len(got) != 1 || got[0].ID != "v1" || got[0].Why != vacancies.TooFar || got[0].Km != 6 {
		t.Fatalf("rejected = %+v", got)
	}
	p.Press("job:next:1")
	r = p.Press("job:next:2")
	p.Expect(r, "jobs_end")
	// A long id travels as a handle that fits Telegram's 64 bytes.
	for _, d := range dialogstest.Buttons(p.Forge("job:next:0")) {
		if strings.Contains(d, "jobs.example") {
			t.Fatalf("a vacancy url in callback data: %q", d)
		}
	}
}

// Without a staff side, a vacancy card does not promise that someone will
// be in touch.
func TestInterestedOnlyWhenStaffListen(t *testing.T) {
	for _, staff := range []bool{false, true} {
		p := newPerson(t, staff, dialogstest.NewFinder(offers...))
		p.Onboard()
		r := p.Press("menu:jobs")
		hasInterested := false
		for _, d := range dialogstest.Buttons(r) {
			hasInterested = hasInterested || strings.HasPrefix(d, "job:int:")
		}
		if hasInterested != staff {
			t.Errorf("staff listening %v: Interested offered %v", staff, hasInterested)
		}
		if !staff {
			p.Expect(p.Forge("job:int:"+vacancies.Handle("v1")+":0"), "bad_old_button")
			continue
		}
		r = p.Press("job:int:" + vacancies.Handle("v1") + ":0")
		p.Expect(r, "interested_done", map[string]any{"Title": "Lasser"})
		if n := p.Note(dialogs.NoteInterested); n.Fields[0].Value != "Lasser" {
			t.Fatalf("interested note: %+v", n)
		}
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
}

// An alert shows once, only to someone who wants alerts, and never while a
// staff member has the conversation.
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
	st := p.State()
	if err := handover.Part.Write(st, handover.State{Open: &handover.Request{Active: true, Staff: "Lotte"}}); err != nil {
		t.Fatal(err)
	}
	p.SetState(st)
	if r := p.Maybe(dialogs.Event{Kind: dialogs.KindAlert, Data: "v1"}); len(r) != 0 {
		t.Fatalf("an alert during a conversation with staff: %s", dialogstest.Dump(r))
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
	if r := p.Press("menu:jobs"); !strings.Contains(r[0].Text, "Lasser") {
		t.Fatalf("once the finder answers again:%s", dialogstest.Dump(r))
	}
}

// alertLog is a fixed record of the alerts.
type alertLog struct{ held vacancies.AlertsHeld }

func (a alertLog) Held(context.Context, int64) (vacancies.AlertsHeld, error) { return a.held, nil }

// /mydata shows, readable and in the file, the alert subscription, the
// vacancies that were not for the person and those sent or planned as
// alerts.
func TestMyDataShowsAlertsAndNotForMe(t *testing.T) {
	log := alertLog{vacancies.AlertsHeld{Subscribed: true, Planned: []string{"v1", "v3"}, Queued: []string{"v3"}, ThisWeek: 2}}
	p := dialogstest.New(t, "nl", orientation.Flow{}, privacy.Flow{}, vacancies.Flow{Finder: dialogstest.NewFinder(offers...), Alerts: log})
	p.Onboard()
	p.Press("menu:jobs")
	h := vacancies.Handle(offers[0].ID)
	p.Press("job:nfm:" + h + ":0")
	p.Press("job:why:" + h + ":0:far")
	p.Press("job:alerts:on")
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
	if len(doc.NotForMe) != 1 || doc.NotForMe[0].Why != vacancies.TooFar || !doc.On || len(doc.Alerts.Planned) != 2 || doc.Alerts.ThisWeek != 2 {
		t.Fatalf("JSON: %+v", doc)
	}
}
