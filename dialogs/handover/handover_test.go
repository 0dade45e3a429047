package handover_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/dialogstest"
	"github.com/werkwijzer/werkwijzer/dialogs/handover"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/privacy"
)

var texts = dialogstest.Texts

// desk is a staff side open on weekdays from 9 to 17, answering within 30
// minutes.
func desk(t *testing.T) handover.Desk {
	h, err := clock.ParseOfficeHours(clock.DefaultOfficeHours)
	if err != nil {
		t.Fatal(err)
	}
	return handover.Desk{Hours: h, Wait: 30 * time.Minute}
}

// withDesk is a person talking to a bot whose staff side can answer (so it
// asks whether coaches may see the answers).
func withDesk(t *testing.T, lang string) *dialogstest.Person {
	return dialogstest.New(t, lang, orientation.Flow{AskShare: true}, privacy.Flow{}, handover.Flow{Desk: desk(t)})
}

func staffEvent(p *dialogstest.Person, action, text, name string) []dialogs.Reply {
	p.T.Helper()
	return p.Maybe(dialogs.Event{Kind: dialogs.KindStaff, Command: action, Text: text, Data: name})
}

func fieldValue(n dialogs.Note, label string) string {
	for _, f := range n.Fields {
		if f.Label == label {
			return f.Value
		}
	}
	return ""
}

func request(p *dialogstest.Person) *handover.Request {
	s, _ := handover.Part.Read(p.State())
	return s.Open
}

// The whole handover as the person lives it, in three languages, one of
// them right to left: ask, wait and type, be taken over, talk, be handed
// back.
func TestHandoverFromRequestToHandBack(t *testing.T) {
	for _, lang := range []string{"nl", "ar", "so"} {
		t.Run(lang, func(t *testing.T) {
			p := withDesk(t, lang) // 2026-11-23 is a Monday; 10:00 UTC is 11:00 in Brussels
			r := p.Onboard()
			p.Expect(r, "share_ask")
			r = p.Press("share:yes")
			p.Expect(r, "result_intro_named", map[string]any{"Name": "Amira"})
			oriented := p.Note(dialogs.NoteOriented)
			if got := fieldValue(oriented, "Voornaam"); got != "Amira" {
				t.Fatalf("oriented note: Naam = %q, want Amira under Voornaam (Dutch labels for staff); fields %+v", got, oriented.Fields)
			}
			if got := fieldValue(oriented, "Nederlands"); got == "" || oriented.Lang != lang || len(oriented.Advice) == 0 {
				t.Fatalf("oriented note lacks Dutch level, language or advice: %+v", oriented)
			}

			r = p.Press("human:ask")
			p.Expect(r, "handover_requested", map[string]any{"Wait": texts.N(lang, "unit_minutes", 30, nil)})
			if n := p.Note(dialogs.NoteHandover); fieldValue(n, "Voornaam") != "Amira" {
				t.Fatalf("handover note does not carry the shared summary: %+v", n)
			}
			p.Expect(p.Say("Ik begrijp de brief van de VDAB niet"), "handover_noted")
			p.Expect(p.Forge("human:ask"), "handover_already_waiting") // an older menu's button

			r = staffEvent(p, handover.StaffTake, "", "Lotte")
			p.Expect(r, "handover_taken", map[string]any{"Name": "Lotte"})
			if n := p.Note(dialogs.NoteRelay); n.Text != "Ik begrijp de brief van de VDAB niet" {
				t.Fatalf("what was typed while waiting is not passed on at take-over: %+v", n)
			}

			if r := p.Maybe(dialogs.Event{Kind: dialogs.KindText, Text: "Hallo Lotte"}); len(r) != 0 {
				t.Fatalf("the bot spoke while a staff member has the conversation:%s", dialogstest.Dump(r))
			}
			if n := p.Note(dialogs.NoteRelay); n.Text != "Hallo Lotte" {
				t.Fatalf("message not relayed to staff: %+v", n)
			}
			p.Expect(p.Do(dialogs.Event{Kind: dialogs.KindMedia}), "handover_text_only", map[string]any{"Name": "Lotte"})
			p.Expect(p.Command("menu"), "handover_active_hint", map[string]any{"Name": "Lotte"})
			p.Expect(p.Forge("menu:next"), "handover_active_hint", map[string]any{"Name": "Lotte"})
			p.Expect(p.Command("mydata"), "mydata_share_yes")

			r = staffEvent(p, handover.StaffSay, "Welke brief? Stuur gerust een foto naar het loket.", "Lotte")
			p.Expect(r, "staff_message", map[string]any{"Name": "Lotte", "Text": "Welke brief? Stuur gerust een foto naar het loket."})

			r = staffEvent(p, handover.StaffBack, "", "")
			p.Expect(r, "handover_ended", map[string]any{"Name": "Lotte"})
			p.Expect(r, "menu_title")
			if request(p) != nil {
				t.Fatalf("handover still set after hand-back: %+v", request(p))
			}
			p.Expect(p.Say("hallo?"), "bad_free_text") // the bot speaks again
		})
	}
}

