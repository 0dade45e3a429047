package staff_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/staff"
)

const secretChatID = 987654321

func TestEachKindPostsOnceToItsChannel(t *testing.T) {
	t.Parallel()
	rdb, prefix := redistest.Client(t)
	f := newFakeSlack(t)
	cfg := staff.Config{DefaultChannel: "C-ALGEMEEN", Channels: map[staff.Kind]string{staff.KindHandover: "C-PERMANENTIE"}}
	o := newOutbox(t, rdb, prefix, f, cfg)
	at := time.Date(2025, 3, 4, 9, 30, 0, 0, time.UTC)
	for _, k := range staff.Kinds {
		mustEnqueue(t, o, staff.Notification{
			Kind: k, ChatRef: "ref-" + string(k), ChatID: secretChatID, Lang: "ar", At: at,
			Fields: []staff.Field{{Label: "Voornaam", Value: "Sam <!channel>"}, {Label: "Leeftijd", Value: "25–34"}},
		})
	}
	stop := run(t, newOutbox(t, rdb, prefix, f, cfg), "p1")
	waitPosted(t, f, rdb, prefix, len(staff.Kinds))
	stop()

	titles := map[staff.Kind]string{
		staff.KindSignup: "Nieuwe inschrijving", staff.KindOriented: "Oriëntatie afgerond",
		staff.KindHandover: "Vraagt een medewerker", staff.KindBooked: "Afspraak geboekt",
		staff.KindCancelled: "Afspraak geannuleerd", staff.KindNoShow: "Niet komen opdagen",
		staff.KindMoved: "Afspraak verplaatst", staff.KindPromoted: "Van de wachtlijst: plaats gekregen",
		staff.KindInterested: "Interesse in een vacature", staff.KindMessage: "Bericht van een werkzoekende", staff.KindDigest: "Weekoverzicht inschrijflinks",
		staff.KindPhone: "Telefoonnummer voor je gesprek", staff.KindInterpreter: "Vraagt een tolk",
	}
	posts := f.Posts()
	if got, want := len(posts), len(staff.Kinds); got != want {
		t.Fatalf("posts: got %d, want %d", got, want)
	}
	for _, k := range staff.Kinds {
		t.Run(string(k), func(t *testing.T) {
			ref := "ref-" + string(k)
			var mine []post
			for _, p := range posts {
				if strings.Contains(contextText(p.Blocks), ref) {
					mine = append(mine, p)
				}
			}
			if len(mine) != 1 {
				t.Fatalf("posts for %s: got %d, want 1", ref, len(mine))
			}
			p := mine[0]
			wantCh := "C-ALGEMEEN"
			if k == staff.KindHandover {
				wantCh = "C-PERMANENTIE"
			}
			if p.Channel != wantCh {
				t.Errorf("channel: got %q, want %q", p.Channel, wantCh)
			}
			if got, want := header(p.Blocks), titles[k]; got != want {
				t.Errorf("header: got %q, want %q", got, want)
			}
			if !strings.HasPrefix(p.Text, titles[k]) {
				t.Errorf("fallback text: got %q, want it to start with %q", p.Text, titles[k])
			}
			wantFields := []string{"*Voornaam*\nSam &lt;!channel&gt;", "*Leeftijd*\n25–34"}
			if got := fieldTexts(p.Blocks); !slices.Equal(got, wantFields) {
				t.Errorf("fields: got %q, want %q", got, wantFields)
			}
			if got := contextText(p.Blocks); !strings.Contains(got, "Taal: ar") {
				t.Errorf("context: got %q, want it to show %q", got, "Taal: ar")
			}
			if strings.Contains(p.Raw+p.Text, strconv.Itoa(secretChatID)) {
				t.Errorf("the Telegram chat id went to Slack: %s", p.Raw)
			}
			btns := buttons(p.Blocks)
			if k != staff.KindHandover {
				if len(btns) != 0 {
					t.Errorf("buttons: got %d, want none", len(btns))
				}
				return
			}
			if len(btns) != 1 {
				t.Fatalf("buttons: got %d, want 1", len(btns))
			}
			b := btns[0]
			if b.ActionID != "handover_take" || b.Value != ref || b.Text == nil || b.Text.Text != "Overnemen" {
				t.Errorf("button: got action_id %q value %q text %v, want handover_take %q Overnemen", b.ActionID, b.Value, b.Text, ref)
			}
		})
	}
	// Posted entries leave nothing behind, not even in the person's index.
	if n, err := rdb.Exists(context.Background(), staff.IndexKey(prefix, secretChatID)).Result(); err != nil || n != 0 {
		t.Errorf("index after posting: got exists=%d (%v), want gone", n, err)
	}
}

