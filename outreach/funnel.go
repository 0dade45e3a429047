package outreach

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	_ "time/tzdata" // Europe/Brussels must load on machines without zoneinfo

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/signup"
)

// Stage is a step of the funnel.
type Stage string

// The stages, in order. Returned counts a link opened by someone who had
// come before; the others count people at most once per link each.
const (
	StageOpened     Stage = "opened"
	StageReturned   Stage = "returned"
	StageAgreed     Stage = "agreed"
	StageOriented   Stage = "oriented"
	StageBooked     Stage = "booked"
	StageAttended   Stage = "attended"
	StageInterested Stage = "interested"
)

// Stages lists the stages in report order.
var Stages = []Stage{StageOpened, StageReturned, StageAgreed, StageOriented, StageBooked, StageAttended, StageInterested}

// funnelTTL keeps two years of weeks, for year-on-year comparison.
const funnelTTL = 2 * 365 * 24 * time.Hour

// Funnel counts, per ISO week (Brussels), partner, place and link, how far
// people got. It holds counts only: nothing in it points to a person, so
// /forget leaves it as it is.
type Funnel struct {
	rdb    redis.UniversalClient
	prefix string
	loc    *time.Location
	// Partners names the partners in the weekly digest; nil shows ids.
	Partners *Registry
}

// NewFunnel returns the funnel under prefix.
func NewFunnel(rdb redis.UniversalClient, prefix string) *Funnel {
	return &Funnel{rdb: rdb, prefix: prefix, loc: clock.Brussels}
}

// StageLabels name the funnel's stages for staff, in Dutch.
var StageLabels = map[Stage]string{
	StageOpened: "Link geopend", StageReturned: "Teruggekomen", StageAgreed: "Ingeschreven",
	StageOriented: "Oriëntatie afgerond", StageBooked: "Afspraak geboekt",
	StageAttended: "Afspraak bijgewoond", StageInterested: "Interesse in een vacature",
}

// PartnerWeek is one partner's figures for a week, labelled for staff.
type PartnerWeek struct {
	Partner string // the partner's id
	Name    string // and name, as staff know it
	Stages  []Labelled
}

// Labelled is one count with its Dutch label.
type Labelled struct {
	Label string
	Count int
}

// Digest is the funnel of the ISO week from monday, per partner; partners
// without any count are left out.
func (f *Funnel) Digest(ctx context.Context, monday time.Time) ([]PartnerWeek, error) {
	rows, _, err := f.Report(ctx, ByPartner, monday, monday)
	if err != nil {
		return nil, err
	}
	var out []PartnerWeek
	for _, r := range rows {
		w := PartnerWeek{Partner: r.Partner, Name: r.Partner}
		if f.Partners != nil {
			if p, err := f.Partners.Get(ctx, r.Partner); err == nil && p != nil {
				w.Name = p.Name
			}
		}
		for _, st := range Stages {
			w.Stages = append(w.Stages, Labelled{Label: StageLabels[st], Count: r.Counts[st]})
		}
		out = append(out, w)
	}
	return out, nil
}

