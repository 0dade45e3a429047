package outreach

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/signup"
	"github.com/werkwijzer/werkwijzer/locales"
)

// A code is a random id and a tag: the first 6 bytes of
// HMAC-SHA256(secret, id), both base64url. 16 characters of A-Za-z0-9_-,
// well within Telegram's 64 for a /start payload, and short enough for a
// small QR code. The tag makes a code that was altered (to claim another
// partner's link, say) fail before Redis is asked; guessing a valid one
// means guessing 48 bits.
const (
	idBytes  = 6
	tagBytes = 6
	idLen    = 8 // base64url of idBytes
	CodeLen  = 16
)

var b64 = base64.RawURLEncoding

// Link is a sign-up link as staff made it.
type Link struct {
	signup.Link
	Created time.Time `json:"created"`
	// Expires is when the link stops counting as a link; zero for never.
	Expires time.Time `json:"expires,omitzero"`
}

// Spec is what a new link stands for.
type Spec struct {
	Partner string
	Place   string
	Lang    string // a locales code, or ""
	Sector  string // a orientation.Sectors value, or ""
	// Expires ends the link; zero for a link that does not expire.
	Expires time.Time
}

// MaxPlace bounds a place's name: it is shown to staff and in tables.
const MaxPlace = 80

// Links makes and resolves sign-up links.
type Links struct {
	rdb      redis.UniversalClient
	prefix   string
	secret   []byte
	partners *Registry
	// Clock tells when a link was made and whether it expired.
	Clock clock.Clock
}

// NewLinks returns Links under prefix, signing codes with secret. Changing
// the secret makes every printed code count as tampered.
func NewLinks(rdb redis.UniversalClient, prefix string, secret []byte, partners *Registry) *Links {
	return &Links{rdb: rdb, prefix: prefix, secret: secret, partners: partners, Clock: clock.Real()}
}

var _ signup.Resolver = (*Links)(nil)

func (l *Links) key(id string) string { return l.prefix + ":outreach:link:" + id }

func (l *Links) tag(id string) string {
	m := hmac.New(sha256.New, l.secret)
	m.Write([]byte(id))
	return b64.EncodeToString(m.Sum(nil)[:tagBytes])
}

// Errors of Create that staff can fix.
var (
	ErrNoPartner = dialogs.E(dialogs.ErrNotFound, "outreach: link", errors.New("no such partner; import the partner registry first"))
	ErrBadSpec   = dialogs.E(dialogs.ErrInvalid, "outreach: link", errors.New("bad link"))
)

// Create makes a link for spec and stores what it stands for.
func (l *Links) Create(ctx context.Context, spec Spec) (Link, error) {
	spec.Place = strings.TrimSpace(spec.Place)
	switch {
	case spec.Lang != "" && !locales.Supported(spec.Lang):
		return Link{}, fmt.Errorf("%w: language %q is not one of the bot's", ErrBadSpec, spec.Lang)
	case spec.Sector != "" && !slices.Contains(orientation.Sectors, spec.Sector):
		return Link{}, fmt.Errorf("%w: sector %q is not one of %v", ErrBadSpec, spec.Sector, orientation.Sectors)
	case utf8.RuneCountInString(spec.Place) > MaxPlace || strings.ContainsAny(spec.Place, "|\n\r"):
		return Link{}, fmt.Errorf("%w: place must be one line of at most %d characters, without |", ErrBadSpec, MaxPlace)
	case !spec.Expires.IsZero() && !spec.Expires.After(l.Clock.Now()):
		return Link{}, fmt.Errorf("%w: it would expire before it is handed out", ErrBadSpec)
	}
	p, err := l.partners.Get(ctx, spec.Partner)
	if err != nil {
		return Link{}, err
	}
	if p == nil {
		return Link{}, fmt.Errorf("%w: %q", ErrNoPartner, spec.Partner)
	}
	raw := make([]byte, idBytes)
	if _, err := rand.Read(raw); err != nil {
		return Link{}, err
	}
	id := b64.EncodeToString(raw)
	link := Link{Link: signup.Link{Code: id + l.tag(id), Partner: p.ID, Place: spec.Place, Lang: spec.Lang, Sector: spec.Sector},
		Created: l.Clock.Now(), Expires: spec.Expires}
	fields := map[string]any{"partner": link.Partner, "place": link.Place, "lang": link.Lang, "sector": link.Sector,
		"created": link.Created.UnixMilli()}
	if !spec.Expires.IsZero() {
		fields["expires"] = spec.Expires.UnixMilli()
	}
	p2 := l.rdb.TxPipeline()
	p2.HSet(ctx, l.key(id), fields)
	if !spec.Expires.IsZero() {
		// Kept a while past its expiry, so a late scan is told "expired"
		// (and counted so) rather than "unknown".
		p2.ExpireAt(ctx, l.key(id), spec.Expires.Add(90*24*time.Hour))
	}
	if _, err := p2.Exec(ctx); err != nil {
		return Link{}, err
	}
	return link, nil
}

