package staff_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/slack-go/slack"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/handover"
	"github.com/werkwijzer/werkwijzer/staff"
	"github.com/werkwijzer/werkwijzer/staff/slacktest"
)

const secret = "shh"

// desk is one instance's staff side in w, serving Slack's requests and
// posting its outbox until the test ends.
type desk struct {
	*staff.Staff
	w *world
}

func (w *world) desk() desk {
	w.t.Helper()
	s := w.staff()
	s.SigningSecret = secret
	run(w.t, s.Outbox, "p-"+w.prefix)
	return desk{s, w}
}

// press is user pressing the button actionID (value) on the message ts.
func (d desk) press(user, ts, actionID, value string) int {
	rec := httptest.NewRecorder()
	d.Handler().ServeHTTP(rec, slacktest.Signed(secret, "/slack/actions", slacktest.Form,
		slacktest.BlockAction(user, "C1", ts, actionID, value), time.Now()))
	return rec.Code
}

// event delivers an Events API body.
func (d desk) event(body []byte) int {
	rec := httptest.NewRecorder()
	d.Handler().ServeHTTP(rec, slacktest.Signed(secret, "/slack/events", slacktest.JSON, body, time.Now()))
	return rec.Code
}

// command is user typing "/werkwijzer text".
func (d desk) command(user, text string) string {
	rec := httptest.NewRecorder()
	d.Handler().ServeHTTP(rec, slacktest.Signed(secret, "/slack/commands", slacktest.Form,
		slacktest.SlashCommand(user, "C1", text), time.Now()))
	var out struct{ Text string }
	json.Unmarshal(rec.Body.Bytes(), &out)
	return out.Text
}

// asks files chat's request for a person and waits until Slack shows it;
// it returns the request's message.
func (d desk) asks(chat int64) slacktest.Message {
	d.w.t.Helper()
	turn := handoverTurn(chat, 1, d.w.clock.Now())
	turn.Notes[0].ID = fmt.Sprintf("h%d", chat)
	if err := d.Deliver(context.Background(), turn); err != nil {
		d.w.t.Fatal(err)
	}
	return d.shown(chat)
}

// shown waits until Slack shows chat's request and it is recorded with
// its message, and returns the message.
func (d desk) shown(chat int64) slacktest.Message {
	d.w.t.Helper()
	var m slacktest.Message
	waitFor(d.w.t, "the request in Slack", func() bool {
		for _, x := range d.w.f.Messages() {
			if x.ThreadTS == "" && header(x.Blocks) == "Vraagt een medewerker" && strings.Contains(x.Raw, d.Ref(chat)) {
				m = x
				return true
			}
		}
		return false
	})
	waitFor(d.w.t, "the request's message recorded", func() bool {
		r, _ := d.Requests.Get(context.Background(), d.Ref(chat))
		return r != nil && r.TS == m.TS
	})
	return m
}

func (d desk) request(chat int64) *staff.Request {
	r, err := d.Requests.Get(context.Background(), d.Ref(chat))
	if err != nil {
		d.w.t.Fatal(err)
	}
	return r
}

func ephemeralTo(f *slacktest.Fake, user string) []slacktest.Ephemeral {
	var out []slacktest.Ephemeral
	for _, e := range f.Ephemerals() {
		if e.User == user {
			out = append(out, e)
		}
	}
	return out
}

