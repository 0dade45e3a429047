package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	tg "github.com/go-telegram/bot"

	"github.com/werkwijzer/werkwijzer/bot"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/jobs"
	"github.com/werkwijzer/werkwijzer/locales"
	"github.com/werkwijzer/werkwijzer/outreach"
	"github.com/werkwijzer/werkwijzer/staff"
	"github.com/werkwijzer/werkwijzer/store"
)

// persistentRedis refuses staff commands that would write to the embedded
// Redis: what they make would be gone when the command ends.
func (m *Main) persistentRedis(cmd string) error {
	if m.Config.RedisURL == "" && m.Redis == nil {
		return fmt.Errorf("%s needs REDIS_URL, the Redis the bot uses; without it, what it makes is lost when the command ends", cmd)
	}
	return nil
}

// Import loads a staff file: "import partners FILE" or "import vacancies
// FILE [--source NAME]".
func (m *Main) Import(ctx context.Context, args []string) error {
	if len(args) >= 2 && args[0] == "vacancies" {
		return m.importVacancies(ctx, args[1:])
	}
	if len(args) == 2 && (args[0] == "slots" || args[0] == "sessions") {
		return m.importSchedule(ctx, args[0], args[1])
	}
	if len(args) != 2 || args[0] != "partners" {
		return errors.New("usage: werkwijzer import partners|slots|sessions FILE | werkwijzer import vacancies FILE [--source NAME]")
	}
	if err := m.persistentRedis("import"); err != nil {
		return err
	}
	data, err := os.ReadFile(args[1])
	if err != nil {
		return err
	}
	partners, err := outreach.ParsePartners(data)
	if err != nil {
		return fmt.Errorf("%s: %w (nothing was imported)", args[1], err)
	}
	if err := m.Open(ctx); err != nil {
		return err
	}
	if err := m.Partners.Replace(ctx, partners); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%d partners imported from %s\n", len(partners), args[1])
	return nil
}

