package main

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/werkwijzer/werkwijzer/bot"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/staff"
	"github.com/werkwijzer/werkwijzer/web"
)

// openWeb builds the web chat (Open); Serve mounts it and routes
// proactive messages of web conversations to it.
func (m *Main) openWeb(ctx context.Context) error {
	c := m.Config
	secret, err := web.Secret(ctx, m.Redis, c.RedisPrefix)
	if err != nil {
		return err
	}
	st := web.NewStore(m.Redis, c.RedisPrefix)
	st.Retention = c.Retention
	m.Web = &web.Channel{Store: st, Texts: m.Texts, Log: m.Log.With("channel", "web"),
		Secret: secret, Limits: m.webLimits, Clock: m.pace(),
		// Carried over to Telegram, a web chat takes its appointments and
		// alerts along; not while a staff member is talking with it.
		Sessions: m.Sessions, Movers: []web.Mover{m.Schedule, m.Alerts},
		Busy: func(ctx context.Context, chat int64) (bool, error) {
			if m.Staff == nil {
				return false, nil
			}
			r, err := m.Staff.Requests.Get(ctx, m.Staff.Ref(chat))
			return r != nil, err
		}, TrustProxy: c.WebTrustProxy, Links: m.Links}
	pub, priv, err := web.VAPIDKeys(ctx, m.Redis, c.RedisPrefix, c.WebPushPublicKey, c.WebPushPrivateKey)
	if err != nil {
		return err
	}
	hosts := c.WebPushHosts
	if len(hosts) == 0 {
		hosts = web.DefaultPushHosts
	}
	contact := c.WebPushContact
	if contact == "" {
		contact = c.WebURL
	}
	m.Web.Push = &web.Pusher{PublicKey: pub, PrivateKey: priv, Subject: contact, Hosts: hosts,
		Client: &http.Client{Timeout: 15 * time.Second}}
	return nil
}

// injector delivers an event from outside (a reminder, an alert, staff) to
// a person's conversation on its channel.
type injector func(ctx context.Context, ev dialogs.Event) error

// route sends each proactive event to the channel its conversation lives
// on: web conversations have their own range of chat ids (web.IsChat), all
// others are Telegram's. Either may be nil when that channel is off; an
// event for it is then dropped as the sender would drop an unreachable one.
// routeCounted is route for staff replies, which must know whether they
// arrived: a web chat's go to the web channel, the others to Telegram.
func routeCounted(tgm *bot.Telegram, webchat *web.Channel) staff.Injector {
	return func(ctx context.Context, ev dialogs.Event) (int, error) {
		switch {
		case web.IsChat(ev.ChatID) && webchat != nil:
			return webchat.InjectCounted(ctx, ev)
		case !web.IsChat(ev.ChatID) && tgm != nil:
			return tgm.InjectCounted(ctx, ev)
		}
		return 0, dialogs.E(dialogs.ErrUnavailable, "inject", errors.New("no channel for this chat"))
	}
}

func route(telegram, webchat injector) injector {
	return func(ctx context.Context, ev dialogs.Event) error {
		next := telegram
		if web.IsChat(ev.ChatID) {
			next = webchat
		}
		if next == nil {
			return nil
		}
		return next(ctx, ev)
	}
}
