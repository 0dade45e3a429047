package booking_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/booking"
	"github.com/werkwijzer/werkwijzer/dialogs/dialogstest"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/privacy"
	"github.com/werkwijzer/werkwijzer/locales"
)

// Wednesday 25 November 2026, two days after the person's clock starts.
var day = time.Date(2026, 11, 25, 0, 0, 0, 0, clock.Brussels)

func at(h int) time.Time { return day.Add(time.Duration(h) * time.Hour) }

func schedule(p *dialogstest.Person) *dialogstest.Scheduler {
	return dialogstest.NewScheduler(p.Clock,
		dialogstest.Item{ID: "c1", Start: at(10), Duration: time.Hour, Seats: 1, Coach: "Lotte", Languages: []string{"nl"}, Address: "Lange Gasthuisstraat 33"},
		dialogstest.Item{ID: "c2", Start: at(11), Duration: time.Hour, Seats: 1, Coach: "Yusuf", CoachStaff: "U0YUSUF01", Languages: []string{"ar"}, Mode: "phone"},
		dialogstest.Item{ID: "s1", Session: true, Start: at(13), Duration: 2 * time.Hour, Seats: 1, Title: "Infosessie bouw", Sector: "construction", Languages: []string{"nl"}, Address: "Noorderlaan 30"},
	)
}

// person is an oriented person with a schedule to book from.
func person(t *testing.T, lang string) (*dialogstest.Person, *dialogstest.Scheduler) {
	p := dialogstest.New(t, lang)
	s := schedule(p)
	p.Engine.Register(orientation.Flow{}, privacy.Flow{}, booking.Flow{Schedule: s, Calendar: fakeCalendar, Records: s})
	p.Onboard()
	return p, s
}

// fakeCalendar writes what the flow asks a calendar file to say; the real
// files are schedule's, read back in its tests by two parsers.
func fakeCalendar(sl booking.Slot, chat int64, text booking.CalendarText) []byte {
	method := "PUBLISH"
	if text.Cancel {
		method = "CANCEL"
	}
	return []byte(fmt.Sprintf("BEGIN:VCALENDAR\r\nMETHOD:%s\r\nUID:%s\r\nSEQUENCE:%d\r\nSUMMARY:%s\r\nEND:VCALENDAR\r\n", method, text.Key, text.Seq, text.Summary))
}

func document(r []dialogs.Reply) *dialogs.Document {
	for _, x := range r {
		if x.Document != nil {
			return x.Document
		}
	}
	return nil
}

func TestBookMoveAndCancelACoachingTalk(t *testing.T) {
	for _, l := range locales.Languages {
		t.Run(l.Code, func(t *testing.T) { bookMoveAndCancel(t, l.Code) })
	}
}

