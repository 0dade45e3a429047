package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	tg "github.com/go-telegram/bot"

	"github.com/werkwijzer/werkwijzer/answers"
	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/jobs"
	"github.com/werkwijzer/werkwijzer/outreach"
	"github.com/werkwijzer/werkwijzer/schedule"
)

// The staff commands: import, link, stats and attendance. Each reads its
// arguments, calls the package that does the work, and prints the result.

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
	if len(args) >= 2 && (args[0] == "slots" || args[0] == "sessions") {
		return m.importSchedule(ctx, args[0], args[1:])
	}
	if len(args) == 2 && args[0] == "faq" {
		return m.importFAQ(ctx, args[1])
	}
	if len(args) != 2 || args[0] != "partners" {
		return errors.New("usage: werkwijzer import partners|faq FILE | werkwijzer import slots|sessions FILE [--check] [--allow-cancel] | werkwijzer import vacancies FILE [--source NAME]")
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

// importFAQ replaces the FAQ with a staff file; a file with a mistake is
// refused whole, with the line and the reason.
func (m *Main) importFAQ(ctx context.Context, path string) error {
	if err := m.persistentRedis("import"); err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	f, err := answers.Parse(data)
	if err != nil {
		return fmt.Errorf("%s: %w (nothing was imported)", path, err)
	}
	if err := m.Open(ctx); err != nil {
		return err
	}
	if err := m.FAQ.Import(ctx, f); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%d questions imported from %s; every instance answers from them within a minute\n", len(f.Entries), path)
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
		day, err := time.ParseInLocation("2006-01-02", *expires, clock.Brussels)
		if err != nil {
			return fmt.Errorf("--expires %q: want a date such as 2027-06-30", *expires)
		}
		spec.Expires = day.AddDate(0, 0, 1) // through that whole day
	}
	if err := m.Open(ctx); err != nil {
		return err
	}
	// With the web chat on, a link leads to its landing page, which
	// offers Telegram and the web chat alike.
	username := ""
	if m.Config.WebURL == "" {
		var err error
		if username, err = m.botUsername(ctx); err != nil {
			return err
		}
	}
	link, err := m.Links.Create(ctx, spec)
	if err != nil {
		return err
	}
	url := outreach.URL(username, link.Code)
	if m.Config.WebURL != "" {
		url = outreach.LandingURL(m.Config.WebURL, link.Code)
	}
	fmt.Fprintln(m.Stdout, url)
	if *qr != "" {
		png, err := outreach.QRPNG(url, outreach.QRSize)
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
		d, err := time.ParseInLocation("2006-01-02", *since, clock.Brussels)
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
	res, err := m.Catalogue.Import(ctx, *source, vs, m.now())
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

// importSchedule loads coaching slots or info sessions: "import slots
// FILE" or "import sessions FILE", with --check to see what would change
// and who would be told without changing anything, and --allow-cancel to
// let it cancel items that people booked. A refused file changes nothing;
// the people whose appointment moved, was cancelled or got a seat are told
// by the bot.
func (m *Main) importSchedule(ctx context.Context, kind string, args []string) error {
	fs := flag.NewFlagSet("import "+kind, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	check := fs.Bool("check", false, "say what the import would change and who would be told; change nothing")
	allowCancel := fs.Bool("allow-cancel", false, "let the import cancel items that people booked or wait for")
	path := args[0]
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("import %s: unexpected %q (flags go after the file)", kind, fs.Arg(0))
	}
	if err := m.persistentRedis("import"); err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var items []schedule.Item
	k := schedule.KindCoaching
	if kind == "sessions" {
		k = schedule.KindSession
		items, err = schedule.ParseSessions(data, m.now().Add(schedule.SessionsAhead))
	} else {
		items, err = schedule.ParseSlots(data)
	}
	if err != nil {
		return fmt.Errorf("%s: %w (nothing was imported)", path, err)
	}
	if err := m.Open(ctx); err != nil {
		return err
	}
	res, err := m.Schedule.Import(ctx, k, items, m.now(), schedule.ImportOptions{DryRun: *check, AllowCancel: *allowCancel})
	if errors.Is(err, schedule.ErrWouldCancel) {
		writeChanges(m.Stdout, res, m.Refs.Staff)
		return fmt.Errorf("%s lacks %d %s that people booked or wait for (listed above); nothing was imported. "+
			"If they are to be cancelled, and their people told, import again with --allow-cancel", path, len(res.CancelsBookings()), kind)
	}
	if err != nil {
		return err
	}
	tell := 0
	for _, chs := range [][]schedule.Change{res.Moved, res.Cancelled, res.Promoted} {
		for _, ch := range chs {
			tell += ch.People()
		}
	}
	verb := "read"
	if *check {
		verb = "read; a check, nothing was changed"
	}
	fmt.Fprintf(m.Stdout, "%s: %d %s %s; %d added, %d updated, %d unchanged, %d removed, %d started (left as they are); "+
		"%d moved and %d cancelled with bookings, %d given more seats (%d people will be told)\n",
		path, len(items), kind, verb, res.Added, res.Updated, res.Unchanged, len(res.Cancelled), res.Started,
		len(res.Moved), len(res.CancelsBookings()), len(res.Promoted), tell)
	writeChanges(m.Stdout, res, m.Refs.Staff)
	return nil
}

// writeChanges lists, per item, what an import does to people, by
// reference: who is told of a move or a cancellation, who gets a seat.
func writeChanges(w io.Writer, res schedule.ImportResult, ref func(int64) string) {
	at := func(it schedule.Item) string { return it.Start.In(clock.Brussels).Format("2006-01-02 15:04") }
	refs := func(chats []int64) string {
		out := make([]string, 0, len(chats))
		for _, c := range chats {
			out = append(out, ref(c))
		}
		return strings.Join(out, " ")
	}
	for _, ch := range res.Moved {
		fmt.Fprintf(w, "  moved      %s: %s → %s; told: %s\n", ch.Item.ID, at(ch.Was), at(ch.Item), refs(ch.Booked))
	}
	for _, ch := range res.CancelsBookings() {
		fmt.Fprintf(w, "  cancelled  %s (%s): booked %s", ch.Item.ID, at(ch.Item), refs(ch.Booked))
		if len(ch.Waiting) > 0 {
			fmt.Fprintf(w, "; waiting %s", refs(ch.Waiting))
		}
		fmt.Fprintln(w)
	}
	for _, ch := range res.Promoted {
		fmt.Fprintf(w, "  seats      %s: %d → %d seats; from the waiting list: %s\n", ch.Item.ID, ch.Was.Seats, ch.Item.Seats, refs(ch.Booked))
	}
}

// ItemsCommand lists slots and sessions: "items [--from DATE]", from today
// on unless --from says otherwise, with their ids, seats taken and left
// and the people waiting.
func (m *Main) ItemsCommand(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("items", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	from := fs.String("from", "", "first day to list, YYYY-MM-DD (default: today)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New("usage: werkwijzer items [--from DATE]")
	}
	if err := m.persistentRedis("items"); err != nil {
		return err
	}
	day := startOfDay(m.now())
	if *from != "" {
		d, err := time.ParseInLocation("2006-01-02", *from, clock.Brussels)
		if err != nil {
			return fmt.Errorf("--from %q: want a date such as 2027-03-09", *from)
		}
		day = d
	}
	if err := m.Open(ctx); err != nil {
		return err
	}
	list, err := m.Schedule.List(ctx, day, time.Time{})
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintf(m.Stdout, "No slots or sessions from %s on.\n", day.Format("2006-01-02"))
		return nil
	}
	return writeItems(m.Stdout, list)
}

func writeItems(out io.Writer, list []schedule.Status) error {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tKIND\tSTART\tWHO/WHAT\tTAKEN\tLEFT\tWAITING")
	for _, st := range list {
		what := st.Item.Coach
		if st.Item.Kind == schedule.KindSession {
			what = st.Item.Title
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%d\t%d\n", st.Item.ID, st.Item.Kind, st.Item.Start.In(clock.Brussels).Format("2006-01-02 15:04"),
			what, st.Taken, st.Left, st.Queued)
	}
	return w.Flush()
}

func startOfDay(t time.Time) time.Time {
	t = t.In(clock.Brussels)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, clock.Brussels)
}

// AttendanceCommand is "attendance ITEM [REF=yes|no ...]": without marks
// it lists who holds a seat and what is marked; with them it records who
// came (yes) and who did not (no), who then get a kind message.
func (m *Main) AttendanceCommand(ctx context.Context, args []string) error {
	if err := m.persistentRedis("attendance"); err != nil {
		return err
	}
	if len(args) == 0 {
		// Today's items: those whose attendance is marked today.
		if err := m.Open(ctx); err != nil {
			return err
		}
		day := startOfDay(m.now())
		list, err := m.Schedule.List(ctx, day, day.AddDate(0, 0, 1))
		if err != nil {
			return err
		}
		if len(list) == 0 {
			fmt.Fprintf(m.Stdout, "No slots or sessions today (%s). See them all with werkwijzer items.\n", day.Format("2006-01-02"))
			return nil
		}
		fmt.Fprintf(m.Stdout, "Today (%s); who came is marked from the start, with werkwijzer attendance ITEM WW-REF=yes|no:\n", day.Format("2006-01-02"))
		return writeItems(m.Stdout, list)
	}
	item := args[0]
	marks := map[string]bool{}
	for _, a := range args[1:] {
		ref, v, ok := strings.Cut(a, "=")
		if !ok || (v != "yes" && v != "no") {
			return fmt.Errorf("%q: write a reference and yes or no, such as WW-1A2B3C4D5E=yes", a)
		}
		marks[strings.ToUpper(ref)] = v == "yes"
	}
	if err := m.Open(ctx); err != nil {
		return err
	}
	it, holders, err := m.Booker.Roll(ctx, item, m.Refs.Staff)
	if err != nil {
		return err
	}
	if it == nil {
		return fmt.Errorf("no appointment %q (or it ended more than a month ago)", item)
	}
	if len(marks) > 0 {
		changed, err := m.Booker.AttendAll(ctx, item, marks, m.Refs.Staff)
		if errors.Is(err, schedule.ErrNotBooked) {
			return fmt.Errorf("%w on %s; nothing was recorded", err, item)
		}
		if errors.Is(err, schedule.ErrNotStarted) {
			return fmt.Errorf("%s starts %s: who came is marked from the start; nothing was recorded", item, it.Start.In(clock.Brussels).Format("2006-01-02 15:04"))
		}
		if err != nil {
			return err
		}
		refs := slices.Sorted(maps.Keys(marks))
		for _, ref := range refs {
			if changed[ref] {
				fmt.Fprintf(m.Stdout, "%s: %s\n", ref, map[bool]string{true: "came", false: "did not come (they get a message)"}[marks[ref]])
			} else {
				fmt.Fprintf(m.Stdout, "%s: already marked so\n", ref)
			}
		}
		return nil
	}
	w := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "%s\t%s\n", item, it.Start.In(clock.Brussels).Format("2006-01-02 15:04"))
	for _, h := range holders {
		state := "not marked"
		if h.Came != nil {
			state = map[bool]string{true: "came", false: "did not come"}[*h.Came]
		}
		fmt.Fprintf(w, "%s\t%s\n", h.Ref, state)
	}
	return w.Flush()
}

// planAlerts plans fresh vacancies for everyone who wants alerts.
func (m *Main) planAlerts(ctx context.Context, fresh []jobs.Vacancy) (int, error) {
	return m.Alerts.PlanImport(ctx, fresh, m.now())
}