// Someone in the channel who is not staff (SLACK_STAFF) cannot take a
// conversation, write to the person, mark attendance or use the slash
// command; each time they alone are told why. Members of a staff user
// group can.
func TestOnlyStaffActAsStaff(t *testing.T) {
	t.Parallel()
	w := newWorld(t, time.Date(2026, 11, 23, 10, 0, 0, 0, brussels))
	w.f.AddUser("U-LOTTE", "Lotte")
	w.f.AddUser("U-GROUP", "Nadia")
	w.f.AddGroup("SWERKTEAM", "U-GROUP")
	d := w.desk()
	d.Team.Staff = append(d.Team.Staff, "SWERKTEAM")
	req := d.asks(12)

	// A guest in the channel presses Overnemen: nothing changes.
	if code := d.press("U-GUEST", req.TS, staff.ActionHandoverTake, d.Ref(12)); code != http.StatusOK {
		t.Fatalf("press: %d", code)
	}
	if r := d.request(12); r == nil || r.Active {
		t.Fatalf("a guest took the conversation: %+v", r)
	}
	if e := ephemeralTo(w.f, "U-GUEST"); len(e) != 1 || !strings.Contains(e[0].Text, "Alleen medewerkers") {
		t.Fatalf("the guest was told %+v, want why not", e)
	}
	if len(w.events()) != 0 {
		t.Fatalf("the person heard of a guest's press: %+v", w.events())
	}

	// A member of the staff group takes it; the guest writes in the thread.
	d.press("U-GROUP", req.TS, staff.ActionHandoverTake, d.Ref(12))
	if r := d.request(12); r == nil || !r.Active || r.Staff != "U-GROUP" {
		t.Fatalf("a member of the staff group could not take it: %+v", r)
	}
	before := len(w.events())
	if code := d.event(w.f.Say("Ev1", "U-GUEST", "C1", req.TS, "Hallo, ik ben van een andere dienst")); code != http.StatusOK {
		t.Fatalf("guest's reply: %d", code)
	}
	if got := w.events()[before:]; len(got) != 0 {
		t.Fatalf("a guest's words reached the person: %+v", got)
	}
	e := ephemeralTo(w.f, "U-GUEST")
	if len(e) != 2 || e[1].ThreadTS != req.TS {
		t.Fatalf("the guest was not told in the thread why: %+v", e)
	}
	d.event(w.f.Say("Ev2", "U-GROUP", "C1", req.TS, "Dag! Ik help je."))
	if got := w.events()[before:]; len(got) != 1 || got[0].Command != handover.StaffSay || got[0].Data != "Nadia" {
		t.Fatalf("the staff member's reply: %+v", got)
	}

	// Attendance and the slash command.
	d.Attendance = attendance{}
	d.press("U-GUEST", "1.9", staff.ActionNoShow, "talk|"+d.Ref(12))
	if e := ephemeralTo(w.f, "U-GUEST"); len(e) != 3 || !strings.Contains(e[2].Text, "Alleen medewerkers") {
		t.Fatalf("a guest marking attendance was told %+v", e)
	}
	if got := d.command("U-GUEST", "stats"); !strings.Contains(got, "Alleen medewerkers") || strings.Contains(got, "Inschrijvingen") {
		t.Fatalf("a guest's /werkwijzer stats: %q", got)
	}
	if got := d.command("U-LOTTE", "stats"); !strings.Contains(got, "In gesprek: 1") {
		t.Fatalf("staff's /werkwijzer stats: %q", got)
	}

	// Someone taken out of the group stops acting once the group is
	// asked again (the members are kept a minute).
	w.f.AddGroup("SWERKTEAM")
	d.event(w.f.Say("Ev3", "U-GROUP", "C1", req.TS, "Nog iets"))
	if got := w.events()[before:]; len(got) != 2 {
		t.Fatalf("a cached member could not write: %+v", got)
	}
	w.clock.Advance(2 * time.Minute)
	d.event(w.f.Say("Ev4", "U-GROUP", "C1", req.TS, "Nog iets anders"))
	if got := w.events()[before:]; len(got) != 2 {
		t.Fatalf("someone taken out of the staff group still reaches the person: %+v", got)
	}
	// When Slack cannot say who is in a group, its members do not act,
	// and are told to try again.
	d.Team.Staff = append(d.Team.Staff, "SUNKNOWN")
	d.event(w.f.Say("Ev5", "U-GROUP", "C1", req.TS, "En nu?"))
	if e := ephemeralTo(w.f, "U-GROUP"); len(e) == 0 || !strings.Contains(e[len(e)-1].Text, "Probeer het zo opnieuw") {
		t.Fatalf("a member Slack could not vouch for was told %+v", e)
	}
	if got := w.events()[before:]; len(got) != 2 {
		t.Fatalf("a member Slack could not vouch for reached the person: %+v", got)
	}
}

