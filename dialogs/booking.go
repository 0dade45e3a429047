package dialogs

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Slot is a coaching talk or an info session as one person sees it: what
// can be booked, or what they hold.
type Slot struct {
	ID string
	// Version changes when the time or place changes, so that a press on
	// a button from an older listing is caught.
	Version  string
	Session  bool // an info session; false is a coaching talk
	Start    time.Time
	Duration time.Duration
	Address  string
	// Mode is "phone" or "video" for a talk that happens at a distance.
	Mode      string
	Coach     string
	Languages []string // the coach's, or the one the session is held in
	Title     string   // a session's, in Dutch as staff wrote it
	House     string
	Sector    string
	SeatsFree int
	// Held and Waiting say where the person stands; Cancelled that staff
	// took it out of the schedule.
	Held, Waiting, Cancelled bool
}

// The outcomes of a booking action, as the Scheduler reports them.
const (
	BookBooked      = "booked"
	BookFull        = "full"
	BookAlready     = "already"
	BookHasCoaching = "has_coaching"
	BookGone        = "gone"
	BookChanged     = "changed"
	BookPast        = "past"
	BookWaiting     = "waiting"
	BookCancelled   = "cancelled"
	BookLeftWait    = "left_waiting"
	BookNotBooked   = "not_booked"
)

// Booking is what a press on book, wait, cancel or move came to.
type Booking struct {
	Outcome string
	// Slot is what it was about, as it is now (nil when it is gone).
	Slot *Slot
	// Other is, for BookHasCoaching, the coaching talk the person holds.
	Other *Slot
}

// Scheduler books coaching talks and info sessions; the schedule package
// implements it over Redis. Every method reads the time itself, so that a
// listing and a booking agree on what is past.
type Scheduler interface {
	// Free lists future coaching talks with a free seat, those whose
	// coach speaks lang first.
	Free(ctx context.Context, lang string, offset, n int) ([]Slot, error)
	// Sessions lists future info sessions, those of sectors first, full
	// ones too (they offer the waiting list).
	Sessions(ctx context.Context, sectors []string, offset, n int) ([]Slot, error)
	// Mine lists chat's future bookings and waiting-list places.
	Mine(ctx context.Context, chat int64) ([]Slot, error)
	// Slot is id as chat stands with it; nil when it never existed or is
	// long gone.
	Slot(ctx context.Context, chat int64, id string) (*Slot, error)
	Book(ctx context.Context, chat int64, id, version string) (Booking, error)
	Wait(ctx context.Context, chat int64, id string) (Booking, error)
	Cancel(ctx context.Context, chat int64, id string) (Booking, error)
	Move(ctx context.Context, chat int64, from, to, version string) (Booking, error)
}

// Notices: what the schedule tells a person by itself (Event.Kind
// KindNotice, Event.Data "<notice>:<item id>").
const (
	NoticeDayBefore = "day"
	NoticeHours     = "hours"
	NoticePromoted  = "promoted"
	NoticeNoShow    = "noshow"
	NoticeAttended  = "attended"
	NoticeCancelled = "cancelled"
	NoticeMoved     = "moved"
)

// SlotsPage is how many slots a listing shows at a time.
const SlotsPage = 4

// MaxNoticed bounds the notices remembered per person.
const MaxNoticed = 100