func bookMoveAndCancel(t *testing.T, lang string) {
	p, s := person(t, lang)
	r := p.Press("bk:lc:0")
	p.Expect(r, "slots_intro")
	// The coach who speaks the person's language comes first, and the
	// list says so.
	first := "bk:bc:c1:"
	if lang == "ar" {
		first = "bk:bc:c2:"
		if !strings.Contains(r[0].Text, p.Tr("slot_speaks")) {
			t.Fatalf("listing does not say the coach speaks Arabic:%s", dialogstest.Dump(r))
		}
	}
	if got := r[0].Buttons[0][0].Data; !strings.HasPrefix(got, first) {
		t.Fatalf("first in the listing %q, want %s…:%s", got, first, dialogstest.Dump(r))
	}
	r = p.Press(dialogstest.Buttons(r)[slices.IndexFunc(dialogstest.Buttons(r), func(d string) bool { return strings.HasPrefix(d, "bk:bc:c2:") })])
	if !strings.Contains(r[0].Text, "Yusuf") || !strings.Contains(r[0].Text, "11:00") || !strings.Contains(r[0].Text, p.Tr("place_phone")) {
		t.Fatalf("confirmation without who, when or how:%s", dialogstest.Dump(r))
	}
	doc := document(r)
	if doc == nil || !strings.Contains(string(doc.Content), "UID:c2\r\nSEQUENCE:0") {
		t.Fatalf("no calendar file, or not the first of its booking: %+v", doc)
	}
	if n := p.Note(dialogs.NoteBooked); n.Item != "c2" {
		t.Fatalf("booked note: %+v", n)
	}
	// A phone talk: the number is asked, with the key that shares it and why.
	p.Expect(r, "phone_ask", map[string]any{"Coach": "Yusuf"})
	p.Expect(r, "phone_why")
	if !dialogstest.AsksContact(r) || !dialogstest.Offered(r, "bk:x:c2") {
		t.Fatalf("no contact key or no way out:%s", dialogstest.Dump(r))
	}
	r = p.Share("32470123456") // as Telegram sends it, without the plus
	p.Expect(r, "phone_saved", map[string]any{"Phone": "+32 470 12 34 56", "Coach": "Yusuf"})
	if !r[0].RemoveKeys {
		t.Fatalf("the keyboard is not given back:%s", dialogstest.Dump(r))
	}
	if n := p.Note(dialogs.NotePhone); n.To != "U0YUSUF01" || !slices.Contains(n.Fields, dialogs.Field{Label: "Telefoon", Value: "+32 470 12 34 56"}) {
		t.Fatalf("phone note: %+v, want the number for Yusuf alone", n)
	}
	// A second talk is not booked: the person is offered to move the first.
	r = p.Press("bk:me")
	p.Expect(r, "appts_title")
	r = p.Forge("bk:bc:c1:" + version(t, s, "c1"))
	if !strings.Contains(r[0].Text, "11:00") {
		t.Fatalf("the talk held is not named:%s", dialogstest.Dump(r))
	}
	if !dialogstest.Offered(r, "bk:mv:c2") {
		t.Fatalf("no way to move the talk held:%s", dialogstest.Dump(r))
	}
	r = p.Press("bk:mv:c2")
	p.Expect(r, "move_pick")
	r = p.Press("bk:tc:c1:" + version(t, s, "c1"))
	if !strings.Contains(r[0].Text, "Lotte") || !strings.Contains(r[0].Text, "10:00") {
		t.Fatalf("move not confirmed:%s", dialogstest.Dump(r))
	}
	if doc := document(r); doc == nil || !strings.Contains(string(doc.Content), "UID:c2\r\nSEQUENCE:1") {
		t.Fatalf("the moved talk's file does not update the entry (same UID, SEQUENCE 1): %+v", doc)
	}
	if n := p.Note(dialogs.NoteMoved); n.Item != "c1" {
		t.Fatalf("moved note: %+v", n)
	}
	if got := s.Holders("c2"); len(got) != 0 {
		t.Fatalf("the old slot is still held after the move: %v", got)
	}
	p.Press("bk:me")
	r = p.Press("bk:x:c1")
	if !dialogstest.Offered(r, "bk:xy:c1") || !strings.Contains(r[0].Text, "Lotte") {
		t.Fatalf("cancel does not ask first:%s", dialogstest.Dump(r))
	}
	r = p.Press("bk:xy:c1")
	p.Expect(r, "cancel_done")
	if doc := document(r); doc == nil || !strings.Contains(string(doc.Content), "METHOD:CANCEL\r\nUID:c2\r\nSEQUENCE:2") {
		t.Fatalf("no cancellation file for the entry: %+v", doc)
	}
	p.Note(dialogs.NoteCancelled)
	p.Expect(p.Forge("bk:xy:c1"), "cancel_done") // pressed twice: no harm, no second note
	if len(p.Notes()) != 0 {
		t.Fatalf("a second cancel told staff again: %+v", p.Notes())
	}
}

func version(t *testing.T, s *dialogstest.Scheduler, id string) string {
	t.Helper()
	sl, err := s.Slot(t.Context(), 0, id)
	if err != nil || sl == nil {
		t.Fatalf("no slot %s", id)
	}
	return sl.Version
}

func TestFullSessionOffersTheWaitingListAndPromotionIsToldOnce(t *testing.T) {
	p, s := person(t, "uk")
	if r, _ := s.Book(t.Context(), 77, "s1", ""); r.Outcome != booking.Booked {
		t.Fatalf("someone else booking s1: %q", r.Outcome)
	}
	r := p.Press("bk:ls:0")
	p.Expect(r, "sessions_intro")
	p.Expect(p.Press(r[0].Buttons[0][0].Data), "book_full_session")
	r = p.Press("bk:w:s1")
	if !strings.Contains(r[0].Text, "Infosessie bouw") || !dialogstest.Offered(r, "bk:me") {
		t.Fatalf("not told they wait:%s", dialogstest.Dump(r))
	}
	s.Cancel(t.Context(), 77, "s1") // the seat comes free: the first waiting gets it
	notice := booking.NoticeEvent(dialogstest.ChatID, booking.Promoted, "s1")
	r = p.Do(notice)
	if !strings.Contains(r[0].Text, "Infosessie bouw") || !strings.Contains(r[0].Text, "13:00") {
		t.Fatalf("promotion does not say what and when:%s", dialogstest.Dump(r))
	}
	p.Note(dialogs.NotePromoted)
	if !dialogstest.Offered(r, "bk:x:s1") || document(r) == nil {
		t.Fatalf("promotion without a way to give it back or a calendar file:%s", dialogstest.Dump(r))
	}
	if r := p.Maybe(notice); len(r) != 0 {
		t.Fatalf("the same news shown twice:%s", dialogstest.Dump(r))
	}
}