// Only the staff member who took a conversation, or an admin, hands it
// back; a colleague who tries is told who can.
func TestOnlyTheTakerOrAnAdminHandsBack(t *testing.T) {
	t.Parallel()
	w := newWorld(t, time.Date(2026, 11, 23, 10, 0, 0, 0, brussels))
	w.f.AddUser("U-LOTTE", "Lotte")
	d := w.desk()
	req := d.asks(13)
	d.press("U-LOTTE", req.TS, staff.ActionHandoverTake, d.Ref(13))

	d.press("U-KOEN", req.TS, staff.ActionHandoverBack, d.Ref(13))
	d.event(w.f.Say("Ev1", "U-KOEN", "C1", req.TS, "/done"))
	if r := d.request(13); r == nil || !r.Active || r.Staff != "U-LOTTE" {
		t.Fatalf("a colleague handed Lotte's conversation back: %+v", r)
	}
	e := ephemeralTo(w.f, "U-KOEN")
	if len(e) != 2 || !strings.Contains(e[0].Text, "Alleen <@U-LOTTE>") || e[1].ThreadTS != req.TS {
		t.Fatalf("the colleague was told %+v, want who can hand it back", e)
	}
	for _, ev := range w.events() {
		if ev.Command == handover.StaffBack {
			t.Fatal("the person was told the conversation ended")
		}
	}
	d.press("U-ADMIN", req.TS, staff.ActionHandoverBack, d.Ref(13))
	if r := d.request(13); r != nil {
		t.Fatalf("an admin could not hand it back: %+v", r)
	}
	if ev := w.events(); ev[len(ev)-1].Command != handover.StaffBack {
		t.Fatalf("the person was not told: %+v", ev)
	}
}

// A reply that does not reach the person says so in the thread, for
// everyone there to see, with the reason.
func TestUndeliveredReplyIsShownInTheThread(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		delivered int
		err       error
		want      string
		status    int
	}{
		{"too long", 0, dialogs.E(dialogs.ErrInvalid, "telegram", errors.New("Bad Request: message is too long")),
			"⚠️ Niet afgeleverd: Telegram weigerde het bericht (Bad Request: message is too long).", http.StatusOK},
		{"blocked", 0, dialogs.E(dialogs.ErrNotFound, "telegram", errors.New("Forbidden: bot was blocked by the user")),
			"⚠️ Niet afgeleverd: de werkzoekende heeft de bot geblokkeerd.", http.StatusOK},
		{"second part refused", 1, dialogs.E(dialogs.ErrInvalid, "telegram", errors.New("Bad Request: chat not found")),
			"1 deel/delen kwam(en) wel aan", http.StatusOK},
		{"no conversation", 0, nil, "⚠️ Niet afgeleverd: de werkzoekende heeft geen gesprek meer", http.StatusOK},
		{"telegram down", 0, errors.New("connection refused"), "⚠️ Niet afgeleverd: Telegram of Redis hapert.", http.StatusInternalServerError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, time.Date(2026, 11, 23, 10, 0, 0, 0, brussels))
			w.f.AddUser("U-LOTTE", "Lotte")
			d := w.desk()
			req := d.asks(14)
			d.press("U-LOTTE", req.TS, staff.ActionHandoverTake, d.Ref(14))
			d.Inject = func(ctx context.Context, ev dialogs.Event) (int, error) {
				if ev.Command == handover.StaffSay {
					return tc.delivered, tc.err
				}
				return 1, nil
			}
			if code := d.event(w.f.Say("Ev1", "U-LOTTE", "C1", req.TS, "Hier is de uitleg.")); code != tc.status {
				t.Fatalf("status %d, want %d (500 makes Slack try again)", code, tc.status)
			}
			var shown []string
			for _, m := range w.f.Messages() {
				if m.ThreadTS == req.TS && m.User == slacktest.Bot && strings.Contains(m.Text, "Niet afgeleverd") {
					shown = append(shown, m.Text)
				}
			}
			if len(shown) != 1 || !strings.Contains(shown[0], tc.want) {
				t.Fatalf("the thread shows %q, want one message with %q", shown, tc.want)
			}
		})
	}
	// A reply that arrives says nothing more.
	w := newWorld(t, time.Date(2026, 11, 23, 10, 0, 0, 0, brussels))
	d := w.desk()
	req := d.asks(15)
	d.press("U-LOTTE", req.TS, staff.ActionHandoverTake, d.Ref(15))
	d.event(w.f.Say("Ev1", "U-LOTTE", "C1", req.TS, "Hier is de uitleg."))
	for _, m := range w.f.Messages() {
		if strings.Contains(m.Text, "Niet afgeleverd") {
			t.Fatalf("a delivered reply was reported undelivered: %q", m.Text)
		}
	}
}