// prefetchBooking does what a booking button asks of the schedule before
// the engine answers, so that the engine stays free of I/O: it lists,
// books, waits, cancels or moves, and puts the outcome on the event. A
// redelivered update repeats the action, which the schedule answers as
// "already" or "not booked", never twice.
func (s *Service) prefetchBooking(ctx context.Context, st *State, ev *Event) error {
	sc := s.Schedule
	if sc == nil || st == nil || !st.Consented() {
		return nil
	}
	var err error
	if ev.Kind == KindNotice {
		_, id, _ := strings.Cut(ev.Data, ":")
		ev.Slot, err = sc.Slot(ctx, ev.ChatID, id)
		return err
	}
	if ev.Kind == KindCommand && ev.Command == "mydata" || ev.Kind == KindButton && ev.Data == "menu:mydata" {
		ev.Slots, err = sc.Mine(ctx, ev.ChatID)
		return err
	}
	verb, arg, rest := splitData(ev.Data)
	if ev.Kind != KindButton || verb != "bk" {
		return nil
	}
	id, version, _ := strings.Cut(rest, ":")
	list := func(session bool, offset int) error {
		var err error
		if session {
			ev.Slots, err = sc.Sessions(ctx, st.Profile.Sectors, offset, SlotsPage)
		} else {
			ev.Slots, err = sc.Free(ctx, st.Lang, offset, SlotsPage)
		}
		ev.SlotsAt = offset
		return err
	}
	var b Booking
	switch arg {
	case "lc", "ls", "mc", "ms":
		off, _ := strconv.Atoi(rest)
		return list(sessionVerb(arg), max(off, 0))
	case "me":
		ev.Slots, err = sc.Mine(ctx, ev.ChatID)
		return err
	case "x", "xn", "ok":
		ev.Slot, err = sc.Slot(ctx, ev.ChatID, id)
		return err
	case "mv":
		if ev.Slot, err = sc.Slot(ctx, ev.ChatID, id); err != nil || ev.Slot == nil {
			return err
		}
		return list(ev.Slot.Session, 0)
	case "xy":
		b, err = sc.Cancel(ctx, ev.ChatID, id)
	case "w":
		if b, err = sc.Wait(ctx, ev.ChatID, id); err == nil && b.Outcome == "not_full" && b.Slot != nil {
			b, err = sc.Book(ctx, ev.ChatID, id, b.Slot.Version) // a seat came free meanwhile: take it
		}
	case "bc", "bs":
		b, err = sc.Book(ctx, ev.ChatID, id, version)
	case "tc", "ts":
		if st.Moving == "" {
			b, err = sc.Book(ctx, ev.ChatID, id, version)
		} else {
			b, err = sc.Move(ctx, ev.ChatID, st.Moving, id, version)
		}
	default:
		return nil
	}
	if err != nil {
		return err
	}
	ev.Booking = &b
	switch b.Outcome {
	case BookGone, BookChanged, BookPast:
		return list(sessionVerb(arg), 0) // offer what is there now
	case BookFull:
		if !sessionVerb(arg) {
			return list(false, 0)
		}
	case BookHasCoaching:
		mine, err := sc.Mine(ctx, ev.ChatID)
		for i := range mine {
			if !mine[i].Session && mine[i].Held {
				b.Other = &mine[i]
			}
		}
		return err
	}
	return nil
}

// sessionVerb tells whether a booking verb is about info sessions: the
// second letter says which kind ("bs", "ls", …), and only sessions have
// a waiting list ("w").
func sessionVerb(arg string) bool {
	return arg == "w" || len(arg) == 2 && arg[1] == 's'
}

// bookingRows are the menu's ways to book and see appointments.
func (t *turn) bookingRows() [][]Button {
	b := func(id, data string) Button { return Button{t.tr(id, nil), data} }
	return [][]Button{
		{b("menu_coaching", "bk:lc:0"), b("menu_sessions", "bk:ls:0")},
		{b("menu_appointments", "bk:me")},
	}
}

