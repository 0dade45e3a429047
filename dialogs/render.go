package dialogs

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/werkwijzer/werkwijzer/locales"
)

// render shows the current step again: its question and buttons.
func (t *turn) render() {
	st := t.st
	switch st.Step {
	case StepLanguage:
		t.picker()
	case StepConsent:
		period := t.e.Texts.N(t.lang(), "unit_days", int(t.e.Retention/(24*time.Hour)), nil)
		t.say(t.tr("consent_notice", map[string]any{"Period": period}), []Button{
			{t.tr("btn_agree", nil), "consent:yes"}, {t.tr("btn_decline", nil), "consent:no"}})
	case StepSummary:
		t.summary()
	case StepShare:
		t.shareAsk()
	case StepMenu:
		t.menu()
	default:
		if q := questionFor(st.Step); q != nil {
			t.question(q)
			return
		}
		// A step this binary does not know (a newer one wrote it): go on
		// from the menu rather than get stuck.
		st.Step = StepMenu
		t.menu()
	}
}

// picker offers every language, named in itself, the one the channel
// reported for the person first.
func (t *turn) picker() {
	first := locales.Match(t.ev.LangHint)
	codes := []string{}
	if first != "" {
		codes = append(codes, first)
	}
	for _, l := range locales.Languages {
		if l.Code != first {
			codes = append(codes, l.Code)
		}
	}
	var rows [][]Button
	for i, c := range codes {
		if i%3 == 0 {
			rows = append(rows, nil)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], Button{t.e.Texts.Name(c), "lang:" + c})
	}
	t.say(t.tr("language_choose", nil), rows...)
}

func (t *turn) optionLabel(q *question, o option) string {
	if o.msg == "" {
		if d, ok := districtByID(o.value); ok {
			return d.Name
		}
		return o.value
	}
	return t.tr(o.msg, nil)
}

func (t *turn) question(q *question) {
	st := t.st
	text := t.tr(q.prompt, nil)
	if q.why != "" {
		text += "\n" + t.tr("why_prefix", map[string]any{"Reason": t.tr(q.why, nil)})
	}
	cols := q.cols
	if cols == 0 {
		cols = 1
	}
	options := q.options
	if q.step == StepSectors {
		options = t.sectorOptions(options)
	}
	var rows [][]Button
	for i, o := range options {
		if i%cols == 0 {
			rows = append(rows, nil)
		}
		label := t.optionLabel(q, o)
		if q.multi && slices.Contains(st.Picked, o.value) {
			label = "✓ " + label // a mark, not a word: the same in every language
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], Button{label, "a:" + string(q.step) + ":" + o.value})
	}
	nav := []Button{{t.tr("btn_back", nil), "back:" + string(q.step)}}
	if q.why != "" {
		nav = append(nav, Button{t.tr("btn_skip", nil), "skip:" + string(q.step)})
	}
	if q.multi {
		nav = append(nav, Button{t.tr("btn_done", nil), "done:" + string(q.step)})
	}
	rows = append(rows, nav)
	t.say(text, rows...)
}

// answerText renders the answer to q in the person's language.
func (t *turn) answerText(q *question) string {
	p := &t.st.Profile
	if p.skipped(q.step) {
		return t.tr("summary_skipped", nil)
	}
	vals := q.get(p)
	if len(vals) == 0 {
		return ""
	}
	if q.step == StepName {
		return p.Name
	}
	if q.step == StepHome && p.District == "" {
		return t.tr("home_postcode", map[string]any{"Postcode": p.Postcode})
	}
	labels := make([]string, 0, len(vals))
	for _, v := range vals {
		for _, o := range q.options {
			if o.value == v {
				labels = append(labels, t.optionLabel(q, o))
			}
		}
	}
	return strings.Join(labels, ", ")
}

// profileLines lists the answers given, one line per question.
func (t *turn) profileLines() []string {
	var lines []string
	for _, q := range questions {
		if !q.isAsked(&t.st.Profile) {
			continue
		}
		if v := t.answerText(q); v != "" {
			lines = append(lines, t.tr("summary_line", map[string]any{"Field": t.tr(q.field, nil), "Value": v}))
		}
	}
	return lines
}

