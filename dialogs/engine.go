package dialogs

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	_ "time/tzdata" // Europe/Brussels must load on machines without zoneinfo

	"github.com/werkwijzer/werkwijzer/locales"
)

// Defaults for Engine's durations.
const (
	DefaultRetention   = 180 * 24 * time.Hour // inactivity after which all data expires
	DefaultPreConsent  = 24 * time.Hour       // a language choice without consent is kept this long
	DefaultReturnAfter = 6 * time.Hour        // silence after which a person is greeted as returning
	// MaxTextRunes is the longest message we read; longer ones are refused
	// kindly rather than stored or matched against.
	MaxTextRunes = 1000
)

// Engine decides what to answer. It is pure: given a state and an event it
// returns the new state and the replies, and touches nothing else.
type Engine struct {
	Texts       *locales.Catalog
	Now         Clock
	Retention   time.Duration
	PreConsent  time.Duration
	ReturnAfter time.Duration
	Location    *time.Location // where dates are shown; Europe/Brussels
	// Desk is the staff side; nil when none is connected, and then the
	// bot offers no person and asks nothing about sharing with staff.
	Desk *Desk
	// Jobs says vacancies can be shown (the Service has a JobFinder).
	Jobs bool
	// Staff says someone reads the notes (Slack is connected): only then
	// does "Interested" promise that a staff member will be in touch.
	Staff bool
	// Booking says coaching talks and info sessions can be booked (the
	// Service has a Scheduler); Calendar, when set, makes the calendar
	// file sent with a booking.
	Booking  bool
	Calendar func(s Slot, chat int64, text CalendarText) []byte
}

// NewEngine returns an Engine with the defaults filled in.
func NewEngine(texts *locales.Catalog, now Clock) *Engine {
	loc, err := time.LoadLocation("Europe/Brussels")
	if err != nil {
		panic(err) // time/tzdata is embedded, so this cannot happen
	}
	if now == nil {
		now = time.Now
	}
	return &Engine{Texts: texts, Now: now, Retention: DefaultRetention,
		PreConsent: DefaultPreConsent, ReturnAfter: DefaultReturnAfter, Location: loc}
}

// Outcome is the result of one event. A nil State means: keep nothing on
// this chat (after /forget, or when consent is declined).
type Outcome struct {
	State   *State
	Replies []Reply
	// Notes are for staff, delivered with the replies.
	Notes []Note
}

// TTL is how long st may be kept from now.
func (e *Engine) TTL(st *State) time.Duration {
	if !st.Consented() {
		return e.PreConsent
	}
	return e.Retention
}

// turn carries one event's work, so helpers can add replies.
type turn struct {
	e     *Engine
	st    *State
	ev    Event
	out   []Reply
	notes []Note
	del   bool
}

func (t *turn) lang() string {
	if t.st != nil && t.st.Lang != "" {
		return t.st.Lang
	}
	if l := locales.Match(t.ev.LangHint); l != "" {
		return l
	}
	return locales.Source
}

func (t *turn) tr(id string, data map[string]any) string { return t.e.Texts.T(t.lang(), id, data) }

func (t *turn) say(text string, buttons ...[]Button) {
	t.out = append(t.out, Reply{Text: text, Buttons: buttons})
}

// Handle runs one event against st (nil for a chat we hold nothing on).
func (e *Engine) Handle(st *State, ev Event) Outcome {
	t := &turn{e: e, ev: ev}
	now := e.Now()
	if st != nil {
		cp := *st
		t.st = &cp
	}
	returning := t.st != nil && now.Sub(t.st.LastSeen) >= e.ReturnAfter
	switch {
	case ev.Kind == KindStaff || ev.Kind == KindAlert || ev.Kind == KindNotice:
		if t.st == nil {
			return Outcome{} // erased meanwhile: nothing to say, nothing to keep
		}
		// Not the person's doing: LastSeen stays.
		switch ev.Kind {
		case KindAlert:
			t.alert()
		case KindNotice:
			t.notice()
		default:
			t.staffEvent()
		}
	case t.st == nil:
		t.stateless()
	default:
		t.st.LastSeen = now
		t.stateful(returning)
	}
	if t.del || t.st == nil {
		return Outcome{Replies: t.out, Notes: t.notes}
	}
	return Outcome{State: t.st, Replies: t.out, Notes: t.notes}
}

