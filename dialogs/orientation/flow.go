// Package orientation is the flow that gets to know a jobseeker: twelve
// short questions (first name, age, Dutch, situation, education and
// diploma, sectors, licence, availability, where they live, job goal,
// support), a summary they can correct, whether coaches may see it, and the
// advised next steps of the city's pathway (pathway.go).
//
// It owns the Profile, which other flows and packages read (matching,
// booking, staff notes) but never change. Like every flow it depends only
// on package dialogs.
package orientation

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/locales"
)

// State is the orientation's part of a conversation.
type State struct {
	// Oriented is when the person first confirmed their answers.
	Oriented time.Time `json:"oriented,omitzero"`
	Profile  Profile   `json:"profile,omitzero"`
	// Picked holds a multi-select's choices until "done" is pressed.
	Picked []string `json:"picked,omitempty"`
	// Editing means the current question was opened from the summary, so
	// answering it returns there.
	Editing bool `json:"editing,omitempty"`
	// Share is the answer to "may a coach see your answers?": ShareYes,
	// ShareNo, or empty when not asked yet. Staff get the answers only on
	// ShareYes.
	Share string `json:"share,omitempty"`
	// SectorFirst is a sector to offer first (a sign-up link named it).
	SectorFirst string `json:"sector_first,omitempty"`
	// Guess is the first name a sentence typed at the name question most
	// likely gives, offered as a button until it is pressed.
	Guess string `json:"guess,omitempty"`
	// GuessAge is the age band the same sentence gave ("ik heet Jan en
	// ik ben 19"), taken with the name so that the age is not asked again.
	GuessAge string `json:"guess_age,omitempty"`
}

// Part is where the orientation keeps its State.
var Part = dialogs.Part[State]{Key: "orientation"}

// Of is the orientation in this turn, for other flows to read (and for
// sign-up links to set SectorFirst).
func Of(c *dialogs.Conv) *State { return Part.Of(c) }

// Done reports whether the person finished the orientation once.
func (s State) Done() bool { return !s.Oriented.IsZero() }

// Flow is the orientation.
type Flow struct {
	// AskShare asks, after the summary, whether coaches may see the
	// answers: only when staff are connected to read them.
	AskShare bool
	// Interpreted, when set, says which sectors' info sessions offer an
	// interpreter (package schedule knows), for the advice to someone who
	// speaks no Dutch.
	Interpreted func(ctx context.Context) (sectors []string, err error)
}

// Register implements dialogs.Flow.
func (f Flow) Register(r *dialogs.Router) {
	for _, q := range questions {
		q := q
		h := dialogs.StepHandler{Render: func(c *dialogs.Conv) error { render(c, q); return nil }, Field: q.field}
		if q.text != nil {
			h.Text = func(c *dialogs.Conv, text string) error { return typed(c, q, text) }
			if q.claims != nil {
				h.Claims = q.claims
			}
		}
		r.Step(q.step, h)
	}
	r.Step(StepSummary, dialogs.StepHandler{Render: func(c *dialogs.Conv) error { summary(c); return nil }})
	r.Step(StepShare, dialogs.StepHandler{Render: func(c *dialogs.Conv) error { shareAsk(c); return nil }})
	r.First(questions[0].step)
	for _, verb := range []string{"a", "skip", "back", "done"} {
		r.Button(verb, pressAnswer)
	}
	r.Button("name", pressName)
	r.Button("edit", pressEdit)
	r.Button("ok", f.pressOK)
	r.Button("share", f.pressShare)
	r.Button("menu:next", dialogs.Consented(f.nextStep))
	r.Button("menu:profile", dialogs.Consented(profile))
	r.Command("profile", dialogs.Consented(profile))
	r.Menu(menuRows)
	r.Welcome(welcome)
	r.Data(data)
}

// enter makes step current, loading a multi-select's earlier choices.
func enter(c *dialogs.Conv, step dialogs.Step) {
	c.Enter(step)
	s := Of(c)
	s.Picked = nil
	if q := questionFor(step); q != nil && q.multi {
		s.Picked = q.get(&s.Profile)
	}
}

