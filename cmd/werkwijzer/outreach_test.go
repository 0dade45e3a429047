package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/werkwijzer/werkwijzer/bot/telegramtest"
	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/jobs"
	"github.com/werkwijzer/werkwijzer/outreach"
	"github.com/werkwijzer/werkwijzer/staff/slacktest"
)

// werkwijzer runs the binary's run() in-process with env, and returns what
// it printed.
func werkwijzer(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	return out.String(), err
}

// werkwijzerAt runs a staff command as werkwijzer does, at the time at.
func werkwijzerAt(t *testing.T, env map[string]string, at time.Time, args ...string) (string, error) {
	t.Helper()
	cfg, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	m := &Main{Config: cfg, Clock: clock.NewFake(at), Stdin: strings.NewReader(""), Stdout: &out, Stderr: io.Discard}
	defer m.Close()
	switch args[0] {
	case "attendance":
		err = m.AttendanceCommand(context.Background(), args[1:])
	case "items":
		err = m.ItemsCommand(context.Background(), args[1:])
	case "import":
		err = m.Import(context.Background(), args[1:])
	default:
		t.Fatalf("werkwijzerAt: %s", args[0])
	}
	return out.String(), err
}

func decodeQRFile(t *testing.T, data []byte) string {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
	res, err := zxqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("QR does not decode: %v", err)
	}
	return res.GetText()
}

const partnersFile = `partners:
  - id: moskee-attaqwa
    name: Moskee At-Taqwa
    kind: vindplaats
    city_supported: false
  - id: buurthuis-kiel
    name: Buurthuis Kiel
    kind: vindplaats
    city_supported: true
`

