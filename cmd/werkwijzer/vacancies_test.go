package main

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/bot/telegramtest"
	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/vacancies"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/jobs"
	"github.com/werkwijzer/werkwijzer/staff/slacktest"
)

// The two people of issue #15, end to end on the fake Bot API against the
// sample vacancies: Jens (19, construction only, fluent Dutch, Deurne, no
// licence, full time) without Slack, and Ahmed (port and logistics, full
// time and shifts, a little Dutch, Merksem, licence B) with Slack.

var office = dialogs.Office{Name: "Werkwinkel Antwerpen", Address: "Frankrijklei 119, 2000 Antwerpen", Phone: "03 338 00 00",
	MapURL: "https://maps.example.org/werkwinkel"}

// sampleDay is a Tuesday morning while the sample vacancies are open.
var sampleDay = time.Date(2026, 11, 24, 10, 0, 0, 0, clock.Brussels)

func withSample(t *testing.T, r *running, prefix string) {
	t.Helper()
	vs, err := jobs.Sample()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jobs.NewCatalogue(r.m.Redis, prefix).Import(context.Background(), "sample", vs, sampleDay); err != nil {
		t.Fatal(err)
	}
}

// onboard answers the orientation with presses (typed text where an item
// does not look like button data).
func onboard(t *testing.T, c *telegramtest.Chat, lang string, answers ...string) []telegramtest.Message {
	t.Helper()
	c.Send("/start")
	c.Press("lang:" + lang)
	c.Press("consent:yes")
	var r []telegramtest.Message
	for _, a := range answers {
		if strings.Contains(a, ":") {
			r = c.Press(a)
		} else {
			r = c.Send(a)
		}
	}
	return r
}

// cardView is what a test reads of a vacancy card.
type cardView struct {
	msg           telegramtest.Message
	km            int // -1 when the card says no distance
	handle, pos   string
	link, contact bool
	interested    bool
	next          string
}

func readCard(t *testing.T, lang string, m telegramtest.Message) (cardView, bool) {
	c := cardView{msg: m, km: -1}
	for _, row := range m.Buttons {
		for _, b := range row {
			switch {
			case strings.HasPrefix(b.Data, "job:nfm:"):
				parts := strings.Split(b.Data, ":")
				c.handle, c.pos = parts[2], parts[3]
			case strings.HasPrefix(b.Data, "job:int:"):
				c.interested = true
			case strings.HasPrefix(b.Data, "job:next:"):
				c.next = b.Data
			case b.URL != "" && b.Text == texts.T(lang, "btn_apply", nil):
				c.link = true
			}
		}
	}
	if c.handle == "" {
		return c, false
	}
	pattern := regexp.QuoteMeta(texts.T(lang, "job_place_km", map[string]any{"Place": "PLACE", "Km": 999}))
	pattern = strings.Replace(strings.Replace(pattern, "PLACE", ".*", 1), "999", `(\d+)`, 1)
	if sm := regexp.MustCompile(pattern).FindStringSubmatch(m.Text); sm != nil {
		c.km, _ = strconv.Atoi(sm[1])
	} else {
		c.km = 0 // where they live, or no distance known: the sample's postcodes are all known
	}
	apply := texts.T(lang, "job_apply_contact", map[string]any{"Contact": "X"})
	c.contact = strings.Contains(m.Text, strings.TrimSuffix(apply, "X"))
	return c, true
}

// lastCard is the card among msgs, the last one.
func lastCard(t *testing.T, lang string, msgs []telegramtest.Message) (cardView, bool) {
	for i := len(msgs) - 1; i >= 0; i-- {
		if c, ok := readCard(t, lang, msgs[i]); ok {
			return c, true
		}
	}
	return cardView{}, false
}

// browse reads the person's own list from the start until the divider or
// the end, checking every card with check.
func browse(t *testing.T, c *telegramtest.Chat, lang string, check func(cardView)) (cards []cardView, end []telegramtest.Message) {
	t.Helper()
	got := c.Press("menu:jobs")
	for len(cards) < 100 {
		card, ok := lastCard(t, lang, got)
		if !ok {
			return cards, got
		}
		check(card)
		cards = append(cards, card)
		got = c.Press(card.next)
	}
	t.Fatal("more than 100 cards")
	return nil, nil
}

