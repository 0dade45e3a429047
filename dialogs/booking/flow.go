package booking

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/locales"
)

// SlotsPage is how many slots a listing shows at a time.
const SlotsPage = 4

// MaxNoticed bounds the notices remembered per person.
const MaxNoticed = 100

// StepPhone is where the person is asked the number a coach calls them on.
const StepPhone dialogs.Step = "phone"

// State is the flow's part of a conversation.
type State struct {
	// Moving is the appointment the person is moving, until they pick
	// the new one.
	Moving string `json:"moving,omitempty"`
	// Noticed are the schedule's notices shown, so that one handed out
	// twice is shown once.
	Noticed []string `json:"noticed,omitempty"`
	// Calendar is, per appointment in the person's calendar, the key of
	// its calendar UID and the SEQUENCE of the last file sent, so that a
	// move updates the entry and a cancellation takes it out.
	Calendar map[string]Entry `json:"calendar,omitempty"`
	// PhoneFor is the phone talk whose number is being asked.
	PhoneFor string `json:"phone_for,omitempty"`
	// Phone is the number a coach calls, kept until the talk is over.
	Phone *Phone `json:"phone,omitempty"`
	// Interpreter: the person asked staff for an interpreter.
	Interpreter bool `json:"interpreter,omitempty"`
}

// Entry is one appointment's calendar entry.
type Entry struct {
	Key string `json:"key"`
	Seq int    `json:"seq"`
	// Until is when the entry is no longer worth remembering.
	Until time.Time `json:"until"`
}

// Phone is the number a phone talk's coach calls.
type Phone struct {
	Number string    `json:"number"`
	Item   string    `json:"item"`
	Until  time.Time `json:"until"`
}

// Part is where the flow keeps its State.
var Part = dialogs.Part[State]{Key: "booking"}

// Flow is booking.
type Flow struct {
	Schedule Scheduler
	// Records, when set, tells /mydata all the schedule keeps (past
	// appointments, what staff marked, planned reminders); without it,
	// /mydata lists the future appointments.
	Records Records
	// Calendar, when set, makes the calendar file sent with a booking.
	Calendar Calendar
}

// Register implements dialogs.Flow.
func (f Flow) Register(r *dialogs.Router) {
	r.Button("bk", dialogs.Consented(f.press))
	r.Inject(dialogs.KindNotice, f.notice)
	r.Step(StepPhone, dialogs.StepHandler{Render: f.askPhone, Text: f.typedPhone})
	r.Contact(dialogs.Consented(f.sharedPhone))
	r.Menu(func(c *dialogs.Conv) [][]dialogs.Button {
		if !orientation.Of(c).Done() {
			return nil
		}
		return Rows(c)
	})
	r.Data(f.data)
	r.OnForget(f.forgetLines)
	// Every turn, whichever flow it went to: the phone question promises
	// that the number is erased after the talk, also for someone who
	// never presses a booking button again.
	r.Finally(tidy)
}

// Rows are the ways to book and to see one's appointments.
func Rows(c *dialogs.Conv) [][]dialogs.Button {
	b := func(id, data string) dialogs.Button { return dialogs.Button{Text: c.T(id, nil), Data: data} }
	return [][]dialogs.Button{
		{b("menu_coaching", "bk:lc:0"), b("menu_sessions", "bk:ls:0")},
		{b("menu_appointments", "bk:me")},
	}
}

// isSession tells whether a booking verb is about info sessions: the
// second letter says which kind ("bs", "ls", …), and only sessions have a
// waiting list ("w").
func isSession(verb string) bool {
	return verb == "w" || len(verb) == 2 && verb[1] == 's'
}