func TestHandoverOutsideOfficeHoursSaysWhen(t *testing.T) {
	p := withDesk(t, "en")
	p.Onboard()
	p.Press("share:no")
	// Saturday 28 November 2026, 14:00 in Brussels.
	p.Clock.Set(time.Date(2026, 11, 28, 13, 0, 0, 0, time.UTC))
	p.Command("menu")
	r := p.Press("human:ask")
	monday := time.Date(2026, 11, 30, 9, 0, 0, 0, clock.Brussels)
	p.Expect(r, "handover_requested_closed", map[string]any{"Date": p.Engine.Date("en", monday), "Time": "09:00"})
	n := p.Note(dialogs.NoteHandover)
	if len(n.Fields) != 0 || len(n.Advice) != 0 {
		t.Fatalf("staff got answers the person did not agree to share: %+v", n)
	}
}

func TestSharingNoKeepsAnswersFromStaff(t *testing.T) {
	p := withDesk(t, "nl")
	p.Onboard()
	p.Expect(p.Press("share:no"), "result_intro_named", map[string]any{"Name": "Amira"})
	n := p.Note(dialogs.NoteOriented)
	if len(n.Fields) != 0 || len(n.Advice) != 0 {
		t.Fatalf("oriented note holds answers after 'no': %+v", n)
	}
	p.Expect(p.Command("mydata"), "mydata_share_no")
	// Changing one's mind: confirm the answers again and say yes.
	p.Command("profile")
	p.Press("ok:sum")
	p.Press("share:yes")
	if got := p.Orientation().Share; got != orientation.ShareYes {
		t.Fatalf("share = %q after saying yes", got)
	}
	if len(p.Notes()) != 0 {
		t.Fatalf("a second confirmation told staff again: %+v", p.Notes())
	}
}

func TestSignupAndForgetAreNoted(t *testing.T) {
	p := withDesk(t, "tr")
	p.Command("start")
	p.Press("lang:tr")
	p.Press("consent:yes")
	if n := p.Note(dialogs.NoteSignup); n.Lang != "tr" || len(n.Fields) != 0 {
		t.Fatalf("signup note: %+v, want language tr and nothing else", n)
	}
	p.Command("forget")
	p.Press("forget:yes")
	p.Note(dialogs.NoteForget)
	if r := staffEvent(p, handover.StaffSay, "Hallo?", "Lotte"); len(r) != 0 || p.State() != nil {
		t.Fatalf("a staff message reached someone who erased their data:%s", dialogstest.Dump(r))
	}
}

