package dialogs

import (
	"context"
	"strconv"
	"time"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/locales"
)

// Defaults for Engine's durations.
const (
	DefaultRetention   = 180 * 24 * time.Hour // inactivity after which all data expires
	DefaultPreConsent  = 24 * time.Hour       // a language choice without consent is kept this long
	DefaultReturnAfter = 6 * time.Hour        // silence after which a person is greeted as returning
	// MaxTextRunes is the longest message we read: Telegram's own limit
	// on a message. A longer one (only the terminal can send it) is cut
	// there, never refused.
	MaxTextRunes = 4096
)

// Engine decides what to answer: given a state and an event it returns the
// new state, the replies and the notes. It touches nothing itself; the
// flows registered on it reach the outside world through their ports,
// with the turn's context.
type Engine struct {
	Texts       *locales.Catalog
	Clock       clock.Clock
	Retention   time.Duration
	PreConsent  time.Duration
	ReturnAfter time.Duration
	// Office is where a person can go or call without the chat; shown on
	// /help, after declining consent, and when someone asks for a person
	// and no staff side is connected.
	Office Office

	router *Router
}

// NewEngine returns an Engine with the defaults filled in and only the
// frame (language, consent, menu, help) registered; Register adds flows.
func NewEngine(texts *locales.Catalog, clk clock.Clock) *Engine {
	e := &Engine{Texts: texts, Clock: clock.Or(clk), Retention: DefaultRetention,
		PreConsent: DefaultPreConsent, ReturnAfter: DefaultReturnAfter, router: newRouter()}
	frame{}.Register(e.router)
	return e
}

// Register turns flows on, in order: their menu rows and /mydata lines
// come in this order.
func (e *Engine) Register(flows ...Flow) {
	for _, f := range flows {
		f.Register(e.router)
	}
}

// Outcome is the result of one event. A nil State means: keep nothing on
// this chat (after /forget, or when consent is declined).
type Outcome struct {
	State   *State
	Replies []Reply
	// Notes are for staff and the components acting on them, delivered
	// with the replies.
	Notes []Note
}

// TTL is how long st may be kept from now.
func (e *Engine) TTL(st *State) time.Duration {
	if !st.Consented() {
		return e.PreConsent
	}
	return e.Retention
}

// Handle runs one event against st (nil for a chat we hold nothing on).
// st itself is never changed.
func (e *Engine) Handle(ctx context.Context, st *State, ev Event) (Outcome, error) {
	if ev.Kind == KindText {
		ev.Text = cut(ev.Text, MaxTextRunes)
	}
	c := &Conv{ctx: ctx, e: e, ev: ev, parts: map[string]partValue{}}
	if st != nil {
		c.st = st.clone()
	}
	now := c.Now()
	var err error
	switch {
	case ev.Kind.Proactive():
		if c.st == nil {
			return Outcome{}, nil // erased meanwhile: nothing to say, nothing to keep
		}
		// Not the person's doing: LastSeen stays.
		if h := e.router.injected[ev.Kind]; h != nil {
			err = h(c)
		}
	case c.st == nil:
		err = c.stateless()
	default:
		c.returning = now.Sub(c.st.LastSeen) >= e.ReturnAfter
		c.prevSeen = c.st.LastSeen
		c.st.LastSeen = now
		err = c.stateful()
	}
	if err != nil {
		return Outcome{}, err
	}
	c.isolateNumbers()
	if c.erase || c.st == nil {
		return Outcome{Replies: c.out, Notes: c.notes}, nil
	}
	c.settle()
	for _, h := range e.router.finally {
		h(c)
	}
	for key, p := range c.parts {
		b, err := p.encode()
		if err != nil {
			return Outcome{}, err
		}
		setPart(c.st, key, b)
	}
	return Outcome{State: c.st, Replies: c.out, Notes: c.notes}, nil
}

// isolateNumbers keeps the numbers of a turn in a right-to-left language
// in their order (locales.IsolateNumbers): the catalogue does it for every
// message, this for what flows add around them (an office's phone, a
// vacancy's contact).
func (c *Conv) isolateNumbers() {
	if !locales.IsRTL(c.Lang()) {
		return
	}
	for i := range c.out {
		r := &c.out[i]
		r.Text = locales.IsolateNumbers(r.Text)
		for _, row := range r.Buttons {
			for j := range row {
				row[j].Text = locales.IsolateNumbers(row[j].Text)
			}
		}
		for _, row := range r.Keys {
			for j := range row {
				row[j].Text = locales.IsolateNumbers(row[j].Text)
			}
		}
		if r.Document != nil {
			r.Document.Caption = locales.IsolateNumbers(r.Document.Caption)
		}
	}
}