// press handles "bk:<verb>[:<id or offset>[:<version>]]".
func (f Flow) press(c *dialogs.Conv) error {
	_, verb, rest := dialogs.SplitData(c.Event().Data)
	id, version, _ := strings.Cut(rest, ":")
	s := Part.Of(c)
	ctx, chat := c.Context(), c.Event().ChatID
	tidy(c)
	switch verb {
	case "tc", "ts", "mc", "ms":
	default:
		s.Moving = "" // anything else ends a move that was not finished
	}
	if c.Step() == StepPhone {
		c.Enter(dialogs.StepMenu) // a press elsewhere leaves the question
	}
	var res Result
	var err error
	switch verb {
	case "lc", "ls":
		if verb == "lc" && offset(rest) == 0 {
			// One coaching talk at a time: say so before the list, not
			// after a pick.
			if held, err := f.heldTalk(c); err != nil || held != nil {
				if held != nil {
					f.hasTalk(c, *held)
				}
				return err
			}
		}
		return f.listing(c, isSession(verb), offset(rest), false)
	case "mc", "ms":
		if s.Moving == "" {
			return c.OldButton()
		}
		return f.listing(c, isSession(verb), offset(rest), true)
	case "me":
		return f.appointments(c)
	case "menu":
		c.Menu()
		return nil
	case "ip":
		return f.interpreter(c)
	case "xn":
		c.Say(c.T("cancel_kept", nil), Rows(c)...)
		return nil
	case "kp":
		sl, err := f.Schedule.Slot(ctx, chat, id)
		if err != nil {
			return err
		}
		if sl == nil || !sl.Held {
			return c.OldButton()
		}
		c.Say(c.T("move_kept", when(c, *sl)), Rows(c)...)
		return nil
	case "mv", "x", "ok":
		sl, err := f.Schedule.Slot(ctx, chat, id)
		if err != nil {
			return err
		}
		if sl != nil && (sl.Held || sl.Waiting) && !sl.Start.After(c.Now()) {
			return f.started(c, *sl)
		}
		switch {
		case verb == "mv" && sl != nil && sl.Held:
			s.Moving = sl.ID
			c.Say(c.T("move_pick", nil))
			return f.listing(c, sl.Session, 0, true)
		case verb == "x" && sl != nil && (sl.Held || sl.Waiting):
			w := when(c, *sl)
			w["What"] = what(c, *sl)
			// Keeping it comes first, where the button that led here was:
			// a second tap on the same spot must not cancel.
			c.Say(c.T("cancel_confirm", w), []dialogs.Button{
				{Text: c.T("btn_cancel_no", nil), Data: "bk:xn:" + sl.ID}, {Text: c.T("btn_cancel_yes", nil), Data: "bk:xy:" + sl.ID}})
			return nil
		case verb == "ok" && sl != nil && sl.Held:
			c.Say(c.T("be_there_done", nil))
			return nil
		}
		return c.OldButton()
	case "xy":
		res, err = f.Schedule.Cancel(ctx, chat, id)
	case "w":
		res, err = f.Schedule.Wait(ctx, chat, id)
		if err == nil && res.Outcome == NotFull && res.Slot != nil {
			res, err = f.Schedule.Book(ctx, chat, id, res.Slot.Version) // a seat came free meanwhile: take it
		}
	case "bc", "bs":
		res, err = f.Schedule.Book(ctx, chat, id, version)
	case "tc", "ts":
		if s.Moving == "" {
			res, err = f.Schedule.Book(ctx, chat, id, version)
		} else {
			res, err = f.Schedule.Move(ctx, chat, s.Moving, id, version)
		}
	default:
		return c.OldButton()
	}
	if err != nil {
		return err
	}
	if res.Slot != nil {
		// Booked, waiting or given back afresh: what was shown about
		// this appointment before may be news again.
		s.Noticed = slices.DeleteFunc(s.Noticed, func(k string) bool {
			_, rest, _ := strings.Cut(k, ":")
			return strings.HasPrefix(rest, res.Slot.ID+"@")
		})
	}
	return f.answer(c, verb, id, res)
}

func offset(s string) int {
	n, _ := strconv.Atoi(s)
	return max(n, 0)
}

// tidy forgets what is no longer needed: calendar entries of appointments
// long over, and the phone number once its talk is over.
func tidy(c *dialogs.Conv) {
	s := Part.Of(c)
	now := c.Now()
	for id, e := range s.Calendar {
		if e.Until.Before(now) {
			delete(s.Calendar, id)
		}
	}
	if len(s.Calendar) == 0 {
		s.Calendar = nil
	}
	if s.Phone != nil && s.Phone.Until.Before(now) {
		s.Phone = nil
	}
}

// heldTalk is the future coaching talk the person holds, if any.
func (f Flow) heldTalk(c *dialogs.Conv) (*Slot, error) {
	mine, err := f.Schedule.Mine(c.Context(), c.Event().ChatID)
	if err != nil {
		return nil, err
	}
	for _, x := range mine {
		if !x.Session && x.Held {
			return &x, nil
		}
	}
	return nil, nil
}

// hasTalk says the person has a coaching talk already, offering to move it.
func (f Flow) hasTalk(c *dialogs.Conv, held Slot) {
	// Keeping it comes first, where "Talk to a coach" was: a second tap
	// must not start moving the talk.
	c.Say(c.T("book_has_coaching", when(c, held)),
		[]dialogs.Button{{Text: c.T("btn_cancel_no", nil), Data: "bk:xn:" + held.ID}, {Text: c.T("btn_move", nil), Data: "bk:mv:" + held.ID}},
		[]dialogs.Button{{Text: c.T("btn_menu", nil), Data: "bk:menu"}})
}

// started answers a cancel, move or "I'll be there" on an appointment that
// has begun: nothing changes any more; a new one can be booked.
func (f Flow) started(c *dialogs.Conv, sl Slot) error {
	w := when(c, sl)
	w["What"] = what(c, sl)
	again, againText := "bk:lc:0", c.T("menu_coaching", nil)
	if sl.Session {
		again, againText = "bk:ls:0", c.T("menu_sessions", nil)
	}
	c.Say(c.T("appt_started", w), []dialogs.Button{{Text: againText, Data: again}, {Text: c.T("btn_menu", nil), Data: "bk:menu"}})
	return nil
}