// LinkCommand makes a sign-up link: "link --partner ID ...".
func (m *Main) LinkCommand(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("link", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	partner := fs.String("partner", "", "the partner's id (from the registry)")
	place := fs.String("place", "", "where the link is handed out, e.g. a community centre")
	lang := fs.String("lang", "", "start in this language (a code such as ar, ti, fa-AF)")
	sector := fs.String("sector", "", "put this sector first (construction, port, ...)")
	expires := fs.String("expires", "", "last day the link works, YYYY-MM-DD (default: never)")
	qr := fs.String("qr", "", "write a QR code of the link to this PNG file")
	poster := fs.String("poster", "", "write a printable A4 poster (HTML) to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *partner == "" || fs.NArg() > 0 {
		return errors.New("usage: werkwijzer link --partner ID [--place TEXT] [--lang CODE] [--sector NAME] [--expires DATE] [--qr FILE.png] [--poster FILE.html]")
	}
	if err := m.persistentRedis("link"); err != nil {
		return err
	}
	spec := outreach.Spec{Partner: *partner, Place: *place, Lang: *lang, Sector: *sector}
	if *expires != "" {
		day, err := time.ParseInLocation("2006-01-02", *expires, brussels)
		if err != nil {
			return fmt.Errorf("--expires %q: want a date such as 2027-06-30", *expires)
		}
		spec.Expires = day.AddDate(0, 0, 1) // through that whole day
	}
	if err := m.Open(ctx); err != nil {
		return err
	}
	username, err := m.botUsername(ctx)
	if err != nil {
		return err
	}
	link, err := m.Links.Create(ctx, spec)
	if err != nil {
		return err
	}
	url := outreach.URL(username, link.Code)
	fmt.Fprintln(m.Stdout, url)
	if *qr != "" {
		png, err := outreach.QRPNG(url, 1024)
		if err != nil {
			return err
		}
		if err := os.WriteFile(*qr, png, 0o644); err != nil {
			return err
		}
	}
	if *poster != "" {
		p, _ := m.Partners.Get(ctx, link.Partner)
		page, err := outreach.Poster{URL: url, Partner: p.Name, Place: link.Place,
			Line: func(lang string) string { return m.Texts.T(lang, "poster_line", nil) }}.HTML()
		if err != nil {
			return err
		}
		if err := os.WriteFile(*poster, page, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// botUsername is the bot's Telegram username, for links: configured, or
// asked of Telegram.
func (m *Main) botUsername(ctx context.Context) (string, error) {
	if m.Config.BotUsername != "" {
		return m.Config.BotUsername, nil
	}
	if m.Config.TelegramToken == "" {
		return "", errors.New("a link needs the bot's username: set TELEGRAM_BOT_USERNAME (or TELEGRAM_BOT_TOKEN, and it is asked of Telegram)")
	}
	api, err := tg.New(m.Config.TelegramToken, tg.WithServerURL(telegramURL(m.Config.TelegramAPIURL)), tg.WithSkipGetMe())
	if err != nil {
		return "", err
	}
	me, err := api.GetMe(ctx)
	if err != nil {
		return "", fmt.Errorf("asking Telegram for the bot's username: %w", err)
	}
	m.Config.BotUsername = me.Username
	return me.Username, nil
}

func telegramURL(u string) string {
	if u == "" {
		return "https://api.telegram.org"
	}
	return strings.TrimRight(u, "/")
}

// StatsCommand prints the funnel: "stats [--by partner|place|link]
// [--since DATE] [--csv]".
func (m *Main) StatsCommand(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	by := fs.String("by", "partner", "group by partner, place or link")
	since := fs.String("since", "", "first week to show, from a date YYYY-MM-DD (default: eight weeks ago)")
	asCSV := fs.Bool("csv", false, "write CSV for a spreadsheet instead of a table")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := m.persistentRedis("stats"); err != nil {
		return err
	}
	now := m.now()
	from := now.AddDate(0, 0, -7*8)
	if *since != "" {
		d, err := time.ParseInLocation("2006-01-02", *since, brussels)
		if err != nil {
			return fmt.Errorf("--since %q: want a date such as 2026-09-01", *since)
		}
		from = d
	}
	if err := m.Open(ctx); err != nil {
		return err
	}
	rows, bad, err := m.Funnel.Report(ctx, outreach.By(*by), from, now)
	if err != nil {
		return err
	}
	if *asCSV {
		return outreach.WriteCSV(m.Stdout, outreach.By(*by), rows)
	}
	if len(rows) == 0 {
		fmt.Fprintln(m.Stdout, "Nobody came through a sign-up link in these weeks.")
	} else if err := outreach.WriteTable(m.Stdout, outreach.By(*by), rows); err != nil {
		return err
	}
	writeBad(m.Stdout, bad)
	return nil
}

func writeBad(w io.Writer, bad []outreach.BadRow) {
	for _, b := range bad {
		var parts []string
		for problem, n := range b.Counts {
			parts = append(parts, fmt.Sprintf("%s %d", problem, n))
		}
		slices.Sort(parts)
		fmt.Fprintf(w, "%s: starts with a code that was not a valid link: %s\n", b.Week, strings.Join(parts, ", "))
	}
}

func (m *Main) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

var brussels = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Brussels")
	if err != nil {
		panic(err)
	}
	return loc
}()

// slackLink makes a sign-up link for "/werkwijzer link" in Slack; what is
// wrong with a request is told to staff in Dutch.
func (m *Main) slackLink(ctx context.Context, partner, place, lang, sector string) (string, []byte, string, error) {
	switch {
	case lang != "" && !locales.Supported(lang):
		return "", nil, fmt.Sprintf("Taal `%s` kent de bot niet. Kies uit: %s.", lang, strings.Join(languageCodes(), ", ")), nil
	case sector != "" && !slices.Contains(dialogs.Sectors, sector):
		return "", nil, fmt.Sprintf("Sector `%s` bestaat niet. Kies uit: %s.", sector, strings.Join(dialogs.Sectors, ", ")), nil
	}
	link, err := m.Links.Create(ctx, outreach.Spec{Partner: partner, Place: place, Lang: lang, Sector: sector})
	switch {
	case errors.Is(err, outreach.ErrNoPartner):
		return "", nil, fmt.Sprintf("Partner `%s` staat niet in het partnerregister (werkwijzer import partners).", partner), nil
	case errors.Is(err, outreach.ErrBadSpec):
		return "", nil, fmt.Sprintf("De plaats mag één regel van hoogstens %d tekens zijn, zonder |.", outreach.MaxPlace), nil
	case err != nil:
		return "", nil, "", err
	}
	username, err := m.botUsername(ctx)
	if err != nil {
		return "", nil, "", err
	}
	url := outreach.URL(username, link.Code)
	png, err := outreach.QRPNG(url, 1024)
	return url, png, "", err
}

func languageCodes() []string {
	var out []string
	for _, l := range locales.Languages {
		out = append(out, l.Code)
	}
	return out
}

// digest is the sign-up funnel of the week from monday, per partner, for
// the weekly digest in Slack; partners without any count are left out.
func (m *Main) digest(ctx context.Context, monday time.Time) ([]staff.DigestItem, error) {
	rows, _, err := m.Funnel.Report(ctx, outreach.ByPartner, monday, monday)
	if err != nil {
		return nil, err
	}
	var items []staff.DigestItem
	for _, r := range rows {
		name := r.Partner
		if p, err := m.Partners.Get(ctx, r.Partner); err == nil && p != nil {
			name = p.Name
		}
		it := staff.DigestItem{Partner: r.Partner, Name: name}
		for _, st := range outreach.Stages {
			it.Fields = append(it.Fields, staff.Field{Label: stageLabels[st], Value: strconv.Itoa(r.Counts[st])})
		}
		items = append(items, it)
	}
	return items, nil
}

// stageLabels name the funnel's stages for staff, in Dutch.
var stageLabels = map[outreach.Stage]string{
	outreach.StageOpened: "Link geopend", outreach.StageReturned: "Teruggekomen", outreach.StageAgreed: "Ingeschreven",
	outreach.StageOriented: "Oriëntatie afgerond", outreach.StageBooked: "Afspraak geboekt",
	outreach.StageAttended: "Afspraak bijgewoond", outreach.StageInterested: "Interesse in een vacature",
}

// importVacancies loads JobPosting JSON-LD or CSV (by the file's
// extension) as what one source offers; the source is the file's name
// unless --source says otherwise, so that a feed re-imported under the same
// name withdraws what it no longer lists.
func (m *Main) importVacancies(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("import vacancies", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	source := fs.String("source", "", "the feed or board these vacancies come from (default: the file's name)")
	path := args[0]
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if err := m.persistentRedis("import"); err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var vs []jobs.Vacancy
	if strings.EqualFold(filepath.Ext(path), ".csv") {
		vs, err = jobs.ParseCSV(data)
	} else {
		vs, err = jobs.ParseJSONLD(data)
	}
	if err != nil {
		return fmt.Errorf("%s: %w (nothing was imported)", path, err)
	}
	if *source == "" {
		*source = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	if err := m.Open(ctx); err != nil {
		return err
	}
	res, err := jobs.NewCatalogue(m.Redis, m.Config.RedisPrefix).Import(ctx, *source, vs, m.now())
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%s (%s): %d vacancies read; %d added, %d updated, %d unchanged, %d withdrawn; expired ones are not kept\n",
		path, *source, len(vs), res.Added, res.Updated, res.Unchanged, res.Withdrawn)
	planned, err := m.planAlerts(ctx, res.New)
	if err != nil {
		return fmt.Errorf("the vacancies are imported, but alerts could not be planned: %w", err)
	}
	fmt.Fprintf(m.Stdout, "%d alerts planned\n", planned)
	return nil
}

// sendAlerts hands due vacancy alerts to the people who asked for them,
// through the bot (its Sender keeps Telegram's pace), until ctx ends. An
// alert is acknowledged once the bot handled it; a sender that dies first
// leaves it to be handed out again, and the conversation shows it once.
func (m *Main) sendAlerts(ctx context.Context, tgm *bot.Telegram) {
	tick := m.alertTick
	if tick == 0 {
		tick = 10 * time.Second
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		due, err := m.Alerts.Due(ctx, m.now(), 2*time.Minute, 25)
		if err != nil {
			m.Log.Warn("alerts: cannot claim", "err", err)
			continue
		}
		reach := store.NewReach(m.Redis, store.Keys{Prefix: m.Config.RedisPrefix}, m.Config.Retention)
		for _, a := range due {
			if gone, err := reach.Unreachable(ctx, a.Chat); err == nil && gone {
				m.Alerts.Ack(ctx, a) // they blocked the bot: not now, and not later
				continue
			}
			if err := tgm.Inject(ctx, dialogs.Event{ChatID: a.Chat, Kind: dialogs.KindAlert, Data: a.Vacancy}); err != nil {
				m.Log.Warn("alerts: not delivered; it is tried again", "chat", bot.ChatRef(a.Chat), "err", err)
				continue
			}
			if err := m.Alerts.Ack(ctx, a); err != nil {
				m.Log.Warn("alerts: cannot acknowledge", "err", err)
			}
		}
		if n, err := m.Alerts.Depth(ctx); err == nil && m.Metrics != nil {
			m.Metrics.QueueDepth.WithLabelValues("alerts").Set(float64(n))
		}
	}
}

// planAlerts queues the new vacancies for the people who want alerts,
// read from their conversations (only those who still agree and still want
// them).
func (m *Main) planAlerts(ctx context.Context, fresh []jobs.Vacancy) (int, error) {
	if len(fresh) == 0 {
		return 0, nil
	}
	chats, err := m.Alerts.People(ctx)
	if err != nil {
		return 0, err
	}
	sessions := store.NewSessions(m.Redis, store.Keys{Prefix: m.Config.RedisPrefix})
	// Loaded side by side: the store commits concurrent loads in one
	// pipeline, so 100,000 people cost a few hundred round trips.
	states := make([]*dialogs.State, len(chats))
	var wg sync.WaitGroup
	var mu sync.Mutex
	var loadErr error
	work := make(chan int)
	for w := 0; w < 64; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				st, _, err := sessions.Load(ctx, chats[i])
				if err != nil {
					mu.Lock()
					loadErr = err
					mu.Unlock()
					continue
				}
				states[i] = st
			}
		}()
	}
	for i := range chats {
		work <- i
	}
	close(work)
	wg.Wait()
	if loadErr != nil {
		return 0, loadErr
	}
	var people []jobs.Person
	for i, c := range chats {
		st := states[i]
		if st == nil || !st.Consented() || !st.Alerts {
			continue
		}
		p := jobs.Person{Chat: c, Profile: st.Profile}
		if len(st.Rejected) > 0 {
			p.Feedback = &jobs.Feedback{Rejected: map[string]jobs.Rejection{}}
			for _, r := range st.Rejected {
				p.Feedback.Rejected[r.ID] = jobs.Rejection{Why: jobs.NotForMe(r.Why), Sector: r.Sector, Km: r.Km, Hours: r.Hours, Shifts: r.Shifts}
			}
		}
		people = append(people, p)
	}
	return m.Alerts.Plan(ctx, fresh, people, m.now())
}