// booking handles the booking buttons; false means the press does not fit.
func (t *turn) booking(arg, rest string) bool {
	st, ev := t.st, t.ev
	if !t.e.Booking {
		return false
	}
	if !st.Consented() {
		t.reask("consent_required")
		return true
	}
	if arg != "tc" && arg != "ts" && arg != "mc" && arg != "ms" {
		st.Moving = "" // anything else ends a move that was not finished
	}
	if b := ev.Booking; b != nil && b.Slot != nil {
		// Booked, waiting or given back afresh: what was shown about
		// this appointment before may be news again.
		st.Noticed = slices.DeleteFunc(st.Noticed, func(k string) bool {
			_, rest, _ := strings.Cut(k, ":")
			return strings.HasPrefix(rest, b.Slot.ID+"@")
		})
	}
	switch arg {
	case "lc", "ls":
		t.listing(sessionVerb(arg), false)
	case "mc", "ms":
		if st.Moving == "" {
			return false
		}
		t.listing(sessionVerb(arg), true)
	case "me":
		t.appointments()
	case "mv":
		if ev.Slot == nil || !ev.Slot.Held {
			return false
		}
		st.Moving = ev.Slot.ID
		t.say(t.tr("move_pick", nil))
		t.listing(ev.Slot.Session, true)
	case "x":
		s := ev.Slot
		if s == nil || !s.Held && !s.Waiting {
			return false
		}
		w := t.when(*s)
		w["What"] = t.what(*s)
		t.say(t.tr("cancel_confirm", w), []Button{
			{t.tr("btn_cancel_yes", nil), "bk:xy:" + s.ID}, {t.tr("btn_cancel_no", nil), "bk:xn:" + s.ID}})
	case "xn":
		t.say(t.tr("cancel_kept", nil), t.bookingRows()...)
	case "ok":
		if ev.Slot == nil || !ev.Slot.Held {
			return false
		}
		t.say(t.tr("be_there_done", nil))
	case "xy", "w", "bc", "bs", "tc", "ts":
		if ev.Booking == nil {
			return false
		}
		t.booked(arg)
	default:
		return false
	}
	return true
}

// booked answers what a book, wait, cancel or move came to.
func (t *turn) booked(arg string) {
	st, b := t.st, t.ev.Booking
	session := sessionVerb(arg)
	moving := st.Moving != "" && (arg == "tc" || arg == "ts")
	switch b.Outcome {
	case BookBooked:
		s := *b.Slot
		kind, msg := NoteBooked, "booked_done"
		if moving {
			kind, msg = NoteMoved, "moved_done"
		}
		from := st.Moving
		st.Moving = ""
		t.confirm(s, msg, from)
		t.note(t.slotNote(kind, s))
	case BookAlready:
		t.say(t.tr("book_already", nil), []Button{{t.tr("menu_appointments", nil), "bk:me"}})
	case BookHasCoaching:
		if b.Other == nil {
			t.say(t.tr("book_already", nil), []Button{{t.tr("menu_appointments", nil), "bk:me"}})
			return
		}
		t.say(t.tr("book_has_coaching", t.when(*b.Other)), []Button{
			{t.tr("btn_move", nil), "bk:mv:" + b.Other.ID}, {t.tr("btn_cancel_no", nil), "bk:xn:" + b.Other.ID}})
	case BookFull:
		if session && b.Slot != nil {
			t.say(t.tr("book_full_session", nil), []Button{{t.tr("btn_waitlist", nil), "bk:w:" + b.Slot.ID}},
				[]Button{{t.tr("menu_sessions", nil), "bk:ls:0"}})
			return
		}
		t.say(t.tr("book_full_slot", nil))
		t.listing(false, moving)
	case BookGone, BookChanged, BookPast:
		t.say(t.tr("book_"+b.Outcome, nil))
		t.listing(session, moving)
	case BookWaiting:
		s := *b.Slot
		t.say(t.tr("waiting_done", map[string]any{"What": t.what(s), "Date": t.day(s.Start)}),
			[]Button{{t.tr("menu_appointments", nil), "bk:me"}})
	case BookCancelled, BookNotBooked:
		if b.Outcome == BookCancelled && b.Slot != nil {
			t.note(t.slotNote(NoteCancelled, *b.Slot))
		}
		t.say(t.tr("cancel_done", nil), t.bookingRows()...)
	case BookLeftWait:
		t.say(t.tr("waiting_left", nil), t.bookingRows()...)
	default:
		t.reask("bad_old_button")
	}
}