// answer says what a book, wait, cancel or move came to.
func (f Flow) answer(c *dialogs.Conv, verb, id string, res Result) error {
	s := Part.Of(c)
	session := isSession(verb)
	moving := s.Moving != "" && (verb == "tc" || verb == "ts")
	switch res.Outcome {
	case Booked:
		if res.Slot == nil {
			// Booked, then taken out of the schedule by an import before
			// it could be read back: its cancellation news follows.
			c.Say(c.T("book_gone", nil))
			return f.listing(c, session, 0, moving)
		}
		kind, msg := dialogs.NoteBooked, "booked_done"
		if moving {
			kind, msg = dialogs.NoteMoved, "moved_done"
		}
		from := s.Moving
		s.Moving = ""
		f.confirm(c, *res.Slot, msg, from)
		c.Note(slotNote(c, kind, *res.Slot))
		if res.Slot.Mode == "phone" {
			if s.Phone != nil && s.Phone.Item == from {
				// Moved to another phone talk: its coach gets the number.
				s.Phone.Item, s.Phone.Until = res.Slot.ID, res.Slot.Start.Add(res.Slot.Duration)
				c.Note(phoneNote(c, *res.Slot, s.Phone.Number))
				return nil
			}
			s.PhoneFor = res.Slot.ID
			c.Enter(StepPhone)
			return f.askPhone(c)
		}
		if s.Phone != nil && s.Phone.Item == from {
			s.Phone = nil // no call any more
		}
	case Already:
		c.Say(c.T("book_already", nil), []dialogs.Button{{Text: c.T("menu_appointments", nil), Data: "bk:me"}})
	case HasCoaching:
		held, err := f.heldTalk(c)
		if err != nil {
			return err
		}
		if held == nil {
			c.Say(c.T("book_already", nil), []dialogs.Button{{Text: c.T("menu_appointments", nil), Data: "bk:me"}})
			return nil
		}
		f.hasTalk(c, *held)
	case Full:
		if session && res.Slot != nil {
			c.Say(c.T("book_full_session", nil), []dialogs.Button{{Text: c.T("btn_waitlist", nil), Data: "bk:w:" + res.Slot.ID}},
				[]dialogs.Button{{Text: c.T("menu_sessions", nil), Data: "bk:ls:0"}})
			return nil
		}
		c.Say(c.T("book_full_slot", nil))
		return f.listing(c, false, 0, moving)
	case Gone, Changed, Past:
		c.Say(c.T("book_"+string(res.Outcome), nil))
		return f.listing(c, session, 0, moving)
	case Started:
		// The appointment cancelled, or the one being moved, has begun.
		which := id
		if verb == "tc" || verb == "ts" {
			which = s.Moving
		}
		s.Moving = ""
		sl, err := f.Schedule.Slot(c.Context(), c.Event().ChatID, which)
		if err != nil {
			return err
		}
		if sl == nil {
			return c.OldButton()
		}
		return f.started(c, *sl)
	case Waiting:
		if res.Slot == nil {
			return c.OldButton()
		}
		c.Say(c.T("waiting_done", map[string]any{"What": what(c, *res.Slot), "Date": c.Day(res.Slot.Start)}),
			[]dialogs.Button{{Text: c.T("menu_appointments", nil), Data: "bk:me"}})
	case Cancelled, NotBooked:
		if res.Outcome == Cancelled && res.Slot != nil {
			c.Note(slotNote(c, dialogs.NoteCancelled, *res.Slot))
			if s.Phone != nil && s.Phone.Item == res.Slot.ID {
				s.Phone = nil
			}
			if s.PhoneFor == res.Slot.ID {
				s.PhoneFor = ""
			}
			if r := f.cancelFile(c, *res.Slot, c.T("cancel_done", nil)); r != nil {
				r.Buttons = Rows(c)
				c.Send(*r)
				return nil
			}
		}
		c.Say(c.T("cancel_done", nil), Rows(c)...)
	case LeftWait:
		c.Say(c.T("waiting_left", nil), Rows(c)...)
	default:
		return c.OldButton()
	}
	return nil
}