func profile(c *dialogs.Conv) error {
	s := Of(c)
	if !s.Done() {
		if q := questionFor(c.Step()); q == nil || q.step == questions[0].step {
			c.Say(c.T("profile_empty", nil))
			enter(c, questions[0].step)
		} else {
			// Halfway through: what was answered is kept, not lost.
			c.Say(c.T("profile_unfinished", nil))
		}
		return c.Render()
	}
	enter(c, StepSummary)
	return c.Render()
}

func (f Flow) nextStep(c *dialogs.Conv) error {
	if Of(c).Done() {
		return f.result(c)
	}
	return profile(c)
}

func menuRows(c *dialogs.Conv) [][]dialogs.Button {
	b := func(id, data string) dialogs.Button { return dialogs.Button{Text: c.T(id, nil), Data: data} }
	if Of(c).Done() {
		return [][]dialogs.Button{{b("menu_nextstep", "menu:next"), b("menu_profile", "menu:profile")}}
	}
	return [][]dialogs.Button{{b("menu_profile", "menu:profile")}}
}

// pressAnswer handles an answer, skip, back or done on the current
// question ("a:<step>:<value>", "skip:<step>", ...).
func pressAnswer(c *dialogs.Conv) error {
	verb, step, value := dialogs.SplitData(c.Event().Data)
	q := questionFor(c.Step())
	if q == nil || dialogs.Step(step) != q.step {
		return c.OldButton()
	}
	s := Of(c)
	switch verb {
	case "a":
		if !q.valid(value) {
			return c.OldButton()
		}
		if q.multi {
			// A chosen option typed again stays chosen; only a press
			// of its ✓ button takes it back.
			if !c.Event().Typed || !slices.Contains(s.Picked, value) {
				s.Picked = toggle(s.Picked, value, q.exclusive)
			}
			render(c, q)
			c.Last().Replace = true
			return nil
		}
		return answer(c, q, []string{value})
	case "skip":
		if q.why == "" {
			return c.OldButton()
		}
		q.set(&s.Profile, nil)
		s.Profile.setSkipped(q.step, true)
		return advance(c, q)
	case "done":
		if !q.multi {
			return c.OldButton()
		}
		if len(s.Picked) == 0 {
			switch {
			case q.why != "": // optional: nothing picked is a skip
				q.set(&s.Profile, nil)
				s.Profile.setSkipped(q.step, true)
				return advance(c, q)
			case q.step == StepSectors:
				return c.Reask("sectors_none_chosen", nil)
			default:
				return c.Reask("availability_none_chosen", nil)
			}
		}
		return answer(c, q, s.Picked)
	}
	return back(c, q)
}

func toggle(picked []string, v, exclusive string) []string {
	if slices.Contains(picked, v) {
		out := []string{}
		for _, p := range picked {
			if p != v {
				out = append(out, p)
			}
		}
		return out
	}
	if v == exclusive {
		return []string{v}
	}
	out := []string{}
	for _, p := range picked {
		if p != exclusive {
			out = append(out, p)
		}
	}
	return append(out, v)
}

// typed takes a typed answer to a question that reads text.
func typed(c *dialogs.Conv, q *question, text string) error {
	v, problem := q.text(c, text)
	switch {
	case problem == "name_sentence" && v != "":
		s := Of(c)
		s.Guess, s.GuessAge = v, ""
		if age, bad := parseAge(c, text); bad == "" {
			s.GuessAge = age
		}
		c.Say(c.T("name_sentence", map[string]any{"Name": v}), []dialogs.Button{{Text: v, Data: "name:ok", Role: dialogs.RoleYes}},
			[]dialogs.Button{{Text: c.T("btn_back", nil), Data: "back:" + string(q.step)}, {Text: c.T("btn_skip", nil), Data: "skip:" + string(q.step)}})
		return nil
	case problem == "name_sentence":
		problem = "name_invalid"
	}
	if problem != "" {
		return c.Reask(problem, map[string]any{"Max": MaxNameRunes})
	}
	return answer(c, q, []string{v})
}