// Issue #7 end to end: staff import the partners and make a link with a QR
// code and a poster; a person opens it and lands in the link's language
// with its sector first; staff see where they came from; the funnel moves
// through each stage there is, and bad codes are an ordinary start,
// counted apart.
func TestSignupLinkEndToEnd(t *testing.T) {
	tg := telegramtest.New(t)
	f := slacktest.New(t)
	prefix := redistest.Prefix()
	dir := t.TempDir()
	env := map[string]string{"REDIS_URL": redistest.URL(t), "REDIS_PREFIX": prefix, "TELEGRAM_BOT_USERNAME": "werkwijzer_test_bot"}
	os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte(strings.Replace(partnersFile, "vindplaats", "mosque", 1)), 0o644)
	if _, err := werkwijzer(t, env, "import", "partners", filepath.Join(dir, "bad.yaml")); err == nil || !strings.Contains(err.Error(), "line 4") {
		t.Fatalf("bad registry: %v, want refused with its line", err)
	}
	os.WriteFile(filepath.Join(dir, "partners.yaml"), []byte(partnersFile), 0o644)
	if out, err := werkwijzer(t, env, "import", "partners", filepath.Join(dir, "partners.yaml")); err != nil || !strings.Contains(out, "2 partners") {
		t.Fatalf("import: %q %v", out, err)
	}
	qrFile, posterFile := filepath.Join(dir, "link.png"), filepath.Join(dir, "poster.html")
	out, err := werkwijzer(t, env, "link", "--partner", "moskee-attaqwa", "--place", "Borgerhout", "--lang", "ar",
		"--sector", "construction", "--qr", qrFile, "--poster", posterFile)
	if err != nil {
		t.Fatal(err)
	}
	url := strings.TrimSpace(out)
	code, ok := strings.CutPrefix(url, "https://t.me/werkwijzer_test_bot?start=")
	if !ok || len(code) > 64 {
		t.Fatalf("link %q", url)
	}
	png, _ := os.ReadFile(qrFile)
	if got := decodeQRFile(t, png); got != url {
		t.Fatalf("QR file decodes to %q, want %q", got, url)
	}
	if poster, _ := os.ReadFile(posterFile); !strings.Contains(string(poster), url) || !strings.Contains(string(poster), `dir="rtl"`) {
		t.Fatal("poster lacks the link or the right-to-left lines")
	}

	// The test's clock: attendance is marked from a talk's start, two days
	// on, without waiting for it.
	clk := clock.NewFake(time.Now())
	r := serve(t, tg, prefix, withSlack(f), func(m *Main) { m.Tick, m.Clock = 20*time.Millisecond, clk })
	waitReady(t, r)
	c := tg.Chat(t, 7777, "nl") // their phone is set to Dutch; the link says Arabic
	got := c.Send("/start " + code)
	expect(t, "ar", got, "consent_notice", map[string]any{"Period": texts.N("ar", "unit_days", 180, nil)})
	c.Press("consent:yes")
	signup := waitPost(t, f, "signup", func(p slacktest.Post) bool { return header(p.Blocks) == "Nieuwe inschrijving" })
	if !strings.Contains(blockText(signup.Blocks), "moskee-attaqwa · Borgerhout") {
		t.Fatalf("signup does not say where the person came from: %s", blockText(signup.Blocks))
	}
	expect(t, "ar", c.Send("Amira"), "q_age")
	c.Press("a:age:u25")
	c.Press("a:dutch:none")
	c.Press("skip:sit")
	got = c.Press("a:edu:primary")
	if first := got[len(got)-1].Buttons[0][0].Data; first != "a:sec:construction" {
		t.Fatalf("first sector %q, want the link's construction", first)
	}
	secondHalfShared(t, c, "ar")
	jobs.NewCatalogue(r.m.Redis, prefix).Import(context.Background(), "t", []jobs.Vacancy{{ID: "v1", Title: "Operator",
		Employer: "E", Postcode: "2660", Sector: orientation.SectorIndustry, FullTime: true, Dutch: orientation.DutchNone}}, time.Now())
	card := c.Press("menu:jobs")
	c.Press(card[len(card)-1].Buttons[0][0].Data) // Interested

	// Booked and attended: a coaching talk, marked with werkwijzer
	// attendance.
	day := time.Now().In(clock.Brussels).AddDate(0, 0, 2)
	slotsFile := filepath.Join(dir, "slots.yaml")
	os.WriteFile(slotsFile, []byte(fmt.Sprintf("slots:\n  - id: talk\n    start: %s 10:00\n    duration: 45m\n    coach: Lotte\n    languages: [nl, ar]\n    place: phone\n",
		day.Format("2006-01-02"))), 0o644)
	if out, err := werkwijzer(t, env, "import", "slots", slotsFile); err != nil {
		t.Fatalf("import slots: %v %s", err, out)
	}
	list := c.Press("bk:lc:0")
	expect(t, "ar", c.Press(list[len(list)-1].Buttons[0][0].Data), "booked_done", map[string]any{
		"What": texts.T("ar", "what_coaching", map[string]any{"Coach": "Lotte"}), "Date": dayIn("ar", day),
		"Time": "10:00", "Place": texts.T("ar", "place_phone", nil)})
	ref := r.m.Refs.Staff(7777)
	if out, err := werkwijzer(t, env, "attendance", "talk"); err != nil || !strings.Contains(out, ref+"  not marked") {
		t.Fatalf("attendance list: %q %v", out, err)
	}
	if out, err := werkwijzer(t, env, "attendance", "talk", ref+"=yes"); err == nil || !strings.Contains(err.Error(), "from the start") {
		t.Fatalf("attendance two days before the talk: %q %v, want refused", out, err)
	}
	started := time.Date(day.Year(), day.Month(), day.Day(), 10, 5, 0, 0, clock.Brussels)
	if out, err := werkwijzerAt(t, env, started, "attendance", "talk", "WW-NOBODY=yes"); err == nil {
		t.Fatalf("attendance for someone without a seat: %q, want refused", out)
	}
	if out, err := werkwijzerAt(t, env, started, "attendance", "talk", ref+"=yes"); err != nil || !strings.Contains(out, ref+": came") {
		t.Fatalf("attendance: %q %v", out, err)
	}
	clk.Set(started)

	// Bad codes: an ordinary start each, and counted apart.
	gone, _ := werkwijzer(t, env, "link", "--partner", "buurthuis-kiel")
	goneCode := strings.TrimSpace(strings.TrimPrefix(gone, "https://t.me/werkwijzer_test_bot?start="))
	r.m.Redis.Del(context.Background(), prefix+":outreach:link:"+goneCode[:8]) // a well-signed code nobody made here
	for i, bad := range []string{"%%%", code[:10] + "AAAAAA", goneCode} {
		o := tg.Chat(t, int64(8000+i), "tr")
		r := o.Send("/start " + bad)
		expect(t, "tr", r, "start_greeting")
		expect(t, "tr", r, "language_choose")
	}

	// Attendance reaches the funnel through the person's conversation
	// (the reminder sender), a moment later.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if out, _ := werkwijzer(t, env, "stats", "--by", "link", "--csv"); csvRow(out)["attended"] == "1" {
			break
		}
		tick(r)
	}
	out, err = werkwijzer(t, env, "stats", "--by", "link", "--csv")
	if err != nil {
		t.Fatal(err)
	}
	row := csvRow(out)
	if row == nil {
		t.Fatalf("stats CSV: %q", out)
	}
	for stage, want := range map[string]string{"partner": "moskee-attaqwa", "place": "Borgerhout", "link": asCSVCell(code),
		"opened": "1", "agreed": "1", "oriented": "1", "returned": "0", "interested": "1", "booked": "1", "attended": "1"} {
		if row[stage] != want {
			t.Errorf("funnel %s = %q, want %q (row %v)", stage, row[stage], want, row)
		}
	}
	out, _ = werkwijzer(t, env, "stats")
	if !strings.Contains(out, "moskee-attaqwa") || !strings.Contains(out, "malformed 1") || !strings.Contains(out, "tampered 1") || !strings.Contains(out, "unknown 1") {
		t.Fatalf("stats table:\n%s", out)
	}

	// Staff make a link from Slack: the answer carries it, the channel the
	// QR code.
	code2, body := slackCall(t, r, signingSecret, "/slack/commands", slacktest.Form,
		slacktest.SlashCommand("U-KOEN", "C-OUTREACH", "link buurthuis-kiel Kiel, zaal 2 lang=ti sector=care"), time.Now())
	if code2 != http.StatusOK || !strings.Contains(body, "https://t.me/werkwijzer_test_bot?start=") {
		t.Fatalf("/werkwijzer link: %d %s", code2, body)
	}
	ups := f.Uploads()
	if len(ups) != 1 || ups[0].Channel != "C-OUTREACH" || !strings.Contains(body, ups[0].Comment) {
		t.Fatalf("QR upload: %+v", ups)
	}
	slackURL := decodeQRFile(t, ups[0].Data)
	slackCode := strings.TrimPrefix(slackURL, "https://t.me/werkwijzer_test_bot?start=")
	l, problem, err := r.m.Links.ResolveLink(context.Background(), slackCode)
	if err != nil || problem != "" || l.Partner != "buurthuis-kiel" || l.Place != "Kiel, zaal 2" || l.Lang != "ti" || l.Sector != "care" {
		t.Fatalf("the Slack link stands for %+v (%q, %v)", l, problem, err)
	}
	_, body = slackCall(t, r, signingSecret, "/slack/commands", slacktest.Form,
		slacktest.SlashCommand("U-KOEN", "C-OUTREACH", "link nobody-here"), time.Now())
	if !strings.Contains(body, "partnerregister") {
		t.Fatalf("unknown partner: %s", body)
	}
}