// listing shows a page of slots, numbered, a tap each, with back, later
// (while there are more) and the menu on every page; in a move, a tap
// moves the appointment, and the current time can be kept.
func (f Flow) listing(c *dialogs.Conv, session bool, at int, moving bool) error {
	s := Part.Of(c)
	var page []Slot
	var err error
	// One more than shown tells whether there is a next page.
	if session {
		page, err = f.Schedule.Sessions(c.Context(), orientation.Of(c).Profile.Sectors, at, SlotsPage+1)
	} else {
		page, err = f.Schedule.Free(c.Context(), c.Lang(), at, SlotsPage+1)
	}
	if err != nil {
		return err
	}
	more := len(page) > SlotsPage
	page = page[:min(len(page), SlotsPage)]
	var slots []Slot
	for _, x := range page {
		if x.ID != s.Moving {
			slots = append(slots, x)
		}
	}
	if len(slots) == 0 && !more {
		switch {
		case moving:
			s.Moving = ""
			c.Say(c.T("no_move_options", nil), Rows(c)...)
		case at > 0:
			c.Say(c.T("slots_end", nil), append(Rows(c), []dialogs.Button{{Text: c.T("btn_back", nil), Data: listData(session, moving, at-SlotsPage)}})...)
		case session:
			c.Say(c.T("sessions_none", nil), Rows(c)...)
		default:
			c.Say(c.T("slots_none", nil), Rows(c)...)
		}
		return nil
	}
	intro, kind := "slots_intro", "c"
	if session {
		intro, kind = "sessions_intro", "s"
	}
	verb := "b"
	if moving {
		verb = "t"
	}
	lines := []string{c.T(intro, nil)}
	var rows [][]dialogs.Button
	if !session && at == 0 && len(page) > 0 && !slices.Contains(page[0].Languages, c.Lang()) {
		// The coaches who speak the person's language come first: when
		// the first does not, none does.
		lines = append(lines, c.T("no_coach_speaks", map[string]any{"Language": LanguageName(c, c.Lang())}))
		if Part.Of(c).Interpreter {
			lines = append(lines, c.T("interpreter_asked", nil))
		} else {
			rows = append(rows, []dialogs.Button{{Text: c.T("btn_interpreter", nil), Data: "bk:ip"}})
		}
	}
	var row []dialogs.Button
	for i, x := range slots {
		n := at + i + 1
		lines = append(lines, slotLine(c, n, x))
		row = append(row, dialogs.Button{Text: strconv.Itoa(n), Data: fmt.Sprintf("bk:%s%s:%s:%s", verb, kind, x.ID, x.Version)})
	}
	if row != nil {
		rows = append([][]dialogs.Button{row}, rows...)
	}
	var nav []dialogs.Button
	if at > 0 {
		nav = append(nav, dialogs.Button{Text: c.T("btn_back", nil), Data: listData(session, moving, at-SlotsPage)})
	}
	if more {
		nav = append(nav, dialogs.Button{Text: c.T("btn_later", nil), Data: listData(session, moving, at+SlotsPage)})
	}
	if nav != nil {
		rows = append(rows, nav)
	}
	if moving {
		rows = append(rows, []dialogs.Button{{Text: c.T("btn_keep_time", nil), Data: "bk:kp:" + s.Moving}})
	}
	rows = append(rows, []dialogs.Button{{Text: c.T("btn_menu", nil), Data: "bk:menu"}})
	c.Say(strings.Join(lines, "\n\n"), rows...)
	return nil
}

// listData is the button data of a listing's page at offset at.
func listData(session, moving bool, at int) string {
	list, kind := "l", "c"
	if moving {
		list = "m"
	}
	if session {
		kind = "s"
	}
	return fmt.Sprintf("bk:%s%s:%d", list, kind, max(at, 0))
}

func slotLine(c *dialogs.Conv, n int, s Slot) string {
	w := when(c, s)
	w["N"], w["Place"] = n, place(c, s)
	var line string
	if !s.Session {
		line = c.T("slot_line", w)
	} else {
		w["Title"] = what(c, s)
		if s.SeatsFree > 0 {
			w["Seats"] = c.N("seats_left", s.SeatsFree, nil)
		} else {
			w["Seats"] = c.T("session_full", nil)
		}
		// A session's line names its languages itself ("in Dutch").
		w["Language"] = languageNames(c, s)
		line = c.T("session_line", w)
	}
	if !s.Session {
		line += "\n" + c.T("languages_line", map[string]any{"Languages": languageNames(c, s)})
	}
	if s.Interpreter {
		line += "\n" + c.T("interpreter_on_request", nil)
	}
	if !s.Session && slices.Contains(s.Languages, c.Lang()) {
		line += "\n" + c.T("slot_speaks", nil)
	}
	return line
}

// languageNames names the languages of a coach or session in the reader's
// language, as a list.
func languageNames(c *dialogs.Conv, s Slot) string {
	names := make([]string, 0, len(s.Languages))
	for _, l := range s.Languages {
		names = append(names, LanguageName(c, l))
	}
	return c.List(names)
}

// LanguageName is the name of language code in the reader's language
// ("Arabisch" to a Dutch reader, "الهولندية" to an Arabic one).
func LanguageName(c *dialogs.Conv, code string) string {
	return c.T("lang_"+strings.ReplaceAll(strings.ToLower(code), "-", "_"), nil)
}

// interpreter asks staff for an interpreter in the person's language and
// shows the times again.
func (f Flow) interpreter(c *dialogs.Conv) error {
	s := Part.Of(c)
	if !s.Interpreter {
		s.Interpreter = true
		c.Note(dialogs.Note{Kind: dialogs.NoteInterpreter, Fields: []dialogs.Field{
			{Label: "Taal", Value: c.Engine().Texts.T(locales.Source, "lang_"+strings.ReplaceAll(strings.ToLower(c.Lang()), "-", "_"), nil)}}})
	}
	c.Say(c.T("interpreter_done", nil))
	return f.listing(c, false, 0, false)
}

