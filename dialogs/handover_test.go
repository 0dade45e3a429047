package dialogs_test

import (
	"strings"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/dialogs"
)

// withDesk connects a staff side open on weekdays from 9 to 17, answering
// within 30 minutes.
func withDesk(t *testing.T, p *person) {
	t.Helper()
	h, err := dialogs.ParseOfficeHours(dialogs.DefaultOfficeHours)
	if err != nil {
		t.Fatal(err)
	}
	p.e.Desk = &dialogs.Desk{Hours: h, Wait: 30 * time.Minute}
}

func staffEvent(p *person, action, text, name string) []dialogs.Reply {
	p.t.Helper()
	return p.maybe(dialogs.Event{Kind: dialogs.KindStaff, Command: action, Text: text, Data: name})
}

// noteOf returns the last event's note of kind, failing when there is none.
func noteOf(p *person, kind dialogs.NoteKind) dialogs.Note {
	p.t.Helper()
	for _, n := range p.notes {
		if n.Kind == kind {
			return n
		}
	}
	p.t.Fatalf("[%s] no %s note; notes: %+v", p.lang, kind, p.notes)
	return dialogs.Note{}
}

func fieldValue(n dialogs.Note, label string) string {
	for _, f := range n.Fields {
		if f.Label == label {
			return f.Value
		}
	}
	return ""
}

// The whole handover as the person lives it, in three languages, one of
// them right to left: ask, wait and type, be taken over, talk, be handed
// back.
func TestHandoverFromRequestToHandBack(t *testing.T) {
	for _, lang := range []string{"nl", "ar", "so"} {
		t.Run(lang, func(t *testing.T) {
			p := newPerson(t, lang)
			withDesk(t, p) // 2026-11-23 is a Monday; 10:00 UTC is 11:00 in Brussels
			r := onboard(p)
			p.expect(r, "share_ask")
			r = p.press("share:yes")
			p.expect(r, "result_intro_named", map[string]any{"Name": "Amira"})
			oriented := noteOf(p, dialogs.NoteOriented)
			if got := fieldValue(oriented, "Voornaam"); got != "Amira" {
				t.Fatalf("oriented note: Naam = %q, want Amira under Voornaam (Dutch labels for staff); fields %+v", got, oriented.Fields)
			}
			if got := fieldValue(oriented, "Nederlands"); got == "" || oriented.Lang != lang || len(oriented.Advice) == 0 {
				t.Fatalf("oriented note lacks Dutch level, language or advice: %+v", oriented)
			}

			r = p.press("human:ask")
			p.expect(r, "handover_requested", map[string]any{"Wait": texts.N(lang, "unit_minutes", 30, nil)})
			if n := noteOf(p, dialogs.NoteHandover); fieldValue(n, "Voornaam") != "Amira" {
				t.Fatalf("handover note does not carry the shared summary: %+v", n)
			}
			p.expect(p.text("Ik begrijp de brief van de VDAB niet"), "handover_noted")
			p.expect(p.forge("human:ask"), "handover_already_waiting") // an older menu's button

			r = staffEvent(p, dialogs.StaffTake, "", "Lotte")
			p.expect(r, "handover_taken", map[string]any{"Name": "Lotte"})
			if n := noteOf(p, dialogs.NoteRelay); n.Text != "Ik begrijp de brief van de VDAB niet" {
				t.Fatalf("what was typed while waiting is not passed on at take-over: %+v", n)
			}

			if r := p.maybe(dialogs.Event{Kind: dialogs.KindText, Text: "Hallo Lotte"}); len(r) != 0 {
				t.Fatalf("the bot spoke while a staff member has the conversation:%s", dump(r))
			}
			if n := noteOf(p, dialogs.NoteRelay); n.Text != "Hallo Lotte" {
				t.Fatalf("message not relayed to staff: %+v", n)
			}
			p.expect(p.do(dialogs.Event{Kind: dialogs.KindMedia}), "handover_text_only", map[string]any{"Name": "Lotte"})
			p.expect(p.command("menu"), "handover_active_hint", map[string]any{"Name": "Lotte"})
			p.expect(p.forge("menu:next"), "handover_active_hint", map[string]any{"Name": "Lotte"})
			p.expect(p.command("mydata"), "mydata_share_yes")

			r = staffEvent(p, dialogs.StaffSay, "Welke brief? Stuur gerust een foto naar het loket.", "Lotte")
			p.expect(r, "staff_message", map[string]any{"Name": "Lotte", "Text": "Welke brief? Stuur gerust een foto naar het loket."})

			r = staffEvent(p, dialogs.StaffBack, "", "")
			p.expect(r, "handover_ended", map[string]any{"Name": "Lotte"})
			p.expect(r, "menu_title")
			if p.st.Handover != nil {
				t.Fatalf("handover still set after hand-back: %+v", p.st.Handover)
			}
			p.expect(p.text("hallo?"), "bad_free_text") // the bot speaks again
		})
	}
}

