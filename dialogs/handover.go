package dialogs

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/werkwijzer/werkwijzer/locales"
)

// MaxPending bounds what a person can leave for staff while waiting, so
// that a stuck request cannot grow the stored state without end.
const MaxPending = 20

// note records something for staff, stamped with the turn's language and
// time; the Service gives it its id.
func (t *turn) note(n Note) {
	n.Lang, n.At = t.lang(), t.e.Now()
	if n.Source == nil && t.st != nil {
		n.Source = t.st.Source
	}
	t.notes = append(t.notes, n)
}

// canAskPerson reports whether a person can be offered: a staff side is
// connected and the person agreed to the privacy notice (before that we
// hold nothing we could hand to staff).
func (t *turn) canAskPerson() bool {
	return t.e.Desk != nil && t.st != nil && t.st.Consented()
}

func (t *turn) personRow() []Button {
	return []Button{{t.tr("menu_person", nil), "human:ask"}}
}

func (t *turn) cancelRow() []Button {
	return []Button{{t.tr("btn_handover_cancel", nil), "human:cancel"}}
}

// askPerson files a request for a staff member and tells the person when
// to expect an answer: within Desk.Wait in office hours, else from the
// next opening.
func (t *turn) askPerson() {
	st := t.st
	if h := st.Handover; h != nil {
		if h.Active {
			t.say(t.tr("handover_active_hint", map[string]any{"Name": h.Staff}))
			return
		}
		t.say(t.tr("handover_already_waiting", nil), t.cancelRow())
		return
	}
	now := t.e.Now()
	st.Handover = &Handover{Since: now}
	d, lang := t.e.Desk, t.lang()
	local := now.In(t.e.Location)
	if next := d.Hours.NextOpen(local); !next.IsZero() && !next.Equal(local) {
		t.say(t.tr("handover_requested_closed", map[string]any{
			"Date": t.e.Date(lang, next), "Time": next.Format("15:04")}), t.cancelRow())
	} else {
		wait := t.e.Texts.N(lang, "unit_minutes", max(1, int(d.Wait/time.Minute)), nil)
		t.say(t.tr("handover_requested", map[string]any{"Wait": wait}), t.cancelRow())
	}
	n := Note{Kind: NoteHandover}
	if q := questionFor(st.Step); q != nil {
		n.AtQuestion = t.e.Texts.T(locales.Source, q.field, nil)
	}
	n.Fields, n.Advice = t.shared()
	t.note(n)
}

// shared is what staff may see of the person: their answers and the advice
// they got, in Dutch, only if they said yes to sharing.
func (t *turn) shared() ([]Field, []string) {
	st := t.st
	if st.Share != ShareYes {
		return nil, nil
	}
	nl := &turn{e: t.e, st: &State{Lang: locales.Source, Profile: st.Profile}}
	var fields []Field
	for _, q := range questions {
		if !q.isAsked(&st.Profile) {
			continue
		}
		if v := nl.answerText(q); v != "" {
			fields = append(fields, Field{Label: nl.tr(q.field, nil), Value: v})
		}
	}
	var advice []string
	if !st.Oriented.IsZero() {
		for _, s := range Advise(st.Profile) {
			advice = append(advice, nl.tr("step_"+s.ID, nil))
		}
	}
	return fields, advice
}

// duringHandover handles what a person does while a request for a staff
// member is open. It reports false for what the ordinary flow handles: the
// privacy commands and language always work, and while waiting the bot
// goes on as usual.
func (t *turn) duringHandover() bool {
	st, ev := t.st, t.ev
	h := st.Handover
	verb, arg, _ := splitData(ev.Data)
	if ev.Kind == KindButton && verb == "human" {
		switch arg {
		case "ask":
			t.askPerson()
			return true
		case "cancel":
			if h.Active {
				t.say(t.tr("handover_active_hint", map[string]any{"Name": h.Staff}))
				return true
			}
			st.Handover = nil
			t.note(Note{Kind: NoteHandoverCancel})
			t.say(t.tr("handover_cancelled", nil))
			t.render()
			return true
		}
	}
	if !h.Active {
		if ev.Kind != KindText {
			return false
		}
		if q := questionFor(st.Step); q != nil && q.text != nil {
			return false // the question takes typed answers
		}
		text := strings.TrimSpace(ev.Text)
		switch {
		case text == "":
			return false
		case utf8.RuneCountInString(text) > MaxTextRunes:
			t.say(t.tr("bad_too_long", nil))
		case len(h.Pending) >= MaxPending:
			t.say(t.tr("handover_already_waiting", nil), t.cancelRow())
		default:
			h.Pending = append(h.Pending, text)
			t.say(t.tr("handover_noted", nil), t.cancelRow())
		}
		return true
	}
	name := map[string]any{"Name": h.Staff}
	switch ev.Kind {
	case KindText:
		text := strings.TrimSpace(ev.Text)
		switch {
		case text == "":
		case utf8.RuneCountInString(text) > MaxTextRunes:
			t.say(t.tr("bad_too_long", nil))
		default:
			// The staff member answers; the bot says nothing.
			t.note(Note{Kind: NoteRelay, Text: text})
		}
		return true
	case KindMedia:
		t.say(t.tr("handover_text_only", name))
		return true
	case KindCommand:
		switch ev.Command {
		case "mydata", "forget", "language":
			return false
		}
	case KindButton:
		switch verb {
		case "forget", "lang":
			return false
		}
	}
	t.say(t.tr("handover_active_hint", name))
	return true
}

// staffEvent applies what the staff side reports. Someone who erased their
// data in the meantime is not written to.
func (t *turn) staffEvent() {
	st, ev := t.st, t.ev
	h := st.Handover
	switch ev.Command {
	case StaffTake:
		if h == nil {
			h = &Handover{Since: t.e.Now()}
			st.Handover = h
		}
		h.Active, h.Staff = true, ev.Data
		t.say(t.tr("handover_taken", map[string]any{"Name": h.Staff}))
		if len(h.Pending) > 0 {
			t.note(Note{Kind: NoteRelay, Text: strings.Join(h.Pending, "\n")})
			h.Pending = nil
		}
	case StaffSay:
		if strings.TrimSpace(ev.Text) == "" {
			return
		}
		name := ev.Data
		if h != nil && h.Staff != "" && name == "" {
			name = h.Staff
		}
		t.say(t.tr("staff_message", map[string]any{"Name": name, "Text": ev.Text}))
	case StaffBack:
		if h == nil {
			return
		}
		st.Handover = nil
		t.say(t.tr("handover_ended", map[string]any{"Name": h.Staff}))
		t.render()
	case StaffStillWaiting:
		if h == nil || h.Active {
			return
		}
		t.say(t.tr("handover_still_waiting", nil), t.cancelRow())
	}
}

// shareAsk asks whether coaches may see the answers.
func (t *turn) shareAsk() {
	t.say(t.tr("share_ask", nil), []Button{
		{t.tr("btn_share_yes", nil), "share:" + ShareYes}, {t.tr("btn_share_no", nil), "share:" + ShareNo}})
}

// finishOrientation leaves the summary for the advice; the first time, staff
// hear of it.
func (t *turn) finishOrientation() {
	st := t.st
	first := st.Oriented.IsZero()
	if first {
		st.Oriented = t.e.Now()
	}
	st.Editing = false
	t.enter(StepMenu)
	if first {
		n := Note{Kind: NoteOriented}
		n.Fields, n.Advice = t.shared()
		t.note(n)
	}
	t.result()
}