// stateless answers someone we hold nothing on: a newcomer, someone who
// declined consent, or someone who used /forget. Buttons that matter here
// carry the language in their data, since there is no state to hold it.
func (t *turn) stateless() {
	ev := t.ev
	switch ev.Kind {
	case KindButton:
		verb, arg, rest := splitData(ev.Data)
		switch {
		case verb == "lang" && locales.Supported(arg):
			t.st = t.newState(arg)
			t.say(t.tr("language_changed", nil))
			t.render()
			return
		case verb == "consent" && arg == "yes" && locales.Supported(rest):
			t.st = t.newState(rest)
			t.agree()
			return
		case verb == "consent" && arg == "info" && locales.Supported(rest):
			t.st = &State{Lang: rest} // only to render in that language; not kept
			t.generalInfo()
			t.st = nil
			return
		}
	case KindCommand:
		switch ev.Command {
		case "mydata", "forget":
			t.say(t.tr("mydata_nothing", nil))
			return
		case "help":
			t.say(t.tr("help_text", nil))
			return
		}
	}
	if ev.Kind == KindCommand && ev.Command == "start" {
		if ev.Link != nil {
			t.linkStart()
			return
		}
		t.arrive() // counts a bad link; the start is an ordinary one
	}
	t.say(t.tr("start_greeting", nil))
	t.picker()
}

func (t *turn) newState(lang string) *State {
	now := t.e.Now()
	return &State{V: StateVersion, Lang: lang, Step: StepConsent, Created: now, LastSeen: now}
}

func (t *turn) stateful(returning bool) {
	st, ev := t.st, t.ev
	if st.Handover != nil && t.duringHandover() {
		return
	}
	switch ev.Kind {
	case KindCommand:
		t.command(returning)
	case KindButton:
		t.button()
	case KindEdited:
		t.reask("bad_edited")
	case KindMedia:
		t.reask("bad_media")
	default:
		if returning && st.Consented() {
			t.welcomeBack()
			return
		}
		t.text()
	}
}

func (t *turn) welcomeBack() {
	msg := t.tr("welcome_back", nil)
	if t.st.Profile.Name != "" {
		msg = t.tr("welcome_back_named", map[string]any{"Name": t.st.Profile.Name})
	}
	if q := questionFor(t.st.Step); q != nil {
		msg += " " + t.e.Texts.N(t.lang(), "questions_left", t.questionsLeft(), nil)
	}
	t.say(msg)
	t.render()
}

func (t *turn) questionsLeft() int {
	n, counting := 0, false
	for _, q := range questions {
		if q.step == t.st.Step {
			counting = true
		}
		if counting && q.isAsked(&t.st.Profile) {
			n++
		}
	}
	return n
}

// reask answers input we cannot use with a short explanation and the
// current step again, so the conversation stays where it was.
func (t *turn) reask(msgID string, data ...map[string]any) {
	var d map[string]any
	if len(data) > 0 {
		d = data[0]
	}
	n := len(t.out)
	t.render()
	t.out[n].Text = t.tr(msgID, d) + "\n\n" + t.out[n].Text
	if questionFor(t.st.Step) != nil && t.canAskPerson() && t.st.Handover == nil {
		t.out[n].Buttons = append(t.out[n].Buttons, t.personRow())
	}
}

func (t *turn) command(returning bool) {
	st := t.st
	switch t.ev.Command {
	case "start":
		t.arrive()
		if returning || st.Consented() {
			t.welcomeBack()
			return
		}
		t.say(t.tr("start_greeting", nil))
		t.render()
	case "language":
		t.picker()
	case "help":
		t.help()
	case "mydata":
		t.myData()
	case "forget":
		t.confirmForget()
	case "menu", "profile":
		if !st.Consented() {
			t.reask("consent_required")
			return
		}
		if t.ev.Command == "menu" {
			t.menu()
		} else {
			t.profile()
		}
	default:
		t.reask("bad_unknown_command")
	}
}

// confirmForget asks before erasing: /forget cannot be undone.
func (t *turn) confirmForget() {
	t.say(t.tr("forget_confirm", nil), []Button{
		{t.tr("btn_forget_yes", nil), "forget:yes"}, {t.tr("btn_forget_no", nil), "forget:no"}})
}

func (t *turn) menu() {
	t.say(t.tr("menu_title", nil), t.menuRows()...)
}