// Date renders d as a long date in lang, in Brussels time.
func (e *Engine) Date(lang string, d time.Time) string {
	d = d.In(clock.Brussels)
	return e.Texts.T(lang, "date_long", map[string]any{
		"Weekday": e.Texts.T(lang, "weekday_"+strconv.Itoa(int(d.Weekday())), nil),
		"Day":     d.Day(),
		"Month":   e.Texts.T(lang, "month_"+strconv.Itoa(int(d.Month())), nil),
		"Year":    d.Year(),
	})
}

// Conv is one turn of one conversation as a flow sees it: the event, the
// state, and what the turn answers. Flows read and change the state through
// it and add replies and notes; the Engine keeps or drops the result.
type Conv struct {
	ctx       context.Context
	e         *Engine
	st        *State
	ev        Event
	out       []Reply
	notes     []Note
	erase     bool
	returning bool
	parts     map[string]partValue
	// reasked: the turn re-asked for typed input (see typedReask).
	reasked bool
	// prevSeen is when the person was last seen before this event:
	// how soon one message follows the other tells a flood from typing.
	prevSeen time.Time
	// missed: the turn answered with Reask, input it could not use.
	missed bool
	// welcomed: the turn greeted the person back already.
	welcomed bool
}

// Context is the turn's context: ports are called with it.
func (c *Conv) Context() context.Context { return c.ctx }

// Event is what the turn answers.
func (c *Conv) Event() Event { return c.ev }

// State is the conversation's state; nil while we hold nothing on the chat.
func (c *Conv) State() *State { return c.st }

// Engine is the engine running the turn.
func (c *Conv) Engine() *Engine { return c.e }

// Now is the time of the turn.
func (c *Conv) Now() time.Time { return c.e.Clock.Now() }

// Consented reports whether the person agreed to the privacy notice.
func (c *Conv) Consented() bool { return c.st != nil && c.st.Consented() }

// Lang is the language the turn answers in: the person's choice, else the
// language their channel reports, else Dutch.
func (c *Conv) Lang() string {
	if c.st != nil && c.st.Lang != "" {
		return c.st.Lang
	}
	if l := locales.Match(c.ev.LangHint); l != "" {
		return l
	}
	return locales.Source
}

// T is message id in the person's language.
func (c *Conv) T(id string, data map[string]any) string { return c.e.Texts.T(c.Lang(), id, data) }

// N is the plural message id for n in the person's language.
func (c *Conv) N(id string, n int, data map[string]any) string {
	return c.e.Texts.N(c.Lang(), id, n, data)
}

// Say adds a reply.
func (c *Conv) Say(text string, rows ...[]Button) {
	c.out = append(c.out, Reply{Text: text, Buttons: rows})
}

// Send adds a reply with more than text and buttons (a file, a replace).
func (c *Conv) Send(r Reply) { c.out = append(c.out, r) }

// Last is the last reply so far, to add to it; nil before any.
func (c *Conv) Last() *Reply {
	if len(c.out) == 0 {
		return nil
	}
	return &c.out[len(c.out)-1]
}

// Replies are the replies so far.
func (c *Conv) Replies() []Reply { return c.out }

// Note tells staff (and the funnel, alerts, the schedule) something,
// stamped with the turn's language and time; flows that registered OnNote
// add what they know, and the Service gives it its id.
func (c *Conv) Note(n Note) {
	n.Lang, n.At = c.Lang(), c.Now()
	for _, h := range c.e.router.noteHooks {
		h(c, &n)
	}
	c.notes = append(c.notes, n)
}

// Erase drops everything held on the chat at the end of the turn.
func (c *Conv) Erase() { c.erase = true }

// Begin starts holding a conversation for someone we held nothing on, in
// lang, at the privacy notice.
func (c *Conv) Begin(lang string) {
	now := c.Now()
	c.st = &State{V: StateVersion, Lang: lang, Step: StepConsent, Created: now, LastSeen: now}
}

// Adopt makes st the chat's conversation, in place of what it held: a
// conversation carried over from another channel (a web chat the person
// linked to Telegram), at the step it was at. Its update count starts
// afresh, as update ids are the channel's own.
func (c *Conv) Adopt(st *State) {
	cp := st.clone()
	cp.LastUpdate = 0
	c.st, c.parts = cp, map[string]partValue{}
}

// Enter makes step the current one.
func (c *Conv) Enter(step Step) { c.st.Step = step }

// Step is the current step; "" while nothing is held.
func (c *Conv) Step() Step {
	if c.st == nil {
		return ""
	}
	return c.st.Step
}

// Question is the current step's question field (a message id), or "" when
// the person is not at a question.
func (c *Conv) Question() string { return c.e.router.steps[c.Step()].Field }

// StepTakesText reports whether the current step reads typed answers.
func (c *Conv) StepTakesText() bool { return c.e.router.steps[c.Step()].Text != nil }

