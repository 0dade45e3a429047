package main

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/werkwijzer/werkwijzer/bot/telegramtest"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/staff/slacktest"
)

// Nothing Serve started still runs once it returned and Close ran: every
// loop has an owner that waits for it.
func TestNothingRunsAfterClose(t *testing.T) {
	tg, f := telegramtest.New(t), slacktest.New(t)
	before := goleak.IgnoreCurrent()
	r := serve(t, tg, redistest.Prefix(), withSlack(f))
	waitReady(t, r)
	c := tg.Chat(t, 515, "nl")
	c.Send("/start") // a turn through every part: Telegram, Redis, the staff outbox
	c.Press("lang:nl")
	c.Press("consent:yes")
	r.stop()
	goleak.VerifyNone(t, before)
}
