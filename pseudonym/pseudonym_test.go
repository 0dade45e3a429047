package pseudonym_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"

	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/pseudonym"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// plainHashes are what an unkeyed reference of id could be: the SHA-256
// of the id with or without the labels the references used to carry, in
// hex, upper case, and cut to the lengths the references have.
func plainHashes(id int64) []string {
	var out []string
	for _, label := range []string{"", "werkwijzer-staff:", "werkwijzer-log:", "werkwijzer-ics:", "staff", "log", "ics", "note"} {
		sum := sha256.Sum256([]byte(label + strconv.FormatInt(id, 10)))
		h := hex.EncodeToString(sum[:])
		for _, n := range []int{8, 10, 12, 16} {
			out = append(out, h[:n], strings.ToUpper(h[:n]))
		}
	}
	return out
}

func refs(k *pseudonym.Key, id int64) map[string]string {
	return map[string]string{"staff": k.Staff(id), "log": k.Log(id), "calendar": k.Calendar(id), "note": k.Note(id, 1)}
}

// Two deployments with different secrets give one person different
// references, a deployment gives a person the same ones every time, and
// no reference is a plain hash of the chat id.
func TestReferencesAreKeyed(t *testing.T) {
	ctx := context.Background()
	rdb, prefixA := redistest.Client(t)
	prefixB := redistest.Prefix()
	secretA, err := pseudonym.Load(ctx, rdb, prefixA, "")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := pseudonym.Load(ctx, rdb, prefixA, "")
	if string(again) != string(secretA) {
		t.Fatal("a second start of the same deployment made a new secret: references would change")
	}
	secretB, _ := pseudonym.Load(ctx, rdb, prefixB, "")
	if string(secretA) == string(secretB) {
		t.Fatal("two deployments share a secret")
	}
	a, b := pseudonym.New(secretA), pseudonym.New(secretB)
	for _, id := range []int64{1, 42, 5550001234, -1001234567890} {
		ra, rb, ra2 := refs(a, id), refs(b, id), refs(pseudonym.New(again), id)
		for use, ref := range ra {
			if ref == rb[use] {
				t.Errorf("chat %d: the %s reference %q is the same under two secrets", id, use, ref)
			}
			if ref != ra2[use] {
				t.Errorf("chat %d: the %s reference changed after a restart: %q, then %q", id, use, ref, ra2[use])
			}
			for _, plain := range plainHashes(id) {
				if strings.Contains(ref, plain) {
					t.Errorf("chat %d: the %s reference %q holds the plain hash %q", id, use, ref, plain)
				}
			}
			if strings.Contains(ref, strconv.FormatInt(id, 10)) && id > 100 {
				t.Errorf("chat %d: the %s reference %q holds the id", id, use, ref)
			}
		}
	}
	if got, _ := pseudonym.Load(ctx, rdb, prefixA, "from-env"); string(got) != "from-env" {
		t.Fatalf("a configured secret is not used: %q", got)
	}
	if k := a.Staff(7); len(k) != 13 || !strings.HasPrefix(k, "WW-") {
		t.Fatalf("staff reference %q: want WW- and 10 hex digits", k)
	}
}

// BenchmarkStaffReference is what one keyed reference costs: made on every
// notification, so it must stay cheap (an unkeyed SHA-256 of a chat id was
// cheap for an attacker too; an HMAC without the secret cannot be tried).
func BenchmarkStaffReference(b *testing.B) {
	k := pseudonym.New([]byte("a deployment's secret of 32 bytes"))
	for i := range b.N {
		_ = k.Staff(int64(i))
	}
}
