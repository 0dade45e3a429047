package staff_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/werkwijzer/werkwijzer/dialogs/handover"
	"github.com/werkwijzer/werkwijzer/staff"
	"github.com/werkwijzer/werkwijzer/staff/slacktest"
)

// Over Socket Mode, a take-over, a thread reply and the slash command work
// as over HTTP, and each request is acknowledged.
func TestSocketModeServesStaff(t *testing.T) {
	w := newWorld(t, time.Date(2026, 11, 23, 10, 0, 0, 0, brussels))
	w.f.AddUser("U-LOTTE", "Lotte")
	s := w.staff()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := s.Deliver(ctx, handoverTurn(31, 1, w.clock.Now())); err != nil {
		t.Fatal(err)
	}
	api := slack.New("xoxb-test", slack.OptionAppLevelToken("xapp-test"), slack.OptionAPIURL(w.f.URL))
	go s.RunSocket(ctx, socketmode.New(api))

	if _, ok := w.f.Envelope("interactive", slacktest.BlockActionPayload("U-LOTTE", "C1", "1.7", staff.ActionHandoverTake, s.Ref(31))); !ok {
		t.Fatal("take-over not acknowledged")
	}
	waitFor(t, "the person told Lotte took over", func() bool {
		ev := w.events()
		return len(ev) == 1 && ev[0].Command == handover.StaffTake && ev[0].Data == "Lotte" && ev[0].ChatID == 31
	})
	if _, ok := w.f.Envelope("events_api", slacktest.ThreadReply("Ev9", "U-LOTTE", "C1", "1.7", "Hoi!")); !ok {
		t.Fatal("thread reply not acknowledged")
	}
	if ev := w.events(); len(ev) != 2 || ev[1].Command != handover.StaffSay || ev[1].Text != "Hoi!" {
		t.Fatalf("thread reply did not reach the person: %+v", ev)
	}
	ack, ok := w.f.Envelope("slash_commands", []byte(`{"command":"/werkwijzer","text":"stats","user_id":"U-LOTTE"}`))
	if !ok || !strings.Contains(string(ack), "In gesprek: 1") {
		t.Fatalf("/werkwijzer stats over Socket Mode: %s", ack)
	}
}