// appointments lists what the person holds, each with cancel and move.
func (f Flow) appointments(c *dialogs.Conv) error {
	slots, err := f.Schedule.Mine(c.Context(), c.Event().ChatID)
	if err != nil {
		return err
	}
	if len(slots) == 0 {
		last, err := f.lastPassed(c)
		if err != nil {
			return err
		}
		if last == nil {
			c.Say(c.T("appts_none", nil), Rows(c)...)
			return nil
		}
		// Say where the appointment went, and offer the next.
		c.Say(c.T("appts_past", map[string]any{"What": what(c, *last), "Date": c.Day(last.Start)}),
			Rows(c)[0], []dialogs.Button{{Text: c.T("btn_menu", nil), Data: "bk:menu"}})
		return nil
	}
	lines := []string{c.T("appts_title", nil)}
	var rows [][]dialogs.Button
	for i, s := range slots {
		w := when(c, s)
		w["N"], w["What"], w["Place"] = i+1, what(c, s), place(c, s)
		line := c.T("appt_line", w)
		row := []dialogs.Button{{Text: c.T("btn_cancel_n", map[string]any{"N": i + 1}), Data: "bk:x:" + s.ID}}
		if s.Waiting {
			line += "\n" + c.T("appt_waiting", nil)
		} else {
			row = append(row, dialogs.Button{Text: c.T("btn_move_n", map[string]any{"N": i + 1}), Data: "bk:mv:" + s.ID})
		}
		lines = append(lines, line)
		rows = append(rows, row)
	}
	rows = append(rows, []dialogs.Button{{Text: c.T("btn_menu", nil), Data: "bk:menu"}})
	c.Say(strings.Join(lines, "\n\n"), rows...)
	return nil
}

// lastPassed is the last appointment the person held that has begun, as
// the schedule still keeps it; nil for none, or without Records.
func (f Flow) lastPassed(c *dialogs.Conv) (*Slot, error) {
	if f.Records == nil {
		return nil, nil
	}
	recs, err := f.Records.Records(c.Context(), c.Event().ChatID)
	if err != nil {
		return nil, err
	}
	var last *Slot
	for _, r := range recs {
		if s := r.Slot; s.Held && !s.Cancelled && !s.Start.IsZero() && !s.Start.After(c.Now()) && (last == nil || s.Start.After(last.Start)) {
			last = &s
		}
	}
	return last, nil
}

// data is booking's share of /mydata: the appointments, and the number a
// coach will call.
func (f Flow) data(c *dialogs.Conv) ([]string, map[string]any, error) {
	if !c.Consented() {
		return nil, nil, nil
	}
	var recs []Record
	if f.Records != nil {
		var err error
		if recs, err = f.Records.Records(c.Context(), c.Event().ChatID); err != nil {
			return nil, nil, err
		}
	} else {
		slots, err := f.Schedule.Mine(c.Context(), c.Event().ChatID)
		if err != nil {
			return nil, nil, err
		}
		for _, s := range slots {
			recs = append(recs, Record{Slot: s})
		}
	}
	var lines []string
	export := map[string]any{}
	if p := Part.Of(c).Phone; p != nil && p.Until.After(c.Now()) {
		lines = append(lines, c.T("mydata_phone", map[string]any{"Phone": p.Number}))
		export["phone_for_coach"] = p.Number
	}
	if len(recs) == 0 {
		return lines, export, nil
	}
	var appts []string
	var detail []map[string]any
	for _, r := range recs {
		s := r.Slot
		text := s.ID
		if !s.Start.IsZero() {
			w := when(c, s)
			text = c.List([]string{what(c, s), w["Date"].(string) + " " + w["Time"].(string)})
		}
		d := map[string]any{"id": s.ID, "start": s.Start, "holds_a_seat": s.Held, "on_the_waiting_list": s.Waiting}
		switch {
		case s.Waiting:
			text += " – " + c.T("mydata_waiting", nil)
		case r.Came != nil && *r.Came:
			text += " – " + c.T("mydata_came", nil)
		case r.Came != nil:
			text += " – " + c.T("mydata_missed", nil)
		}
		if r.Came != nil {
			d["came"] = *r.Came
		}
		if s.Cancelled {
			d["cancelled_by_staff"] = true
		}
		if len(r.Planned) > 0 {
			d["reminders_planned"] = r.Planned
		}
		appts = append(appts, text)
		detail = append(detail, d)
	}
	line := c.T("mydata_appointments", map[string]any{"List": "\n    – " + strings.Join(appts, "\n    – ")})
	export["appointments"], export["appointment_records"] = appts, detail
	return append([]string{line}, lines...), export, nil
}

// listed is each appointment in one line: what and when.
func listed(c *dialogs.Conv, slots []Slot) []string {
	var out []string
	for _, s := range slots {
		w := when(c, s)
		out = append(out, c.List([]string{what(c, s), w["Date"].(string) + " " + w["Time"].(string)}))
	}
	return out
}

