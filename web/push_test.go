package web

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// pushService is a fake push service (what FCM or Mozilla run) with one
// browser's subscription: it checks the VAPID signature and decrypts what
// it gets as that browser would (RFC 8291, aes128gcm).
type pushService struct {
	srv  *httptest.Server
	key  *ecdh.PrivateKey
	auth []byte
	got  chan pushed
	gone atomic.Bool
}

type pushed struct {
	auth string
	body []byte
	ttl  string
}

func newPushService(t *testing.T) *pushService {
	key, _ := ecdh.P256().GenerateKey(rand.Reader)
	ps := &pushService{key: key, auth: make([]byte, 16), got: make(chan pushed, 4)}
	rand.Read(ps.auth)
	ps.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		ps.got <- pushed{auth: r.Header.Get("Authorization"), body: b, ttl: r.Header.Get("TTL")}
		if ps.gone.Load() {
			w.WriteHeader(http.StatusGone)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	t.Cleanup(ps.srv.Close)
	return ps
}

func (ps *pushService) subscription() string {
	b64 := base64.RawURLEncoding.EncodeToString
	b, _ := json.Marshal(map[string]any{"endpoint": ps.srv.URL + "/push/abc", "expirationTime": nil,
		"keys": map[string]string{"p256dh": b64(ps.key.PublicKey().Bytes()), "auth": b64(ps.auth)}})
	return string(b)
}

// next waits for a push, checks its VAPID header against vapidPub and
// returns what it says.
func (ps *pushService) next(t *testing.T, vapidPub string) Notification {
	t.Helper()
	var p pushed
	select {
	case p = <-ps.got:
	case <-time.After(10 * time.Second):
		t.Fatal("no push arrived")
	}
	if err := checkVAPID(p.auth, vapidPub, ps.srv.URL); err != nil {
		t.Fatalf("VAPID: %v (%q)", err, p.auth)
	}
	if p.ttl == "" {
		t.Fatal("a push without TTL")
	}
	plain, err := ps.decrypt(p.body)
	if err != nil {
		t.Fatalf("decrypt: %v", err)
	}
	var n Notification
	if err := json.Unmarshal(plain, &n); err != nil {
		t.Fatalf("push payload %q: %v", plain, err)
	}
	return n
}

func (ps *pushService) decrypt(body []byte) ([]byte, error) {
	if len(body) < 21 {
		return nil, fmt.Errorf("short body")
	}
	salt, rs, idlen := body[:16], binary.BigEndian.Uint32(body[16:20]), int(body[20])
	asPub, err := ecdh.P256().NewPublicKey(body[21 : 21+idlen])
	if err != nil {
		return nil, err
	}
	secret, err := ps.key.ECDH(asPub)
	if err != nil {
		return nil, err
	}
	info := append(append([]byte("WebPush: info\x00"), ps.key.PublicKey().Bytes()...), asPub.Bytes()...)
	prkKey, _ := hkdf.Extract(sha256.New, secret, ps.auth)
	ikm, _ := hkdf.Expand(sha256.New, prkKey, string(info), 32)
	prk, _ := hkdf.Extract(sha256.New, ikm, salt)
	cek, _ := hkdf.Expand(sha256.New, prk, "Content-Encoding: aes128gcm\x00", 16)
	nonce, _ := hkdf.Expand(sha256.New, prk, "Content-Encoding: nonce\x00", 12)
	block, _ := aes.NewCipher(cek)
	gcm, _ := cipher.NewGCM(block)
	record := body[21+idlen:]
	if uint32(len(record)) > rs {
		return nil, fmt.Errorf("more than one record")
	}
	plain, err := gcm.Open(nil, nonce, record, nil)
	if err != nil {
		return nil, err
	}
	plain = bytes.TrimRight(plain, "\x00")
	if len(plain) == 0 || plain[len(plain)-1] != 2 {
		return nil, fmt.Errorf("no last-record delimiter")
	}
	return plain[:len(plain)-1], nil
}

// checkVAPID verifies "vapid t=<JWT>, k=<key>" (RFC 8292): the key is ours,
// the JWT is signed with it for the push service's origin and not expired.
func checkVAPID(h, pub, origin string) error {
	rest, ok := strings.CutPrefix(h, "vapid ")
	if !ok {
		return fmt.Errorf("not a vapid header")
	}
	var token, k string
	for _, part := range strings.Split(rest, ",") {
		part = strings.TrimSpace(part)
		if v, ok := strings.CutPrefix(part, "t="); ok {
			token = v
		}
		if v, ok := strings.CutPrefix(part, "k="); ok {
			k = v
		}
	}
	if k != pub {
		return fmt.Errorf("k=%s is not our key", k)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(k)
	key, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
	if err != nil {
		return err
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return fmt.Errorf("not a JWT")
	}
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if len(sig) != 64 || !ecdsa.Verify(key, sum[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return fmt.Errorf("bad signature")
	}
	claims, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var c struct {
		Aud string `json:"aud"`
		Exp int64  `json:"exp"`
		Sub string `json:"sub"`
	}
	json.Unmarshal(claims, &c)
	if c.Aud != origin || c.Exp < time.Now().Unix() || c.Sub == "" {
		return fmt.Errorf("claims %+v, want aud %s, a future exp and a contact", c, origin)
	}
	return nil
}
