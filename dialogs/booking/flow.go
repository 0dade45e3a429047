package booking

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
)

// SlotsPage is how many slots a listing shows at a time.
const SlotsPage = 4

// MaxNoticed bounds the notices remembered per person.
const MaxNoticed = 100

// State is the flow's part of a conversation.
type State struct {
	// Moving is the appointment the person is moving, until they pick
	// the new one.
	Moving string `json:"moving,omitempty"`
	// Noticed are the schedule's notices shown, so that one handed out
	// twice is shown once.
	Noticed []string `json:"noticed,omitempty"`
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
	r.Menu(func(c *dialogs.Conv) [][]dialogs.Button {
		if !orientation.Of(c).Done() {
			return nil
		}
		return Rows(c)
	})
	r.Data(f.data)
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
	switch verb {
	case "tc", "ts", "mc", "ms":
	default:
		s.Moving = "" // anything else ends a move that was not finished
	}
	var res Result
	var err error
	switch verb {
	case "lc", "ls":
		return f.listing(c, isSession(verb), offset(rest), false)
	case "mc", "ms":
		if s.Moving == "" {
			return c.OldButton()
		}
		return f.listing(c, isSession(verb), offset(rest), true)
	case "me":
		return f.appointments(c)
	case "xn":
		c.Say(c.T("cancel_kept", nil), Rows(c)...)
		return nil
	case "mv", "x", "ok":
		sl, err := f.Schedule.Slot(ctx, chat, id)
		if err != nil {
			return err
		}
		switch {
		case verb == "mv" && sl != nil && sl.Held:
			s.Moving = sl.ID
			c.Say(c.T("move_pick", nil))
			return f.listing(c, sl.Session, 0, true)
		case verb == "x" && sl != nil && (sl.Held || sl.Waiting):
			w := when(c, *sl)
			w["What"] = what(c, *sl)
			c.Say(c.T("cancel_confirm", w), []dialogs.Button{
				{Text: c.T("btn_cancel_yes", nil), Data: "bk:xy:" + sl.ID}, {Text: c.T("btn_cancel_no", nil), Data: "bk:xn:" + sl.ID}})
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
	return f.answer(c, verb, res)
}

func offset(s string) int {
	n, _ := strconv.Atoi(s)
	return max(n, 0)
}

// answer says what a book, wait, cancel or move came to.
func (f Flow) answer(c *dialogs.Conv, verb string, res Result) error {
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
	case Already:
		c.Say(c.T("book_already", nil), []dialogs.Button{{Text: c.T("menu_appointments", nil), Data: "bk:me"}})
	case HasCoaching:
		mine, err := f.Schedule.Mine(c.Context(), c.Event().ChatID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(mine, func(x Slot) bool { return !x.Session && x.Held })
		if i < 0 {
			c.Say(c.T("book_already", nil), []dialogs.Button{{Text: c.T("menu_appointments", nil), Data: "bk:me"}})
			return nil
		}
		other := mine[i]
		c.Say(c.T("book_has_coaching", when(c, other)), []dialogs.Button{
			{Text: c.T("btn_move", nil), Data: "bk:mv:" + other.ID}, {Text: c.T("btn_cancel_no", nil), Data: "bk:xn:" + other.ID}})
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
	case Waiting:
		if res.Slot == nil {
			return c.OldButton()
		}
		c.Say(c.T("waiting_done", map[string]any{"What": what(c, *res.Slot), "Date": c.Day(res.Slot.Start)}),
			[]dialogs.Button{{Text: c.T("menu_appointments", nil), Data: "bk:me"}})
	case Cancelled, NotBooked:
		if res.Outcome == Cancelled && res.Slot != nil {
			c.Note(slotNote(c, dialogs.NoteCancelled, *res.Slot))
		}
		c.Say(c.T("cancel_done", nil), Rows(c)...)
	case LeftWait:
		c.Say(c.T("waiting_left", nil), Rows(c)...)
	default:
		return c.OldButton()
	}
	return nil
}

// listing shows a page of slots, numbered, a tap each, with "later" while
// there may be more; in a move, a tap moves the appointment.
func (f Flow) listing(c *dialogs.Conv, session bool, at int, moving bool) error {
	s := Part.Of(c)
	var page []Slot
	var err error
	if session {
		page, err = f.Schedule.Sessions(c.Context(), orientation.Of(c).Profile.Sectors, at, SlotsPage)
	} else {
		page, err = f.Schedule.Free(c.Context(), c.Lang(), at, SlotsPage)
	}
	if err != nil {
		return err
	}
	var slots []Slot
	for _, x := range page {
		if x.ID != s.Moving {
			slots = append(slots, x)
		}
	}
	if len(slots) == 0 {
		switch {
		case moving:
			s.Moving = ""
			c.Say(c.T("no_move_options", nil), Rows(c)...)
		case at > 0:
			c.Say(c.T("slots_end", nil), Rows(c)...)
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
	verb, list := "b", "l"
	if moving {
		verb, list = "t", "m"
	}
	lines := []string{c.T(intro, nil)}
	var row []dialogs.Button
	for i, x := range slots {
		n := at + i + 1
		lines = append(lines, slotLine(c, n, x))
		row = append(row, dialogs.Button{Text: strconv.Itoa(n), Data: fmt.Sprintf("bk:%s%s:%s:%s", verb, kind, x.ID, x.Version)})
	}
	rows := [][]dialogs.Button{row}
	if len(page) == SlotsPage {
		rows = append(rows, []dialogs.Button{{Text: c.T("btn_later", nil), Data: fmt.Sprintf("bk:%s%s:%d", list, kind, at+SlotsPage)}})
	}
	c.Say(strings.Join(lines, "\n\n"), rows...)
	return nil
}

func slotLine(c *dialogs.Conv, n int, s Slot) string {
	w := when(c, s)
	w["N"], w["Place"] = n, place(c, s)
	if !s.Session {
		line := c.T("slot_line", w)
		if slices.Contains(s.Languages, c.Lang()) {
			line += "\n" + c.T("slot_speaks", nil)
		}
		return line
	}
	w["Title"] = s.Title
	lang := ""
	if len(s.Languages) > 0 {
		lang = s.Languages[0]
	}
	w["Language"] = c.Engine().Texts.Name(lang)
	if s.SeatsFree > 0 {
		w["Seats"] = c.N("seats_left", s.SeatsFree, nil)
	} else {
		w["Seats"] = c.T("session_full", nil)
	}
	return c.T("session_line", w)
}

// appointments lists what the person holds, each with cancel and move.
func (f Flow) appointments(c *dialogs.Conv) error {
	slots, err := f.Schedule.Mine(c.Context(), c.Event().ChatID)
	if err != nil {
		return err
	}
	if len(slots) == 0 {
		c.Say(c.T("appts_none", nil), Rows(c)...)
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
	c.Say(strings.Join(lines, "\n\n"), rows...)
	return nil
}

// data is booking's share of /mydata: the appointments.
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
	if len(recs) == 0 {
		return nil, nil, nil
	}
	var appts []string
	var detail []map[string]any
	for _, r := range recs {
		s := r.Slot
		text := s.ID
		if !s.Start.IsZero() {
			w := when(c, s)
			text = what(c, s) + ", " + w["Date"].(string) + " " + w["Time"].(string)
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
	return []string{line}, map[string]any{"appointments": appts, "appointment_records": detail}, nil
}

// confirm tells the person what they now hold, with the calendar file.
// from is the appointment it replaces in a move, so that the file updates
// the calendar entry instead of adding a second one.
func (f Flow) confirm(c *dialogs.Conv, s Slot, msg, from string) {
	w := when(c, s)
	w["What"], w["Place"] = what(c, s), place(c, s)
	r := dialogs.Reply{Text: c.T(msg, w), Buttons: [][]dialogs.Button{{{Text: c.T("menu_appointments", nil), Data: "bk:me"}}}}
	if f.Calendar != nil {
		// A person holds one coaching talk at a time: its file always
		// replaces the last one. A moved session keeps the key it had.
		key := s.ID
		switch {
		case !s.Session:
			key = "coaching"
		case from != "":
			key = from
		}
		r.Document = &dialogs.Document{Name: "werkwijzer-" + s.Start.In(clock.Brussels).Format("2006-01-02") + ".ics",
			Content: f.Calendar(s, c.Event().ChatID, CalendarText{Key: key, Summary: what(c, s),
				Description: c.T("ics_description", nil), Location: place(c, s)}),
			Caption: c.T("ics_caption", nil)}
	}
	c.Send(r)
}

// notice shows what the schedule has to say: a reminder, a seat from the
// waiting list, a no-show, or a change by staff; each once.
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
		if !sl.Held {
			return nil // cancelled meanwhile
		}
		msg := "reminder_day"
		if kind == HoursBefore {
			msg = "reminder_today"
		}
		c.Say(c.T(msg, w), []dialogs.Button{{Text: c.T("btn_be_there", nil), Data: "bk:ok:" + sl.ID}}, actions)
	case Promoted:
		if !sl.Held {
			return nil
		}
		c.Note(slotNote(c, dialogs.NotePromoted, *sl))
		f.confirm(c, *sl, "promoted", "")
		c.Last().Buttons = [][]dialogs.Button{{{Text: c.T("btn_give_back", nil), Data: "bk:x:" + sl.ID}}}
	case ItemMoved:
		if !sl.Held {
			return nil
		}
		f.confirm(c, *sl, "item_moved", "")
		c.Last().Buttons = [][]dialogs.Button{actions}
	case ItemCancel:
		c.Say(c.T("item_cancelled", w), []dialogs.Button{{Text: againText, Data: again}})
	case NoShow:
		c.Note(slotNote(c, dialogs.NoteNoShow, *sl))
		c.Say(c.T("noshow", map[string]any{"What": w["What"], "Date": c.Day(sl.Start)}),
			[]dialogs.Button{{Text: againText, Data: again}})
	case Attended:
		c.Note(slotNote(c, dialogs.NoteAttended, *sl)) // for the funnel; nothing to say
	}
	return nil
}

// when is a slot's date and time in the person's language.
func when(c *dialogs.Conv, s Slot) map[string]any {
	return map[string]any{"Date": c.Day(s.Start), "Time": s.Start.In(clock.Brussels).Format("15:04")}
}

func what(c *dialogs.Conv, s Slot) string {
	if s.Session {
		return s.Title
	}
	return c.T("what_coaching", map[string]any{"Coach": s.Coach})
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
	return dialogs.Note{Kind: kind, Item: s.ID, Fields: []dialogs.Field{
		{Label: "Afspraak", Value: what},
		{Label: "Wanneer", Value: c.Engine().Date("nl", s.Start) + " " + s.Start.In(clock.Brussels).Format("15:04")},
		{Label: "Waar", Value: where}}}
}