// pressName takes the first name offered after a sentence.
func pressName(c *dialogs.Conv) error {
	s := Of(c)
	q := questionFor(c.Step())
	if q == nil || q.step != StepName || s.Guess == "" || c.Event().Data != "name:ok" {
		return c.OldButton()
	}
	name, age := s.Guess, s.GuessAge
	s.Guess, s.GuessAge = "", ""
	if age == "" || s.Editing {
		return answer(c, q, []string{name})
	}
	q.set(&s.Profile, []string{name})
	s.Profile.setSkipped(q.step, false)
	return answer(c, questionFor(StepAge), []string{age})
}

func answer(c *dialogs.Conv, q *question, v []string) error {
	s := Of(c)
	s.Guess, s.GuessAge = "", ""
	q.set(&s.Profile, v)
	s.Profile.setSkipped(q.step, false)
	if q.step == StepEducation && !questionFor(StepDiploma).isAsked(&s.Profile) {
		s.Profile.Diploma = ""
	}
	return advance(c, q)
}

// advance moves past q: to the next question, or back to the summary when
// editing, unless a question that now applies is still open.
func advance(c *dialogs.Conv, q *question) error {
	s := Of(c)
	s.Picked = nil
	if s.Editing {
		for _, x := range questions {
			if x.isAsked(&s.Profile) && len(x.get(&s.Profile)) == 0 && !s.Profile.skipped(x.step) {
				enter(c, x.step)
				return c.Render()
			}
		}
		s.Editing = false
		enter(c, StepSummary)
		return c.Render()
	}
	next := false
	for _, x := range questions {
		if next && x.isAsked(&s.Profile) {
			enter(c, x.step)
			return c.Render()
		}
		if x == q {
			next = true
		}
	}
	enter(c, StepSummary)
	return c.Render()
}

func back(c *dialogs.Conv, q *question) error {
	s := Of(c)
	s.Picked = nil
	if s.Editing {
		s.Editing = false
		enter(c, StepSummary)
		return c.Render()
	}
	var prev *question
	for _, x := range questions {
		if x == q {
			break
		}
		if x.isAsked(&s.Profile) {
			prev = x
		}
	}
	if prev == nil {
		c.Enter(dialogs.StepLanguage)
		return c.Render()
	}
	enter(c, prev.step)
	return c.Render()
}

func pressEdit(c *dialogs.Conv) error {
	_, step, _ := dialogs.SplitData(c.Event().Data)
	s := Of(c)
	if c.Step() == StepSummary {
		if q := questionFor(dialogs.Step(step)); q != nil && q.isAsked(&s.Profile) {
			s.Editing = true
			enter(c, q.step)
			return c.Render()
		}
	}
	return c.OldButton()
}

func (f Flow) pressOK(c *dialogs.Conv) error {
	_, step, _ := dialogs.SplitData(c.Event().Data)
	if c.Step() != StepSummary || dialogs.Step(step) != StepSummary {
		return c.OldButton()
	}
	Of(c).Editing = false
	if f.AskShare {
		enter(c, StepShare)
		return c.Render()
	}
	return f.finish(c)
}

func (f Flow) pressShare(c *dialogs.Conv) error {
	_, answer, _ := dialogs.SplitData(c.Event().Data)
	if c.Step() != StepShare || answer != ShareYes && answer != ShareNo {
		return c.OldButton()
	}
	Of(c).Share = answer
	return f.finish(c)
}

// finish leaves the summary for the advice; the first time, staff hear of
// it.
func (f Flow) finish(c *dialogs.Conv) error {
	s := Of(c)
	first := !s.Done()
	if first {
		s.Oriented = c.Now()
	}
	s.Editing = false
	enter(c, dialogs.StepMenu)
	if first {
		n := dialogs.Note{Kind: dialogs.NoteOriented}
		n.Fields, n.Advice = Shared(c)
		c.Note(n)
	}
	return f.result(c)
}

func shareAsk(c *dialogs.Conv) {
	c.Say(c.T("share_ask", nil), []dialogs.Button{
		{Text: c.T("btn_share_yes", nil), Data: "share:" + ShareYes, Role: dialogs.RoleYes},
		{Text: c.T("btn_share_no", nil), Data: "share:" + ShareNo, Role: dialogs.RoleNo}})
}