func TestRateLimitAndServerErrorPostOnce(t *testing.T) {
	t.Parallel()
	rdb, prefix := redistest.Client(t)
	f := newFakeSlack(t, http.StatusTooManyRequests, http.StatusInternalServerError)
	o := newOutbox(t, rdb, prefix, f, staff.Config{DefaultChannel: "C1"})
	sl := clock.NewJumping(time.Now()) // the waits are recorded, not spent
	o.Clock = sl
	mustEnqueue(t, o, staff.Notification{Kind: staff.KindSignup, ChatRef: "r1", ChatID: 1, Lang: "tr", At: time.Now()})
	stop := run(t, o, "p1")
	waitPosted(t, f, rdb, prefix, 1)
	stop()

	if got := len(f.Posts()); got != 1 {
		t.Errorf("posts: got %d, want 1", got)
	}
	if got := f.Requests(); got != 3 {
		t.Errorf("requests to Slack: got %d, want 3 (429, 500, 200)", got)
	}
	want := []time.Duration{2 * time.Second, 500 * time.Millisecond}
	if got := sl.Slept(); !slices.Equal(got, want) {
		t.Errorf("waits: got %v, want %v (Retry-After, then the first backoff)", got, want)
	}
}

func TestRestartPostsWhatWaited(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, prefix := redistest.Client(t)
	f := newFakeSlack(t)
	cfg := staff.Config{DefaultChannel: "C1"}

	// A process enqueues and goes away before any poster ran.
	before := newOutbox(t, rdb, prefix, f, cfg)
	for i := range 3 {
		mustEnqueue(t, before, staff.Notification{Kind: staff.KindOriented, ChatRef: fmt.Sprintf("w%d", i), ChatID: int64(100 + i), Lang: "nl"})
	}
	// Another process's poster "inst-1" took one more and died mid-post.
	mustEnqueue(t, before, staff.Notification{Kind: staff.KindSignup, ChatRef: "inflight", ChatID: 200, Lang: "nl"})
	if err := rdb.XGroupCreateMkStream(ctx, staff.StreamKey(prefix), staff.Group, "0").Err(); err != nil {
		t.Fatal(err)
	}
	if err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: staff.Group, Consumer: "inst-1",
		Streams: []string{staff.StreamKey(prefix), ">"}, Count: 1, Block: -1}).Err(); err != nil {
		t.Fatal(err)
	}

	// The new process (a new Outbox) under the same consumer name resumes
	// its own pending entry at once, without waiting for ClaimAfter (the
	// default minute), and posts the rest.
	stop := run(t, newOutbox(t, rdb, prefix, f, cfg), "inst-1")
	waitPosted(t, f, rdb, prefix, 4)
	stop()
	assertRefsOnce(t, f, "w0", "w1", "w2", "inflight")
}

func TestDeadConsumersEntryIsClaimed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, prefix := redistest.Client(t)
	f := newFakeSlack(t)
	cfg := staff.Config{DefaultChannel: "C1"}
	o := newOutbox(t, rdb, prefix, f, cfg)
	mustEnqueue(t, o, staff.Notification{Kind: staff.KindHandover, ChatRef: "orphan", ChatID: 7, Lang: "so"})
	if err := rdb.XGroupCreateMkStream(ctx, staff.StreamKey(prefix), staff.Group, "0").Err(); err != nil {
		t.Fatal(err)
	}
	res, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: staff.Group, Consumer: "dead",
		Streams: []string{staff.StreamKey(prefix), ">"}, Count: 10, Block: -1}).Result()
	if err != nil || len(res) != 1 || len(res[0].Messages) != 1 {
		t.Fatalf("dead consumer's read: got %v, %v; want one entry", res, err)
	}

	alive := newOutbox(t, rdb, prefix, f, cfg)
	alive.ClaimAfter = 200 * time.Millisecond
	stop := run(t, alive, "alive")
	waitPosted(t, f, rdb, prefix, 1)
	stop()
	assertRefsOnce(t, f, "orphan")
}

func TestTwoPostersPostEachOnce(t *testing.T) {
	t.Parallel()
	rdb, prefix := redistest.Client(t)
	f := newFakeSlack(t)
	cfg := staff.Config{DefaultChannel: "C1"}
	a, b := newOutbox(t, rdb, prefix, f, cfg), newOutbox(t, rdb, prefix, f, cfg)
	stopA, stopB := run(t, a, "a"), run(t, b, "b")
	var refs []string
	for i := range 50 {
		ref := fmt.Sprintf("n%02d", i)
		refs = append(refs, ref)
		o := a
		if i%2 == 1 {
			o = b
		}
		mustEnqueue(t, o, staff.Notification{Kind: staff.KindSignup, ChatRef: ref, ChatID: int64(1000 + i), Lang: "pl"})
	}
	waitPosted(t, f, rdb, prefix, 50)
	// Stop both at once: each takes up to its read's BLOCK to notice.
	var wg sync.WaitGroup
	wg.Go(stopA)
	wg.Go(stopB)
	wg.Wait()
	assertRefsOnce(t, f, refs...)
}

