package dialogstest

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/privacy"
	"github.com/werkwijzer/werkwijzer/dialogs/vacancies"
	"github.com/werkwijzer/werkwijzer/dialogs/weblink"
)

// The fakes of the ports through which a flow reads what other
// components hold (the web chat, the alerts, the staff side), each with
// the writes the rest of the system makes to it, so that a test sets
// them up as production would.

// WebChat is a web conversation for WebChats to hold: its state (nil for
// one that holds nothing yet), the messages in its log, and whether the
// person allowed notifications. ID is chosen by the store.
type WebChat struct {
	ID       int64
	State    *dialogs.State
	Messages int
	Push     bool
}

// WebChats is an in-memory web chat as the weblink flow sees it: its
// conversations, each with a one-time code that the first Telegram chat
// to redeem it claims (as package web keeps them).
type WebChats struct {
	mu    sync.Mutex
	chats map[int64]WebChat
	codes map[string]*webCode
	next  int64
}

type webCode struct {
	from, claimed int64
}

var (
	_ weblink.Redeemer = (*WebChats)(nil)
	_ weblink.Holder   = (*WebChats)(nil)
)

// FirstWebChat is the id of a WebChats' first conversation: web chats
// have ids of their own range, above Telegram's.
const FirstWebChat = 1<<62 + 1

// NewWebChats holds no conversation.
func NewWebChats() *WebChats {
	return &WebChats{chats: map[int64]WebChat{}, codes: map[string]*webCode{}, next: FirstWebChat}
}

// codeAlphabet is the web chat's: no l, 1, o or 0.
const codeAlphabet = "abcdefghijkmnpqrstuvwxyz23456789"

// Add keeps c as a new web conversation and gives it a code for
// Telegram; it returns its id and the code (without weblink.Prefix).
func (w *WebChats) Add(_ context.Context, c WebChat) (int64, string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c.ID = w.next
	w.next++
	c.State = copyState(c.State)
	w.chats[c.ID] = c
	n := len(w.codes)
	code := make([]byte, 8)
	for i := range code {
		code[len(code)-1-i] = codeAlphabet[n%len(codeAlphabet)]
		n /= len(codeAlphabet)
	}
	w.codes[string(code)] = &webCode{from: c.ID}
	return c.ID, string(code), nil
}

// Redeem implements weblink.Redeemer.
func (w *WebChats) Redeem(_ context.Context, code string, to int64) (*dialogs.State, int64, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c := w.codes[code]
	if c == nil || c.claimed != 0 && c.claimed != to {
		return nil, 0, dialogs.E(dialogs.ErrNotFound, "fake web: redeem", errors.New("no such code"))
	}
	c.claimed = to
	st := w.chats[c.from].State
	if st == nil {
		return nil, 0, dialogs.E(dialogs.ErrNotFound, "fake web: redeem", errors.New("the web chat holds nothing"))
	}
	return copyState(st), c.from, nil
}

// WebData implements weblink.Holder.
func (w *WebChats) WebData(_ context.Context, chat int64) (int, bool, bool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, ok := w.chats[chat]
	return c.Messages, c.Push, ok, nil
}

// copyState is st after a round trip through JSON, as stored.
func copyState(st *dialogs.State) *dialogs.State {
	if st == nil {
		return nil
	}
	b, err := json.Marshal(st)
	if err != nil {
		panic(err)
	}
	var out dialogs.State
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return &out
}

// Alerts is an in-memory vacancies.AlertLog, keeping what package jobs
// keeps: who is on the list, the vacancies queued for each person, and
// how many were handed out to them in the current ISO week (read from
// Clock). As there, a vacancy is planned once, for the people on the list
// when it is; one handed out leaves the queue (the conversation remembers
// it), so Planned is what is still queued.
type Alerts struct {
	Clock clock.Clock

	mu      sync.Mutex
	on      map[int64]bool
	queued  map[int64][]string
	week    map[int64]map[string]int
	planned map[string]bool
}

var _ vacancies.AlertLog = (*Alerts)(nil)

// NewAlerts holds nothing; clk tells the week.
func NewAlerts(clk clock.Clock) *Alerts {
	return &Alerts{Clock: clk, on: map[int64]bool{}, queued: map[int64][]string{}, week: map[int64]map[string]int{}, planned: map[string]bool{}}
}

func isoWeek(t time.Time) string {
	y, w := t.In(clock.Brussels).ISOWeek()
	return strconv.Itoa(y) + "-" + strconv.Itoa(w)
}