// welcome greets someone who comes back, by name, saying how many
// questions are left when they were in the middle.
func welcome(c *dialogs.Conv) (string, bool) {
	s := Of(c)
	msg := c.T("welcome_back", nil)
	if s.Profile.Name != "" {
		msg = c.T("welcome_back_named", map[string]any{"Name": s.Profile.Name})
	}
	if q := questionFor(c.Step()); q != nil {
		msg += " " + c.N("questions_left", questionsLeft(c), nil)
	}
	return msg, true
}

func questionsLeft(c *dialogs.Conv) int {
	s := Of(c)
	n, counting := 0, false
	for _, q := range questions {
		if q.step == c.Step() {
			counting = true
		}
		if counting && q.isAsked(&s.Profile) {
			n++
		}
	}
	return n
}

func optionLabel(tr func(id string, data map[string]any) string, o option) string {
	if o.msg == "" {
		if d, ok := districtByID(o.value); ok {
			return d.Name
		}
		return o.value
	}
	return tr(o.msg, nil)
}

func render(c *dialogs.Conv, q *question) {
	s := Of(c)
	text := c.T(q.prompt, nil)
	if q.why != "" {
		text += "\n" + c.T("why_prefix", map[string]any{"Reason": c.T(q.why, nil)})
	}
	cols := max(q.cols, 1)
	options := q.options
	if q.step == StepSectors {
		options = sectorOptions(s.SectorFirst, options)
	}
	var rows [][]dialogs.Button
	var row []dialogs.Button
	for _, o := range options {
		label := optionLabel(c.T, o)
		if q.multi && slices.Contains(s.Picked, o.value) {
			label = locales.Mark + label // a mark, not a word: the same in every language
		}
		b := dialogs.Button{Text: label, Data: "a:" + string(q.step) + ":" + o.value, Role: o.role}
		// A label too wide to share a row (a long district name) goes
		// alone on one, rather than be cut on the phone.
		if locales.Width(label) > (locales.Layout{PerRow: cols}).Limit() {
			rows = append(rows, []dialogs.Button{b})
			continue
		}
		if row = append(row, b); len(row) == cols {
			rows, row = append(rows, row), nil
		}
	}
	if row != nil {
		rows = append(rows, row)
	}
	nav := []dialogs.Button{{Text: c.T("btn_back", nil), Data: "back:" + string(q.step), Role: dialogs.RoleBack}}
	if q.why != "" {
		nav = append(nav, dialogs.Button{Text: c.T("btn_skip", nil), Data: "skip:" + string(q.step), Role: dialogs.RoleSkip})
	}
	if q.multi {
		nav = append(nav, dialogs.Button{Text: c.T("btn_done", nil), Data: "done:" + string(q.step), Role: dialogs.RoleDone})
	}
	rows = append(rows, nav)
	c.Say(text, rows...)
}