func (t *turn) summary() {
	text := t.tr("summary_title", nil) + "\n" + strings.Join(t.profileLines(), "\n") + "\n\n" + t.tr("summary_confirm", nil)
	rows := [][]Button{{{t.tr("btn_confirm", nil), "ok:" + string(StepSummary)}}}
	var row []Button
	for _, q := range questions {
		if !q.isAsked(&t.st.Profile) {
			continue
		}
		row = append(row, Button{t.tr("btn_edit", map[string]any{"Field": t.tr(q.field, nil)}), "edit:" + string(q.step)})
		if len(row) == 2 {
			rows = append(rows, row)
			row = nil
		}
	}
	if row != nil {
		rows = append(rows, row)
	}
	t.say(text, rows...)
}

// result shows the advised next steps, with the menu under them.
func (t *turn) result() {
	p := t.st.Profile
	intro := t.tr("result_intro", nil)
	if p.Name != "" {
		intro = t.tr("result_intro_named", map[string]any{"Name": p.Name})
	}
	var b strings.Builder
	b.WriteString(intro)
	b.WriteString("\n")
	for _, s := range Advise(p) {
		b.WriteString("\n• ")
		b.WriteString(t.tr("step_"+s.ID, nil))
	}
	b.WriteString("\n\n")
	b.WriteString(t.tr("result_outro", nil))
	t.say(b.String(), t.menuRows()...)
}

// Date renders d as a long date in lang, in Brussels time.
func (e *Engine) Date(lang string, d time.Time) string {
	d = d.In(e.Location)
	return e.Texts.T(lang, "date_long", map[string]any{
		"Weekday": e.Texts.T(lang, "weekday_"+strconv.Itoa(int(d.Weekday())), nil),
		"Day":     d.Day(),
		"Month":   e.Texts.T(lang, "month_"+strconv.Itoa(int(d.Month())), nil),
		"Year":    d.Year(),
	})
}

// Export is the machine-readable /mydata document: everything we hold.
type Export struct {
	Language   string     `json:"language"`
	AgreedAt   time.Time  `json:"agreed_at,omitzero"`
	OrientedAt time.Time  `json:"oriented_at,omitzero"`
	Step       Step       `json:"current_step"`
	Profile    Profile    `json:"answers"`
	Share      string     `json:"share_with_coaches,omitempty"`
	NotForMe   []Rejected `json:"vacancies_not_for_me,omitempty"`
	Alerts     bool       `json:"vacancy_messages,omitempty"`
	// Appointments are the person's bookings, as they read them.
	Appointments []string  `json:"appointments,omitempty"`
	CreatedAt    time.Time `json:"first_contact"`
	LastSeen     time.Time `json:"last_message"`
	ExpiresAt    time.Time `json:"erased_after"`
}

func (t *turn) myData() {
	st := t.st
	lang := t.lang()
	expires := st.LastSeen.Add(t.e.TTL(st))
	lines := []string{t.tr("mydata_title", nil),
		t.tr("mydata_language", map[string]any{"Language": t.e.Texts.Name(st.Lang)})}
	if st.Consented() {
		lines = append(lines, t.tr("mydata_consent", map[string]any{"Date": t.e.Date(lang, st.Agreed)}))
	}
	lines = append(lines, t.profileLines()...)
	switch st.Share {
	case ShareYes:
		lines = append(lines, t.tr("mydata_share_yes", nil))
	case ShareNo:
		lines = append(lines, t.tr("mydata_share_no", nil))
	}
	var appts []string
	for _, s := range t.ev.Slots {
		w := t.when(s)
		appts = append(appts, t.what(s)+", "+w["Date"].(string)+" "+w["Time"].(string))
	}
	if len(appts) > 0 {
		lines = append(lines, t.tr("mydata_appointments", map[string]any{"List": "\n    – " + strings.Join(appts, "\n    – ")}))
	}
	lines = append(lines,
		t.tr("mydata_last_seen", map[string]any{"Date": t.e.Date(lang, st.LastSeen)}),
		"", t.tr("mydata_expires", map[string]any{"Date": t.e.Date(lang, expires)}))
	doc, _ := json.MarshalIndent(Export{Language: st.Lang, AgreedAt: st.Agreed, OrientedAt: st.Oriented,
		Step: st.Step, Profile: st.Profile, Share: st.Share, NotForMe: st.Rejected, Alerts: st.Alerts, Appointments: appts, CreatedAt: st.Created, LastSeen: st.LastSeen, ExpiresAt: expires}, "", "  ")
	t.out = append(t.out, Reply{Text: strings.Join(lines, "\n"),
		Document: &Document{Name: "werkwijzer-mydata.json", Content: doc, Caption: t.tr("mydata_file_caption", nil)}})
}