// forgetLines tells /forget's confirmation which bookings it cancels.
func (f Flow) forgetLines(c *dialogs.Conv) ([]string, error) {
	slots, err := f.Schedule.Mine(c.Context(), c.Event().ChatID)
	if err != nil || len(slots) == 0 {
		return nil, err
	}
	return []string{c.T("forget_bookings", map[string]any{"List": "\n– " + strings.Join(listed(c, slots), "\n– ")})}, nil
}

// entry is the calendar entry of s: the one it had, the one of from (the
// appointment it replaces in a move), or a new one.
func entry(c *dialogs.Conv, s Slot, from string) Entry {
	st := Part.Of(c)
	e, ok := st.Calendar[s.ID]
	if !ok && from != "" {
		e, ok = st.Calendar[from]
		delete(st.Calendar, from)
	}
	if ok {
		e.Seq++
	} else {
		e = Entry{Key: s.ID}
	}
	e.Until = s.Start.Add(s.Duration).Add(24 * time.Hour)
	return e
}

// confirm tells the person what they now hold, the reminders still ahead,
// with the calendar file. from is the appointment it replaces in a move,
// so that the file updates the calendar entry instead of adding a second
// one.
func (f Flow) confirm(c *dialogs.Conv, s Slot, msg, from string) {
	w := when(c, s)
	w["What"], w["Place"] = what(c, s), place(c, s)
	text := c.T(msg, w)
	if d := description(c, s); d != "" {
		text += "\n\n" + d
	}
	switch {
	case slices.Contains(s.Reminders, DayBefore) && slices.Contains(s.Reminders, HoursBefore):
		text += "\n\n" + c.T("reminders_both", nil)
	case slices.Contains(s.Reminders, HoursBefore):
		text += "\n\n" + c.T("reminders_hours", nil)
	}
	r := dialogs.Reply{Text: text, Buttons: [][]dialogs.Button{{{Text: c.T("menu_appointments", nil), Data: "bk:me"}}}}
	if f.Calendar != nil {
		st := Part.Of(c)
		e := entry(c, s, from)
		if st.Calendar == nil {
			st.Calendar = map[string]Entry{}
		}
		st.Calendar[s.ID] = e
		r.Document = &dialogs.Document{Name: "werkwijzer-" + s.Start.In(clock.Brussels).Format("2006-01-02") + ".ics",
			Content: f.Calendar(s, c.Event().ChatID, CalendarText{Key: e.Key, Seq: e.Seq, Summary: what(c, s),
				Description: calendarDescription(c, s), Location: place(c, s)}),
			Caption: c.T("ics_caption", nil)}
	}
	c.Send(r)
}

// cancelFile is a reply with text and the file that takes s out of the
// person's calendar; nil without calendar files.
func (f Flow) cancelFile(c *dialogs.Conv, s Slot, text string) *dialogs.Reply {
	if f.Calendar == nil {
		return nil
	}
	st := Part.Of(c)
	e := entry(c, s, "")
	delete(st.Calendar, s.ID)
	return &dialogs.Reply{Text: text, Document: &dialogs.Document{
		Name: "werkwijzer-" + s.Start.In(clock.Brussels).Format("2006-01-02") + "-cancelled.ics",
		Content: f.Calendar(s, c.Event().ChatID, CalendarText{Key: e.Key, Seq: e.Seq, Cancel: true, Summary: what(c, s),
			Description: calendarDescription(c, s), Location: place(c, s)}),
		Caption: c.T("ics_cancel_caption", nil)}}
}

func calendarDescription(c *dialogs.Conv, s Slot) string {
	d := c.T("ics_description", nil)
	if x := description(c, s); x != "" {
		d = x + "\n\n" + d
	}
	return d
}