func TestHandoverOutsideOfficeHoursSaysWhen(t *testing.T) {
	p := newPerson(t, "en")
	withDesk(t, p)
	onboard(p)
	p.press("share:no")
	// Saturday 28 November 2026, 14:00 in Brussels.
	p.now = time.Date(2026, 11, 28, 13, 0, 0, 0, time.UTC)
	p.command("menu")
	r := p.press("human:ask")
	monday := time.Date(2026, 11, 30, 9, 0, 0, 0, p.e.Location)
	p.expect(r, "handover_requested_closed", map[string]any{"Date": p.e.Date("en", monday), "Time": "09:00"})
	n := noteOf(p, dialogs.NoteHandover)
	if len(n.Fields) != 0 || len(n.Advice) != 0 {
		t.Fatalf("staff got answers the person did not agree to share: %+v", n)
	}
}

func TestSharingNoKeepsAnswersFromStaff(t *testing.T) {
	p := newPerson(t, "nl")
	withDesk(t, p)
	onboard(p)
	p.expect(p.press("share:no"), "result_intro_named", map[string]any{"Name": "Amira"})
	n := noteOf(p, dialogs.NoteOriented)
	if len(n.Fields) != 0 || len(n.Advice) != 0 {
		t.Fatalf("oriented note holds answers after 'no': %+v", n)
	}
	p.expect(p.command("mydata"), "mydata_share_no")
	// Changing one's mind: confirm the answers again and say yes.
	p.command("profile")
	p.press("ok:sum")
	p.press("share:yes")
	if p.st.Share != dialogs.ShareYes {
		t.Fatalf("share = %q after saying yes", p.st.Share)
	}
	if len(p.notes) != 0 {
		t.Fatalf("a second confirmation told staff again: %+v", p.notes)
	}
}

func TestSignupAndForgetAreNoted(t *testing.T) {
	p := newPerson(t, "tr")
	withDesk(t, p)
	p.command("start")
	p.press("lang:tr")
	p.press("consent:yes")
	if n := noteOf(p, dialogs.NoteSignup); n.Lang != "tr" || len(n.Fields) != 0 {
		t.Fatalf("signup note: %+v, want language tr and nothing else", n)
	}
	p.command("forget")
	p.press("forget:yes")
	noteOf(p, dialogs.NoteForget)
	if r := staffEvent(p, dialogs.StaffSay, "Hallo?", "Lotte"); len(r) != 0 || p.st != nil {
		t.Fatalf("a staff message reached someone who erased their data:%s", dump(r))
	}
}

func TestPersonOfferedWhereSomeoneGetsStuck(t *testing.T) {
	p := newPerson(t, "fr")
	p.command("start")
	p.press("lang:fr")
	if r := p.text("?"); offered(r, "human:ask") {
		t.Fatalf("a person offered before consent, when we may hold nothing:%s", dump(r))
	}
	p.press("consent:yes")
	p.text("Amira")
	if r := p.text("je ne comprends pas"); offered(r, "human:ask") {
		t.Fatalf("a person offered with no staff side connected:%s", dump(r))
	}
	withDesk(t, p)
	r := p.text("je ne comprends pas")
	p.expect(r, "bad_use_buttons")
	if !offered(r, "human:ask") {
		t.Fatalf("no way to a person after a question they could not answer:%s", dump(r))
	}
	p.expect(p.command("help"), "help_text")
	if !offered(p.last, "human:ask") {
		t.Fatalf("/help offers no person:%s", dump(p.last))
	}
	r = p.press("human:ask")
	if n := noteOf(p, dialogs.NoteHandover); n.AtQuestion != "Leeftijd" {
		t.Fatalf("handover note names question %q, want Leeftijd (where they got stuck)", n.AtQuestion)
	}
	// While waiting, the questions go on as usual.
	p.expect(p.forge("a:age:25_49"), "q_dutch")
	p.expect(staffEvent(p, dialogs.StaffStillWaiting, "", ""), "handover_still_waiting")
	p.expect(p.press("human:cancel"), "handover_cancelled")
	noteOf(p, dialogs.NoteHandoverCancel)
	if r := staffEvent(p, dialogs.StaffStillWaiting, "", ""); len(r) != 0 {
		t.Fatalf("told to keep waiting after withdrawing:%s", dump(r))
	}
}

func TestWaitingMessagesAreBounded(t *testing.T) {
	p := newPerson(t, "nl")
	withDesk(t, p)
	onboard(p)
	p.press("share:yes")
	p.press("human:ask")
	p.expect(p.text(strings.Repeat("a", dialogs.MaxTextRunes+1)), "bad_too_long")
	for i := 0; i < dialogs.MaxPending; i++ {
		p.expect(p.text("vraag"), "handover_noted")
	}
	p.expect(p.text("nog een"), "handover_already_waiting")
	if got := len(p.st.Handover.Pending); got != dialogs.MaxPending {
		t.Fatalf("pending = %d, want %d", got, dialogs.MaxPending)
	}
}

