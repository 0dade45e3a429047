package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/bot/telegramtest"
	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/vacancies"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/jobs"
	"github.com/werkwijzer/werkwijzer/schedule"
	"github.com/werkwijzer/werkwijzer/staff"
	"github.com/werkwijzer/werkwijzer/staff/slacktest"
)

// dumpKey is a key's value as text, whatever its type.
func dumpKey(ctx context.Context, rdb redis.UniversalClient, k string) string {
	var v any
	switch rdb.Type(ctx, k).Val() {
	case "string":
		v = rdb.Get(ctx, k).Val()
	case "hash":
		v = rdb.HGetAll(ctx, k).Val()
	case "list":
		v = rdb.LRange(ctx, k, 0, -1).Val()
	case "set":
		v = rdb.SMembers(ctx, k).Val()
	case "zset":
		v = rdb.ZRange(ctx, k, 0, -1).Val()
	case "stream":
		// Its dump too: what XDEL marked deleted stays in the stream's
		// memory until it is trimmed.
		v = []any{rdb.XRange(ctx, k, "-", "+").Val(), rdb.Dump(ctx, k).Val()}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// naming is every key under prefix whose name or value holds one of
// needles, with its value as text.
func naming(t *testing.T, rdb redis.UniversalClient, prefix string, needles ...string) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	for _, k := range rdb.Keys(ctx, prefix+":*").Val() {
		dump := dumpKey(ctx, rdb, k)
		for _, n := range needles {
			if strings.Contains(k, n) || strings.Contains(dump, n) {
				out[k] = dump
			}
		}
	}
	return out
}

// plainHashes are what an unkeyed reference of chat could have looked
// like: the SHA-256 of the labels the references used to carry and the
// chat id (and, for note ids, the update ids of the test's fake Telegram),
// in hex, upper or lower case, cut to the lengths references have.
func plainHashes(chat int64) []string {
	var ins []string
	for _, label := range []string{"werkwijzer-staff:", "werkwijzer-log:", "werkwijzer-ics:", ""} {
		ins = append(ins, label+strconv.FormatInt(chat, 10))
	}
	for u := 1000; u < 1600; u++ {
		ins = append(ins, fmt.Sprintf("note:%d:%d", chat, u))
	}
	var out []string
	for _, in := range ins {
		sum := sha256.Sum256([]byte(in))
		h := hex.EncodeToString(sum[:])
		out = append(out, h[:10], strings.ToUpper(h[:10]))
	}
	return out
}

func mydataFile(t *testing.T, msgs []telegramtest.Message) (text string, doc map[string]any) {
	t.Helper()
	for _, m := range msgs {
		if m.Document == "werkwijzer-mydata.json" {
			if err := json.Unmarshal(m.Content, &doc); err != nil {
				t.Fatalf("/mydata file: %v", err)
			}
		} else if m.Text != "" {
			text += m.Text + "\n"
		}
	}
	if doc == nil {
		t.Fatal("/mydata sent no file")
	}
	return text, doc
}

// at reads doc at path (map keys; a number for a list index).
func at(doc any, path ...string) any {
	for _, p := range path {
		switch d := doc.(type) {
		case map[string]any:
			doc = d[p]
		case []any:
			i, _ := strconv.Atoi(p)
			if i >= len(d) {
				return nil
			}
			doc = d[i]
		default:
			return nil
		}
	}
	return doc
}

func strs(v any) []string {
	var out []string
	if l, ok := v.([]any); ok {
		for _, x := range l {
			out = append(out, fmt.Sprint(x))
		}
	}
	return out
}

// The whole journey of issue #17: a person comes through a sign-up link,
// does the orientation and shares the answers, marks a vacancy not for
// them and another interesting, asks for alerts and gets one, books a
// coaching talk (staff mark a no-show), asks for a person, types while
// waiting, is taken over and writes; staff answer at length, a colleague
// remarks on them under their sign-up, a guest in the channel tries to
// join in. /mydata then accounts for every key and value that names them,
// readable and in JSON. After /forget no key, value, Slack post or thread
// reply holds their chat id, name, words, references, or a plain hash
// that leads back to them.
func TestPrivacyJourneyEndToEnd(t *testing.T) {
	tg := telegramtest.New(t)
	f := slacktest.New(t)
	for id, name := range map[string]string{"U-LOTTE": "Lotte", "U-KOEN": "Koen", "U-NADIA": "Nadia", "U-GUEST": "Gast"} {
		f.AddUser(id, name)
	}
	prefix := redistest.Prefix()
	dir := t.TempDir()
	env := map[string]string{"REDIS_URL": redistest.URL(t), "REDIS_PREFIX": prefix, "TELEGRAM_BOT_USERNAME": "werkwijzer_test_bot"}
	os.WriteFile(filepath.Join(dir, "partners.yaml"), []byte(partnersFile), 0o644)
	if _, err := werkwijzer(t, env, "import", "partners", filepath.Join(dir, "partners.yaml")); err != nil {
		t.Fatal(err)
	}
	out, err := werkwijzer(t, env, "link", "--partner", "buurthuis-kiel", "--place", "Kiel, zaal 2", "--lang", "nl")
	if err != nil {
		t.Fatal(err)
	}
	code := strings.TrimPrefix(strings.TrimSpace(out), "https://t.me/werkwijzer_test_bot?start=")

	real := time.Now().In(clock.Brussels)
	day := time.Date(real.Year(), real.Month(), real.Day()+1, 10, 0, 0, 0, clock.Brussels)
	clk := clock.NewFake(day)
	r := serve(t, tg, prefix, withSlack(f), func(m *Main) { m.Clock, m.Tick = clk, 20*time.Millisecond })
	waitReady(t, r)
	ctx := context.Background()
	const chat = 5550001234
	ref := r.m.Refs.Staff(chat)
	items, _ := schedule.ParseSlots([]byte(fmt.Sprintf("slots:\n  - id: talk\n    start: %s 11:00\n    duration: 45m\n    coach: Nadia\n    languages: [nl]\n    place: address\n    address: Desguinlei 33, 2018 Antwerpen\n",
		day.AddDate(0, 0, 1).Format("2006-01-02"))))
	if _, err := r.m.Schedule.Import(ctx, schedule.KindCoaching, items, day, schedule.ImportOptions{}); err != nil {
		t.Fatal(err)
	}

	// Sign-up link, orientation, shared answers.
	c := tg.Chat(t, chat, "nl")
	expect(t, "nl", c.Send("/start "+code), "consent_notice", map[string]any{"Period": texts.N("nl", "unit_days", 180, nil)})
	expect(t, "nl", c.Press("consent:yes"), "q_name")
	c.Send("Amira")
	c.Press("a:age:u25")
	c.Press("a:dutch:none")
	c.Press("skip:sit")
	c.Press("a:edu:primary")
	secondHalfShared(t, c, "nl")
	signup := waitPost(t, f, "signup", func(p slacktest.Post) bool { return header(p.Blocks) == "Nieuwe inschrijving" })

	// Vacancies: alerts on, one not for me, one interesting, an alert.
	cat := jobs.NewCatalogue(r.m.Redis, prefix)
	vac := func(id, title string) jobs.Vacancy {
		return jobs.Vacancy{ID: id, Title: title, Employer: "Fabriek", Postcode: "2660", Sector: orientation.SectorIndustry,
			FullTime: true, Dutch: orientation.DutchNone, ValidThrough: day.Add(30 * 24 * time.Hour)}
	}
	cat.Import(ctx, "test", []jobs.Vacancy{vac("v1", "Operator"), vac("v2", "Lasser")}, day)
	c.Press("menu:jobs")
	expect(t, "nl", c.Press("job:alerts:on"), "alerts_on_done")
	c.Press("menu:jobs")
	c.Press("job:nfm:" + vacancies.Handle("v1") + ":0")
	c.Press("job:why:" + vacancies.Handle("v1") + ":0:far")
	c.Press(c.LastWithButtons().Buttons[0][0].Data) // Interested in v2
	res, _ := cat.Import(ctx, "test", []jobs.Vacancy{vac("v1", "Operator"), vac("v2", "Lasser"), vac("v3", "Monteur")}, day)
	if n, err := r.m.planAlerts(ctx, res.New); err != nil || n != 1 {
		t.Fatalf("alerts planned: %d, %v", n, err)
	}
	tick(r)
	waitFor(t, "the alert", func() bool { return countText(tg.Messages(chat), "Monteur") > 0 })

	// A coaching talk; staff mark that the person did not come.
	list := c.Press("bk:lc:0")
	booked := c.Press(list[len(list)-1].Buttons[0][0].Data)
	var ics string
	for _, m := range booked {
		if strings.HasSuffix(m.Document, ".ics") {
			ics = string(m.Content)
		}
	}
	if !regexp.MustCompile(`(?m)^UID:[a-z0-9-]+-` + regexp.QuoteMeta(r.m.Refs.Calendar(chat)) + `@werkwijzer\r?$`).MatchString(ics) {
		t.Fatalf("the calendar file's UID is not the keyed reference:\n%s", ics)
	}
	note := waitPost(t, f, "the booking", func(p slacktest.Post) bool { return header(p.Blocks) == "Afspraak geboekt" })
	clk.Set(day.AddDate(0, 0, 1).Add(2 * time.Hour)) // attendance is marked once the talk has begun
	slackCall(t, r, signingSecret, "/slack/actions", slacktest.Form,
		slacktest.BlockAction("U-NADIA", note.Channel, note.TS, staff.ActionNoShow, buttonValue(note.Blocks, staff.ActionNoShow)), time.Now())
	tick(r)
	waitFor(t, "the no-show message", func() bool { return contains(tg.Messages(chat), texts.T("nl", "noshow", nil)[:20]) })

	// A person: waiting, typed for staff, shown in /mydata.
	c.Press("human:ask")
	c.Send("Mijn adres is Kioskplaats 12")
	text, doc := mydataFile(t, c.Send("/mydata"))
	for _, want := range []string{"Kioskplaats 12", "buurthuis-kiel · Kiel, zaal 2", "om een medewerker", "Je krijgt nieuwe vacatures per bericht",
		"Vacatures die niet voor jou waren: 1", "je was er niet", "Het werkteam kent je in Slack als " + ref} {
		if !strings.Contains(text, want) {
			t.Errorf("/mydata while waiting lacks %q:\n%s", want, text)
		}
	}
	if got := strs(at(doc, "request_for_a_person", "typed_for_staff")); !slices.Equal(got, []string{"Mijn adres is Kioskplaats 12"}) {
		t.Errorf("/mydata's file: typed for staff %v", got)
	}

	// Taken over; both ways; a colleague, a guest, a reference in the channel.
	req := waitPost(t, f, "the request", func(p slacktest.Post) bool { return header(p.Blocks) == "Vraagt een medewerker" })
	slackCall(t, r, signingSecret, "/slack/actions", slacktest.Form,
		slacktest.BlockAction("U-LOTTE", req.Channel, req.TS, staff.ActionHandoverTake, ref), time.Now())
	waitPost(t, f, "the waiting words in the thread", func(p slacktest.Post) bool { return strings.Contains(p.Text, "Kioskplaats") })
	c.Send("Ik zoek werk in de haven, bel me op 0470 12 34 56")
	waitPost(t, f, "the relay", func(p slacktest.Post) bool { return strings.Contains(p.Text, "0470 12 34 56") })
	answer := strings.Repeat("Ik heb je dossier bekeken en bel je morgen terug. ", 120) // over Telegram's limit
	before := len(tg.Messages(chat))
	slackCall(t, r, signingSecret, "/slack/events", slacktest.JSON, f.Say("Ev1", "U-LOTTE", req.Channel, req.TS, answer), time.Now())
	if got := tg.Messages(chat)[before:]; len(got) != 2 || !strings.Contains(got[0].Text, "Lotte") {
		t.Fatalf("Lotte's long answer reached the person as %d messages, want 2", len(got))
	}
	slackCall(t, r, signingSecret, "/slack/events", slacktest.JSON, f.Say("Ev2", "U-KOEN", signup.Channel, signup.TS, "Amira ken ik van het buurthuis"), time.Now())
	slackCall(t, r, signingSecret, "/slack/events", slacktest.JSON, f.Say("Ev3", "U-GUEST", req.Channel, req.TS, "Ik wil ook iets zeggen"), time.Now())
	slackCall(t, r, signingSecret, "/slack/events", slacktest.JSON, f.Say("Ev4", "U-KOEN", "C-PERM", "", "Wie neemt "+ref+" morgen over?"), time.Now())
	if contains(tg.Messages(chat), "Ik wil ook iets zeggen") {
		t.Fatal("a guest in the channel wrote to the person")
	}

	// /mydata accounts for every key and value that names the person,
	// once what staff are to be told has reached Slack: a notification
	// posted between /mydata and the look at Redis is not a gap.
	staffq := prefix + ":{u" + strconv.Itoa(chat) + "}:staffq"
	for deadline := time.Now().Add(30 * time.Second); r.m.Redis.Exists(ctx, staffq).Val() != 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the staff outbox never drained: %v; outbox %v", r.m.Redis.SMembers(ctx, staffq).Val(),
				r.m.Redis.XRange(ctx, prefix+":{staff}:outbox", "-", "+").Val())
		}
	}
	text, doc = mydataFile(t, c.Send("/mydata"))
	if !strings.Contains(text, "Je praat met Lotte van het werkteam") {
		t.Errorf("/mydata while taken over:\n%s", text)
	}
	checkMyDataIsComplete(t, r, prefix, chat, ref, doc)
	// Every key the journey made is in the packages' key lists, and so in
	// the README's Privacy table.
	if keys := undocumented(t, prefix, r.m.Redis.Keys(ctx, prefix+":*").Val()); len(keys) > 0 {
		t.Errorf("keys no package documents (nor the README's Privacy table): %q", keys)
	}

	// /forget.
	expect(t, "nl", c.Send("/forget"), "forget_confirm")
	expect(t, "nl", c.Press("forget:yes"), "forget_done")
	personal := []string{strconv.Itoa(chat), "Amira", "Kioskplaats", "haven", "0470", "dossier bekeken", "ken ik van het buurthuis",
		"Ik wil ook iets zeggen", "Wie neemt", ref, r.m.Refs.Log(chat), r.m.Refs.Calendar(chat)}
	for k, v := range naming(t, r.m.Redis, prefix, append(personal, plainHashes(chat)...)...) {
		t.Errorf("after /forget %s still holds something of the person: %.300s", k, v)
	}
	waitFor(t, "Slack emptied of the person", func() bool {
		for _, m := range f.Messages() {
			for _, s := range append(personal, "Oriëntatie afgerond", "Vraagt een medewerker", "Interesse in") {
				if strings.Contains(m.Text+m.Raw, s) {
					return false
				}
			}
		}
		return true
	})
	for _, m := range f.Messages() {
		if m.User != slacktest.Bot {
			t.Errorf("a message %s wrote about or to the person is still in Slack: %q", m.User, m.Text)
		}
	}
}