func (t *turn) menuRows() [][]Button {
	b := func(id, data string) Button { return Button{t.tr(id, nil), data} }
	rows := [][]Button{}
	if !t.st.Oriented.IsZero() {
		rows = append(rows, []Button{b("menu_nextstep", "menu:next"), b("menu_profile", "menu:profile")})
		if t.e.Jobs {
			rows = append(rows, []Button{b("menu_jobs", "menu:jobs")})
		}
		if t.e.Booking {
			rows = append(rows, t.bookingRows()...)
		}
	} else {
		rows = append(rows, []Button{b("menu_profile", "menu:profile")})
	}
	if t.canAskPerson() {
		rows = append(rows, t.personRow())
	}
	rows = append(rows,
		[]Button{b("menu_language", "menu:lang"), b("menu_mydata", "menu:mydata")},
		[]Button{b("menu_help", "menu:help"), b("menu_forget", "menu:forget")})
	return rows
}

// help explains the commands, offers a person when one can answer, and
// shows where the person was.
func (t *turn) help() {
	if t.canAskPerson() {
		t.say(t.tr("help_text", nil), t.personRow())
	} else {
		t.say(t.tr("help_text", nil))
	}
	t.render()
}

func (t *turn) profile() {
	if t.st.Oriented.IsZero() {
		t.say(t.tr("profile_empty", nil))
		if questionFor(t.st.Step) == nil {
			t.enter(questions[0].step)
		}
		t.render()
		return
	}
	t.enter(StepSummary)
	t.render()
}

func (t *turn) button() {
	st := t.st
	verb, arg, rest := splitData(t.ev.Data)
	switch verb {
	case "lang":
		if !locales.Supported(arg) {
			break
		}
		st.Lang = arg
		t.say(t.tr("language_changed", nil))
		if st.Step == StepLanguage {
			t.afterLanguage()
			return
		}
		t.render()
		return
	case "consent":
		switch arg {
		case "yes":
			if !st.Consented() {
				t.agree()
				return
			}
			t.render()
			return
		case "no":
			if !st.Consented() {
				t.decline()
				return
			}
		case "info":
			t.generalInfo()
			return
		}
	case "picker":
		t.picker()
		return
	case "forget":
		if arg == "yes" {
			t.del = true
			t.note(Note{Kind: NoteForget})
			t.say(t.tr("forget_done", nil))
			return
		}
		if arg == "no" {
			t.say(t.tr("forget_cancelled", nil))
			t.render()
			return
		}
	case "menu":
		if !st.Consented() {
			t.reask("consent_required")
			return
		}
		switch arg {
		case "next":
			if !st.Oriented.IsZero() {
				t.result()
				return
			}
			t.profile()
			return
		case "profile":
			t.profile()
			return
		case "lang":
			t.picker()
			return
		case "mydata":
			t.myData()
			return
		case "help":
			t.help()
			return
		case "forget":
			t.confirmForget()
			return
		case "jobs":
			if t.jobs("", "") {
				return
			}
		}
	case "job":
		if t.jobs(arg, rest) {
			return
		}
	case "bk":
		if t.booking(arg, rest) {
			return
		}
	case "a", "skip", "back", "done":
		if Step(arg) == st.Step && t.answerButton(verb, rest) {
			return
		}
	case "edit":
		if st.Step == StepSummary {
			if q := questionFor(Step(arg)); q != nil && q.isAsked(&st.Profile) {
				st.Editing = true
				t.enter(q.step)
				t.render()
				return
			}
		}
	case "ok":
		if st.Step == StepSummary && arg == string(StepSummary) {
			st.Editing = false
			if t.e.Desk != nil {
				t.enter(StepShare)
				t.render()
				return
			}
			t.finishOrientation()
			return
		}
	case "share":
		if st.Step == StepShare && (arg == ShareYes || arg == ShareNo) {
			st.Share = arg
			t.finishOrientation()
			return
		}
	case "human":
		if arg == "ask" && t.canAskPerson() {
			t.askPerson()
			return
		}
	}
	// A button from an older message, or data nobody we know could have sent.
	t.reask("bad_old_button")
}

func (t *turn) agree() {
	t.st.Agreed = t.e.Now()
	t.note(Note{Kind: NoteSignup})
	t.enter(questions[0].step)
	t.render()
}

func (t *turn) decline() {
	lang := t.lang()
	t.del = true
	t.say(t.tr("consent_declined", nil), []Button{
		{t.tr("btn_general_info", nil), "consent:info:" + lang},
		{t.tr("btn_agree", nil), "consent:yes:" + lang}})
}