func TestForgedAndStaleBookingButtons(t *testing.T) {
	p, s := person(t, "fr")
	p.Expect(p.Forge("bk:bc:nope:1"), "book_gone")
	p.Expect(p.Forge("bk:bc:c1:old"), "book_changed")
	p.Expect(p.Forge("bk:zz"), "bad_old_button")
	p.Expect(p.Forge("bk:x:c1"), "bad_old_button") // not theirs to cancel
	p.Expect(p.Forge("bk:mc:0"), "bad_old_button") // not moving anything
	p.Clock.Set(at(12))
	r := p.Forge("bk:bc:c1:" + version(t, s, "c1"))
	p.Expect(r, "book_past")
	if !strings.Contains(dialogstest.Dump(r), "bk:b") && !strings.Contains(dialogstest.Dump(r), p.Tr("slots_none")) {
		t.Fatalf("after a past slot, no current list:%s", dialogstest.Dump(r))
	}
}

// gone is a schedule whose items vanish once booked: an import that took
// the item out between the booking and reading it back.
type gone struct{ *dialogstest.Scheduler }

func (g gone) Book(ctx context.Context, chat int64, id, version string) (booking.Result, error) {
	r, err := g.Scheduler.Book(ctx, chat, id, version)
	g.Remove(id)
	r.Slot = nil
	return r, err
}

// Booked, but the item is gone when it is read back: the person is told
// it is gone and shown what is there, not an apology for a crash.
func TestBookedItemGoneMeanwhile(t *testing.T) {
	p := dialogstest.New(t, "nl")
	s := schedule(p)
	p.Engine.Register(orientation.Flow{}, privacy.Flow{}, booking.Flow{Schedule: gone{s}})
	p.Onboard()
	r := p.Press("bk:lc:0")
	r = p.Press(r[0].Buttons[0][0].Data)
	p.Expect(r, "book_gone")
	if len(p.Notes()) != 0 {
		t.Fatalf("staff told of a booking on an item that is gone: %+v", p.Notes())
	}
}

func TestMyDataListsAppointments(t *testing.T) {
	p, _ := person(t, "nl")
	r := p.Press("bk:lc:0")
	p.Press(r[0].Buttons[0][0].Data)
	r = p.Command("mydata")
	if !strings.Contains(r[0].Text, "Lotte") || !strings.Contains(string(document(r).Content), `"appointments"`) {
		t.Fatalf("/mydata without the appointment:%s\n%s", dialogstest.Dump(r), document(r).Content)
	}
}

// /mydata keeps telling what the schedule keeps once an appointment is
// past: what staff marked, the message planned after a no-show, a waiting
// place, and a session staff took out.
func TestMyDataKeepsPastAndCancelledAppointments(t *testing.T) {
	ctx := context.Background()
	p, s := person(t, "nl")
	r := p.Press("bk:lc:0")
	p.Press(r[0].Buttons[0][0].Data)
	if got := s.Holders("c1"); !slices.Contains(got, p.Chat) {
		t.Fatalf("c1 is held by %v, not by the person who pressed", got)
	}
	s.Book(ctx, 99, "s1", "")
	s.Wait(ctx, p.Chat, "s1")
	p.Clock.Set(at(12))
	if err := s.Mark(ctx, "c1", p.Chat, false); err != nil {
		t.Fatal(err)
	}
	r = p.Command("mydata")
	p.Expect(r, "mydata_missed")
	p.Expect(r, "mydata_waiting")
	var doc struct {
		Appointments []struct {
			ID        string   `json:"id"`
			Came      *bool    `json:"came"`
			Cancelled bool     `json:"cancelled_by_staff"`
			Planned   []string `json:"reminders_planned"`
		} `json:"appointment_records"`
	}
	if err := json.Unmarshal(document(r).Content, &doc); err != nil {
		t.Fatal(err)
	}
	if a := doc.Appointments; len(a) != 2 || a[0].ID != "c1" || a[0].Came == nil || *a[0].Came || !slices.Contains(a[0].Planned, string(booking.NoShow)) {
		t.Fatalf("/mydata's appointments: %+v; want c1 marked absent with its message planned, then s1", a)
	}
	s.Remove("s1")
	r = p.Command("mydata")
	if err := json.Unmarshal(document(r).Content, &doc); err != nil {
		t.Fatal(err)
	}
	if a := doc.Appointments; len(a) != 2 || a[1].ID != "s1" || !a[1].Cancelled {
		t.Fatalf("/mydata after staff took s1 out: %+v; want it, cancelled by staff", a)
	}
}