// What a jobseeker or a feed wrote cannot mention anyone in Slack: not in
// a notification's fields, not in words relayed into a thread.
func TestMentionsAreNeutralised(t *testing.T) {
	t.Parallel()
	w := newWorld(t, time.Date(2026, 11, 23, 10, 0, 0, 0, brussels))
	d := w.desk()
	nasty := "@here @channel @everyone <!here> <!channel> <!subteam^S123> <@U999> <#C42> <https://evil.example|klik>"
	ctx := context.Background()
	turn := handoverTurn(16, 1, w.clock.Now())
	turn.Notes[0].Fields = []dialogs.Field{{Label: "Voornaam", Value: nasty}}
	turn.Notes = append(turn.Notes, dialogs.Note{ID: "i1", Kind: dialogs.NoteInterested, Lang: "nl", At: w.clock.Now(),
		Fields: []dialogs.Field{{Label: "Vacature", Value: "Chauffeur @channel <!everyone>"}}})
	if err := d.Deliver(ctx, turn); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "two notifications", func() bool { return len(w.f.Posts()) >= 2 })
	req := d.shown(16) // the request is the turn's own
	d.press("U-LOTTE", req.TS, staff.ActionHandoverTake, d.Ref(16))
	if err := d.Deliver(ctx, &dialogs.Turn{ChatID: 16, Update: 2, Notes: []dialogs.Note{{ID: "r1", Kind: dialogs.NoteRelay, Text: nasty}}}); err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, m := range w.f.Messages() {
		var bs slack.Blocks
		json.Unmarshal([]byte(m.Raw), &bs)
		for _, f := range fieldTexts(bs.BlockSet) {
			texts = append(texts, f)
		}
		texts = append(texts, m.Text)
		if strings.Contains(m.Raw, "@channel") && !strings.Contains(m.Raw, `"verbatim":true`) {
			t.Errorf("a field with a jobseeker's words is not verbatim: %s", m.Raw)
		}
	}
	found := 0
	for _, s := range texts {
		if !strings.Contains(s, "here") {
			continue
		}
		found++
		for _, bad := range []string{"<!", "<@", "<#", "<https", "@here", "@channel", "@everyone"} {
			if strings.Contains(s, bad) {
				t.Errorf("Slack would read %q as a mention or link in %q", bad, s)
			}
		}
		if !strings.Contains(s, "@\u2060here") || !strings.Contains(s, "&lt;!channel&gt;") {
			t.Errorf("the words are not shown as written: %q", s)
		}
	}
	if found < 2 {
		t.Fatalf("the nasty text was found in %d messages, want the notification and the relay: %q", found, texts)
	}
}

// allKeys is every key under prefix with its value as text, for tests that
// look for what names a person.
func allKeys(t testing.TB, w *world) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	for _, k := range w.rdb.Keys(ctx, w.prefix+":*").Val() {
		var v any
		switch w.rdb.Type(ctx, k).Val() {
		case "string":
			v = w.rdb.Get(ctx, k).Val()
		case "hash":
			v = w.rdb.HGetAll(ctx, k).Val()
		case "list":
			v = w.rdb.LRange(ctx, k, 0, -1).Val()
		case "set":
			v = w.rdb.SMembers(ctx, k).Val()
		case "zset":
			v = w.rdb.ZRange(ctx, k, 0, -1).Val()
		case "stream":
			v = w.rdb.XRange(ctx, k, "-", "+").Val()
			// What XDEL marked deleted is still in the stream's memory
			// (and in a dump of it) until the stream is trimmed.
			v = []any{v, w.rdb.Dump(ctx, k).Val()}
		}
		b, _ := json.Marshal(v)
		out[k] = string(b)
	}
	return out
}

