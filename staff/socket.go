package staff

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"

	"github.com/slack-go/slack/socketmode"
)

// RunSocket serves Slack's requests over Socket Mode until ctx ends: for
// sites that cannot expose a URL to Slack, the bot opens a WebSocket to
// Slack instead (an app-level token, xapp-…, authenticates it, so there is
// no signature to check). Events, button presses and the slash command are
// handled exactly as Handler handles them over HTTP, each on a context
// that outlives a stop (so that a request half done is finished, not cut
// between saving a state and answering) but is bounded in time, as HTTP
// requests are. An event whose handling failed is not acknowledged, so
// Slack delivers it again.
//
// It returns once the connection and every request it started are done.
func (s *Staff) RunSocket(ctx context.Context, client *socketmode.Client) {
	var wg sync.WaitGroup
	defer wg.Wait()
	conn := make(chan error, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		conn <- client.RunContext(ctx)
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case err := <-conn:
			if ctx.Err() == nil {
				s.Log.Error("staff: Socket Mode stopped", "err", err)
			}
			return
		case evt := <-client.Events:
			if evt.Request == nil {
				continue // connection news: connecting, connected, errors
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), RequestTimeout)
				defer cancel()
				s.socketRequest(rctx, client, evt)
			}()
		}
	}
}

func (s *Staff) socketRequest(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	req := *evt.Request
	ack := func(payload any) {
		if err := client.AckCtx(ctx, req.EnvelopeID, payload); err != nil {
			s.Log.Warn("staff: Socket Mode acknowledgement not sent", "err", err)
		}
	}
	switch evt.Type {
	case socketmode.EventTypeEventsAPI:
		if status, _ := s.event(ctx, req.Payload); status >= http.StatusInternalServerError {
			return // not acknowledged: Slack tries again
		}
		ack(nil)
	case socketmode.EventTypeInteractive:
		ack(nil)
		s.interaction(ctx, req.Payload)
	case socketmode.EventTypeSlashCommand:
		var cmd struct {
			User    string `json:"user_id"`
			Text    string `json:"text"`
			Channel string `json:"channel_id"`
		}
		json.Unmarshal(req.Payload, &cmd)
		text, err := s.command(ctx, cmd.User, cmd.Text, cmd.Channel)
		if err != nil {
			text = textNotDelivered
		}
		ack(commandReply(text))
	default:
		ack(nil)
	}
}