func TestForgetRemovesUnpostedEntries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, prefix := redistest.Client(t)
	f := newFakeSlack(t)
	cfg := staff.Config{DefaultChannel: "C1"}
	o := newOutbox(t, rdb, prefix, f, cfg)
	const gone, kept = 111, 222
	mustEnqueue(t, o, staff.Notification{Kind: staff.KindSignup, ChatRef: "gone-1", ChatID: gone, Lang: "uk"})
	mustEnqueue(t, o, staff.Notification{Kind: staff.KindOriented, ChatRef: "kept", ChatID: kept, Lang: "fr"})
	// One of the person's entries was already handed to a poster that died
	// before posting it: it is pending, and must not be posted either.
	if err := rdb.XGroupCreateMkStream(ctx, staff.StreamKey(prefix), staff.Group, "0").Err(); err != nil {
		t.Fatal(err)
	}
	if err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: staff.Group, Consumer: "dead",
		Streams: []string{staff.StreamKey(prefix), ">"}, Count: 1, Block: -1}).Err(); err != nil {
		t.Fatal(err)
	}
	mustEnqueue(t, o, staff.Notification{Kind: staff.KindHandover, ChatRef: "gone-2", ChatID: gone, Lang: "uk"})

	if err := o.Forget(ctx, gone); err != nil {
		t.Fatalf("Forget: %v", err)
	}
	pattern := prefix + ":*{u" + strconv.Itoa(gone) + "}*"
	var left []string
	iter := rdb.Scan(ctx, 0, pattern, 1000).Iterator()
	for iter.Next(ctx) {
		left = append(left, iter.Val())
	}
	if len(left) != 0 {
		t.Errorf("SCAN %s: got %q, want nothing", pattern, left)
	}

	poster := newOutbox(t, rdb, prefix, f, cfg)
	poster.ClaimAfter = 200 * time.Millisecond
	stop := run(t, poster, "p1")
	waitPosted(t, f, rdb, prefix, 1)
	stop()
	assertRefsOnce(t, f, "kept")
}

// assertRefsOnce checks that exactly the notifications with these refs were
// posted, each once.
func assertRefsOnce(t testing.TB, f *fakeSlack, refs ...string) {
	t.Helper()
	count := map[string]int{}
	for _, p := range f.Posts() {
		ref, _, _ := strings.Cut(strings.TrimPrefix(p.Text, header(p.Blocks)+" · "), " ")
		count[ref]++
	}
	for _, r := range refs {
		if count[r] != 1 {
			t.Errorf("%s posted %d times, want once", r, count[r])
		}
		delete(count, r)
	}
	for r, n := range count {
		t.Errorf("%s posted %d times, want never", r, n)
	}
}

// A refusal no retry cures (a wrong channel) keeps the entry queued; it is
// tried again after ClaimAfter, and posted once Slack takes it.
func TestRefusedEntryStaysQueued(t *testing.T) {
	t.Parallel()
	rdb, prefix := redistest.Client(t)
	f := newFakeSlack(t, refuse)
	o := newOutbox(t, rdb, prefix, f, staff.Config{DefaultChannel: "C1"})
	o.ClaimAfter = 200 * time.Millisecond
	mustEnqueue(t, o, staff.Notification{Kind: staff.KindSignup, ChatRef: "stubborn", ChatID: 5, Lang: "ro"})
	stop := run(t, o, "p1")
	waitPosted(t, f, rdb, prefix, 1)
	stop()
	assertRefsOnce(t, f, "stubborn")
	if got := f.Requests(); got != 2 {
		t.Errorf("requests to Slack: got %d, want 2 (refused, then posted)", got)
	}
}

// A notification for one staff member (a phone number for its coach) goes
// to them, not to the channel of its kind.
func TestANotificationForOneStaffMemberGoesToThemAlone(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	f := newFakeSlack(t)
	cfg := staff.Config{DefaultChannel: "C-ALGEMEEN"}
	o := newOutbox(t, rdb, prefix, f, cfg)
	mustEnqueue(t, o, staff.Notification{Kind: staff.KindPhone, ChatRef: "ref-phone", Channel: "U0YUSUF01",
		Fields: []staff.Field{{Label: "Telefoon", Value: "+32 470 12 34 56"}}})
	stop := run(t, newOutbox(t, rdb, prefix, f, cfg), "p1")
	waitPosted(t, f, rdb, prefix, 1)
	stop()
	for _, p := range f.Posts() {
		if p.Channel != "U0YUSUF01" {
			t.Fatalf("the phone number went to %s, want the coach alone", p.Channel)
		}
	}
}
