// Package pseudonym makes every reference to a person that Werkwijzer
// derives from a chat id: the reference staff see in Slack (WW-…), the one
// logs name a chat by, the one in a calendar file's UID, and the ids of a
// turn's notes (which become key names on the staff side and in the
// funnel). Each is an HMAC-SHA-256 of the chat id under one secret of the
// deployment, so that nobody without the secret can go from a reference
// back to the chat id by trying every id (an unkeyed hash of an id from a
// space of about 10^10 falls to a laptop in minutes), while the same
// person keeps the same reference across restarts and instances.
//
// It depends on nothing of ours; Load keeps the secret in Redis.
//
// # Keys
//
//	<p>:pseudonym:secret   string  the secret, when PSEUDONYM_SECRET is not
//	                               set: made once, kept for good (a new one
//	                               would give everybody new references and cut
//	                               staff threads off from their people).
package pseudonym

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Key derives references from chat ids with the deployment's secret.
type Key struct{ secret []byte }

// New returns the Key of secret, which must not be empty.
func New(secret []byte) *Key {
	if len(secret) == 0 {
		panic("pseudonym: empty secret")
	}
	return &Key{secret: append([]byte(nil), secret...)}
}

// Random is a Key nobody else has, for a process that keeps nothing
// (tests, the terminal demo without Redis): its references are stable
// only while it runs.
func Random() *Key {
	b := make([]byte, 32)
	rand.Read(b)
	return &Key{secret: b}
}

// Sum is HMAC-SHA-256(secret, purpose NUL part NUL part…): purpose keeps
// the references of different uses apart, so that one cannot be turned
// into another.
func (k *Key) Sum(purpose string, parts ...string) []byte {
	m := hmac.New(sha256.New, k.secret)
	m.Write([]byte(purpose))
	for _, p := range parts {
		m.Write([]byte{0})
		m.Write([]byte(p))
	}
	return m.Sum(nil)
}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

func chat(id int64) string { return strconv.FormatInt(id, 10) }

// Staff is the reference staff see for a chat, "WW-" and 10 hex digits
// (40 bits: no two of a city's jobseekers share one, and staff can type
// it, as in "werkwijzer attendance ITEM WW-…=yes").
func (k *Key) Staff(id int64) string {
	return "WW-" + strings.ToUpper(hex.EncodeToString(k.Sum("staff", chat(id))[:5]))
}

// Log is how logs name a chat: 12 hex digits, enough to follow one
// conversation through the logs of every instance.
func (k *Key) Log(id int64) string { return hex.EncodeToString(k.Sum("log", chat(id))[:6]) }

// Calendar is the person's part of a calendar file's UID: the file goes
// to their calendar app and may be shared from there.
func (k *Key) Calendar(id int64) string {
	return strings.ToLower(b32.EncodeToString(k.Sum("ics", chat(id))[:10]))
}

// Note is the id of the notes of one update of a chat: the same when the
// update is handled again, and nothing that points to the chat without
// the secret.
func (k *Key) Note(id, update int64) string {
	return hex.EncodeToString(k.Sum("note", chat(id), strconv.FormatInt(update, 10))[:8])
}

// Hide turns an id made of a reference (say, a notification raised again
// for WW-…) into one that holds no reference, for key names that outlive
// the person's data.
func (k *Key) Hide(purpose, s string) string { return hex.EncodeToString(k.Sum(purpose, s)[:8]) }

// SecretKey is where Load keeps a secret it made, under prefix.
func SecretKey(prefix string) string { return prefix + ":pseudonym:secret" }

// Load returns the deployment's secret: configured (PSEUDONYM_SECRET), or
// else made once and kept in Redis under prefix, so that a deployment works
// without configuration and its references survive restarts. Anyone who
// can read that Redis can read the chat ids there anyway; set the secret
// by environment to keep it out of Redis and its backups.
func Load(ctx context.Context, rdb redis.UniversalClient, prefix, configured string) ([]byte, error) {
	if configured != "" {
		return []byte(configured), nil
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	key := SecretKey(prefix)
	if err := rdb.SetNX(ctx, key, base64.RawURLEncoding.EncodeToString(raw), 0).Err(); err != nil {
		return nil, err
	}
	s, err := rdb.Get(ctx, key).Result()
	if err == nil && s == "" {
		err = errors.New("pseudonym: empty secret in Redis")
	}
	return []byte(s), err
}