// rest browses the list on from msgs (the reply to a "not for me"),
// returning its cards until the divider or the end.
func rest(t *testing.T, c *telegramtest.Chat, lang string, msgs []telegramtest.Message) []cardView {
	t.Helper()
	var out []cardView
	for card, ok := lastCard(t, lang, msgs); ok && len(out) < 100; card, ok = lastCard(t, lang, c.Press(card.next)) {
		out = append(out, card)
	}
	return out
}

// notForMe presses "not for me" on card for why, having first looked at
// the card that came next before: it returns that card and the reply.
func notForMe(t *testing.T, c *telegramtest.Chat, lang string, card cardView, why string) (before cardView, got []telegramtest.Message) {
	t.Helper()
	before, _ = lastCard(t, lang, c.Press(card.next))
	c.Press("job:nfm:" + card.handle + ":" + card.pos)
	return before, c.Press("job:why:" + card.handle + ":" + card.pos + ":" + why)
}

func howToApply(t *testing.T, who string, card cardView) {
	t.Helper()
	if !card.link && !card.contact && !card.interested {
		t.Errorf("%s: a card says no way to apply:\n%s", who, card.msg.Text)
	}
	if !card.msg.NoPreview {
		t.Errorf("%s: a card shows link previews", who)
	}
}

func TestJensEndToEndWithoutSlack(t *testing.T) {
	tg := telegramtest.New(t)
	prefix := redistest.Prefix()
	r := serve(t, tg, prefix, func(m *Main) {
		m.Clock = clock.NewFake(sampleDay)
		m.Config.Office = office
	})
	withSample(t, r, prefix)
	const lang = "nl"
	tr := func(id string, data map[string]any) string { return texts.T(lang, id, data) }
	c := tg.Chat(t, 1501, lang)
	onboard(t, c, lang, "Jens", "a:age:u25", "a:dutch:fluent", "skip:sit", "a:edu:secondary_unfinished", "a:dipl:belgium",
		"a:sec:construction", "done:sec", "a:lic:none", "a:av:fulltime", "done:av", "a:home:deurne", "a:goal:know", "a:sup:none", "done:sup", "ok:sum")

	inConstruction := tr("reason_sector", map[string]any{"Sector": tr("opt_sec_construction", nil)})
	var dutchReasons []string
	for _, id := range []string{"reason_no_dutch", "reason_dutch_little", "reason_dutch_conversational"} {
		dutchReasons = append(dutchReasons, tr(id, nil))
	}
	last := -1
	cards, end := browse(t, c, lang, func(card cardView) {
		if !strings.Contains(card.msg.Text, inConstruction) {
			t.Errorf("Jens, who chose only construction, gets before the divider:\n%s", card.msg.Text)
		}
		for _, d := range dutchReasons {
			if strings.Contains(card.msg.Text, d) {
				t.Errorf("Jens speaks Dutch fluently and is told %q", d)
			}
		}
		if strings.Contains(card.msg.Text, tr("job_asks_licence_b", nil)) || strings.Contains(card.msg.Text, tr("job_shifts", nil)) ||
			strings.Contains(card.msg.Text, tr("job_weekends", nil)) {
			t.Errorf("a card against Jens's answers (licence, shifts, weekends):\n%s", card.msg.Text)
		}
		if card.km < last {
			t.Errorf("distances out of order: %d km after %d km", card.km, last)
		}
		last = card.km
		howToApply(t, "Jens", card)
	})
	t.Logf("Jens: %d cards, then %q", len(cards), end[len(end)-1].Text)
	if len(cards) < 10 {
		t.Fatalf("Jens sees %d construction cards", len(cards))
	}
	expect(t, lang, end, "jobs_divider", map[string]any{"Sectors": tr("opt_sec_construction", nil)})
	if !end[len(end)-1].HasButton("job:next:o0") {
		t.Fatal("the divider has no button to see the other jobs")
	}
	got := c.Press("job:next:o0")
	if other, ok := lastCard(t, lang, got); !ok || strings.Contains(other.msg.Text, inConstruction) {
		t.Fatalf("after opting in, not a job outside construction:%+v", got)
	}

	// "Too far" on a card 5 km or more away: what came next (as far or
	// farther) no longer comes; everything that follows is nearer.
	card, _ := lastCard(t, lang, c.Press("menu:jobs"))
	for card.km < 5 {
		card, _ = lastCard(t, lang, c.Press(card.next))
	}
	before, got := notForMe(t, c, lang, card, "far")
	expect(t, lang, got, "nfm_done_far", map[string]any{"Km": card.km})
	if before.km < card.km {
		t.Fatalf("the list was not in distance order: %d km after %d km", before.km, card.km)
	}
	for _, x := range rest(t, c, lang, got) {
		if x.km >= card.km || x.handle == before.handle {
			t.Fatalf("after 'too far' at %d km: a card at %d km", card.km, x.km)
		}
	}
	// "The hours" on a full-time job, for someone who only works full
	// time: nothing fits any more, and the end offers everything again.
	next, _ := lastCard(t, lang, c.Press("menu:jobs"))
	c.Press("job:nfm:" + next.handle + ":" + next.pos)
	got = c.Press("job:why:" + next.handle + ":" + next.pos + ":hours")
	expect(t, lang, got, "nfm_done_hours", map[string]any{"Hours": tr("job_hours_full", nil)})
	if _, ok := lastCard(t, lang, got); ok || !got[len(got)-1].HasButton("job:reset") {
		t.Fatalf("after 'the hours' on full-time: %+v", got[len(got)-1])
	}
	got = c.Press("job:reset")
	expect(t, lang, got, "jobs_reset_done")
	if _, ok := lastCard(t, lang, got); !ok {
		t.Fatal("no card after showing everything again")
	}

	// Interested without Slack: the way to apply and the office.
	card, _ = lastCard(t, lang, got)
	for !card.interested {
		card, _ = lastCard(t, lang, c.Press(card.next))
	}
	got = c.Press("job:int:" + card.handle + ":" + card.pos)
	expect(t, lang, got, "office_intro")
	m := got[len(got)-1]
	for _, want := range []string{office.Name, office.Address, office.Phone} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("the route lacks %q:\n%s", want, m.Text)
		}
	}
	hasMap := false
	for _, row := range m.Buttons {
		for _, b := range row {
			hasMap = hasMap || b.URL == office.MapURL
		}
	}
	if !hasMap {
		t.Errorf("no map link: %+v", m.Buttons)
	}

	// Alerts on: the index holds what matching needs of Jens, from the
	// turn's note; /forget erases it with the rest.
	expect(t, lang, c.Press("job:alerts:on"), "alerts_on_done")
	ctx := context.Background()
	ix := prefix + ":{alerts}:ix:construction"
	if ok, _ := r.m.Redis.HExists(ctx, ix, "1501").Result(); !ok {
		t.Fatal("alerts on, but Jens is not in the index")
	}
	expect(t, lang, c.Send("/forget"), "forget_confirm")
	expect(t, lang, c.Press("forget:yes"), "forget_done")
	if ok, _ := r.m.Redis.HExists(ctx, ix, "1501").Result(); ok {
		t.Fatal("/forget left Jens in the index")
	}
	if n, _ := r.m.Alerts.Count(ctx); n != 0 {
		t.Fatalf("/forget left %d in the index", n)
	}
}