// checkMyDataIsComplete goes over every key that names the person (by
// chat id or reference, in its name or its value) and checks that doc, the
// /mydata file, shows what it holds. A key that names them and that no
// rule below knows fails the test: whoever adds one must add it to
// /mydata and here.
func checkMyDataIsComplete(t *testing.T, r *running, prefix string, chat int64, ref string, doc map[string]any) {
	t.Helper()
	ctx := context.Background()
	rdb := r.m.Redis
	id := strconv.FormatInt(chat, 10)
	q := regexp.QuoteMeta
	p := q(prefix)
	has := func(list []string, want ...string) error {
		for _, w := range want {
			if !slices.Contains(list, w) {
				return fmt.Errorf("%q not in %q", w, list)
			}
		}
		return nil
	}
	records := func() []any { l, _ := at(doc, "appointment_records").([]any); return l }
	record := func(item string) map[string]any {
		for _, x := range records() {
			if m, _ := x.(map[string]any); m["id"] == item {
				return m
			}
		}
		return nil
	}
	messages := func() []string {
		var out []string
		list, _ := at(doc, "staff", "slack_messages").([]any)
		for _, x := range list {
			m, _ := x.(map[string]any)
			out = append(out, fmt.Sprint(m["channel"], " ", m["ts"]))
		}
		return out
	}
	rules := []struct {
		key   string
		check func(k, v string) error
	}{
		{`:\{u` + id + `\}:conv$`, func(k, v string) error {
			// The conversation's parts: orientation, sign-up link,
			// vacancies, the request for a person.
			switch {
			case at(doc, "answers", "name") != "Amira" || at(doc, "agreed_at") == nil || at(doc, "share_with_coaches") != "yes":
				return fmt.Errorf("answers %v, consent %v", at(doc, "answers"), at(doc, "agreed_at"))
			case at(doc, "signup_link", "partner") != "buurthuis-kiel" || at(doc, "signup_link", "place") != "Kiel, zaal 2":
				return fmt.Errorf("sign-up link %v", at(doc, "signup_link"))
			case at(doc, "vacancies_not_for_me", "0", "id") != "v1" || at(doc, "vacancy_messages") != true:
				return fmt.Errorf("vacancies %v", at(doc, "vacancies_not_for_me"))
			case at(doc, "request_for_a_person", "taken") != true || at(doc, "request_for_a_person", "staff_member") != "Lotte":
				return fmt.Errorf("request %v", at(doc, "request_for_a_person"))
			}
			return has(strs(at(doc, "vacancies_sent_as_messages")), "v3")
		}},
		{`:\{u` + id + `\}:(out|lock)$`, nil}, // the turn being answered right now
		{`:waiting$`, nil},                    // work of the chat queued right now, for the sweep after a crash
		{`:\{u` + id + `\}:staffq$`, func(k, v string) error {
			queued, _ := at(doc, "staff", "waiting_to_be_posted").([]any)
			if n := rdb.SCard(ctx, k).Val(); n != int64(len(queued)) {
				return fmt.Errorf("%d queued, /mydata shows %v", n, at(doc, "staff", "waiting_to_be_posted"))
			}
			return nil
		}},
		{`:\{staff\}:outbox$`, func(k, v string) error {
			if q, _ := at(doc, "staff", "waiting_to_be_posted").([]any); len(q) == 0 {
				return fmt.Errorf("the outbox holds the person, /mydata shows nothing queued")
			}
			return nil
		}},
		{`:\{alerts\}:ix:`, func(k, v string) error {
			if at(doc, "vacancy_alerts", "on_the_list") != true || at(doc, "vacancy_messages") != true {
				return fmt.Errorf("not shown as getting alerts")
			}
			return nil
		}},
		{`:\{alerts\}:week:`, func(k, v string) error {
			if n, _ := rdb.HGet(ctx, k, id).Int(); float64(n) != at(doc, "vacancy_alerts", "planned_this_week") {
				return fmt.Errorf("%d this week, shown %v", n, at(doc, "vacancy_alerts", "planned_this_week"))
			}
			return nil
		}},
		{`:\{u` + id + `\}:staffcap$`, func(k, v string) error {
			if n, _ := rdb.Get(ctx, k).Int(); float64(n) != at(doc, "staff", "interested_posts_this_hour") {
				return fmt.Errorf("%d posts this hour, shown %v", n, at(doc, "staff", "interested_posts_this_hour"))
			}
			return nil
		}},
		{`:\{alerts\}:(queue|claimed)$`, func(k, v string) error {
			for _, m := range rdb.ZRange(ctx, k, 0, -1).Val() {
				if vac, ok := strings.CutPrefix(m, id+"|"); ok {
					if err := has(strs(at(doc, "vacancy_alerts", "waiting_to_be_sent")), vac); err != nil {
						return err
					}
				}
			}
			return nil
		}},
		{`:\{book\}:person:` + id + `$`, func(k, v string) error {
			for item, state := range rdb.HGetAll(ctx, k).Val() {
				rec := record(item)
				if rec == nil || strings.HasPrefix(state, "booked") != (rec["holds_a_seat"] == true) {
					return fmt.Errorf("%s %s: shown %v", item, state, rec)
				}
			}
			return nil
		}},
		{`:\{book\}:(seats|wait):`, func(k, v string) error {
			item := k[strings.LastIndex(k, ":")+1:]
			if rec := record(item); rec == nil {
				return fmt.Errorf("%s not shown", item)
			}
			return nil
		}},
		{`:\{book\}:attended:`, func(k, v string) error {
			item := k[strings.LastIndex(k, ":")+1:]
			came := rdb.HGet(ctx, k, id).Val() == "yes"
			if rec := record(item); rec == nil || rec["came"] != came {
				return fmt.Errorf("%s marked %v, shown %v", item, came, rec)
			}
			return nil
		}},
		{`:\{book\}:(reminders|claimed)$`, func(k, v string) error {
			for _, m := range rdb.ZRange(ctx, k, 0, -1).Val() {
				parts := strings.Split(m, "|")
				if len(parts) == 3 && parts[0] == id {
					if rec := record(parts[1]); rec == nil || !slices.Contains(strs(rec["reminders_planned"]), parts[2]) {
						return fmt.Errorf("%s not shown: %v", m, rec)
					}
				}
			}
			return nil
		}},
		{`:\{staff\}:ho:` + q(ref) + `$`, func(k, v string) error {
			if at(doc, "staff", "open_request", "taken_by") != rdb.HGet(ctx, k, "name").Val() || at(doc, "staff", "open_request", "shown_to_staff", "what") != "handover" {
				return fmt.Errorf("request shown as %v", at(doc, "staff", "open_request"))
			}
			return nil
		}},
		{`:\{staff\}:ho:(waiting|open)$`, func(k, v string) error {
			if at(doc, "staff", "open_request") == nil {
				return fmt.Errorf("no open request shown")
			}
			return nil
		}},
		{`:\{staff\}:thread:`, func(k, v string) error {
			if at(doc, "staff", "open_request", "taken_by") == nil {
				return fmt.Errorf("no conversation shown")
			}
			return has(messages(), strings.Join(strings.SplitN(strings.TrimPrefix(k, prefix+":{staff}:thread:"), ":", 2), " "))
		}},
		{`:\{staff\}:posted:` + q(ref) + `$`, func(k, v string) error {
			var want []string
			for _, l := range rdb.LRange(ctx, k, 0, -1).Val() {
				f := strings.Fields(l)
				if len(f) < 2 {
					return fmt.Errorf("posted entry %q is not a channel and a time stamp", l)
				}
				want = append(want, f[0]+" "+f[1])
			}
			if len(want) < 10 {
				return fmt.Errorf("only %d Slack messages recorded: the journey should leave more", len(want))
			}
			return has(messages(), want...)
		}},
		{`:\{staff\}:about:`, func(k, v string) error {
			return has(messages(), strings.Join(strings.SplitN(strings.TrimPrefix(k, prefix+":{staff}:about:"), ":", 2), " "))
		}},
	}
	keys := naming(t, rdb, prefix, id, ref)
	if len(keys) < 12 {
		t.Fatalf("only %d keys name the person: the journey should leave more (%v)", len(keys), keys)
	}
	for k, v := range keys {
		matched := false
		for _, rule := range rules {
			if !regexp.MustCompile(`^` + p + rule.key).MatchString(k) {
				continue
			}
			matched = true
			if rule.check != nil {
				if err := rule.check(k, v); err != nil {
					t.Errorf("/mydata does not show what %s holds: %v", k, err)
				}
			}
		}
		if !matched {
			t.Errorf("%s names the person and /mydata does not account for it: %.300s", k, v)
		}
	}
}