// notice shows what the schedule has to say: a reminder, a seat from the
// waiting list, a no-show, a video link, or a change by staff; each once,
// and nothing about an appointment that has begun.
func (f Flow) notice(c *dialogs.Conv) error {
	kind, id := parseNotice(c.Event())
	if !c.Consented() {
		return nil
	}
	sl, err := f.Schedule.Slot(c.Context(), c.Event().ChatID, id)
	if err != nil || sl == nil {
		return err
	}
	s := Part.Of(c)
	// Keyed by the appointment's time too: a reminder for a slot staff
	// moved is news, not a second copy.
	key := c.Event().Data + "@" + strconv.FormatInt(sl.Start.Unix(), 10)
	if slices.Contains(s.Noticed, key) {
		return nil
	}
	now := c.Now()
	switch kind {
	case DayBefore, HoursBefore, Promoted, ItemMoved, VideoLink:
		if !sl.Held || !sl.Start.After(now) {
			return nil // cancelled meanwhile, or begun: nothing to say
		}
	}
	s.Noticed = append(s.Noticed, key)
	if len(s.Noticed) > MaxNoticed {
		s.Noticed = s.Noticed[len(s.Noticed)-MaxNoticed:]
	}
	w := when(c, *sl)
	w["What"], w["Place"] = what(c, *sl), place(c, *sl)
	again, againText := "bk:lc:0", c.T("menu_coaching", nil)
	if sl.Session {
		again, againText = "bk:ls:0", c.T("menu_sessions", nil)
	}
	actions := []dialogs.Button{{Text: c.T("btn_cancel", nil), Data: "bk:x:" + sl.ID}, {Text: c.T("btn_move", nil), Data: "bk:mv:" + sl.ID}}
	switch kind {
	case DayBefore, HoursBefore:
		// Worded for when it goes: a day-before reminder that could only
		// go out on the day itself says today.
		msg := "reminder_day"
		if kind == HoursBefore || sameDay(now, sl.Start) {
			msg = "reminder_today"
		}
		text := c.T(msg, w)
		if kind == HoursBefore && sl.Mode == "video" {
			if sl.Link != "" {
				text += "\n" + c.T("video_link", map[string]any{"Link": sl.Link})
			} else {
				text += "\n" + c.T("video_link_soon", nil)
			}
		}
		// "Will you come?": a typed yes is "I'll be there", a no ("nee",
		// "i cant come") the cancel, which asks before it cancels.
		asked := []dialogs.Button{{Text: c.T("btn_cancel", nil), Data: "bk:x:" + sl.ID, Role: dialogs.RoleNo}, actions[1]}
		c.Say(text, []dialogs.Button{{Text: c.T("btn_be_there", nil), Data: "bk:ok:" + sl.ID, Role: dialogs.RoleYes}}, asked)
	case VideoLink:
		if sl.Link == "" {
			return nil
		}
		c.Say(c.T("video_link_now", w)+"\n"+c.T("video_link", map[string]any{"Link": sl.Link}), actions)
	case Promoted:
		c.Note(slotNote(c, dialogs.NotePromoted, *sl))
		f.confirm(c, *sl, "promoted", "")
		c.Last().Buttons = [][]dialogs.Button{{{Text: c.T("btn_give_back", nil), Data: "bk:x:" + sl.ID}}}
	case ItemMoved:
		f.confirm(c, *sl, "item_moved", "")
		c.Last().Buttons = [][]dialogs.Button{actions}
	case ItemCancel:
		if s.Phone != nil && s.Phone.Item == sl.ID {
			s.Phone = nil
		}
		text := c.T("item_cancelled", w)
		if _, inCalendar := s.Calendar[sl.ID]; inCalendar {
			if r := f.cancelFile(c, *sl, text); r != nil {
				r.Buttons = [][]dialogs.Button{{{Text: againText, Data: again}}}
				c.Send(*r)
				return nil
			}
		}
		c.Say(text, []dialogs.Button{{Text: againText, Data: again}})
	case NoShow:
		c.Note(slotNote(c, dialogs.NoteNoShow, *sl))
		c.Say(c.T("noshow", map[string]any{"What": w["What"], "Date": c.Day(sl.Start)}),
			[]dialogs.Button{{Text: againText, Data: again}})
	case Attended:
		c.Note(slotNote(c, dialogs.NoteAttended, *sl)) // for the funnel; nothing to say
	}
	return nil
}

func sameDay(a, b time.Time) bool {
	a, b = a.In(clock.Brussels), b.In(clock.Brussels)
	return a.YearDay() == b.YearDay() && a.Year() == b.Year()
}

// askPhone asks the number the coach of a phone talk calls on, with the
// key that shares it, and why; a second message offers the way out.
func (f Flow) askPhone(c *dialogs.Conv) error {
	s := Part.Of(c)
	sl, err := f.Schedule.Slot(c.Context(), c.Event().ChatID, s.PhoneFor)
	if err != nil {
		return err
	}
	if sl == nil || !sl.Held || !sl.Start.After(c.Now()) {
		s.PhoneFor = ""
		c.Enter(dialogs.StepMenu)
		c.Menu()
		return nil
	}
	c.Send(dialogs.Reply{Text: c.T("phone_ask", map[string]any{"Coach": sl.Coach}) + "\n" +
		c.T("why_prefix", map[string]any{"Reason": c.T("phone_why", nil)}),
		Keys: [][]dialogs.Key{{{Text: c.T("btn_share_phone", nil), Contact: true}}}})
	// The menu first: this follows "Booked!", and a second tap on its
	// button's spot must not start a cancellation.
	rows := [][]dialogs.Button{{{Text: c.T("btn_menu", nil), Data: "bk:menu"}, {Text: c.T("btn_cancel", nil), Data: "bk:x:" + sl.ID}}}
	if row := c.Escape(); row != nil {
		rows = append(rows, row)
	}
	c.Say(c.T("phone_alt", nil), rows...)
	return nil
}

// typedPhone takes a number typed at the question.
func (f Flow) typedPhone(c *dialogs.Conv, text string) error {
	number, ok := normalPhone(text)
	if !ok {
		return c.Reask("bad_phone", nil)
	}
	return f.savePhone(c, number)
}