// /forget takes everything about or from the person out of Slack: the
// notifications become "Gegevens gewist", and every reply in their
// threads (their own words relayed, the staff member's answers, a
// colleague's remark under their sign-up), the bot's notices there and a
// message in the channel that names their reference are deleted. Another
// person's messages stay. What Slack cannot take at once is done later.
func TestForgetRedactsEverySlackMessage(t *testing.T) {
	t.Parallel()
	w := newWorld(t, time.Date(2026, 11, 23, 10, 0, 0, 0, brussels))
	w.f.AddUser("U-LOTTE", "Lotte")
	d := w.desk()
	ctx := context.Background()
	signup := func(chat int64, name string) slacktest.Message {
		if err := d.Deliver(ctx, &dialogs.Turn{ChatID: chat, Update: 1, Notes: []dialogs.Note{{ID: fmt.Sprintf("s%d", chat), Kind: dialogs.NoteSignup,
			Lang: "nl", At: w.clock.Now(), Fields: []dialogs.Field{{Label: "Voornaam", Value: name}}}}}); err != nil {
			t.Fatal(err)
		}
		var m slacktest.Message
		waitFor(t, "the sign-up in Slack", func() bool {
			for _, x := range w.f.Messages() {
				if strings.Contains(x.Raw, name) {
					m = x
					return true
				}
			}
			return false
		})
		waitFor(t, "the sign-up recorded", func() bool { ref, _ := d.Requests.About(ctx, "C1", m.TS); return ref != "" })
		return m
	}
	mine := signup(17, "Amira")
	other := signup(18, "Bilal")
	d.event(w.f.Say("Ev1", "U-KOEN", "C1", mine.TS, "Amira woont in Kiel, ik ken de familie"))
	d.event(w.f.Say("Ev2", "U-KOEN", "C1", other.TS, "Bilal komt morgen langs"))
	req := d.asks(17)
	d.press("U-LOTTE", req.TS, staff.ActionHandoverTake, d.Ref(17))
	if err := d.Deliver(ctx, &dialogs.Turn{ChatID: 17, Update: 3, Notes: []dialogs.Note{{ID: "r3", Kind: dialogs.NoteRelay, Text: "Mijn adres is Kioskplaats 12"}}}); err != nil {
		t.Fatal(err)
	}
	d.event(w.f.Say("Ev3", "U-LOTTE", "C1", req.TS, "Dank je Amira, ik kijk het na"))
	d.event(w.f.Say("Ev4", "U-NADIA", "C1", "", "Wie helpt "+d.Ref(17)+" morgen?"))
	d.Inject = func(context.Context, dialogs.Event) (int, error) { return 0, nil }
	d.event(w.f.Say("Ev5", "U-LOTTE", "C1", req.TS, "Ben je er nog?")) // "not delivered"

	personal := []string{"Amira", "Kiel", "Kioskplaats", "ik kijk het na", "Ben je er nog", d.Ref(17), "Wie helpt", "Niet afgeleverd", "neemt het gesprek over"}
	// holds lists the messages Slack shows that hold something of the
	// person, and what.
	holds := func() []string {
		var out []string
		for _, m := range w.f.Messages() {
			var found []string
			for _, s := range personal {
				if strings.Contains(m.Text+m.Raw, s) {
					found = append(found, s)
				}
			}
			if found != nil {
				out = append(out, m.TS+" "+m.User+": "+strings.Join(found, ", "))
			}
		}
		return out
	}
	if len(holds()) < 7 {
		t.Fatalf("before /forget Slack holds only %q: the test would prove little", holds())
	}
	w.f.FailMethod("chat.delete", http.StatusServiceUnavailable) // Slack hiccups once
	if err := d.Forget(ctx, 17); err != nil {
		t.Fatal(err)
	}
	if got := holds(); len(got) != 1 {
		t.Fatalf("after /forget, before the retry, Slack still shows %q; want only the one Slack refused", got)
	}
	if err := d.RedactLeft(ctx); err != nil {
		t.Fatal(err)
	}
	if got := holds(); len(got) != 0 {
		t.Fatalf("after /forget Slack still shows %q", got)
	}
	erased := 0
	for _, m := range w.f.Messages() {
		switch {
		case header(m.Blocks) == "Gegevens gewist":
			erased++
		case m.ThreadTS == req.TS && strings.Contains(m.Text, "gegevens gewist (/forget)"):
			// The thread says the conversation ended, and nothing else.
		case strings.Contains(m.Raw+m.Text, "Bilal"):
		default:
			t.Errorf("Slack still shows a message from %s after /forget: %q %s", m.User, m.Text, m.Raw)
		}
	}
	if erased != 2 {
		t.Errorf("%d notifications show 'Gegevens gewist', want the sign-up and the request", erased)
	}
	var bilal int
	for _, m := range w.f.Messages() {
		if strings.Contains(m.Raw+m.Text, "Bilal") {
			bilal++
		}
	}
	if bilal != 2 {
		t.Errorf("another person's messages were touched: %d of 2 left", bilal)
	}
	for _, del := range w.f.Deletes() {
		if !del.Admin {
			continue
		}
		for _, m := range w.f.Messages() {
			if m.TS == del.TS {
				t.Errorf("deleted %s is still shown", del.TS)
			}
		}
	}
	for k, v := range allKeys(t, w) {
		for _, s := range []string{d.Ref(17), "Amira", "Kioskplaats", "\"17\""} {
			if strings.Contains(k+v, s) {
				t.Errorf("after /forget %s holds %q: %s", k, s, v)
			}
		}
	}
}