func (t *turn) generalInfo() {
	lang := t.lang()
	if t.st != nil && t.st.Consented() {
		t.say(t.tr("general_info", nil))
		return
	}
	t.say(t.tr("general_info", nil), []Button{{t.tr("btn_agree", nil), "consent:yes:" + lang}})
}

func (t *turn) afterLanguage() {
	if t.st.Consented() {
		t.enter(questions[0].step)
	} else {
		t.enter(StepConsent)
	}
	t.render()
}

// answerButton handles an answer, skip, back or done on the current
// question; false means the press does not fit it.
func (t *turn) answerButton(verb, value string) bool {
	st := t.st
	q := questionFor(st.Step)
	if q == nil {
		return false
	}
	switch verb {
	case "a":
		if !q.valid(value) {
			return false
		}
		if q.multi {
			st.Picked = toggle(st.Picked, value, q.exclusive)
			t.render()
			t.out[len(t.out)-1].Replace = true
			return true
		}
		t.answer(q, []string{value})
	case "skip":
		if q.why == "" {
			return false
		}
		q.set(&st.Profile, nil)
		st.Profile.setSkipped(q.step, true)
		t.advance(q)
	case "done":
		if !q.multi {
			return false
		}
		if len(st.Picked) == 0 {
			switch {
			case q.why != "": // optional: nothing picked is a skip
				q.set(&st.Profile, nil)
				st.Profile.setSkipped(q.step, true)
				t.advance(q)
			case q.step == StepSectors:
				t.reask("sectors_none_chosen")
			default:
				t.reask("availability_none_chosen")
			}
			return true
		}
		t.answer(q, st.Picked)
	case "back":
		t.back(q)
	}
	return true
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

func (t *turn) answer(q *question, v []string) {
	q.set(&t.st.Profile, v)
	t.st.Profile.setSkipped(q.step, false)
	if q.step == StepEducation && !questionFor(StepDiploma).isAsked(&t.st.Profile) {
		t.st.Profile.Diploma = ""
	}
	t.advance(q)
}

// advance moves past q: to the next question, or back to the summary when
// editing, unless a question that now applies is still open.
func (t *turn) advance(q *question) {
	st := t.st
	st.Picked = nil
	if st.Editing {
		for _, x := range questions {
			if x.isAsked(&st.Profile) && len(x.get(&st.Profile)) == 0 && !st.Profile.skipped(x.step) {
				t.enter(x.step)
				t.render()
				return
			}
		}
		st.Editing = false
		t.enter(StepSummary)
		t.render()
		return
	}
	next := false
	for _, x := range questions {
		if next && x.isAsked(&st.Profile) {
			t.enter(x.step)
			t.render()
			return
		}
		if x == q {
			next = true
		}
	}
	t.enter(StepSummary)
	t.render()
}

func (t *turn) back(q *question) {
	st := t.st
	st.Picked = nil
	if st.Editing {
		st.Editing = false
		t.enter(StepSummary)
		t.render()
		return
	}
	var prev *question
	for _, x := range questions {
		if x == q {
			break
		}
		if x.isAsked(&st.Profile) {
			prev = x
		}
	}
	if prev == nil {
		t.enter(StepLanguage)
		t.render()
		return
	}
	t.enter(prev.step)
	t.render()
}

// enter makes step current, loading a multi-select's earlier choices.
func (t *turn) enter(step Step) {
	t.st.Step = step
	t.st.Picked = nil
	if q := questionFor(step); q != nil && q.multi {
		t.st.Picked = q.get(&t.st.Profile)
	}
}

func (t *turn) text() {
	st := t.st
	raw := t.ev.Text
	if strings.TrimSpace(raw) == "" {
		t.reask("bad_empty")
		return
	}
	if utf8.RuneCountInString(raw) > MaxTextRunes {
		t.reask("bad_too_long")
		return
	}
	q := questionFor(st.Step)
	switch {
	case q != nil && q.text != nil:
		v, problem := q.text(raw)
		if problem != "" {
			t.reask(problem, map[string]any{"Max": MaxNameRunes})
			return
		}
		t.answer(q, []string{v})
	case st.Step == StepMenu:
		t.reask("bad_free_text")
	default:
		t.reask("bad_use_buttons")
	}
}

func splitData(data string) (verb, arg, rest string) {
	verb, tail, _ := strings.Cut(data, ":")
	arg, rest, _ = strings.Cut(tail, ":")
	return verb, arg, rest
}