// Week is the ISO week of t in Brussels, as "2026-W48".
func (f *Funnel) Week(t time.Time) string {
	y, w := t.In(f.loc).ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

// The funnel's keys share the hash tag {funnel}, so that counting once
// (the seen marker and the count) is one script in a Redis Cluster too.
func (f *Funnel) weekKey(week string) string { return f.prefix + ":{funnel}:" + week }
func (f *Funnel) seenKey(id string) string   { return f.prefix + ":{funnel}:seen:" + id }

// countScript counts once per id. KEYS: week, seen. ARGV: field, TTL (s),
// id ("" for no check).
var countScript = redis.NewScript(`
if ARGV[3] ~= '' then
  if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', 86400) then return 0 end
end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1`)

// field is a count's name: the stage and the link's partner, place and
// code. Places cannot hold "|" (Create refuses it).
func field(stage string, src dialogs.Source) string {
	return stage + "|" + src.Partner + "|" + src.Place + "|" + src.Code
}

// Count adds one to stage for src at at. id, when not empty, makes a second
// count with the same id (a turn delivered again) count nothing.
func (f *Funnel) Count(ctx context.Context, src dialogs.Source, stage Stage, at time.Time, id string) error {
	week := f.Week(at)
	return countScript.Run(ctx, f.rdb, []string{f.weekKey(week), f.seenKey(id)},
		field(string(stage), src), int(funnelTTL.Seconds()), id).Err()
}

// CountBad counts a /start payload that was not a valid link.
func (f *Funnel) CountBad(ctx context.Context, problem signup.Problem, at time.Time, id string) error {
	return countScript.Run(ctx, f.rdb, []string{f.weekKey(f.Week(at)), f.seenKey(id)},
		"bad:"+string(problem)+"|||", int(funnelTTL.Seconds()), id).Err()
}

// Deliver counts a turn's notes: a link opened, consent, a finished
// orientation, a booking (also a seat from the waiting list), attendance
// and interest in a vacancy. Only notes of people who came through a link count, except
// bad links, which are counted by their problem.
func (f *Funnel) Deliver(ctx context.Context, turn *dialogs.Turn) error {
	for _, n := range turn.Notes {
		var stage Stage
		switch n.Kind {
		case dialogs.NoteLinkBad:
			if err := f.CountBad(ctx, signup.Problem(n.Text), n.At, n.ID); err != nil {
				return err
			}
			continue
		case dialogs.NoteLinkOpened:
			stage = StageOpened
			if n.Return {
				stage = StageReturned
			}
		case dialogs.NoteSignup:
			stage = StageAgreed
		case dialogs.NoteOriented:
			stage = StageOriented
		case dialogs.NoteInterested:
			stage = StageInterested
		case dialogs.NoteBooked, dialogs.NotePromoted:
			stage = StageBooked
		case dialogs.NoteAttended:
			stage = StageAttended
		default:
			continue
		}
		if n.Source == nil {
			continue
		}
		if err := f.Count(ctx, *n.Source, stage, n.At, n.ID); err != nil {
			return err
		}
	}
	return nil
}

// By groups a report.
type By string

// The groupings of a report.
const (
	ByPartner By = "partner"
	ByPlace   By = "place"
	ByLink    By = "link"
)

// Row is one group's counts in one week.
type Row struct {
	Week    string
	Partner string
	Place   string // ByPlace and ByLink
	Link    string // ByLink
	Counts  map[Stage]int
}

// BadRow counts the payloads that were not valid links, per week.
type BadRow struct {
	Week   string
	Counts map[signup.Problem]int
}

// Report reads the weeks from since to now, grouped by.
func (f *Funnel) Report(ctx context.Context, by By, since, now time.Time) ([]Row, []BadRow, error) {
	if by != ByPartner && by != ByPlace && by != ByLink {
		return nil, nil, fmt.Errorf("outreach: report by %q: want partner, place or link", by)
	}
	var rows []Row
	var bad []BadRow
	// A week later is the next ISO week; labels of one length sort as
	// the weeks do.
	var weeks []string
	for t, last := since, f.Week(now); f.Week(t) <= last; t = t.AddDate(0, 0, 7) {
		weeks = append(weeks, f.Week(t))
	}
	for _, week := range weeks {
		m, err := f.rdb.HGetAll(ctx, f.weekKey(week)).Result()
		if err != nil {
			return nil, nil, err
		}
		groups := map[string]*Row{}
		badWeek := BadRow{Week: week, Counts: map[signup.Problem]int{}}
		for k, v := range m {
			n, _ := strconv.Atoi(v)
			parts := strings.SplitN(k, "|", 4)
			if len(parts) != 4 {
				continue
			}
			if p, ok := strings.CutPrefix(parts[0], "bad:"); ok {
				badWeek.Counts[signup.Problem(p)] += n
				continue
			}
			r := Row{Week: week, Partner: parts[1]}
			switch by {
			case ByPlace:
				r.Place = parts[2]
			case ByLink:
				r.Place, r.Link = parts[2], parts[3]
			}
			key := r.Partner + "|" + r.Place + "|" + r.Link
			g := groups[key]
			if g == nil {
				r.Counts = map[Stage]int{}
				g = &r
				groups[key] = g
			}
			g.Counts[Stage(parts[0])] += n
		}
		var keys []string
		for k := range groups {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			rows = append(rows, *groups[k])
		}
		if len(badWeek.Counts) > 0 {
			bad = append(bad, badWeek)
		}
	}
	return rows, bad, nil
}

func header(by By) []string {
	h := []string{"week", "partner"}
	switch by {
	case ByPlace:
		h = append(h, "place")
	case ByLink:
		h = append(h, "place", "link")
	}
	for _, s := range Stages {
		h = append(h, string(s))
	}
	return h
}

func cells(by By, r Row) []string {
	c := []string{r.Week, r.Partner}
	switch by {
	case ByPlace:
		c = append(c, r.Place)
	case ByLink:
		c = append(c, r.Place, r.Link)
	}
	for _, s := range Stages {
		c = append(c, strconv.Itoa(r.Counts[s]))
	}
	return c
}

// WriteTable writes rows as an aligned text table, for the terminal.
func WriteTable(w io.Writer, by By, rows []Row) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, strings.Join(header(by), "\t")+"\t")
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(cells(by, r), "\t")+"\t")
	}
	return tw.Flush()
}

// WriteCSV writes rows as CSV, for a spreadsheet. Places are free text
// typed by staff: one that starts like a formula (=, +, -, @) gets a
// leading ' so that the spreadsheet shows it instead of running it.
func WriteCSV(w io.Writer, by By, rows []Row) error {
	cw := csv.NewWriter(w)
	cw.Write(header(by))
	for _, r := range rows {
		c := cells(by, r)
		for i, v := range c {
			if v != "" && strings.ContainsRune("=+-@", rune(v[0])) {
				c[i] = "'" + v
			}
		}
		cw.Write(c)
	}
	cw.Flush()
	return cw.Error()
}