// Subscribe puts chat on the list (the person turned alerts on).
func (a *Alerts) Subscribe(_ context.Context, chat int64) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.on[chat] = true
	return nil
}

// Plan queues vacancies, new ones that fit everyone, for each person on
// the list; a vacancy planned before is not planned again.
func (a *Alerts) Plan(_ context.Context, ids ...string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	var fresh []string
	for _, id := range ids {
		if !a.planned[id] {
			a.planned[id] = true
			fresh = append(fresh, id)
		}
	}
	for chat := range a.on {
		a.queued[chat] = append(a.queued[chat], fresh...)
	}
	return nil
}

// Send hands vacancy out to chat: it leaves the queue and counts for the
// week.
func (a *Alerts) Send(_ context.Context, chat int64, vacancy string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	i := slices.Index(a.queued[chat], vacancy)
	if i < 0 {
		return errors.New("fake alerts: not queued")
	}
	a.queued[chat] = slices.Delete(a.queued[chat], i, i+1)
	if a.week[chat] == nil {
		a.week[chat] = map[string]int{}
	}
	a.week[chat][isoWeek(a.Clock.Now())]++
	return nil
}

// Stop takes chat off the list and drops what was queued for them (they
// turned alerts off); the week's count stays.
func (a *Alerts) Stop(_ context.Context, chat int64) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.on, chat)
	delete(a.queued, chat)
	return nil
}

// Forget removes every trace of chat.
func (a *Alerts) Forget(ctx context.Context, chat int64) error {
	a.Stop(ctx, chat)
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.week, chat)
	return nil
}

// Held implements vacancies.AlertLog.
func (a *Alerts) Held(_ context.Context, chat int64) (vacancies.AlertsHeld, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	h := vacancies.AlertsHeld{Subscribed: a.on[chat], ThisWeek: a.week[chat][isoWeek(a.Clock.Now())]}
	if q := a.queued[chat]; len(q) > 0 {
		h.Queued = slices.Sorted(slices.Values(q))
		h.Planned = h.Queued
	}
	return h, nil
}

// Staff is an in-memory privacy.StaffSide, keeping of each person what
// package staff keeps: their open request as staff see it, who took it,
// and the Slack messages about them. Everyone has a reference, "ref-"
// and their chat id (the real one is a pseudonym).
type Staff struct {
	Clock clock.Clock

	mu   sync.Mutex
	held map[int64]*privacy.StaffHeld
}

var _ privacy.StaffSide = (*Staff)(nil)

// NewStaff holds nothing; clk dates the requests.
func NewStaff(clk clock.Clock) *Staff {
	return &Staff{Clock: clk, held: map[int64]*privacy.StaffHeld{}}
}

func (s *Staff) of(chat int64) *privacy.StaffHeld {
	h := s.held[chat]
	if h == nil {
		h = &privacy.StaffHeld{Reference: "ref-" + strconv.FormatInt(chat, 10)}
		s.held[chat] = h
	}
	return h
}

// Ask files chat's request for a person: staff see it in Slack.
func (s *Staff) Ask(_ context.Context, chat int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.of(chat)
	if h.Request == nil {
		now := s.Clock.Now()
		h.Request = &privacy.StaffRequest{Since: now, Shown: privacy.StaffNotification{What: "handover", At: now}}
		h.Messages = append(h.Messages, privacy.StaffMessage{What: "handover", Channel: "C1", TS: strconv.Itoa(len(h.Messages) + 1)})
	}
	return nil
}

// Take is the staff member name taking chat's request; the bot says so
// in its thread.
func (s *Staff) Take(_ context.Context, chat int64, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.of(chat)
	if h.Request == nil {
		return errors.New("fake staff: no request")
	}
	h.Request.TakenBy = name
	h.Messages = append(h.Messages, privacy.StaffMessage{What: "thread", Channel: "C1", TS: strconv.Itoa(len(h.Messages) + 1)})
	return nil
}

// Forget removes what the staff side holds on chat (/forget).
func (s *Staff) Forget(_ context.Context, chat int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.held, chat)
	return nil
}

// Held implements privacy.StaffSide.
func (s *Staff) Held(_ context.Context, chat int64) (privacy.StaffHeld, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := *s.of(chat)
	if h.Request != nil {
		r := *h.Request
		h.Request = &r
	}
	h.Messages = slices.Clone(h.Messages)
	h.Queued = slices.Clone(h.Queued)
	return h, nil
}