var codeShape = regexp.MustCompile(`^[A-Za-z0-9_-]{16}$`)

// ResolveLink tells what code stands for, or why it stands for nothing.
func (l *Links) ResolveLink(ctx context.Context, code string) (*signup.Link, signup.Problem, error) {
	link, problem, err := l.Resolve(ctx, code)
	if link == nil {
		return nil, problem, err
	}
	return &link.Link, "", nil
}

// Resolve is ResolveLink with the link's dates.
func (l *Links) Resolve(ctx context.Context, code string) (*Link, signup.Problem, error) {
	if !codeShape.MatchString(code) {
		return nil, signup.Malformed, nil
	}
	id, tag := code[:idLen], code[idLen:]
	if subtle.ConstantTimeCompare([]byte(tag), []byte(l.tag(id))) != 1 {
		return nil, signup.Tampered, nil
	}
	m, err := l.rdb.HGetAll(ctx, l.key(id)).Result()
	if err != nil {
		return nil, "", err
	}
	if len(m) == 0 {
		return nil, signup.Unknown, nil
	}
	link := &Link{Link: signup.Link{Code: code, Partner: m["partner"], Place: m["place"], Lang: m["lang"], Sector: m["sector"]}}
	var ms int64
	if _, err := fmt.Sscan(m["created"], &ms); err == nil {
		link.Created = time.UnixMilli(ms)
	}
	if m["expires"] != "" {
		if _, err := fmt.Sscan(m["expires"], &ms); err == nil {
			link.Expires = time.UnixMilli(ms)
		}
		if !l.Clock.Now().Before(link.Expires) {
			return nil, signup.Expired, nil
		}
	}
	return link, "", nil
}

// URL is the link a person opens: Telegram starts the bot with code.
func URL(botUsername, code string) string {
	return "https://t.me/" + strings.TrimPrefix(botUsername, "@") + "?start=" + code
}

// LandingURL is the link a person opens when the web chat is on: a page
// of ours at base (the web chat's public address) that offers Telegram and
// the web chat, both with code. One QR code then serves people with and
// without Telegram.
func LandingURL(base, code string) string {
	return strings.TrimRight(base, "/") + "/chat/l/" + code
}

// Secret returns the key that signs link codes: configured (LINK_SECRET),
// or else made once and kept in Redis, so that a deployment works without
// configuration and its printed codes survive restarts. Anyone who can
// write to that Redis can make links anyway.
func Secret(ctx context.Context, rdb redis.UniversalClient, prefix, configured string) ([]byte, error) {
	if configured != "" {
		return []byte(configured), nil
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	key := prefix + ":outreach:secret"
	if err := rdb.SetNX(ctx, key, b64.EncodeToString(raw), 0).Err(); err != nil {
		return nil, err
	}
	s, err := rdb.Get(ctx, key).Result()
	return []byte(s), err
}

// Maker makes a sign-up link ready to hand out: its URL and a QR code.
type Maker struct {
	Links *Links
	// Username is the bot's Telegram username (asked of Telegram when
	// not configured).
	Username func(ctx context.Context) (string, error)
	// Landing, when set, is the web chat's public address: links then
	// lead to its landing page (LandingURL) instead of straight to
	// Telegram.
	Landing string
}

// QRSize is the side of a link's QR code, in pixels: enough to print on A4.
const QRSize = 1024

// Make makes a link for spec: its URL and a PNG of its QR code. Errors
// of kind dialogs.ErrNotFound (no such partner) and dialogs.ErrInvalid
// (a bad spec) are for staff to fix.
func (m Maker) Make(ctx context.Context, spec Spec) (url string, qr []byte, err error) {
	link, err := m.Links.Create(ctx, spec)
	if err != nil {
		return "", nil, err
	}
	if m.Landing != "" {
		url = LandingURL(m.Landing, link.Code)
	} else {
		username, err := m.Username(ctx)
		if err != nil {
			return "", nil, err
		}
		url = URL(username, link.Code)
	}
	qr, err = QRPNG(url, QRSize)
	return url, qr, err
}
