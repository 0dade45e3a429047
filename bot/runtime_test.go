package bot_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/bot"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/locales"
)

// memSessions is a working in-memory Sessions whose Load panics for one
// chat, standing in for a bug that only one conversation meets.
type memSessions struct {
	mu    sync.Mutex
	m     map[int64]dialogs.State
	panic int64
}

func (s *memSessions) Load(_ context.Context, id int64) (*dialogs.State, *dialogs.Turn, error) {
	if id == s.panic {
		panic("bug in one conversation")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.m[id]; ok {
		return &st, nil, nil
	}
	return nil, nil, nil
}

func (s *memSessions) Save(_ context.Context, id int64, st *dialogs.State, _ time.Duration, _ *dialogs.Turn) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st == nil {
		delete(s.m, id)
	} else {
		s.m[id] = *st
	}
	return nil
}

func (s *memSessions) Progress(context.Context, *dialogs.Turn) error { return nil }

func (s *memSessions) Delivered(context.Context, []*dialogs.Turn) error { return nil }

func TestPanicInOneConversationIsContained(t *testing.T) {
	texts := locales.MustLoad()
	rt := &bot.Runtime{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Service: &dialogs.Service{
		Engine: dialogs.NewEngine(texts, nil), Sessions: &memSessions{m: map[int64]dialogs.State{}, panic: 13}}}
	ctx := context.Background()
	turn, err := rt.Handle(ctx, dialogs.Event{ChatID: 13, LangHint: "uk", Kind: dialogs.KindText, Text: "hi"})
	if err != nil || len(turn.Replies) != 1 || turn.Replies[0].Text != texts.T("uk", "bad_internal", nil) {
		t.Fatalf("panicking chat got %+v, %v; want an apology in Ukrainian", turn, err)
	}
	turn, err = rt.Handle(ctx, dialogs.Event{ChatID: 14, Kind: dialogs.KindButton, Data: "lang:en"})
	if err != nil || len(turn.Replies) == 0 || turn.Replies[0].Text != texts.T("en", "language_changed", nil) {
		t.Fatalf("another chat after the panic got %+v, %v", turn, err)
	}
}