func TestPersonOfferedWhereSomeoneGetsStuck(t *testing.T) {
	p := dialogstest.New(t, "fr", orientation.Flow{}, privacy.Flow{}) // no staff side
	p.Command("start")
	p.Press("lang:fr")
	p.Press("consent:yes")
	p.Say("Amira")
	if r := p.Say("xyzzy blub"); dialogstest.Offered(r, "human:ask") || !dialogstest.Offered(r, "office") {
		t.Fatalf("with no staff side, the office (not a staff member) is the way to a person:%s", dialogstest.Dump(r))
	}
	q := withDesk(t, "fr")
	q.Command("start")
	q.Press("lang:fr")
	if r := q.Say("?"); dialogstest.Offered(r, "human:ask") {
		t.Fatalf("a person offered before consent, when we may hold nothing:%s", dialogstest.Dump(r))
	}
	q.SetState(p.State())
	r := q.Say("xyzzy blub")
	q.Expect(r, "age_invalid")
	if !dialogstest.Offered(r, "human:ask") {
		t.Fatalf("no way to a person after a question they could not answer:%s", dialogstest.Dump(r))
	}
	q.Expect(q.Command("help"), "help_text")
	if !dialogstest.Offered(q.Last(), "human:ask") {
		t.Fatalf("/help offers no person:%s", dialogstest.Dump(q.Last()))
	}
	q.Press("human:ask")
	if n := q.Note(dialogs.NoteHandover); n.AtQuestion != "Leeftijd" {
		t.Fatalf("handover note names question %q, want Leeftijd (where they got stuck)", n.AtQuestion)
	}
	// While waiting, the questions go on as usual.
	q.Expect(q.Forge("a:age:25_49"), "q_dutch")
	q.Expect(staffEvent(q, handover.StaffStillWaiting, "", ""), "handover_still_waiting")
	q.Expect(q.Press("human:cancel"), "handover_cancelled")
	q.Note(dialogs.NoteHandoverCancel)
	if r := staffEvent(q, handover.StaffStillWaiting, "", ""); len(r) != 0 {
		t.Fatalf("told to keep waiting after withdrawing:%s", dialogstest.Dump(r))
	}
}