func TestOfficeHours(t *testing.T) {
	brussels, _ := time.LoadLocation("Europe/Brussels")
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, brussels) }
	h, err := dialogs.ParseOfficeHours("mon-thu 09:00-12:00 13:00-17:00, fri 09:00-12:00")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		now, want time.Time
	}{
		{at(2027, 3, 22, 10, 0), at(2027, 3, 22, 10, 0)},  // open: now
		{at(2027, 3, 22, 12, 30), at(2027, 3, 22, 13, 0)}, // lunch
		{at(2027, 3, 26, 12, 0), at(2027, 3, 29, 9, 0)},   // Friday noon, across the change to summer time
		{at(2027, 10, 30, 20, 0), at(2027, 11, 1, 9, 0)},  // Saturday, across the change to winter time
		{at(2027, 3, 24, 8, 59), at(2027, 3, 24, 9, 0)},
	} {
		got := h.NextOpen(tc.now)
		if !got.Equal(tc.want) || got.Hour() != tc.want.Hour() {
			t.Errorf("NextOpen(%s) = %s, want %s", tc.now, got, tc.want)
		}
	}
	for _, bad := range []string{"mon 9-17", "funday 09:00-17:00", "mon-fri 17:00-09:00", "mon-fri", "mon-fri 09:00-25:00"} {
		if _, err := dialogs.ParseOfficeHours(bad); err == nil {
			t.Errorf("ParseOfficeHours(%q) accepted", bad)
		}
	}
	always, _ := dialogs.ParseOfficeHours("")
	if !always.Open(at(2027, 1, 3, 3, 0)) {
		t.Error("empty office hours should mean always open")
	}
	weekend, _ := dialogs.ParseOfficeHours("sat-sun 10:00-14:00")
	if got := weekend.NextOpen(at(2027, 1, 4, 10, 0)); got.Weekday() != time.Saturday || got.Hour() != 10 {
		t.Errorf("sat-sun: next opening from a Monday = %s", got)
	}
}

// Without a staff side, a vacancy card does not promise that someone will
// be in touch.
func TestInterestedOnlyWhenStaffListen(t *testing.T) {
	for _, staff := range []bool{false, true} {
		p := newPerson(t, "nl")
		p.e.Jobs, p.e.Staff = true, staff
		onboard(p)
		offer := dialogs.JobOffer{ID: "v1", Title: "Lasser", Employer: "E", Place: "Hoboken", Hours: "full", Reasons: []string{"in de sector Industrie"}}
		r := p.do(dialogs.Event{Kind: dialogs.KindButton, Data: "menu:jobs", Offers: []dialogs.JobOffer{offer}})
		hasInterested := false
		for _, row := range r[len(r)-1].Buttons {
			for _, b := range row {
				hasInterested = hasInterested || strings.HasPrefix(b.Data, "job:int:")
			}
		}
		if hasInterested != staff {
			t.Errorf("staff listening %v: Interested offered %v", staff, hasInterested)
		}
	}
}

func TestForgedJobButtonsBeforeConsentOrOrientation(t *testing.T) {
	p := newPerson(t, "pl")
	p.e.Jobs = true
	p.command("start")
	p.press("lang:pl")
	p.expect(p.forge("job:next:0"), "consent_required")
	if p.st.Consented() || p.step() != dialogs.StepConsent {
		t.Fatalf("a forged jobs button moved an unconsented person to %q", p.step())
	}
	p.press("consent:yes")
	p.expect(p.forge("job:int:abc:0"), "jobs_need_orientation")
}

// An alert shows once, only to someone who wants alerts, and never while a
// staff member has the conversation.
func TestAlertShowsOnce(t *testing.T) {
	p := newPerson(t, "nl")
	p.e.Jobs = true
	onboard(p)
	offer := &dialogs.JobOffer{ID: "v9", Title: "Lasser", Employer: "E", Place: "Hoboken", Hours: "full"}
	alert := dialogs.Event{Kind: dialogs.KindAlert, Data: "v9", Offer: offer}
	if r := p.maybe(alert); len(r) != 0 {
		t.Fatalf("an alert for someone who did not ask: %s", dump(r))
	}
	p.forge("job:alerts:on")
	p.expect(p.do(alert), "alert_intro")
	if r := p.maybe(alert); len(r) != 0 {
		t.Fatalf("the same alert shown twice: %s", dump(r))
	}
	p.st.Handover = &dialogs.Handover{Active: true, Staff: "Lotte"}
	if r := p.maybe(dialogs.Event{Kind: dialogs.KindAlert, Data: "v10", Offer: offer}); len(r) != 0 {
		t.Fatalf("an alert during a conversation with staff: %s", dump(r))
	}
}
