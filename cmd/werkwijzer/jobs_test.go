package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/bot/telegramtest"
	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/jobs"
	"github.com/werkwijzer/werkwijzer/staff/slacktest"
)

// "Jobs for me" end to end, in Somali: the best vacancy with its reasons in
// the person's language, "not for me, too far" hides it and shows the next,
// and "interested" tells staff in Slack which vacancy, with the answers the
// person agreed to share.
func TestJobsForMeEndToEnd(t *testing.T) {
	tg := telegramtest.New(t)
	f := slacktest.New(t)
	prefix := redistest.Prefix()
	r := serve(t, tg, prefix, withSlack(f))
	waitReady(t, r)
	ctx := context.Background()
	now := time.Now()
	mk := func(id, title, pc string) jobs.Vacancy {
		return jobs.Vacancy{ID: id, Title: title, Employer: "Fabriek " + id, Postcode: pc, Sector: orientation.SectorIndustry,
			FullTime: true, Dutch: orientation.DutchNone, Licence: orientation.LicenceNone, ValidThrough: now.Add(30 * 24 * time.Hour)}
	}
	fluent := mk("fluent", "Ingenieur", "2660")
	fluent.Dutch = orientation.DutchFluent
	cat := jobs.NewCatalogue(r.m.Redis, prefix)
	if _, err := cat.Import(ctx, "test", []jobs.Vacancy{
		mk("near", "Productiemedewerker", "2660"), // Hoboken: where the person lives
		mk("far", "Lasser", "2630"),               // Aartselaar
		fluent,
	}, now); err != nil {
		t.Fatal(err)
	}
	const lang = "so"
	c := tg.Chat(t, 6060, lang)
	firstHalf(t, c, lang) // Dutch: none, higher education
	secondHalfShared(t, c, lang)
	got := c.Press("menu:jobs")
	card := got[len(got)-1]
	tr := func(id string, data map[string]any) string { return texts.T(lang, id, data) }
	for _, want := range []string{"Productiemedewerker", "Fabriek near", tr("reason_sector", map[string]any{"Sector": tr("opt_sec_industry", nil)}),
		tr("reason_no_dutch", nil), tr("job_hours_full", nil)} {
		if !strings.Contains(card.Text, want) {
			t.Fatalf("first card lacks %q:\n%s", want, card.Text)
		}
	}
	var nfm string
	for _, row := range card.Buttons {
		for _, b := range row {
			if strings.HasPrefix(b.Data, "job:nfm:") {
				nfm = b.Data
			}
		}
	}
	expect(t, lang, c.Press(nfm), "not_for_me_ask")
	got = c.Press("job:why:" + strings.TrimPrefix(nfm, "job:nfm:") + ":far")
	expect(t, lang, got, "not_for_me_done")
	next := got[len(got)-1].Text
	if !strings.Contains(next, "Lasser") || strings.Contains(next, "Productiemedewerker") {
		t.Fatalf("after 'not for me': %q, want the next vacancy (Lasser)", next)
	}
	var interested string
	for _, row := range got[len(got)-1].Buttons {
		for _, b := range row {
			if strings.HasPrefix(b.Data, "job:int:") {
				interested = b.Data
			}
		}
	}
	expect(t, lang, c.Press(interested), "interested_done", map[string]any{"Title": "Lasser"})
	post := waitPost(t, f, "interested", func(p slacktest.Post) bool { return header(p.Blocks) == "Interesse in een vacature" })
	if body := blockText(post.Blocks); !strings.Contains(body, "Lasser") || !strings.Contains(body, "Fabriek far") || !strings.Contains(body, "Amira") {
		t.Fatalf("interested notification lacks the vacancy or the shared answers: %s", body)
	}
	// The vacancy needing fluent Dutch is never offered to someone with none.
	got = c.Press("menu:jobs")
	for _, m := range got {
		if strings.Contains(m.Text, "Ingenieur") {
			t.Fatal("a vacancy needing fluent Dutch was offered to someone who speaks none")
		}
	}
	// What was rejected is in /mydata's file.
	got = c.Send("/mydata")
	var doc string
	for _, m := range got {
		doc += string(m.Content)
	}
	if !strings.Contains(doc, `"vacancies_not_for_me"`) || !strings.Contains(doc, `"far"`) {
		t.Fatalf("/mydata does not show the rejected vacancy: %s", doc)
	}
}