// The references staff and logs see depend on the deployment's secret:
// two deployments with different secrets give one person different ones,
// and a deployment gives them the same after a restart, so that a
// conversation taken over before a restart goes on after it.
func TestReferencesDependOnTheDeploymentsSecret(t *testing.T) {
	tg, tgB := telegramtest.New(t), telegramtest.New(t)
	fa, fb := slacktest.New(t), slacktest.New(t)
	fa.AddUser("U-LOTTE", "Lotte")
	prefixA, prefixB := redistest.Prefix(), redistest.Prefix()
	a := serve(t, tg, prefixA, withSlack(fa), func(m *Main) { m.Config.Instance = "a" })
	b := serve(t, tgB, prefixB, withSlack(fb))
	waitReady(t, a)
	waitReady(t, b)
	const chat = 4711
	refA, refB := a.m.Refs.Staff(chat), b.m.Refs.Staff(chat)
	if refA == refB || a.m.Refs.Log(chat) == b.m.Refs.Log(chat) || a.m.Refs.Calendar(chat) == b.m.Refs.Calendar(chat) {
		t.Fatalf("two deployments gave one person the same references: %s", refA)
	}
	// The same person signs up with both deployments (two bots); each
	// tells its own Slack.
	c := tg.Chat(t, chat, "nl")
	for _, x := range []*telegramtest.Chat{c, tgB.Chat(t, chat, "nl")} {
		x.Send("/start")
		x.Press("lang:nl")
		x.Press("consent:yes")
	}
	pa := waitPost(t, fa, "signup in A", func(p slacktest.Post) bool { return header(p.Blocks) == "Nieuwe inschrijving" })
	pb := waitPost(t, fb, "signup in B", func(p slacktest.Post) bool { return header(p.Blocks) == "Nieuwe inschrijving" })
	if !strings.Contains(pa.Raw, refA) || !strings.Contains(pb.Raw, refB) || strings.Contains(pa.Raw, refB) {
		t.Fatalf("Slack A shows %q, B %q; want each its own reference", refA, refB)
	}
	b.stop()

	// A conversation taken over in A goes on after A restarts.
	c.Send("Amira")
	c.Press("human:ask")
	req := waitPost(t, fa, "the request", func(p slacktest.Post) bool { return header(p.Blocks) == "Vraagt een medewerker" })
	if code, _ := slackCall(t, a, signingSecret, "/slack/actions", slacktest.Form,
		slacktest.BlockAction("U-LOTTE", req.Channel, req.TS, staff.ActionHandoverTake, refA), time.Now()); code != http.StatusOK {
		t.Fatalf("take: %d", code)
	}
	a.stop()
	a2 := serve(t, tg, prefixA, withSlack(fa), func(m *Main) { m.Config.Instance = "a" })
	waitReady(t, a2)
	if got := a2.m.Refs.Staff(chat); got != refA {
		t.Fatalf("after a restart the person is %s, was %s", got, refA)
	}
	slackCall(t, a2, signingSecret, "/slack/events", slacktest.JSON, fa.Say("Ev1", "U-LOTTE", req.Channel, req.TS, "Ik ben er nog"), time.Now())
	if !contains(tg.Messages(chat), "Ik ben er nog") {
		t.Fatal("after a restart the staff member's reply did not reach the person")
	}
}