// listing shows the slots the Service fetched, numbered, a tap each, with
// "later" while there may be more; in a move, a tap moves the appointment.
func (t *turn) listing(session, moving bool) {
	st, ev := t.st, t.ev
	var slots []Slot
	for _, s := range ev.Slots {
		if s.ID != st.Moving {
			slots = append(slots, s)
		}
	}
	if len(slots) == 0 {
		switch {
		case moving:
			st.Moving = ""
			t.say(t.tr("no_move_options", nil), t.bookingRows()...)
		case ev.SlotsAt > 0:
			t.say(t.tr("slots_end", nil), t.bookingRows()...)
		case session:
			t.say(t.tr("sessions_none", nil), t.bookingRows()...)
		default:
			t.say(t.tr("slots_none", nil), t.bookingRows()...)
		}
		return
	}
	intro, kind := "slots_intro", "c"
	if session {
		intro, kind = "sessions_intro", "s"
	}
	verb, list := "b", "l"
	if moving {
		verb, list = "t", "m"
	}
	lines := []string{t.tr(intro, nil)}
	var row []Button
	for i, s := range slots {
		n := ev.SlotsAt + i + 1
		lines = append(lines, t.slotLine(n, s))
		row = append(row, Button{strconv.Itoa(n), fmt.Sprintf("bk:%s%s:%s:%s", verb, kind, s.ID, s.Version)})
	}
	rows := [][]Button{row}
	if len(ev.Slots) == SlotsPage {
		rows = append(rows, []Button{{t.tr("btn_later", nil), fmt.Sprintf("bk:%s%s:%d", list, kind, ev.SlotsAt+SlotsPage)}})
	}
	t.say(strings.Join(lines, "\n\n"), rows...)
}

