package web

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	webpush "github.com/SherClockHolmes/webpush-go"
	"github.com/redis/go-redis/v9"
)

// Pusher sends Web Push notifications signed with our VAPID key
// (RFC 8292), encrypted for the browser (RFC 8291) by
// SherClockHolmes/webpush-go.
type Pusher struct {
	// PublicKey and PrivateKey are the VAPID key pair, base64url; the page
	// subscribes with the public one.
	PublicKey, PrivateKey string
	// Subject tells push services whom to contact: an https URL or an
	// e-mail address.
	Subject string
	// Hosts are the push services a subscription may name (a host, or a
	// suffix starting with "."). The server posts to the endpoint a
	// browser gives, so without this list a page could make it post
	// anywhere.
	Hosts []string
	// Client posts to the push services; nil is a client with a timeout.
	Client *http.Client
}

// DefaultPushHosts are the push services of Chrome and Android, Firefox,
// Safari and Edge.
var DefaultPushHosts = []string{"fcm.googleapis.com", ".push.services.mozilla.com", ".push.apple.com", ".notify.windows.com"}

// Notification is what a push shows: never the message itself, which
// would pass through a push service we do not run.
type Notification struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

// ErrBadSubscription is a subscription we will not post to.
var ErrBadSubscription = errors.New("web: not a push subscription of a known push service")

// Check reads a subscription as the browser's PushSubscription.toJSON()
// gives it and returns it in the form we store.
func (p *Pusher) Check(raw []byte) (string, error) {
	var s webpush.Subscription
	if err := json.Unmarshal(raw, &s); err != nil || s.Keys.Auth == "" || s.Keys.P256dh == "" || len(raw) > 2048 {
		return "", ErrBadSubscription
	}
	u, err := url.Parse(s.Endpoint)
	if err != nil || u.Scheme != "https" || u.User != nil || !p.allowed(u.Hostname()) {
		return "", ErrBadSubscription
	}
	b, _ := json.Marshal(webpush.Subscription{Endpoint: s.Endpoint, Keys: s.Keys})
	return string(b), nil
}

func (p *Pusher) allowed(host string) bool {
	host = strings.ToLower(host)
	for _, h := range p.Hosts {
		if host == h || (strings.HasPrefix(h, ".") && strings.HasSuffix(host, h)) {
			return true
		}
	}
	return false
}

// Send pushes n to the subscription sub (as stored by Check). gone reports
// that the push service no longer knows it (the person revoked the
// permission or the browser dropped it), so that it is forgotten.
func (p *Pusher) Send(ctx context.Context, sub string, n Notification) (gone bool, err error) {
	var s webpush.Subscription
	if err := json.Unmarshal([]byte(sub), &s); err != nil {
		return true, err
	}
	client := p.Client
	if client == nil {
		client = http.DefaultClient
	}
	msg, _ := json.Marshal(n)
	resp, err := webpush.SendNotificationWithContext(ctx, msg, &s, &webpush.Options{
		HTTPClient: client, Subscriber: p.Subject, VAPIDPublicKey: p.PublicKey, VAPIDPrivateKey: p.PrivateKey,
		TTL: 24 * 60 * 60, Urgency: webpush.UrgencyNormal,
	})
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return true, nil
	case resp.StatusCode >= 300:
		return false, fmt.Errorf("web: push service answered %d", resp.StatusCode)
	}
	return false, nil
}

// VAPIDKeys returns the VAPID key pair: the configured one, or else one
// made once and kept in Redis (like the link secret), so that a
// deployment works without configuration and subscriptions survive
// restarts.
func VAPIDKeys(ctx context.Context, rdb redis.UniversalClient, prefix, public, private string) (string, string, error) {
	if public != "" || private != "" {
		if public == "" || private == "" {
			return "", "", errors.New("web: set both VAPID keys or neither")
		}
		return public, private, nil
	}
	priv, pub, err := webpush.GenerateVAPIDKeys()
	if err != nil {
		return "", "", err
	}
	key := prefix + ":web:vapid"
	if err := rdb.SetNX(ctx, key, pub+" "+priv, 0).Err(); err != nil {
		return "", "", err
	}
	v, err := rdb.Get(ctx, key).Result()
	if err != nil {
		return "", "", err
	}
	pub, priv, _ = strings.Cut(v, " ")
	return pub, priv, nil
}

// Secret returns the key of the CSRF tokens: made once and kept in Redis,
// so that every instance accepts the tokens of the others.
func Secret(ctx context.Context, rdb redis.UniversalClient, prefix string) ([]byte, error) {
	raw := make([]byte, 32)
	rand.Read(raw)
	key := prefix + ":web:secret"
	if err := rdb.SetNX(ctx, key, fmt.Sprintf("%x", raw), 0).Err(); err != nil {
		return nil, err
	}
	s, err := rdb.Get(ctx, key).Result()
	return []byte(s), err
}
