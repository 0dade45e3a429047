package staff

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/slack-go/slack/socketmode"
)

// RunSocket serves Slack's requests over Socket Mode until ctx ends: for
// sites that cannot expose a URL to Slack, the bot opens a WebSocket to
// Slack instead (an app-level token, xapp-…, authenticates it, so there is
// no signature to check). Events, button presses and the slash command are
// handled exactly as Handler handles them over HTTP. An event whose
// handling failed is not acknowledged, so Slack delivers it again.
func (s *Staff) RunSocket(ctx context.Context, client *socketmode.Client) {
	go func() {
		if err := client.RunContext(ctx); err != nil && ctx.Err() == nil {
			s.Log.Error("staff: Socket Mode stopped", "err", err)
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case evt := <-client.Events:
			if evt.Request == nil {
				continue // connection news: connecting, connected, errors
			}
			go s.socketRequest(ctx, client, evt)
		}
	}
}

func (s *Staff) socketRequest(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	req := *evt.Request
	switch evt.Type {
	case socketmode.EventTypeEventsAPI:
		if status, _ := s.event(ctx, req.Payload); status >= http.StatusInternalServerError {
			return // not acknowledged: Slack tries again
		}
		client.Ack(req)
	case socketmode.EventTypeInteractive:
		client.Ack(req)
		s.interaction(ctx, req.Payload)
	case socketmode.EventTypeSlashCommand:
		var cmd struct {
			Text    string `json:"text"`
			Channel string `json:"channel_id"`
		}
		json.Unmarshal(req.Payload, &cmd)
		text, err := s.command(ctx, cmd.Text, cmd.Channel)
		if err != nil {
			text = textNotDelivered
		}
		client.Ack(req, commandReply(text))
	default:
		client.Ack(req)
	}
}