func (t *turn) slotLine(n int, s Slot) string {
	w := t.when(s)
	w["N"], w["Place"] = n, t.place(s)
	if !s.Session {
		line := t.tr("slot_line", w)
		if slices.Contains(s.Languages, t.lang()) {
			line += "\n" + t.tr("slot_speaks", nil)
		}
		return line
	}
	w["Title"] = s.Title
	w["Language"] = t.e.Texts.Name(first(s.Languages))
	if s.SeatsFree > 0 {
		w["Seats"] = t.e.Texts.N(t.lang(), "seats_left", s.SeatsFree, nil)
	} else {
		w["Seats"] = t.tr("session_full", nil)
	}
	return t.tr("session_line", w)
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// appointments lists what the person holds, each with cancel and move.
func (t *turn) appointments() {
	slots := t.ev.Slots
	if len(slots) == 0 {
		t.say(t.tr("appts_none", nil), t.bookingRows()...)
		return
	}
	lines := []string{t.tr("appts_title", nil)}
	var rows [][]Button
	for i, s := range slots {
		w := t.when(s)
		w["N"], w["What"], w["Place"] = i+1, t.what(s), t.place(s)
		line := t.tr("appt_line", w)
		row := []Button{{t.tr("btn_cancel_n", map[string]any{"N": i + 1}), "bk:x:" + s.ID}}
		if s.Waiting {
			line += "\n" + t.tr("appt_waiting", nil)
		} else {
			row = append(row, Button{t.tr("btn_move_n", map[string]any{"N": i + 1}), "bk:mv:" + s.ID})
		}
		lines = append(lines, line)
		rows = append(rows, row)
	}
	t.say(strings.Join(lines, "\n\n"), rows...)
}

// confirm tells the person what they now hold, with the calendar file.
// from is the appointment it replaces in a move, so that the file updates
// the calendar entry instead of adding a second one.
func (t *turn) confirm(s Slot, msg, from string) {
	w := t.when(s)
	w["What"], w["Place"] = t.what(s), t.place(s)
	r := Reply{Text: t.tr(msg, w), Buttons: [][]Button{{{t.tr("menu_appointments", nil), "bk:me"}}}}
	if cal := t.e.Calendar; cal != nil {
		// A person holds one coaching talk at a time: its file always
		// replaces the last one. A moved session keeps the key it had.
		key := s.ID
		switch {
		case !s.Session:
			key = "coaching"
		case from != "":
			key = from
		}
		r.Document = &Document{Name: "werkwijzer-" + s.Start.In(t.e.Location).Format("2006-01-02") + ".ics",
			Content: cal(s, t.ev.ChatID, CalendarText{Key: key, Summary: t.what(s),
				Description: t.tr("ics_description", nil), Location: t.place(s)}),
			Caption: t.tr("ics_caption", nil)}
	}
	t.out = append(t.out, r)
}

// CalendarText is a calendar file's words, in the person's language. Key
// names the booking in the file, so that a later file with the same key
// replaces it in the calendar.
type CalendarText struct {
	Key, Summary, Description, Location string
}

// notice shows what the schedule has to say: a reminder, a seat from the
// waiting list, a no-show, or a change by staff; each once.
func (t *turn) notice() {
	st, ev := t.st, t.ev
	kind, _, _ := strings.Cut(ev.Data, ":")
	s := ev.Slot
	if !st.Consented() || s == nil {
		return
	}
	// Keyed by the appointment's time too: a reminder for a slot staff
	// moved is news, not a second copy.
	key := ev.Data + "@" + strconv.FormatInt(s.Start.Unix(), 10)
	if slices.Contains(st.Noticed, key) {
		return
	}
	st.Noticed = append(st.Noticed, key)
	if len(st.Noticed) > MaxNoticed {
		st.Noticed = st.Noticed[len(st.Noticed)-MaxNoticed:]
	}
	w := t.when(*s)
	w["What"], w["Place"] = t.what(*s), t.place(*s)
	again, againText := "bk:lc:0", t.tr("menu_coaching", nil)
	if s.Session {
		again, againText = "bk:ls:0", t.tr("menu_sessions", nil)
	}
	actions := []Button{{t.tr("btn_cancel", nil), "bk:x:" + s.ID}, {t.tr("btn_move", nil), "bk:mv:" + s.ID}}
	switch kind {
	case NoticeDayBefore, NoticeHours:
		if !s.Held {
			return // cancelled meanwhile
		}
		msg := "reminder_day"
		if kind == NoticeHours {
			msg = "reminder_today"
		}
		t.say(t.tr(msg, w), []Button{{t.tr("btn_be_there", nil), "bk:ok:" + s.ID}}, actions)
	case NoticePromoted:
		if !s.Held {
			return
		}
		t.note(t.slotNote(NotePromoted, *s))
		t.confirm(*s, "promoted", "")
		t.out[len(t.out)-1].Buttons = [][]Button{{{t.tr("btn_give_back", nil), "bk:x:" + s.ID}}}
	case NoticeMoved:
		if !s.Held {
			return
		}
		t.confirm(*s, "item_moved", "")
		t.out[len(t.out)-1].Buttons = [][]Button{actions}
	case NoticeCancelled:
		t.say(t.tr("item_cancelled", w), []Button{{againText, again}})
	case NoticeNoShow:
		t.note(t.slotNote(NoteNoShow, *s))
		t.say(t.tr("noshow", map[string]any{"What": w["What"], "Date": t.day(s.Start)}),
			[]Button{{againText, again}})
	case NoticeAttended:
		t.note(t.slotNote(NoteAttended, *s)) // for the funnel; nothing to say
	}
}

// when is a slot's date and time in the person's language.
func (t *turn) when(s Slot) map[string]any {
	return map[string]any{"Date": t.day(s.Start), "Time": s.Start.In(t.e.Location).Format("15:04")}
}

// day is a date without the year: appointments are weeks away at most.
func (t *turn) day(d time.Time) string {
	d = d.In(t.e.Location)
	lang := t.lang()
	return t.e.Texts.T(lang, "date_day", map[string]any{
		"Weekday": t.e.Texts.T(lang, "weekday_"+strconv.Itoa(int(d.Weekday())), nil),
		"Day":     d.Day(),
		"Month":   t.e.Texts.T(lang, "month_"+strconv.Itoa(int(d.Month())), nil),
	})
}

func (t *turn) what(s Slot) string {
	if s.Session {
		return s.Title
	}
	return t.tr("what_coaching", map[string]any{"Coach": s.Coach})
}

func (t *turn) place(s Slot) string {
	switch s.Mode {
	case "phone":
		return t.tr("place_phone", nil)
	case "video":
		return t.tr("place_video", nil)
	}
	return s.Address
}

// slotNote tells staff about a booking, in Dutch.
func (t *turn) slotNote(kind NoteKind, s Slot) Note {
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
	return Note{Kind: kind, Item: s.ID, Fields: []Field{
		{Label: "Afspraak", Value: what},
		{Label: "Wanneer", Value: t.e.Date("nl", s.Start) + " " + s.Start.In(t.e.Location).Format("15:04")},
		{Label: "Waar", Value: where}}}
}
