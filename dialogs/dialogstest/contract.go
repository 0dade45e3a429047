package dialogstest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/booking"
	"github.com/werkwijzer/werkwijzer/dialogs/faq"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/privacy"
	"github.com/werkwijzer/werkwijzer/dialogs/signup"
	"github.com/werkwijzer/werkwijzer/dialogs/vacancies"
	"github.com/werkwijzer/werkwijzer/dialogs/weblink"
)

// The contract suites: every implementation of a port, the fake here and
// the real one over Redis, runs the same suite (as upspin's
// test/integration_test.go does), so that a flow tested against a fake
// behaves the same in production.

// SessionsContract checks a dialogs.Sessions made by open.
func SessionsContract(t *testing.T, open func(t testing.TB) dialogs.Sessions) {
	ctx := context.Background()
	t.Run("unknown chat holds nothing", func(t *testing.T) {
		s := open(t)
		st, out, err := s.Load(ctx, 404)
		if err != nil || st != nil || out != nil {
			t.Fatalf("Load of an unknown chat = %+v, %+v, %v", st, out, err)
		}
	})
	t.Run("state, parts and outbox survive", func(t *testing.T) {
		s := open(t)
		st := &dialogs.State{V: dialogs.StateVersion, Lang: "ar", Step: orientation.StepSectors, LastUpdate: 7,
			Created: Start, LastSeen: Start, Agreed: Start}
		if err := orientation.Part.Write(st, orientation.State{Profile: orientation.Profile{Name: "سارة", Sectors: []string{"care"}}}); err != nil {
			t.Fatal(err)
		}
		turn := &dialogs.Turn{ChatID: 5, Update: 7, Replies: []dialogs.Reply{{Text: "a"}, {Text: "b"}}, Lang: "ar",
			Notes: []dialogs.Note{{ID: "n.0", Kind: dialogs.NoteSignup}}}
		if err := s.Save(ctx, 5, st, time.Hour, turn); err != nil {
			t.Fatal(err)
		}
		got, out, err := s.Load(ctx, 5)
		if err != nil {
			t.Fatal(err)
		}
		o, err := orientation.Part.Read(got)
		if err != nil || got.Lang != "ar" || got.Step != orientation.StepSectors || got.LastUpdate != 7 || o.Profile.Name != "سارة" {
			t.Fatalf("Load = %+v (orientation %+v, %v)", got, o, err)
		}
		if out == nil || out.Update != 7 || len(out.Replies) != 2 || len(out.Notes) != 1 {
			t.Fatalf("outbox = %+v", out)
		}
		out.Sent = 1
		if err := s.Progress(ctx, out); err != nil {
			t.Fatal(err)
		}
		if _, again, _ := s.Load(ctx, 5); again == nil || again.Sent != 1 {
			t.Fatalf("after Progress: outbox %+v, want Sent 1", again)
		}
		if err := s.Delivered(ctx, []*dialogs.Turn{out}); err != nil {
			t.Fatal(err)
		}
		if _, again, _ := s.Load(ctx, 5); again != nil {
			t.Fatalf("outbox after Delivered: %+v", again)
		}
	})
	t.Run("erasing keeps the goodbye until it is delivered", func(t *testing.T) {
		s := open(t)
		st := &dialogs.State{V: dialogs.StateVersion, Lang: "nl", Step: dialogs.StepMenu}
		if err := s.Save(ctx, 6, st, time.Hour, nil); err != nil {
			t.Fatal(err)
		}
		bye := &dialogs.Turn{ChatID: 6, Update: 9, Replies: []dialogs.Reply{{Text: "dag"}}}
		if err := s.Save(ctx, 6, nil, 0, bye); err != nil {
			t.Fatal(err)
		}
		got, out, err := s.Load(ctx, 6)
		if err != nil || got != nil || out == nil || out.Replies[0].Text != "dag" {
			t.Fatalf("after erasing: state %+v outbox %+v err %v", got, out, err)
		}
		s.Delivered(ctx, []*dialogs.Turn{out})
		if got, out, _ := s.Load(ctx, 6); got != nil || out != nil {
			t.Fatalf("after the goodbye: %+v %+v", got, out)
		}
	})
}