// Render shows the current step again: its question and buttons.
func (c *Conv) Render() error {
	h, ok := c.e.router.steps[c.st.Step]
	if !ok || h.Render == nil {
		// A step this binary does not know (a newer one wrote it, or its
		// flow is off): go on from the menu rather than get stuck.
		c.st.Step = StepMenu
		h = c.e.router.steps[StepMenu]
	}
	return h.Render(c)
}

// Reask answers input we cannot use with a short explanation and the
// current step again, so the conversation stays where it was; at a
// question, a way to a person is offered too.
//
// Typed input (text, media, an edit) re-asks a question in full once; the
// next times at the same question get the explanation with the
// question's buttons and a way to a person. Only in a flood (messages
// within FloodGap of each other) is it shorter: the next two get the
// explanation alone, and more get no answer, so that twenty messages
// typed at one question do not bring it twenty times.
func (c *Conv) Reask(msgID string, data map[string]any) error {
	c.missed = true
	if c.st != nil {
		switch full, short := c.typedReask(); {
		case short && !c.flooding():
			// Someone typing at their own pace: the reason, with the
			// question's buttons under it, every time.
			rows := c.stepButtons()
			if row := c.personRow(); !offers(rows, row) {
				rows = append(rows, row)
			}
			c.Say(c.T(msgID, data), rows...)
			return nil
		case short:
			c.Say(c.T(msgID, data)+"\n"+c.T("bad_still", nil), c.personRow())
			return nil
		case !full:
			return nil
		}
	}
	n := len(c.out)
	if err := c.Render(); err != nil {
		return err
	}
	if len(c.out) == n {
		c.Say(c.T(msgID, data))
		return nil
	}
	c.out[n].Text = c.T(msgID, data) + "\n\n" + c.out[n].Text
	if c.Question() != "" || c.st.Step == StepDeclined {
		if row := c.personRow(); !offers(c.out[n].Buttons, row) {
			c.out[n].Buttons = append(c.out[n].Buttons, row)
		}
	}
	return nil
}

// offers reports whether rows hold the first button of row already.
func offers(rows [][]Button, row []Button) bool {
	for _, r := range rows {
		for _, b := range r {
			if len(row) > 0 && b.Data == row[0].Data {
				return true
			}
		}
	}
	return false
}

// cut keeps the first n runes of s.
func cut(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// OldButton answers a press that fits nothing now: a button from an older
// message, or data nobody we know could have sent.
func (c *Conv) OldButton() error { return c.Reask("bad_old_button", nil) }

// Escape is the row that offers a way to a person, or nil when none can
// be offered now.
//
// Without a staff side (no flow set one with Router.Escape) the way to a
// person is the office: its address, phone and hours.
func (c *Conv) Escape() []Button {
	if c.st == nil {
		return nil
	}
	if c.e.router.escape == nil {
		return []Button{{Text: c.T("menu_person", nil), Data: "office"}}
	}
	return c.e.router.escape(c)
}

// Routed reports whether a button with data would reach a flow.
func (c *Conv) Routed(data string) bool { return c.e.router.Routed(data) }

// Data gathers what every flow holds on the person, for /mydata.
func (c *Conv) Data() (lines []string, export map[string]any, err error) {
	export = map[string]any{}
	for _, h := range c.e.router.data {
		l, x, err := h(c)
		if err != nil {
			return nil, nil, err
		}
		lines = append(lines, l...)
		for k, v := range x {
			export[k] = v
		}
	}
	return lines, export, nil
}

// ForgetLines are what /forget will undo besides the data, from every
// flow's OnForget hook.
func (c *Conv) ForgetLines() ([]string, error) {
	var out []string
	for _, h := range c.e.router.forgets {
		l, err := h(c)
		if err != nil {
			return nil, err
		}
		out = append(out, l...)
	}
	return out, nil
}

// List joins items with the person's language's own separator.
func (c *Conv) List(items []string) string { return c.e.Texts.List(c.Lang(), items) }

// Date is d as a long date in the person's language.
func (c *Conv) Date(d time.Time) string { return c.e.Date(c.Lang(), d) }

// Day is d as a date without the year: appointments are weeks away at most.
func (c *Conv) Day(d time.Time) string {
	d = d.In(clock.Brussels)
	lang := c.Lang()
	return c.e.Texts.T(lang, "date_day", map[string]any{
		"Weekday": c.e.Texts.T(lang, "weekday_"+strconv.Itoa(int(d.Weekday())), nil),
		"Day":     d.Day(),
		"Month":   c.e.Texts.T(lang, "month_"+strconv.Itoa(int(d.Month())), nil),
	})
}

// Consented wraps h for buttons and commands that need stored data: before
// consent, the person is asked for it instead.
func Consented(h Handler) Handler {
	return func(c *Conv) error {
		if !c.Consented() {
			return c.Reask("consent_required", nil)
		}
		return h(c)
	}
}