// sectorOptions orders the sectors with first (a sign-up link's) first.
func sectorOptions(first string, opts []option) []option {
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

// answerText renders the answer to q with tr, in the person's language
// or, for staff, in Dutch.
func answerText(tr func(id string, data map[string]any) string, p *Profile, q *question) string {
	if p.skipped(q.step) {
		return tr("summary_skipped", nil)
	}
	vals := q.get(p)
	switch {
	case len(vals) == 0:
		return ""
	case q.step == StepName:
		return p.Name
	case q.step == StepHome && p.District == "":
		return tr("home_postcode", map[string]any{"Postcode": p.Postcode})
	}
	labels := make([]string, 0, len(vals))
	for _, v := range vals {
		for _, o := range q.options {
			if o.value == v {
				labels = append(labels, optionLabel(tr, o))
			}
		}
	}
	return strings.Join(labels, tr("list_sep", nil))
}

// profileLines lists the answers given, one line per question.
func profileLines(c *dialogs.Conv) []string {
	p := &Of(c).Profile
	var lines []string
	for _, q := range questions {
		if !q.isAsked(p) {
			continue
		}
		if v := answerText(c.T, p, q); v != "" {
			lines = append(lines, c.T("summary_line", map[string]any{"Field": c.T(q.field, nil), "Value": v}))
		}
	}
	return lines
}

func summary(c *dialogs.Conv) {
	p := &Of(c).Profile
	text := c.T("summary_title", nil) + "\n" + strings.Join(profileLines(c), "\n") + "\n\n" + c.T("summary_confirm", nil)
	rows := [][]dialogs.Button{{{Text: c.T("btn_confirm", nil), Data: "ok:" + string(StepSummary), Role: dialogs.RoleYes}}}
	var row []dialogs.Button
	for _, q := range questions {
		if !q.isAsked(p) {
			continue
		}
		row = append(row, dialogs.Button{Text: c.T("btn_edit", map[string]any{"Field": c.T(q.field, nil)}), Data: "edit:" + string(q.step)})
		if len(row) == 2 {
			rows = append(rows, row)
			row = nil
		}
	}
	if row != nil {
		rows = append(rows, row)
	}
	c.Say(text, rows...)
}

// result shows the advised next steps, knowing which info sessions offer
// an interpreter.
func (f Flow) result(c *dialogs.Conv) error {
	var interpreted []string
	if f.Interpreted != nil && Of(c).Profile.Dutch == DutchNone {
		var err error
		if interpreted, err = f.Interpreted(c.Context()); err != nil {
			return err
		}
	}
	Result(c, interpreted...)
	return nil
}

// Result shows the advised next steps, with the menu under them;
// interpreted are the sectors whose info sessions offer an interpreter.
func Result(c *dialogs.Conv, interpreted ...string) {
	p := Of(c).Profile
	intro := c.T("result_intro", nil)
	if p.Name != "" {
		intro = c.T("result_intro_named", map[string]any{"Name": p.Name})
	}
	var b strings.Builder
	b.WriteString(intro)
	b.WriteString("\n")
	for _, s := range Advise(p, interpreted...) {
		b.WriteString("\n• ")
		b.WriteString(c.T("step_"+s.ID, nil))
		if s.Interpreter {
			b.WriteString(" " + c.T("step_interpreter", nil))
		}
	}
	b.WriteString("\n\n")
	b.WriteString(c.T("result_outro", nil))
	c.Say(b.String(), c.MenuRows()...)
}

// Shared is what staff may see of the person: their answers and the
// advice they got, in Dutch, only if they said yes to sharing.
func Shared(c *dialogs.Conv) ([]dialogs.Field, []string) {
	s := Of(c)
	if s.Share != ShareYes {
		return nil, nil
	}
	texts := c.Engine().Texts
	nl := func(id string, data map[string]any) string { return texts.T(locales.Source, id, data) }
	var fields []dialogs.Field
	for _, q := range questions {
		if !q.isAsked(&s.Profile) {
			continue
		}
		if v := answerText(nl, &s.Profile, q); v != "" {
			fields = append(fields, dialogs.Field{Label: nl(q.field, nil), Value: v})
		}
	}
	var advice []string
	if s.Done() {
		for _, step := range Advise(s.Profile) {
			advice = append(advice, nl("step_"+step.ID, nil))
		}
	}
	return fields, advice
}

// data is the orientation's share of /mydata.
func data(c *dialogs.Conv) ([]string, map[string]any, error) {
	s := Of(c)
	lines := profileLines(c)
	switch s.Share {
	case ShareYes:
		lines = append(lines, c.T("mydata_share_yes", nil))
	case ShareNo:
		lines = append(lines, c.T("mydata_share_no", nil))
	}
	export := map[string]any{"answers": s.Profile}
	if s.Done() {
		export["oriented_at"] = s.Oriented
	}
	if s.Share != "" {
		export["share_with_coaches"] = s.Share
	}
	return lines, export, nil
}

// AtQuestion names the question the person is at, in Dutch, for staff;
// "" when they are not at one.
func AtQuestion(c *dialogs.Conv) string {
	if q := questionFor(c.Step()); q != nil {
		return c.Engine().Texts.T(locales.Source, q.field, nil)
	}
	return ""
}

// Resume shows the summary to someone who finished the orientation, and
// the orientation where they left it to someone who did not: what a flow
// that needs the answers offers instead.
func Resume(c *dialogs.Conv) error { return profile(c) }