// SchedulerContract checks a booking.Scheduler made by open, which must
// hold items and read the time from clk.
func SchedulerContract(t *testing.T, open func(t testing.TB, clk *clock.Fake, items []Item) booking.Scheduler) {
	ctx := context.Background()
	day := time.Date(2026, 12, 2, 0, 0, 0, 0, clock.Brussels)
	at := func(h int) time.Time { return day.Add(time.Duration(h) * time.Hour) }
	items := []Item{
		{ID: "c1", Start: at(10), Duration: time.Hour, Seats: 1, Coach: "Lotte", Languages: []string{"nl"}, Address: "Lange Gasthuisstraat 33"},
		{ID: "c2", Start: at(11), Duration: time.Hour, Seats: 1, Coach: "Yusuf", Languages: []string{"ar", "nl"}, Mode: "phone"},
		{ID: "c3", Start: at(14), Duration: time.Hour, Seats: 1, Coach: "Lotte", Languages: []string{"nl"}, Address: "Lange Gasthuisstraat 33"},
		{ID: "s1", Session: true, Start: at(13), Duration: 2 * time.Hour, Seats: 1, Title: "Infosessie bouw", House: "talentenwerf", Sector: "construction", Languages: []string{"nl"}, Address: "Noorderlaan 30"},
		{ID: "s2", Session: true, Start: at(9), Duration: 2 * time.Hour, Seats: 2, Title: "Infosessie haven", House: "talentenstroom", Sector: "port", Languages: []string{"nl"}, Address: "Noorderlaan 30"},
	}
	setup := func(t *testing.T) (booking.Scheduler, *clock.Fake) {
		clk := clock.NewFake(day.Add(-24 * time.Hour))
		return open(t, clk, items), clk
	}
	ids := func(ss []booking.Slot) []string {
		var out []string
		for _, s := range ss {
			out = append(out, s.ID)
		}
		return out
	}
	want := func(t *testing.T, what string, got booking.Result, err error, out booking.Outcome) {
		t.Helper()
		if err != nil || got.Outcome != out {
			t.Fatalf("%s = %q, %v; want %q", what, got.Outcome, err, out)
		}
	}
	t.Run("listings put the person's language and sectors first", func(t *testing.T) {
		s, _ := setup(t)
		free, err := s.Free(ctx, "ar", 0, 10)
		if err != nil || len(free) != 3 || free[0].ID != "c2" || free[1].ID != "c1" || free[2].ID != "c3" {
			t.Fatalf("Free(ar) = %v, %v; want c2 (speaks Arabic) then c1, c3 by time", ids(free), err)
		}
		page, _ := s.Free(ctx, "nl", 1, 1)
		if len(page) != 1 || page[0].ID != "c2" {
			t.Fatalf("Free(nl, 1, 1) = %v, want [c2]", ids(page))
		}
		sess, err := s.Sessions(ctx, []string{"construction"}, 0, 10)
		if err != nil || len(sess) != 2 || sess[0].ID != "s1" || sess[0].SeatsFree != 1 || !sess[0].Session {
			t.Fatalf("Sessions(construction) = %+v, %v", sess, err)
		}
	})
	t.Run("book, already, another coaching talk, full, changed, gone", func(t *testing.T) {
		s, _ := setup(t)
		free, _ := s.Free(ctx, "nl", 0, 10)
		v := map[string]string{}
		for _, f := range free {
			v[f.ID] = f.Version
		}
		r, err := s.Book(ctx, 1, "c1", v["c1"])
		want(t, "Book c1", r, err, booking.Booked)
		if r.Slot == nil || r.Slot.ID != "c1" || !r.Slot.Start.Equal(at(10)) {
			t.Fatalf("Book c1: slot %+v", r.Slot)
		}
		r, err = s.Book(ctx, 1, "c1", v["c1"])
		want(t, "Book c1 again", r, err, booking.Already)
		r, err = s.Book(ctx, 1, "c3", v["c3"])
		want(t, "Book c3 with c1 held", r, err, booking.HasCoaching)
		r, err = s.Book(ctx, 2, "c1", v["c1"])
		want(t, "Book c1 for someone else", r, err, booking.Full)
		r, err = s.Book(ctx, 2, "c3", "not-"+v["c3"])
		want(t, "Book c3 with an old version", r, err, booking.Changed)
		r, err = s.Book(ctx, 2, "nope", "")
		want(t, "Book an unknown id", r, err, booking.Gone)
		if free, _ := s.Free(ctx, "nl", 0, 10); len(free) != 2 {
			t.Fatalf("Free after booking c1 = %v, want c1 left out", ids(free))
		}
		mine, err := s.Mine(ctx, 1)
		if err != nil || len(mine) != 1 || mine[0].ID != "c1" || !mine[0].Held {
			t.Fatalf("Mine = %+v, %v", mine, err)
		}
		sl, err := s.Slot(ctx, 1, "c1")
		if err != nil || sl == nil || !sl.Held || sl.Waiting {
			t.Fatalf("Slot c1 = %+v, %v", sl, err)
		}
		if sl, err := s.Slot(ctx, 1, "nope"); err != nil || sl != nil {
			t.Fatalf("Slot of an unknown id = %+v, %v", sl, err)
		}
	})
	t.Run("waiting list, cancel, promotion, leaving the list", func(t *testing.T) {
		s, _ := setup(t)
		r, err := s.Wait(ctx, 1, "s1")
		want(t, "Wait on a session with a seat", r, err, booking.NotFull)
		r, err = s.Book(ctx, 1, "s1", "")
		want(t, "Book s1", r, err, booking.Booked)
		r, err = s.Book(ctx, 2, "s1", "")
		want(t, "Book full s1", r, err, booking.Full)
		r, err = s.Wait(ctx, 2, "s1")
		want(t, "Wait on full s1", r, err, booking.Waiting)
		r, err = s.Wait(ctx, 3, "s1")
		want(t, "Wait on full s1, second", r, err, booking.Waiting)
		if sl, _ := s.Slot(ctx, 2, "s1"); sl == nil || !sl.Waiting || sl.Held {
			t.Fatalf("Slot s1 for the one waiting = %+v", sl)
		}
		r, err = s.Cancel(ctx, 1, "s1")
		want(t, "Cancel s1", r, err, booking.Cancelled)
		if sl, _ := s.Slot(ctx, 2, "s1"); sl == nil || !sl.Held {
			t.Fatalf("the first waiting did not get the seat: %+v", sl)
		}
		if sl, _ := s.Slot(ctx, 3, "s1"); sl == nil || !sl.Waiting {
			t.Fatalf("the second waiting lost their place: %+v", sl)
		}
		r, err = s.Cancel(ctx, 3, "s1")
		want(t, "Cancel a waiting place", r, err, booking.LeftWait)
		r, err = s.Cancel(ctx, 3, "s1")
		want(t, "Cancel again", r, err, booking.NotBooked)
		r, err = s.Wait(ctx, 1, "c1")
		want(t, "Wait on a coaching talk", r, err, booking.Full)
	})
	t.Run("move keeps the old seat until the new one is had", func(t *testing.T) {
		s, _ := setup(t)
		s.Book(ctx, 1, "c1", "")
		s.Book(ctx, 2, "c2", "")
		r, err := s.Move(ctx, 1, "c1", "c2", "")
		want(t, "Move to a full slot", r, err, booking.Full)
		if sl, _ := s.Slot(ctx, 1, "c1"); sl == nil || !sl.Held {
			t.Fatalf("a refused move gave the old seat back: %+v", sl)
		}
		r, err = s.Move(ctx, 1, "c1", "c3", "")
		want(t, "Move to c3", r, err, booking.Booked)
		if sl, _ := s.Slot(ctx, 1, "c1"); sl == nil || sl.Held {
			t.Fatalf("after the move the old seat is still held: %+v", sl)
		}
		r, err = s.Move(ctx, 9, "c1", "c3", "")
		want(t, "Move without a seat", r, err, booking.NotBooked)
	})
	t.Run("what has started cannot be booked, and is no longer listed", func(t *testing.T) {
		s, clk := setup(t)
		s.Book(ctx, 1, "c1", "")
		clk.Set(at(10).Add(time.Minute))
		r, err := s.Book(ctx, 2, "s2", "")
		want(t, "Book a started session", r, err, booking.Past)
		if mine, _ := s.Mine(ctx, 1); len(mine) != 0 {
			t.Fatalf("Mine lists a started talk: %v", ids(mine))
		}
		free, _ := s.Free(ctx, "nl", 0, 10)
		if len(free) != 2 || free[0].ID != "c2" {
			t.Fatalf("Free after 10:00 = %v", ids(free))
		}
		r, err = s.Book(ctx, 1, "c3", "")
		want(t, "Book a second talk once the first is past", r, err, booking.Booked)
	})
	t.Run("what has started is not cancelled or moved, and nobody waiting gets its seat", func(t *testing.T) {
		s, clk := setup(t)
		s.Book(ctx, 1, "c1", "")
		s.Book(ctx, 1, "s1", "")
		s.Wait(ctx, 2, "s1")
		clk.Set(at(10))
		r, err := s.Cancel(ctx, 1, "c1")
		want(t, "Cancel a talk at its start", r, err, booking.Started)
		r, err = s.Move(ctx, 1, "c1", "c3", "")
		want(t, "Move a talk after its start", r, err, booking.Started)
		if sl, _ := s.Slot(ctx, 1, "c1"); sl == nil || !sl.Held {
			t.Fatalf("the seat after refused presses: %+v", sl)
		}
		clk.Set(at(13).Add(time.Minute))
		r, err = s.Cancel(ctx, 1, "s1")
		want(t, "Cancel a session under way", r, err, booking.Started)
		if sl, _ := s.Slot(ctx, 2, "s1"); sl == nil || sl.Held || !sl.Waiting {
			t.Fatalf("the person waiting: %+v, want still waiting", sl)
		}
	})
	t.Run("a listing promises only the reminders still ahead", func(t *testing.T) {
		s, clk := setup(t)
		reminders := func() string {
			free, _ := s.Free(ctx, "nl", 0, 1) // c1 at 10:00
			if len(free) == 0 {
				return "none listed"
			}
			var out []string
			for _, n := range free[0].Reminders {
				out = append(out, string(n))
			}
			return strings.Join(out, " ")
		}
		if got := reminders(); got != "day hours" {
			t.Fatalf("a day ahead: %q", got)
		}
		clk.Set(day.Add(-5 * time.Hour)) // 19:00 the evening before
		if got := reminders(); got != "hours" {
			t.Fatalf("the evening before: %q", got)
		}
		clk.Set(at(9).Add(50 * time.Minute))
		if got := reminders(); got != "" {
			t.Fatalf("ten minutes before: %q", got)
		}
	})
}