// sharedPhone takes the number shared with the contact key: for the
// phone talk asked about, or, when the question was left, the person's
// future phone talk.
func (f Flow) sharedPhone(c *dialogs.Conv) error {
	s := Part.Of(c)
	if s.PhoneFor == "" {
		mine, err := f.Schedule.Mine(c.Context(), c.Event().ChatID)
		if err != nil {
			return err
		}
		for _, x := range mine {
			if x.Held && x.Mode == "phone" {
				s.PhoneFor = x.ID
			}
		}
	}
	number, ok := normalPhone(c.Event().Text)
	if s.PhoneFor == "" || !ok {
		c.Send(dialogs.Reply{Text: c.T("phone_not_needed", nil), RemoveKeys: true})
		return c.Render()
	}
	return f.savePhone(c, number)
}

// savePhone keeps the number for the talk, tells its coach (and nobody
// else), and gives the person their keyboard back.
func (f Flow) savePhone(c *dialogs.Conv, number string) error {
	s := Part.Of(c)
	sl, err := f.Schedule.Slot(c.Context(), c.Event().ChatID, s.PhoneFor)
	if err != nil {
		return err
	}
	s.PhoneFor = ""
	if c.Step() == StepPhone {
		c.Enter(dialogs.StepMenu)
	}
	if sl == nil || !sl.Held || !sl.Start.After(c.Now()) {
		c.Send(dialogs.Reply{Text: c.T("phone_not_needed", nil), RemoveKeys: true})
		c.Menu()
		return nil
	}
	s.Phone = &Phone{Number: number, Item: sl.ID, Until: sl.Start.Add(sl.Duration)}
	c.Note(phoneNote(c, *sl, number))
	c.Send(dialogs.Reply{Text: c.T("phone_saved", map[string]any{"Phone": number, "Coach": sl.Coach}), RemoveKeys: true})
	c.Say(c.T("menu_title", nil), Rows(c)...)
	return nil
}

// normalPhone reads a phone number, in any script's digits, as a Belgian
// one unless it says its country, and writes it internationally; ok is
// false for what cannot be a number to call.
func normalPhone(s string) (string, bool) {
	s = strings.TrimSpace(locales.Digits(s))
	if s == "" || len(s) > 32 {
		return "", false
	}
	if strings.HasPrefix(s, "00") {
		s = "+" + s[2:]
	}
	if len(s) >= 11 && !strings.HasPrefix(s, "+") && !strings.HasPrefix(s, "0") {
		s = "+" + s // Telegram's contacts come without the plus
	}
	n, err := phonenumbers.Parse(s, "BE")
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", false
	}
	return phonenumbers.Format(n, phonenumbers.INTERNATIONAL), true
}

// phoneNote gives the number to the coach of s alone.
func phoneNote(c *dialogs.Conv, s Slot, number string) dialogs.Note {
	n := slotNote(c, dialogs.NotePhone, s)
	n.Fields = append(n.Fields, dialogs.Field{Label: "Telefoon", Value: number})
	n.To = s.CoachStaff
	return n
}

// when is a slot's date and time in the person's language.
func when(c *dialogs.Conv, s Slot) map[string]any {
	return map[string]any{"Date": c.Day(s.Start), "Time": s.Start.In(clock.Brussels).Format("15:04")}
}

func what(c *dialogs.Conv, s Slot) string {
	if s.Session {
		if t := s.Titles[c.Lang()]; t != "" {
			return t
		}
		return s.Title
	}
	return c.T("what_coaching", map[string]any{"Coach": s.Coach})
}

// description is a session's description in the person's language, or in
// Dutch.
func description(c *dialogs.Conv, s Slot) string {
	if d := s.Descriptions[c.Lang()]; d != "" {
		return d
	}
	return s.Descriptions[locales.Source]
}

func place(c *dialogs.Conv, s Slot) string {
	switch s.Mode {
	case "phone":
		return c.T("place_phone", nil)
	case "video":
		return c.T("place_video", nil)
	}
	return s.Address
}

// slotNote tells staff about a booking, in Dutch.
func slotNote(c *dialogs.Conv, kind dialogs.NoteKind, s Slot) dialogs.Note {
	what := "Coachinggesprek met " + s.Coach
	if s.Session {
		what = "Infosessie: " + s.Title
	}
	where := s.Address
	switch s.Mode {
	case "phone":
		where = "Telefonisch"
	case "video":
		where = "Videogesprek"
	}
	fields := []dialogs.Field{
		{Label: "Afspraak", Value: what},
		{Label: "Wanneer", Value: c.Engine().Date("nl", s.Start) + " " + s.Start.In(clock.Brussels).Format("15:04")},
		{Label: "Waar", Value: where}}
	if Part.Of(c).Interpreter && !slices.Contains(s.Languages, c.Lang()) {
		fields = append(fields, dialogs.Field{Label: "Tolk", Value: "Gevraagd voor het " +
			c.Engine().Texts.T(locales.Source, "lang_"+strings.ReplaceAll(strings.ToLower(c.Lang()), "-", "_"), nil)})
	}
	return dialogs.Note{Kind: kind, Item: s.ID, Fields: fields}
}