// What the staff side holds on a person is what /mydata says it holds:
// the open request as staff see it, notifications not posted yet, and
// every Slack message about or from them.
func TestHeldIsWhatTheStaffSideKeeps(t *testing.T) {
	t.Parallel()
	w := newWorld(t, time.Date(2026, 11, 23, 10, 0, 0, 0, brussels))
	w.f.AddUser("U-LOTTE", "Lotte")
	d := w.desk()
	ctx := context.Background()
	req := d.asks(19)
	d.press("U-LOTTE", req.TS, staff.ActionHandoverTake, d.Ref(19))
	d.event(w.f.Say("Ev1", "U-LOTTE", "C1", req.TS, "Hallo"))
	h, err := d.Held(ctx, 19)
	if err != nil {
		t.Fatal(err)
	}
	if h.Reference != d.Ref(19) || h.Request == nil || h.Request.TakenBy != "Lotte" || h.Request.Shown.What != "handover" || h.Request.Since.IsZero() {
		t.Fatalf("held request: %+v", h)
	}
	kinds := map[string]int{}
	for _, m := range h.Messages {
		kinds[m.What]++
	}
	if kinds["handover"] != 1 || kinds["human"] != 1 || kinds["thread"] != 1 {
		t.Fatalf("held messages %+v, want the request, the bot's notice in the thread and Lotte's answer", h.Messages)
	}
	// A notification Slack has not taken yet.
	w.f.Fail(slacktest.Refuse)
	asked := w.f.Requests()
	if err := d.Deliver(ctx, &dialogs.Turn{ChatID: 19, Update: 5, Notes: []dialogs.Note{{ID: "b5", Kind: dialogs.NoteBooked, Lang: "nl", At: w.clock.Now(), Item: "talk"}}}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "Slack to refuse", func() bool { return w.f.Requests() > asked })
	if h, _ = d.Held(ctx, 19); len(h.Queued) != 1 || h.Queued[0].What != "booked" {
		t.Fatalf("held queue: %+v", h.Queued)
	}
	if empty, _ := d.Held(ctx, 20); !empty.Empty() {
		t.Fatalf("someone staff never heard of: %+v", empty)
	}
}