// FinderContract checks a vacancies.Finder made by open, which must fit
// the person s to at least three vacancies in their sectors (at distinct
// distances, the nearest more than 1 km away) and at least one outside
// them.
func FinderContract(t *testing.T, open func(t testing.TB) (vacancies.Finder, vacancies.Seeker)) {
	ctx := context.Background()
	f, s := open(t)
	all, err := f.Offers(ctx, "nl", s, vacancies.Chosen, 0, 1000)
	if err != nil || len(all) < 3 {
		t.Fatalf("Offers = %d offers, %v; want at least 3", len(all), err)
	}
	for i := range all {
		page, err := f.Offers(ctx, "nl", s, vacancies.Chosen, i, 1)
		if err != nil || len(page) != 1 || page[0].ID != all[i].ID {
			t.Fatalf("Offers at %d = %+v, %v; want %s (pages agree with the whole list)", i, page, err, all[i].ID)
		}
		if all[i].Outside || !slices.Contains(s.Profile.Sectors, all[i].Sector) {
			t.Fatalf("the list of their sectors holds %s in %q (outside: %v)", all[i].ID, all[i].Sector, all[i].Outside)
		}
	}
	if page, err := f.Offers(ctx, "nl", s, vacancies.Chosen, len(all), 1); err != nil || len(page) != 0 {
		t.Fatalf("Offers past the end = %+v, %v", page, err)
	}
	others, err := f.Offers(ctx, "nl", s, vacancies.Outside, 0, 1000)
	if err != nil || len(others) == 0 {
		t.Fatalf("Offers outside = %d offers, %v; want at least 1", len(others), err)
	}
	for _, o := range others {
		if !o.Outside || slices.Contains(s.Profile.Sectors, o.Sector) {
			t.Fatalf("the list outside their sectors holds %s in %q (outside: %v)", o.ID, o.Sector, o.Outside)
		}
	}
	got, err := f.Offer(ctx, "nl", s, vacancies.Handle(all[1].ID))
	if err != nil || got == nil || got.ID != all[1].ID || got.Title != all[1].Title {
		t.Fatalf("Offer by handle = %+v, %v; want %s", got, err, all[1].ID)
	}
	if got, err := f.Offer(ctx, "nl", s, all[2].ID); err != nil || got == nil || got.ID != all[2].ID {
		t.Fatalf("Offer by id = %+v, %v", got, err)
	}
	if got, err := f.Offer(ctx, "nl", s, others[0].ID); err != nil || got == nil || !got.Outside {
		t.Fatalf("Offer of one outside their sectors = %+v, %v; want it, marked outside", got, err)
	}
	if got, err := f.Offer(ctx, "nl", s, "no-such-vacancy"); err != nil || got != nil {
		t.Fatalf("Offer of an unknown id = %+v, %v", got, err)
	}
	hidden := s
	hidden.Hidden = append(slices.Clone(s.Hidden), all[0].ID)
	rest, err := f.Offers(ctx, "nl", hidden, vacancies.Chosen, 0, 1000)
	if err != nil || len(rest) != len(all)-1 || slices.ContainsFunc(rest, func(o vacancies.Offer) bool { return o.ID == all[0].ID }) {
		t.Fatalf("Offers after a rejection = %d, %v; want %d, without %s", len(rest), err, len(all)-1, all[0].ID)
	}
	if got, _ := f.Offer(ctx, "nl", hidden, all[0].ID); got != nil {
		t.Fatalf("Offer of a rejected vacancy = %+v", got)
	}
	// "Too far" on the farthest keeps only nearer ones.
	far := all[0]
	for _, o := range all {
		if o.Km > far.Km {
			far = o
		}
	}
	nearer := s
	nearer.Narrow.MaxKm = far.Km
	got2, err := f.Offers(ctx, "nl", nearer, vacancies.Chosen, 0, 1000)
	if err != nil || len(got2) == 0 || len(got2) >= len(all) {
		t.Fatalf("Offers nearer than %d km = %d, %v; want fewer than %d, more than none", far.Km, len(got2), err, len(all))
	}
	for _, o := range got2 {
		if o.Km >= far.Km {
			t.Fatalf("Offers nearer than %d km holds one at %d km", far.Km, o.Km)
		}
	}
	// "Not this sector" takes a sector out of both lists.
	gone := s
	gone.Narrow.NoSectors = []string{all[0].Sector}
	for _, list := range []vacancies.List{vacancies.Chosen, vacancies.Outside} {
		got, err := f.Offers(ctx, "nl", gone, list, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range got {
			if o.Sector == all[0].Sector {
				t.Fatalf("sector %q offered after 'not this sector'", o.Sector)
			}
		}
	}
}

// ResolverContract checks a signup.Resolver made by open, which must know
// the link valid stands for (want).
func ResolverContract(t *testing.T, open func(t testing.TB) (r signup.Resolver, valid string, want signup.Link)) {
	ctx := context.Background()
	r, valid, want := open(t)
	got, problem, err := r.ResolveLink(ctx, valid)
	if err != nil || problem != "" || got == nil {
		t.Fatalf("ResolveLink(valid) = %+v, %q, %v", got, problem, err)
	}
	a, _ := json.Marshal(got)
	b, _ := json.Marshal(want)
	if string(a) != string(b) {
		t.Fatalf("ResolveLink(valid) = %s, want %s", a, b)
	}
	altered := []byte(valid)
	altered[len(altered)-1] ^= 1
	if got, problem, err := r.ResolveLink(ctx, string(altered)); err != nil || got != nil || problem == "" {
		t.Fatalf("ResolveLink(altered) = %+v, %q, %v; want a problem", got, problem, err)
	}
	if got, problem, err := r.ResolveLink(ctx, "zz"); err != nil || got != nil || problem == "" {
		t.Fatalf("ResolveLink(zz) = %+v, %q, %v; want a problem", got, problem, err)
	}
}

// Web is a web chat for WebContract: the two ports the weblink flow
// reads, and the page's part, which starts a conversation.
type Web interface {
	weblink.Redeemer
	weblink.Holder
	// Add starts a web conversation holding c (its ID is not read) and
	// gives it a one-time code for Telegram; it returns the
	// conversation's id and the code, without weblink.Prefix.
	Add(ctx context.Context, c WebChat) (id int64, code string, err error)
}

// WebContract checks a Web made by open: a code carries its conversation
// over to the one Telegram chat that redeems it first, and /mydata learns
// what a web chat keeps.
func WebContract(t *testing.T, open func(t testing.TB) Web) {
	ctx := context.Background()
	const tg, other = 4242, 4343
	notFound := func(t *testing.T, what string, st *dialogs.State, from int64, err error) {
		t.Helper()
		if !errors.Is(err, dialogs.ErrNotFound) || st != nil || from != 0 {
			t.Fatalf("%s = %+v, %d, %v; want not found", what, st, from, err)
		}
	}
	t.Run("a code carries the conversation over once", func(t *testing.T) {
		w := open(t)
		st := &dialogs.State{V: dialogs.StateVersion, Lang: "uk", Step: orientation.StepSectors, Created: Start, LastSeen: Start, Agreed: Start}
		if err := orientation.Part.Write(st, orientation.State{Profile: orientation.Profile{Name: "Olena"}}); err != nil {
			t.Fatal(err)
		}
		id, code, err := w.Add(ctx, WebChat{State: st, Messages: 4})
		if err != nil {
			t.Fatal(err)
		}
		for range 2 { // a turn that failed is tried again
			got, from, err := w.Redeem(ctx, code, tg)
			if err != nil || got == nil || from != id {
				t.Fatalf("Redeem = %+v, %d, %v; want the web chat %d", got, from, err, id)
			}
			o, err := orientation.Part.Read(got)
			if err != nil || got.Lang != "uk" || got.Step != orientation.StepSectors || !got.Consented() || o.Profile.Name != "Olena" {
				t.Fatalf("carried over: %+v (orientation %+v, %v)", got, o, err)
			}
		}
		st2, from, err := w.Redeem(ctx, code, other)
		notFound(t, "Redeem by a second Telegram chat", st2, from, err)
	})
	t.Run("unknown codes and empty conversations carry nothing", func(t *testing.T) {
		w := open(t)
		st, from, err := w.Redeem(ctx, "zzzzzzzz", tg)
		notFound(t, "Redeem of an unknown code", st, from, err)
		_, code, err := w.Add(ctx, WebChat{})
		if err != nil {
			t.Fatal(err)
		}
		st, from, err = w.Redeem(ctx, code, tg)
		notFound(t, "Redeem of a web chat that holds nothing", st, from, err)
	})
	t.Run("what a web chat keeps", func(t *testing.T) {
		w := open(t)
		st := &dialogs.State{V: dialogs.StateVersion, Lang: "nl", Step: dialogs.StepMenu, Created: Start, LastSeen: Start, Agreed: Start}
		push, _, err := w.Add(ctx, WebChat{State: st, Messages: 3, Push: true})
		if err != nil {
			t.Fatal(err)
		}
		quiet, _, err := w.Add(ctx, WebChat{State: st, Messages: 2})
		if err != nil {
			t.Fatal(err)
		}
		if n, on, ok, err := w.WebData(ctx, push); err != nil || !ok || n != 3 || !on {
			t.Fatalf("WebData of a chat with notifications = %d, %v, %v, %v; want 3 messages, notifications on", n, on, ok, err)
		}
		if n, on, ok, err := w.WebData(ctx, quiet); err != nil || !ok || n != 2 || on {
			t.Fatalf("WebData of a chat without = %d, %v, %v, %v; want 2 messages, no notifications", n, on, ok, err)
		}
		if _, _, ok, err := w.WebData(ctx, tg); err != nil || ok {
			t.Fatalf("WebData of a Telegram chat = ok %v, %v; want not a web chat", ok, err)
		}
	})
}

// Alerting is the alerts for AlertLogContract: what /mydata reads, and
// what the rest of the system does to the alerts.
type Alerting interface {
	vacancies.AlertLog
	// Subscribe puts chat on the list (they turned alerts on, with a
	// profile that fits every vacancy Plan plans).
	Subscribe(ctx context.Context, chat int64) error
	// Plan plans new vacancies, by id, which fit everyone on the list.
	Plan(ctx context.Context, ids ...string) error
	// Send hands one queued alert out to chat.
	Send(ctx context.Context, chat int64, vacancy string) error
	// Stop is chat turning alerts off.
	Stop(ctx context.Context, chat int64) error
	// Forget is /forget.
	Forget(ctx context.Context, chat int64) error
}

// AlertLogContract checks the alerts made by open, reading the time from
// clk: what /mydata says they keep on a person.
func AlertLogContract(t *testing.T, open func(t testing.TB, clk *clock.Fake) Alerting) {
	ctx := context.Background()
	monday := time.Date(2026, 11, 23, 10, 0, 0, 0, clock.Brussels)
	must := func(t *testing.T, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	held := func(t *testing.T, a Alerting, chat int64) vacancies.AlertsHeld {
		t.Helper()
		h, err := a.Held(ctx, chat)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	nothing := func(h vacancies.AlertsHeld) bool {
		return !h.Subscribed && len(h.Planned) == 0 && len(h.Queued) == 0 && h.ThisWeek == 0
	}
	t.Run("on the list, what waits, what was handed out this week", func(t *testing.T) {
		clk := clock.NewFake(monday)
		a := open(t, clk)
		if h := held(t, a, 1); !nothing(h) {
			t.Fatalf("someone never on the list: %+v", h)
		}
		must(t, a.Subscribe(ctx, 1))
		must(t, a.Subscribe(ctx, 2))
		if h := held(t, a, 1); !h.Subscribed || len(h.Queued) != 0 {
			t.Fatalf("just subscribed: %+v", h)
		}
		must(t, a.Plan(ctx, "v2", "v1"))
		must(t, a.Send(ctx, 1, "v1"))
		h := held(t, a, 1)
		if !h.Subscribed || strings.Join(h.Queued, ",") != "v2" || strings.Join(h.Planned, ",") != "v2" || h.ThisWeek != 1 {
			t.Fatalf("after one of two was handed out: %+v; want on the list, v2 queued and planned (the conversation keeps what was sent), 1 this week", h)
		}
		if h := held(t, a, 2); strings.Join(h.Queued, ",") != "v1,v2" || h.ThisWeek != 0 {
			t.Fatalf("the other person: %+v; want v1,v2 queued, in order", h)
		}
		must(t, a.Plan(ctx, "v1", "v3"))
		if h := held(t, a, 2); strings.Join(h.Queued, ",") != "v1,v2,v3" {
			t.Fatalf("after planning v1 again: %+v; want it planned once", h)
		}
		clk.Set(monday.AddDate(0, 0, 7))
		if h := held(t, a, 1); h.ThisWeek != 0 || strings.Join(h.Queued, ",") != "v2,v3" {
			t.Fatalf("the next week: %+v; want nothing handed out yet, v2,v3 still queued", h)
		}
	})
	t.Run("alerts off drops what waits, /forget everything", func(t *testing.T) {
		clk := clock.NewFake(monday)
		a := open(t, clk)
		for _, c := range []int64{1, 2, 3} {
			must(t, a.Subscribe(ctx, c))
		}
		must(t, a.Plan(ctx, "v1", "v2"))
		must(t, a.Send(ctx, 1, "v1"))
		must(t, a.Send(ctx, 2, "v1"))
		must(t, a.Stop(ctx, 1))
		if h := held(t, a, 1); h.Subscribed || len(h.Queued)+len(h.Planned) != 0 || h.ThisWeek != 1 {
			t.Fatalf("after alerts off: %+v; want off the list, nothing queued, this week's count kept", h)
		}
		must(t, a.Forget(ctx, 2))
		if h := held(t, a, 2); !nothing(h) {
			t.Fatalf("after /forget: %+v", h)
		}
		if h := held(t, a, 3); !h.Subscribed || len(h.Queued) != 2 {
			t.Fatalf("someone else's alerts changed: %+v", h)
		}
	})
}

// StaffDesk is the staff side for StaffSideContract: what /mydata
// reads, and what the person and staff do.
type StaffDesk interface {
	privacy.StaffSide
	// Ask files chat's request for a person.
	Ask(ctx context.Context, chat int64) error
	// Take is staff member name taking chat's request.
	Take(ctx context.Context, chat int64, name string) error
	// Forget is /forget.
	Forget(ctx context.Context, chat int64) error
}

// StaffSideContract checks the staff side made by open: what /mydata says
// staff hold on a person.
func StaffSideContract(t *testing.T, open func(t testing.TB) StaffDesk) {
	ctx := context.Background()
	d := open(t)
	held := func(chat int64) privacy.StaffHeld {
		t.Helper()
		h, err := d.Held(ctx, chat)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	if h := held(7); !h.Empty() || h.Reference == "" || h.Reference == held(8).Reference {
		t.Fatalf("someone staff never heard of: %+v; want nothing but their own reference", h)
	}
	if err := d.Ask(ctx, 7); err != nil {
		t.Fatal(err)
	}
	h := held(7)
	if h.Empty() || h.Request == nil || h.Request.Shown.What != "handover" || h.Request.Since.IsZero() || h.Request.TakenBy != "" {
		t.Fatalf("after asking for a person: %+v (request %+v)", h, h.Request)
	}
	if !slices.ContainsFunc(h.Messages, func(m privacy.StaffMessage) bool { return m.What == "handover" && m.TS != "" }) {
		t.Fatalf("the request's Slack message is not among %+v", h.Messages)
	}
	if err := d.Take(ctx, 7, "Lotte"); err != nil {
		t.Fatal(err)
	}
	if h := held(7); h.Request == nil || h.Request.TakenBy != "Lotte" || h.Reference != held(7).Reference {
		t.Fatalf("after Lotte took it: %+v (request %+v)", h, h.Request)
	}
	if h := held(8); !h.Empty() {
		t.Fatalf("someone else: %+v", h)
	}
	if err := d.Forget(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if h := held(7); !h.Empty() {
		t.Fatalf("after /forget: %+v", h)
	}
}

// Schedule is a schedule for RecordsContract: the person's side, what
// /mydata reads, and what staff and /forget do.
type Schedule interface {
	booking.Scheduler
	booking.Records
	// Mark is staff marking whether chat came to id.
	Mark(ctx context.Context, id string, chat int64, came bool) error
	// TakeOut is an import that no longer has id.
	TakeOut(ctx context.Context, id string) error
	// Forget is /forget.
	Forget(ctx context.Context, chat int64) error
}

// RecordsContract checks a Schedule made by open, which must hold items
// and read the time from clk: what /mydata says the schedule keeps on a
// person.
func RecordsContract(t *testing.T, open func(t testing.TB, clk *clock.Fake, items []Item) Schedule) {
	ctx := context.Background()
	day := time.Date(2026, 12, 2, 0, 0, 0, 0, clock.Brussels)
	at := func(h int) time.Time { return day.Add(time.Duration(h) * time.Hour) }
	items := []Item{
		{ID: "c1", Start: at(10), Duration: time.Hour, Seats: 1, Coach: "Lotte", Languages: []string{"nl"}, Address: "Lange Gasthuisstraat 33"},
		{ID: "c2", Start: at(14), Duration: time.Hour, Seats: 1, Coach: "Yusuf", Languages: []string{"ar", "nl"}, Mode: "phone"},
		{ID: "s1", Session: true, Start: at(13), Duration: 2 * time.Hour, Seats: 1, Title: "Infosessie bouw", House: "talentenwerf", Sector: "construction", Languages: []string{"nl"}, Address: "Noorderlaan 30"},
		{ID: "s2", Session: true, Start: at(9), Duration: 2 * time.Hour, Seats: 2, Title: "Infosessie haven", House: "talentenstroom", Sector: "port", Languages: []string{"nl"}, Address: "Noorderlaan 30"},
	}
	must := func(t *testing.T, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	records := func(t *testing.T, s Schedule, chat int64) string {
		t.Helper()
		recs, err := s.Records(ctx, chat)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range recs {
			x := r.Slot.ID
			switch {
			case r.Slot.Held:
				x += " held"
			case r.Slot.Waiting:
				x += " waiting"
			}
			if r.Slot.Cancelled {
				x += " cancelled"
			}
			if r.Came != nil {
				x += fmt.Sprintf(" came=%v", *r.Came)
			}
			if r.Slot.Start.IsZero() {
				x += " undated"
			}
			ns := make([]string, len(r.Planned))
			for i, n := range r.Planned {
				ns[i] = string(n)
			}
			slices.Sort(ns)
			if len(ns) > 0 {
				x += " [" + strings.Join(ns, " ") + "]"
			}
			out = append(out, x)
		}
		return strings.Join(out, "; ")
	}
	want := func(t *testing.T, s Schedule, chat int64, what, w string) {
		t.Helper()
		if got := records(t, s, chat); got != w {
			t.Fatalf("%s: records of %d = %q, want %q", what, chat, got, w)
		}
	}
	t.Run("bookings, waiting places, promotion, cancelling", func(t *testing.T) {
		clk := clock.NewFake(day.Add(-24 * time.Hour))
		s := open(t, clk, items)
		want(t, s, 1, "nothing booked", "")
		if r, err := s.Book(ctx, 1, "c1", ""); err != nil || r.Outcome != booking.Booked {
			t.Fatalf("Book c1 = %+v, %v", r, err)
		}
		s.Book(ctx, 1, "s1", "")
		s.Wait(ctx, 2, "s1")
		want(t, s, 1, "booked a day ahead", "c1 held [day hours]; s1 held [day hours]")
		want(t, s, 2, "waiting", "s1 waiting")
		want(t, s, 3, "someone else", "")
		s.Cancel(ctx, 1, "s1")
		want(t, s, 1, "after cancelling s1", "c1 held [day hours]")
		want(t, s, 2, "the one waiting, promoted", "s1 held [day hours promoted]")
		if r, err := s.Move(ctx, 1, "c1", "c2", ""); err != nil || r.Outcome != booking.Booked {
			t.Fatalf("Move = %+v, %v", r, err)
		}
		want(t, s, 1, "after the move", "c2 held [day hours]")
	})
	t.Run("past appointments stay, with what staff marked", func(t *testing.T) {
		clk := clock.NewFake(day.Add(-24 * time.Hour))
		s := open(t, clk, items)
		s.Book(ctx, 1, "c1", "")
		s.Book(ctx, 2, "s1", "")
		clk.Set(at(9))
		if err := s.Mark(ctx, "c1", 1, false); err == nil {
			t.Fatal("marked a talk before its start")
		}
		clk.Set(at(12))
		must(t, s.Mark(ctx, "c1", 1, false))
		want(t, s, 1, "marked absent", "c1 held came=false [day hours noshow]")
		must(t, s.Mark(ctx, "c1", 1, false))
		want(t, s, 1, "marked absent twice", "c1 held came=false [day hours noshow]")
		if err := s.Mark(ctx, "c1", 2, true); err == nil {
			t.Fatal("marked someone without a seat")
		}
		clk.Set(at(16))
		must(t, s.Mark(ctx, "s1", 2, true))
		want(t, s, 2, "marked present", "s1 held came=true [attended day hours]")
	})
	t.Run("an item staff took out", func(t *testing.T) {
		clk := clock.NewFake(day.Add(-24 * time.Hour))
		s := open(t, clk, items)
		s.Book(ctx, 1, "s1", "")
		s.Wait(ctx, 2, "s1")
		must(t, s.TakeOut(ctx, "s1"))
		want(t, s, 1, "the one with a seat", "s1 cancelled [cancelled]")
		want(t, s, 2, "the one waiting", "s1 cancelled [cancelled]")
		if recs, _ := s.Records(ctx, 1); len(recs) != 1 || !recs[0].Slot.Start.Equal(at(13)) || recs[0].Slot.Title != "Infosessie bouw" {
			t.Fatalf("the record of a cancelled session does not say which: %+v", recs)
		}
	})
	t.Run("/forget leaves nothing, and gives the seats on", func(t *testing.T) {
		clk := clock.NewFake(day.Add(-24 * time.Hour))
		s := open(t, clk, items)
		s.Book(ctx, 1, "c1", "")
		s.Book(ctx, 1, "s1", "")
		s.Wait(ctx, 2, "s1")
		clk.Set(at(11))
		must(t, s.Mark(ctx, "c1", 1, true))
		must(t, s.Forget(ctx, 1))
		want(t, s, 1, "after /forget", "")
		want(t, s, 2, "the one waiting", "s1 held [promoted]")
	})
}

// FAQSetup is an FAQ for FAQContract: its retriever, a question in Dutch
// it answers before any import (its seed), and its import.
type FAQSetup struct {
	Retriever faq.Retriever
	Seeded    string
	Import    func(ctx context.Context, entries []FAQEntry) error
}

// FAQContract checks the FAQ made by open: an import replaces what it
// answered, and an answer comes in the person's language or the
// fallback.
func FAQContract(t *testing.T, open func(t testing.TB) FAQSetup) {
	ctx := context.Background()
	f := open(t)
	ask := func(lang, text string) *faq.Answer {
		t.Helper()
		a, err := f.Retriever.Answer(ctx, lang, text)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	if a := ask("nl", f.Seeded); a == nil || a.Text == "" {
		t.Fatalf("the seed's question %q: %+v", f.Seeded, a)
	}
	bike := FAQEntry{ID: "bike", Flow: "coaching",
		Questions: map[string][]string{"nl": {"Mag ik met de fiets komen?"}, "en": {"Can I come by bike?"}, "tr": {"Bisikletle gelebilir miyim?"}},
		Answers:   map[string]string{"nl": "Ja, er is een fietsenstalling.", "en": "Yes, there is a bike shed."}}
	hours := FAQEntry{ID: "hours",
		Questions: map[string][]string{"nl": {"Wanneer zijn jullie open?"}},
		Answers:   map[string]string{"nl": "Van maandag tot vrijdag.", "en": "Monday to Friday."}}
	if err := f.Import(ctx, []FAQEntry{bike, hours}); err != nil {
		t.Fatal(err)
	}
	if a := ask("nl", "mag ik met de fiets komen"); a == nil || a.ID != "bike" || a.Text != bike.Answers["nl"] || a.Flow != "coaching" {
		t.Fatalf("after the import, in Dutch: %+v", a)
	}
	if a := ask("en", "Can I come by bike?"); a == nil || a.ID != "bike" || a.Text != bike.Answers["en"] {
		t.Fatalf("in English: %+v", a)
	}
	if a := ask("tr", "Bisikletle gelebilir miyim?"); a == nil || a.ID != "bike" || a.Text != bike.Answers["en"] {
		t.Fatalf("in Turkish, without a Turkish answer: %+v; want the English one", a)
	}
	if a := ask("ar", "هل يمكنني القدوم بالدراجة؟"); a != nil {
		t.Fatalf("an entry without Arabic questions answered in Arabic: %+v", a)
	}
	if a := ask("nl", f.Seeded); a != nil {
		t.Fatalf("the seed still answers after an import: %+v", a)
	}
	if err := f.Import(ctx, []FAQEntry{hours}); err != nil {
		t.Fatal(err)
	}
	if a := ask("nl", "Mag ik met de fiets komen?"); a != nil {
		t.Fatalf("an entry the last import left out still answers: %+v", a)
	}
	if a := ask("nl", "Wanneer zijn jullie open?"); a == nil || a.ID != "hours" {
		t.Fatalf("after the second import: %+v", a)
	}
}
