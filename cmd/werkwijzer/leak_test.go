package main

import (
	"io"
	"net/http"
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

// The same with the web chat on and a page's stream open when Serve stops:
// the stream ends, and nothing of the channel outlives Serve.
func TestNothingOfTheWebChatRunsAfterClose(t *testing.T) {
	before := goleak.IgnoreCurrent()
	r, _ := serveWeb(t, redistest.Prefix(), "127.0.0.1:0")
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get("http://" + r.m.HTTPAddr() + "/chat/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	req, _ := http.NewRequest("GET", "http://"+r.m.HTTPAddr()+"/chat/events", nil)
	for _, c := range resp.Cookies() {
		req.AddCookie(c)
	}
	stream, err := client.Do(req)
	if err != nil || stream.StatusCode != 200 {
		t.Fatalf("stream: %v %v", err, stream)
	}
	ended := make(chan struct{})
	go func() { io.Copy(io.Discard, stream.Body); close(ended) }()
	r.stop()
	<-ended
	stream.Body.Close()
	client.CloseIdleConnections()
	goleak.VerifyNone(t, before)
}