func TestWaitingMessagesAreBounded(t *testing.T) {
	p := withDesk(t, "nl")
	p.Onboard()
	p.Press("share:yes")
	p.Press("human:ask")
	// A message longer than Telegram's own limit is cut there, not refused.
	p.Expect(p.Say(strings.Repeat("a", dialogs.MaxTextRunes+1)), "handover_noted")
	if got := request(p).Pending[0]; len(got) != dialogs.MaxTextRunes {
		t.Fatalf("kept %d characters, want %d", len(got), dialogs.MaxTextRunes)
	}
	for i := 1; i < handover.MaxPending; i++ {
		p.Expect(p.Say("vraag"), "handover_noted")
	}
	p.Expect(p.Say("nog een"), "handover_already_waiting")
	if got := len(request(p).Pending); got != handover.MaxPending {
		t.Fatalf("pending = %d, want %d", got, handover.MaxPending)
	}
}

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// A staff member's answer longer than Telegram takes in one message
// reaches the person in parts, each under the limit and each with the
// staff member's name, cut where a reader pauses: between paragraphs,
// else after a sentence; and nothing of it is lost.
func TestLongStaffReplyIsSentInParts(t *testing.T) {
	p := withDesk(t, "ar")
	p.Onboard()
	p.Press("share:yes")
	p.Press("human:ask")
	staffEvent(p, handover.StaffTake, "", "Lotte")

	para := func(n int, word string) string {
		var b strings.Builder
		for b.Len() < n {
			b.WriteString("Dit is zin nummer " + word + " over je dossier. ")
		}
		return strings.TrimSpace(b.String())
	}
	long := strings.Join([]string{para(1800, "een"), para(1800, "twee"), para(1800, "drie")}, "\n\n")
	r := staffEvent(p, handover.StaffSay, long, "Lotte")
	if len(r) != 2 {
		t.Fatalf("%d messages for three paragraphs of 1,800 characters, want 2 (two paragraphs fit in one)", len(r))
	}
	prefix := p.Tr("staff_message", map[string]any{"Name": "Lotte", "Text": ""})
	var got []string
	for i, m := range r {
		if n := utf16Len(m.Text); n > handover.MaxText {
			t.Errorf("part %d is %d long, over Telegram's %d", i+1, n, handover.MaxText)
		}
		body, ok := strings.CutPrefix(m.Text, prefix)
		if !ok {
			t.Fatalf("part %d does not say who writes: %.60q", i+1, m.Text)
		}
		got = append(got, body)
	}
	if got[0] != para(1800, "een")+"\n\n"+para(1800, "twee") || got[1] != para(1800, "drie") {
		t.Fatalf("not cut between paragraphs: %.80q … / %.80q …", got[0], got[1])
	}

	// One paragraph of 9,000 characters, emoji counting double: cut after
	// sentences.
	one := strings.Repeat("Kom gerust langs 🙂. ", 450)
	r = staffEvent(p, handover.StaffSay, one, "Lotte")
	if len(r) < 3 {
		t.Fatalf("%d messages for 9,000 characters", len(r))
	}
	var all []string
	for i, m := range r {
		if n := utf16Len(m.Text); n > handover.MaxText {
			t.Errorf("part %d is %d UTF-16 units, over %d", i+1, n, handover.MaxText)
		}
		body := strings.TrimPrefix(m.Text, prefix)
		if !strings.HasSuffix(body, "🙂.") {
			t.Errorf("part %d does not end at a sentence: …%q", i+1, body[max(0, len(body)-20):])
		}
		all = append(all, body)
	}
	if strings.Join(all, " ") != strings.TrimSpace(one) {
		t.Fatal("words were lost or changed in the parts")
	}

	// A word longer than a message (a pasted link) is cut as a last
	// resort, and still arrives whole across the parts.
	link := "https://example.org/" + strings.Repeat("x", 5000)
	r = staffEvent(p, handover.StaffSay, link, "Lotte")
	joined := ""
	for _, m := range r {
		if utf16Len(m.Text) > handover.MaxText {
			t.Fatalf("a part of the link is too long: %d", utf16Len(m.Text))
		}
		joined += strings.TrimPrefix(m.Text, prefix)
	}
	if len(r) != 2 || joined != link {
		t.Fatalf("the link came in %d parts and %d characters, want 2 and all %d", len(r), len(joined), len(link))
	}
}

// /mydata tells about an open request: since when, who has it, and what
// the person typed for staff while waiting.
func TestMyDataShowsTheOpenRequest(t *testing.T) {
	p := withDesk(t, "nl")
	p.Onboard()
	p.Press("share:yes")
	p.Press("human:ask")
	p.Say("Ik begrijp de brief van de VDAB niet")
	r := p.Command("mydata")
	text := r[0].Text
	for _, want := range []string{"om een medewerker", "Je wacht nog op antwoord", "Ik begrijp de brief van de VDAB niet"} {
		if !strings.Contains(text, want) {
			t.Errorf("/mydata while waiting lacks %q:\n%s", want, text)
		}
	}
	var doc map[string]any
	if err := json.Unmarshal(r[0].Document.Content, &doc); err != nil {
		t.Fatal(err)
	}
	req, _ := doc["request_for_a_person"].(map[string]any)
	if req == nil || req["taken"] != false || fmt.Sprint(req["typed_for_staff"]) != "[Ik begrijp de brief van de VDAB niet]" {
		t.Fatalf("the JSON's request: %v", doc["request_for_a_person"])
	}
	staffEvent(p, handover.StaffTake, "", "Lotte")
	r = p.Command("mydata")
	if !strings.Contains(r[0].Text, "Je praat met Lotte van het werkteam") {
		t.Errorf("/mydata while talking with Lotte:\n%s", r[0].Text)
	}
	staffEvent(p, handover.StaffBack, "", "")
	if r = p.Command("mydata"); strings.Contains(r[0].Text, "werkteam") {
		t.Errorf("/mydata after the hand-back still shows a request:\n%s", r[0].Text)
	}
}
