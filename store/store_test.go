package store_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/dialogstest"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/privacy"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/locales"
	"github.com/werkwijzer/werkwijzer/store"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// backends are the implementations every contract test runs against.
func backends(t *testing.T) map[string]func(t *testing.T) (redis.UniversalClient, string) {
	return map[string]func(t *testing.T) (redis.UniversalClient, string){
		"redis": func(t *testing.T) (redis.UniversalClient, string) {
			rdb, prefix := redistest.Client(t)
			return rdb, prefix
		},
		"embedded": func(t *testing.T) (redis.UniversalClient, string) {
			rdb, closeFn, err := store.Open(context.Background(), "")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { closeFn() })
			return rdb, store.DefaultPrefix
		},
	}
}

func TestSessionsContract(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			rdb, prefix := open(t)
			s := store.NewSessions(rdb, store.Keys{Prefix: prefix})
			st, out, err := s.Load(ctx, 7)
			if err != nil || st != nil || out != nil {
				t.Fatalf("Load of an unknown chat = %v, %v, %v; want nothing", st, out, err)
			}
			want := &dialogs.State{V: dialogs.StateVersion, Lang: "ar", Step: orientation.StepSectors,
				Agreed: time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC), LastUpdate: 99}
			orientation.Part.Write(want, orientation.State{Picked: []string{"care"},
				Profile: orientation.Profile{Name: "سارة", Sectors: []string{"care", "port"}, Skipped: []dialogs.Step{"sit"}}})
			turn := &dialogs.Turn{ChatID: 7, Update: 99, Ref: 5, Replies: []dialogs.Reply{{Text: "مرحبا", Buttons: [][]dialogs.Button{{{Text: "x", Data: "a:sec:care"}}}}}}
			if err := s.Save(ctx, 7, want, time.Hour, turn); err != nil {
				t.Fatal(err)
			}
			got, gotOut, err := s.Load(ctx, 7)
			if err != nil {
				t.Fatal(err)
			}
			if gotOut == nil || gotOut.Update != 99 || gotOut.Ref != 5 || gotOut.Replies[0].Buttons[0][0].Data != "a:sec:care" {
				t.Fatalf("outbox round trip: got %+v", gotOut)
			}
			if err := s.Delivered(ctx, []*dialogs.Turn{turn}); err != nil {
				t.Fatal(err)
			}
			if _, gotOut, _ = s.Load(ctx, 7); gotOut != nil {
				t.Fatalf("outbox after delivery: %+v", gotOut)
			}
			o, _ := orientation.Part.Read(got)
			if got.Lang != "ar" || o.Profile.Name != "سارة" || !got.Agreed.Equal(want.Agreed) ||
				strings.Join(o.Profile.Sectors, ",") != "care,port" || got.LastUpdate != 99 || o.Profile.Skipped[0] != "sit" {
				t.Fatalf("round trip: got %+v", got)
			}
			ttl := rdb.TTL(ctx, store.Keys{Prefix: prefix}.Conversation(7)).Val()
			if ttl <= 59*time.Minute || ttl > time.Hour {
				t.Fatalf("TTL = %v, want about an hour", ttl)
			}
			// Erasing keeps only the goodbye until it is delivered.
			bye := &dialogs.Turn{ChatID: 7, Update: 100, Replies: []dialogs.Reply{{Text: "bye"}}}
			if err := s.Save(ctx, 7, nil, 0, bye); err != nil {
				t.Fatal(err)
			}
			if st, out, _ := s.Load(ctx, 7); st != nil || out == nil {
				t.Fatalf("after erasing: state %v, outbox %v; want no state and the goodbye", st, out)
			}
			if err := s.Delivered(ctx, []*dialogs.Turn{bye}); err != nil {
				t.Fatal(err)
			}
			if keys := rdb.Keys(ctx, "*"+strconv.Itoa(7)+"*").Val(); len(keysUnder(keys, prefix)) != 0 {
				t.Fatalf("keys left after Delete: %v", keys)
			}
		})
	}
}

func keysUnder(keys []string, prefix string) []string {
	var out []string
	for _, k := range keys {
		if strings.HasPrefix(k, prefix+":") {
			out = append(out, k)
		}
	}
	return out
}

// An ordinary answer costs at most two round trips: load and save.
func TestTwoRoundTripsPerAnswer(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			rdb, prefix := open(t)
			rdb.Ping(ctx) // connection set-up (HELLO, CLIENT SETINFO) is not per answer
			rt := store.CountRoundTrips(rdb)
			engine := dialogs.NewEngine(locales.MustLoad(), nil)
			engine.Register(orientation.Flow{}, privacy.Flow{})
			svc := &dialogs.Service{Engine: engine, Sessions: store.NewSessions(rdb, store.Keys{Prefix: prefix})}
			events := []dialogs.Event{
				{Kind: dialogs.KindCommand, Command: "start"},
				{Kind: dialogs.KindButton, Data: "lang:en"},
				{Kind: dialogs.KindButton, Data: "consent:yes"},
				{Kind: dialogs.KindText, Text: "Ana"},
				{Kind: dialogs.KindButton, Data: "a:age:u25"},
				{Kind: dialogs.KindText, Text: "hello"},
			}
			for i, ev := range events {
				ev.ChatID, ev.UpdateID = 5, int64(i+1)
				before := rt.Load()
				if _, err := svc.Handle(ctx, ev); err != nil {
					t.Fatal(err)
				}
				if n := rt.Load() - before; n > 2 {
					t.Fatalf("event %d took %d round trips, budget is 2", i, n)
				}
			}
		})
	}
}

func TestDuplicateUpdateIsNotHandledTwice(t *testing.T) {
	ctx := context.Background()
	rdb, prefix := redistest.Client(t)
	svc := &dialogs.Service{Engine: dialogs.NewEngine(locales.MustLoad(), nil),
		Sessions: store.NewSessions(rdb, store.Keys{Prefix: prefix})}
	for i, data := range []string{"lang:nl", "consent:yes"} {
		if _, err := svc.Handle(ctx, dialogs.Event{ChatID: 3, UpdateID: int64(10 + i), Kind: dialogs.KindButton, Data: data}); err != nil {
			t.Fatal(err)
		}
	}
	// Not yet delivered (a crash came between saving and sending): the
	// saved replies come back, the event is not run again.
	turn, err := svc.Handle(ctx, dialogs.Event{ChatID: 3, UpdateID: 11, Kind: dialogs.KindButton, Data: "consent:yes"})
	if err != nil || turn == nil || turn.Update != 11 || len(turn.Replies) == 0 {
		t.Fatalf("redelivered undelivered update: %+v, %v; want its saved replies", turn, err)
	}
	if err := svc.Delivered(ctx, turn); err != nil {
		t.Fatal(err)
	}
	turn, err = svc.Handle(ctx, dialogs.Event{ChatID: 3, UpdateID: 11, Kind: dialogs.KindButton, Data: "consent:yes"})
	if err != dialogs.ErrDuplicate || turn != nil {
		t.Fatalf("redelivered delivered update: %+v, %v; want nothing and ErrDuplicate", turn, err)
	}
}

// The Redis store keeps the Sessions contract the in-memory fake keeps.
func TestDialogsSessionsContract(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			dialogstest.SessionsContract(t, func(tb testing.TB) dialogs.Sessions {
				rdb, prefix := open(tb.(*testing.T))
				return store.NewSessions(rdb, store.Keys{Prefix: prefix})
			})
		})
	}
}