// The outbox keeps nothing once posted: the stream is trimmed, so not even
// a dump of it holds what staff were told, and what Slack refused for
// longer than the age limit goes too.
func TestOutboxIsTrimmed(t *testing.T) {
	t.Parallel()
	w := newWorld(t, time.Date(2026, 11, 23, 10, 0, 0, 0, brussels))
	ctx := context.Background()
	o := newOutbox(t, w.rdb, w.prefix, w.f, staff.Config{DefaultChannel: "C1"})
	for i, name := range []string{"Amira", "Bilal", "Chloé"} {
		mustEnqueue(t, o, staff.Notification{Kind: staff.KindSignup, ChatRef: "r", ChatID: int64(i), Lang: "nl", At: time.Now(),
			Fields: []staff.Field{{Label: "Voornaam", Value: name}}})
	}
	stop := run(t, o, "p1")
	waitPosted(t, w.f, w.rdb, w.prefix, 3)
	stop()
	dump := w.rdb.Dump(ctx, staff.StreamKey(w.prefix)).Val()
	for _, name := range []string{"Amira", "Bilal", "Chloé"} {
		if strings.Contains(dump, name) {
			t.Errorf("the posted stream still holds %q in its memory", name)
		}
	}
	// Stuck: Slack refuses every post. Past the age limit the entry goes.
	f := slacktest.New(t)
	for range 1000 {
		f.Fail(slacktest.Refuse)
	}
	o = newOutbox(t, w.rdb, w.prefix, f, staff.Config{DefaultChannel: "C1"})
	o.ClaimAfter, o.MaxAge = 60*time.Millisecond, 300*time.Millisecond
	mustEnqueue(t, o, staff.Notification{Kind: staff.KindSignup, ChatRef: "r", ChatID: 9, Lang: "nl", At: time.Now(),
		Fields: []staff.Field{{Label: "Voornaam", Value: "Dounia"}}})
	run(t, o, "p2")
	waitFor(t, "a refusal", func() bool { return f.Requests() >= 1 })
	if !strings.Contains(w.rdb.Dump(ctx, staff.StreamKey(w.prefix)).Val(), "Dounia") {
		t.Fatal("the refused entry is not kept for a retry")
	}
	waitFor(t, "the stuck entry to be dropped", func() bool {
		return !strings.Contains(w.rdb.Dump(ctx, staff.StreamKey(w.prefix)).Val(), "Dounia")
	})
	if len(f.Posts()) != 0 {
		t.Fatalf("posted %d", len(f.Posts()))
	}
}

// Every key of the staff side has a lifetime, the open requests included:
// a request that expired leaves the set of open ones, and a set left by an
// earlier release (without one) gets one.
func TestEveryStaffKeyHasALifetime(t *testing.T) {
	t.Parallel()
	w := newWorld(t, time.Date(2026, 11, 23, 10, 0, 0, 0, brussels))
	w.f.AddUser("U-LOTTE", "Lotte")
	d := w.desk()
	ctx := context.Background()
	open := w.prefix + ":{staff}:ho:open"
	w.rdb.SAdd(ctx, open, "WW-0000000000") // as an earlier release left it
	req := d.asks(21)
	d.press("U-LOTTE", req.TS, staff.ActionHandoverTake, d.Ref(21))
	d.event(w.f.Say("Ev1", "U-LOTTE", "C1", req.TS, "Hallo"))
	d.asks(22)
	d.command("U-LOTTE", "stats")
	for k := range allKeys(t, w) {
		ttl := w.rdb.PTTL(ctx, k).Val()
		if k == staff.StreamKey(w.prefix) {
			continue // trimmed as it is posted (TestOutboxIsTrimmed)
		}
		if ttl <= 0 {
			t.Errorf("%s has no lifetime (%v)", k, ttl)
		}
	}
	if ttl := w.rdb.PTTL(ctx, open).Val(); ttl <= 0 || ttl > staff.DefaultRetention {
		t.Fatalf("open requests live %v, want at most the retention", ttl)
	}
	// A request whose hash expired (its lifetime is past) is no longer
	// counted open.
	w.rdb.ZAdd(ctx, open, redis.Z{Score: float64(time.Now().Add(-time.Minute).UnixMilli()), Member: "WW-EXPIRED00"})
	_, active, err := d.Requests.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if active != 2 { // 21 (taken) and the one of the earlier release
		t.Fatalf("%d requests counted in conversation, want 2", active)
	}
	if w.rdb.ZScore(ctx, open, "WW-EXPIRED00").Err() == nil {
		t.Fatal("an expired request is still in the open set")
	}
}