// Alerts end to end: someone who asks for them gets a new fitting vacancy
// by message, once; after Stop, nothing more.
func TestVacancyAlertsEndToEnd(t *testing.T) {
	tg := telegramtest.New(t)
	prefix := redistest.Prefix()
	// Tomorrow at 10:00 in Brussels: daytime, whenever the test runs.
	real := time.Now().In(clock.Brussels)
	day := time.Date(real.Year(), real.Month(), real.Day()+1, 10, 0, 0, 0, clock.Brussels)
	clk := clock.NewFake(day)
	r := serve(t, tg, prefix, func(m *Main) {
		m.Clock = clk
		m.Tick = 20 * time.Millisecond
	})
	const lang = "uk"
	c := tg.Chat(t, 7070, lang)
	firstHalf(t, c, lang)
	secondHalf(t, c, lang) // industry, licence C, shifts, Hoboken (2660)
	ctx := context.Background()
	cat := jobs.NewCatalogue(r.m.Redis, prefix)
	vac := func(id, title string) jobs.Vacancy {
		return jobs.Vacancy{ID: id, Title: title, Employer: "Fabriek", Postcode: "2660", Sector: orientation.SectorIndustry,
			FullTime: true, Shifts: true, Dutch: orientation.DutchNone, ValidThrough: day.Add(30 * 24 * time.Hour)}
	}
	importing := func(vs ...jobs.Vacancy) int {
		t.Helper()
		res, err := cat.Import(ctx, "test", vs, day)
		if err != nil {
			t.Fatal(err)
		}
		n, err := r.m.planAlerts(ctx, res.New)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := importing(vac("v1", "Operator")); n != 0 {
		t.Fatalf("%d alerts planned for someone who did not ask for them", n)
	}
	got := c.Press("menu:jobs")
	if !got[len(got)-1].HasButton("job:alerts:on") {
		t.Fatalf("no way to ask for alerts on the vacancy card: %+v", got[len(got)-1].Buttons)
	}
	expect(t, lang, c.Press("job:alerts:on"), "alerts_on_done")
	if n := importing(vac("v1", "Operator"), vac("v2", "Lasser")); n != 1 {
		t.Fatalf("%d alerts planned for one new fitting vacancy, want 1", n)
	}
	intro := texts.T(lang, "alert_intro", nil)
	tick(r)
	deadline := time.Now().Add(10 * time.Second)
	for countText(tg.Messages(c.ID), intro) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	msgs := tg.Messages(c.ID)
	last := msgs[len(msgs)-1]
	if !strings.Contains(last.Text, intro) || !strings.Contains(last.Text, "Lasser") || !last.HasButton("job:alerts:off") {
		t.Fatalf("alert: %q %+v", last.Text, last.Buttons)
	}
	// The same vacancy is never planned twice; a second delivery of the same
	// alert (a sender that died before acknowledging) shows nothing.
	if n, _ := r.m.planAlerts(ctx, []jobs.Vacancy{vac("v2", "Lasser")}); n != 0 {
		t.Fatalf("the same vacancy planned again: %d", n)
	}
	before := len(tg.Messages(c.ID))
	r.m.Redis.ZAdd(ctx, prefix+":{alerts}:queue", redis.Z{Score: 0, Member: "7070|v2"})
	tick(r)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if r.m.Redis.ZCard(ctx, prefix+":{alerts}:queue").Val()+r.m.Redis.ZCard(ctx, prefix+":{alerts}:claimed").Val() == 0 {
			break // handled and acknowledged
		}
	}
	if after := len(tg.Messages(c.ID)); after != before {
		t.Fatalf("an alert handed out twice was shown twice (%d new messages)", after-before)
	}
	everyKeyHasALifetime(t, r.m.Redis, prefix) // while the person is in the index
	expect(t, lang, c.Press("job:alerts:off"), "alerts_off_done")
	if n := importing(vac("v1", "Operator"), vac("v2", "Lasser"), vac("v3", "Monteur")); n != 0 {
		t.Fatalf("%d alerts planned after Stop", n)
	}
}