// csvRow is the one data row of a stats CSV, by column; nil when there is
// not exactly one.
// csvRow reads the stats of one link: its weeks' counts added up (a talk
// attended days after the booking may fall in the next week).
// asCSVCell is a link code as the stats CSV writes it. A code is random:
// one that starts like a formula (a "-" one time in 64) reaches the
// spreadsheet as text, as every such cell does.
func asCSVCell(code string) string {
	if strings.ContainsAny(code[:1], "=+-@") {
		return "'" + code
	}
	return code
}

func csvRow(out string) map[string]string {
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) < 2 {
		return nil
	}
	row := map[string]string{}
	for _, rec := range recs[1:] {
		for i, h := range recs[0] {
			n, err := strconv.Atoi(rec[i])
			m, err2 := strconv.Atoi(row[h])
			switch {
			case row[h] == "" || h == "week":
				row[h] = rec[i]
			case err == nil && err2 == nil:
				row[h] = strconv.Itoa(n + m)
			}
		}
	}
	return row
}

func TestDigestCountsLastWeekPerPartner(t *testing.T) {
	prefix := redistest.Prefix()
	m := &Main{Config: Config{RedisURL: redistest.URL(t), RedisPrefix: prefix, Retention: 180 * 24 * time.Hour},
		Stdout: io.Discard, Stderr: io.Discard, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ctx := context.Background()
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	monday := time.Date(2026, 11, 23, 0, 0, 0, 0, clock.Brussels)
	kiel := dialogs.Source{Code: "c1", Partner: "buurthuis-kiel", Place: "Kiel"}
	for i, st := range []outreach.Stage{outreach.StageOpened, outreach.StageOpened, outreach.StageAgreed} {
		m.Funnel.Count(ctx, kiel, st, monday.Add(time.Duration(i+10)*time.Hour), "")
	}
	m.Funnel.Count(ctx, kiel, outreach.StageOpened, monday.AddDate(0, 0, 7), "") // this week: not in last week's digest
	items, err := m.Funnel.Digest(ctx, monday)
	if err != nil || len(items) != 1 {
		t.Fatalf("digest: %+v %v", items, err)
	}
	got := map[string]string{}
	for _, f := range items[0].Stages {
		got[f.Label] = strconv.Itoa(f.Count)
	}
	if got["Link geopend"] != "2" || got["Ingeschreven"] != "1" || got["Oriëntatie afgerond"] != "0" || len(got) != len(outreach.Stages) {
		t.Fatalf("digest fields %v", got)
	}
}

func TestImportVacancies(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"REDIS_URL": redistest.URL(t), "REDIS_PREFIX": redistest.Prefix()}
	good := "id;title;employer;postcode;valid_through\nk-1;Keukenhulp;Brasserie Zuid;2000;2099-01-31\nk-2;Kok;Brasserie Zuid;2018;2099-01-31\n"
	os.WriteFile(filepath.Join(dir, "zuid.csv"), []byte(good), 0o644)
	out, err := werkwijzer(t, env, "import", "vacancies", filepath.Join(dir, "zuid.csv"))
	if err != nil || !strings.Contains(out, "2 added") {
		t.Fatalf("import: %q %v", out, err)
	}
	bad := strings.Replace(good, "2018", "Antwerpen", 1) + "k-3;Afwasser;Brasserie Zuid;2000;2099-01-31\n"
	os.WriteFile(filepath.Join(dir, "zuid.csv"), []byte(bad), 0o644)
	if _, err := werkwijzer(t, env, "import", "vacancies", filepath.Join(dir, "zuid.csv")); err == nil ||
		!strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), "nothing was imported") {
		t.Fatalf("bad file: %v, want refused with its line", err)
	}
	os.WriteFile(filepath.Join(dir, "zuid.csv"), []byte(strings.Replace(good, "k-2;Kok;Brasserie Zuid;2018;2099-01-31\n", "", 1)), 0o644)
	if out, err := werkwijzer(t, env, "import", "vacancies", filepath.Join(dir, "zuid.csv")); err != nil || !strings.Contains(out, "1 withdrawn") {
		t.Fatalf("re-import without k-2: %q %v", out, err)
	}
	os.WriteFile(filepath.Join(dir, "feed.jsonld"), []byte(`{"@type":"JobPosting","identifier":"j1","title":"Heftruckchauffeur","hiringOrganization":"H","jobLocation":{"address":{"postalCode":"2030"}}}`), 0o644)
	if out, err := werkwijzer(t, env, "import", "vacancies", filepath.Join(dir, "feed.jsonld"), "--source", "havenfeed"); err != nil || !strings.Contains(out, "(havenfeed)") || !strings.Contains(out, "0 alerts planned") {
		t.Fatalf("JSON-LD import: %q %v", out, err)
	}
}