func TestAhmedEndToEndWithSlack(t *testing.T) {
	tg := telegramtest.New(t)
	f := slacktest.New(t)
	prefix := redistest.Prefix()
	r := serve(t, tg, prefix, withSlack(f), func(m *Main) { m.Clock = clock.NewFake(sampleDay) })
	waitReady(t, r)
	withSample(t, r, prefix)
	const lang = "en"
	tr := func(id string, data map[string]any) string { return texts.T(lang, id, data) }
	c := tg.Chat(t, 1502, lang)
	onboard(t, c, lang, "Ahmed", "a:age:25_49", "a:dutch:little", "skip:sit", "a:edu:secondary", "a:dipl:recognised",
		"a:sec:port", "done:sec", "a:lic:b", "a:av:fulltime", "a:av:shifts", "done:av", "a:home:merksem", "a:goal:know", "a:sup:none",
		"done:sup", "ok:sum", "share:yes")

	inPort := tr("reason_sector", map[string]any{"Sector": tr("opt_sec_port", nil)})
	partOnly := "🕒 " + tr("job_hours_part", nil)
	shifts := 0
	cards, end := browse(t, c, lang, func(card cardView) {
		text := card.msg.Text
		if !strings.Contains(text, inPort) || strings.Contains(text, partOnly) || strings.Contains(text, tr("job_weekends", nil)) {
			t.Errorf("a card against Ahmed's answers (port, full time, no weekends):\n%s", text)
		}
		if !card.interested {
			t.Errorf("with staff in Slack every card offers Interested:\n%s", text)
		}
		if strings.Contains(text, tr("job_shifts", nil)) {
			shifts++
		}
		howToApply(t, "Ahmed", card)
	})
	t.Logf("Ahmed: %d cards (%d in shifts)", len(cards), shifts)
	if len(cards) < 5 || shifts == 0 {
		t.Fatalf("Ahmed sees %d port cards, %d in shifts", len(cards), shifts)
	}
	expect(t, lang, end, "jobs_divider", map[string]any{"Sectors": tr("opt_sec_port", nil)})

	// "The hours" on a shift job: no shift job follows.
	card, _ := lastCard(t, lang, c.Press("menu:jobs"))
	for !strings.Contains(card.msg.Text, tr("job_shifts", nil)) {
		card, _ = lastCard(t, lang, c.Press(card.next))
	}
	_, got := notForMe(t, c, lang, card, "hours")
	expect(t, lang, got, "nfm_done_hours", map[string]any{"Hours": tr("job_shifts", nil)})
	for _, x := range rest(t, c, lang, got) {
		if strings.Contains(x.msg.Text, tr("job_shifts", nil)) {
			t.Fatalf("a shift job after 'the hours' on shifts:\n%s", x.msg.Text)
		}
	}
	// "Too far" on a card 5 km or more away: only nearer ones follow.
	all, _ := browse(t, c, lang, func(cardView) {})
	i := 0
	for i < len(all)-1 && all[i].km < 5 {
		i++
	}
	before, got := notForMe(t, c, lang, all[i], "far")
	for _, x := range rest(t, c, lang, got) {
		if x.km >= all[i].km || x.handle == before.handle {
			t.Fatalf("after 'too far' at %d km: a card at %d km", all[i].km, x.km)
		}
	}

	// Interested with Slack: staff hear once, however often it is pressed.
	vs, _ := jobs.Sample()
	idOf := map[string]string{}
	for _, v := range vs {
		idOf[vacancies.Handle(v.ID)] = v.ID
	}
	card, _ = lastCard(t, lang, c.Press("job:reset"))
	title := strings.SplitN(card.msg.Text, "\n", 2)[0]
	expect(t, lang, c.Press("job:int:"+card.handle+":"+card.pos), "interested_done", map[string]any{"Title": title})
	for i := 0; i < 4; i++ {
		expect(t, lang, c.Press("job:int:"+card.handle+":"+card.pos), "interested_again", map[string]any{"Title": title})
	}
	other, _ := lastCard(t, lang, c.Press(card.next))
	c.Press("job:int:" + other.handle + ":" + other.pos)
	waitPost(t, f, "for the second vacancy", func(p slacktest.Post) bool {
		return header(p.Blocks) == "Interesse in een vacature" && strings.Contains(blockText(p.Blocks), idOf[other.handle])
	})
	posts := 0
	for _, p := range f.Posts() {
		if header(p.Blocks) == "Interesse in een vacature" && strings.Contains(blockText(p.Blocks), idOf[card.handle]+`"`) {
			posts++
			if !strings.Contains(blockText(p.Blocks), "Ahmed") || !strings.Contains(blockText(p.Blocks), title) {
				t.Errorf("the post lacks the vacancy or the shared answers: %s", blockText(p.Blocks))
			}
		}
	}
	if posts != 1 {
		t.Fatalf("%d Slack posts for %s after 5 presses, want 1", posts, idOf[card.handle])
	}
}
