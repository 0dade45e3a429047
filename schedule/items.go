// Package schedule is what a jobseeker can book: coaching slots with a city
// coach and the Talentenhuizen's sector info sessions. It reads the files
// staff edit, keeps seats, waiting lists and reminders in Redis so that
// several bot instances book without ever giving one seat twice, and writes
// the calendar files a booking comes with.
//
// It must not import Telegram or Slack packages; the conversation about a
// booking belongs in dialogs, the staff side in staff.
//
// # Keys
//
// Every key shares the hash tag {book}, so that a booking (the item's
// seats, the person's bookings, the waiting list and the reminders) is one
// script in a Redis Cluster too:
//
//	<p>:{book}:item:<id>        string  the Item (JSON). TTL: a month after it ends.
//	<p>:{book}:items:<kind>     zset    item ids by start, for listing.
//	<p>:{book}:seats:<id>       set     chat ids holding a seat. TTL: as the item.
//	<p>:{book}:wait:<id>        list    chat ids waiting, first come first. TTL: as the item.
//	<p>:{book}:person:<chat>    hash    item id → "booked" or "waiting", a
//	                                    person's appointments. TTL: the retention.
//	<p>:{book}:attended:<id>    hash    chat id → "yes"/"no", set by staff. TTL: as the item.
//	<p>:{book}:gone:<id>        string  an item staff took out (JSON), so its news can name it. TTL: as the item.
//	<p>:{book}:reminders        zset    "<chat>|<item>|<kind>" by when it is due.
//	<p>:{book}:claimed          zset    reminders being sent, by when their lease ends.
//
// /forget (Store.Forget) cancels the person's bookings, gives their seats to
// whoever waits, and removes every key and member that names them.
package schedule

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Brussels must load on machines without zoneinfo

	"go.yaml.in/yaml/v3"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/locales"
)

// Kind tells a coaching slot from an info session.
type Kind string

// The kinds of item.
const (
	KindCoaching Kind = "coaching"
	KindSession  Kind = "session"
)

// Mode is how a coaching conversation happens.
type Mode string

// The modes of a coaching slot.
const (
	ModeAddress Mode = "address"
	ModePhone   Mode = "phone"
	ModeVideo   Mode = "video"
)

// Houses maps each Talentenhuis to the sector (orientation.Sectors) whose jobs
// and trainings its info sessions present.
var Houses = map[string]string{
	"talentenwerf":    orientation.SectorConstruction,
	"talentenstroom":  orientation.SectorPort,
	"talentenfabriek": orientation.SectorIndustry,
	"onderwijstalent": orientation.SectorEducation,
}

// Item is a coaching slot or an info session: something with a start, an
// end, a place and seats.
type Item struct {
	ID       string        `json:"id"`
	Kind     Kind          `json:"kind"`
	Start    time.Time     `json:"start"`
	Duration time.Duration `json:"duration"`
	Address  string        `json:"address,omitempty"`
	Seats    int           `json:"seats"`
	// Coaching slots.
	Mode      Mode     `json:"mode,omitempty"`
	Coach     string   `json:"coach,omitempty"`
	Languages []string `json:"languages,omitempty"`
	// Info sessions.
	House  string `json:"house,omitempty"`
	Sector string `json:"sector,omitempty"`
	Title  string `json:"title,omitempty"`
	Lang   string `json:"lang,omitempty"`
	// Version changes whenever what a person agreed to changes (start,
	// place): a press on a button made from an older listing is caught.
	Version string `json:"version"`
}

// End is when the item is over.
func (it Item) End() time.Time { return it.Start.Add(it.Duration) }

// Speaks reports whether the coach speaks lang.
func (it Item) Speaks(lang string) bool { return slices.Contains(it.Languages, lang) }

func (it *Item) stamp() {
	it.Version = strconv.FormatUint(uint64(fnv(fmt.Sprint(it.Start.Unix(), it.Duration, it.Address, it.Mode, it.Seats))), 36)
}

func fnv(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// Brussels is where every time in a file is read and every time shown.
var Brussels = clock.Brussels

// LineError is a refused file: the line and the reason.
type LineError struct {
	Line   int
	Reason string
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

var itemID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,47}$`)

// localTime reads "2027-03-28 10:00" as Brussels time. A time that does not
// exist (the hour skipped when summer time starts) is refused; one that
// exists twice (the hour repeated when it ends) is the first, summer-time
// one, as Go's time.Date gives it.
func localTime(s string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, Brussels)
	if err != nil {
		return t, fmt.Errorf("%q is not a date and time such as 2027-03-09 10:00", s)
	}
	if t.Format("2006-01-02 15:04") != s {
		return t, fmt.Errorf("%s does not exist in Brussels: the clocks skip that hour when summer time starts", s)
	}
	return t, nil
}

// fields reads one mapping of a file, refusing fields not in allowed.
type fields struct {
	node *yaml.Node
	vals map[string]*yaml.Node
}

func readFields(n *yaml.Node, allowed ...string) (*fields, error) {
	if n.Kind != yaml.MappingNode {
		return nil, &LineError{n.Line, "want a mapping of fields"}
	}
	f := &fields{node: n, vals: map[string]*yaml.Node{}}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !slices.Contains(allowed, k.Value) {
			return nil, &LineError{k.Line, fmt.Sprintf("unknown field %q (want %s)", k.Value, strings.Join(allowed, ", "))}
		}
		if f.vals[k.Value] != nil {
			return nil, &LineError{k.Line, fmt.Sprintf("%s is given twice", k.Value)}
		}
		f.vals[k.Value] = v
	}
	return f, nil
}

func (f *fields) line(name string) int {
	if v := f.vals[name]; v != nil {
		return v.Line
	}
	return f.node.Line
}

func (f *fields) text(name string, required bool) (string, error) {
	v := f.vals[name]
	if v == nil || v.Tag == "!!null" {
		if required {
			return "", &LineError{f.node.Line, "missing " + name}
		}
		return "", nil
	}
	if v.Kind != yaml.ScalarNode {
		return "", &LineError{v.Line, name + " must be text"}
	}
	return strings.TrimSpace(v.Value), nil
}

func (f *fields) list(name string) ([]string, error) {
	v := f.vals[name]
	if v == nil {
		return nil, nil
	}
	if v.Kind != yaml.SequenceNode {
		return nil, &LineError{v.Line, name + " must be a list, such as [nl, fr]"}
	}
	var out []string
	for _, x := range v.Content {
		out = append(out, strings.TrimSpace(x.Value))
	}
	return out, nil
}

func (f *fields) duration(name string) (time.Duration, error) {
	s, err := f.text(name, true)
	if err != nil {
		return 0, err
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 || d > 12*time.Hour {
		return 0, &LineError{f.line(name), fmt.Sprintf("%s %q: want a length such as 45m or 2h", name, s)}
	}
	return d, nil
}

func (f *fields) seats(def int) (int, error) {
	s, err := f.text("seats", def == 0)
	if err != nil || s == "" {
		return def, err
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 1000 {
		return 0, &LineError{f.line("seats"), fmt.Sprintf("seats %q: want a whole number from 1", s)}
	}
	return n, nil
}

func document(data []byte, top string, allowed ...string) (map[string]*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), &doc); err != nil {
		var line int
		if _, e := fmt.Sscanf(err.Error(), "yaml: line %d:", &line); e == nil {
			return nil, &LineError{line, err.Error()}
		}
		return nil, &LineError{1, err.Error()}
	}
	if len(doc.Content) == 0 {
		return nil, &LineError{1, "the file is empty; want " + top}
	}
	f, err := readFields(doc.Content[0], allowed...)
	if err != nil {
		return nil, err
	}
	for _, k := range allowed {
		if v := f.vals[k]; v != nil && v.Kind != yaml.SequenceNode {
			return nil, &LineError{v.Line, k + ": must be a list"}
		}
	}
	return f.vals, nil
}

// ParseSlots reads a coaching slots file (see slots.example.yaml). It
// refuses the whole file at the first problem, with its line.
func ParseSlots(data []byte) ([]Item, error) {
	top, err := document(data, "slots:", "slots")
	if err != nil {
		return nil, err
	}
	var out []Item
	seen := map[string]int{}
	if top["slots"] == nil {
		return nil, &LineError{1, "no slots: list"}
	}
	for _, n := range top["slots"].Content {
		f, err := readFields(n, "id", "start", "duration", "coach", "languages", "place", "address")
		if err != nil {
			return nil, err
		}
		it := Item{Kind: KindCoaching, Seats: 1}
		if it.ID, err = f.text("id", true); err != nil {
			return nil, err
		}
		if !itemID.MatchString(it.ID) {
			return nil, &LineError{f.line("id"), fmt.Sprintf("id %q: use 2 to 48 of a-z, 0-9 and -", it.ID)}
		}
		if l := seen[it.ID]; l != 0 {
			return nil, &LineError{f.line("id"), fmt.Sprintf("id %q is used twice (also on line %d)", it.ID, l)}
		}
		seen[it.ID] = f.line("id")
		start, err := f.text("start", true)
		if err != nil {
			return nil, err
		}
		if it.Start, err = localTime(start); err != nil {
			return nil, &LineError{f.line("start"), err.Error()}
		}
		if it.Duration, err = f.duration("duration"); err != nil {
			return nil, err
		}
		if it.Coach, err = f.text("coach", true); err != nil {
			return nil, err
		}
		if it.Languages, err = f.list("languages"); err != nil {
			return nil, err
		}
		if len(it.Languages) == 0 {
			return nil, &LineError{f.node.Line, "missing languages: the languages the coach speaks, such as [nl, fr]"}
		}
		for _, l := range it.Languages {
			if !locales.Supported(l) {
				return nil, &LineError{f.line("languages"), fmt.Sprintf("language %q is not one of the bot's", l)}
			}
		}
		mode, err := f.text("place", true)
		if err != nil {
			return nil, err
		}
		it.Mode = Mode(mode)
		if it.Address, err = f.text("address", it.Mode == ModeAddress); err != nil {
			return nil, err
		}
		if !slices.Contains([]Mode{ModeAddress, ModePhone, ModeVideo}, it.Mode) {
			return nil, &LineError{f.line("place"), fmt.Sprintf("place %q: want address, phone or video", mode)}
		}
		it.stamp()
		out = append(out, it)
	}
	return out, nil
}

// ParseSessions reads an info sessions file (see sessions.example.yaml):
// single sessions, and schedules ("every 2 weeks on tuesday at 10:00")
// that generate sessions up to until, each with a stable id (the
// schedule's id and the date), so a re-import updates them in place.
func ParseSessions(data []byte, until time.Time) ([]Item, error) {
	top, err := document(data, "sessions: or schedules:", "sessions", "schedules")
	if err != nil {
		return nil, err
	}
	var out []Item
	seen := map[string]int{}
	add := func(it Item, line int) error {
		if l := seen[it.ID]; l != 0 {
			return &LineError{line, fmt.Sprintf("id %q is used twice (also on line %d)", it.ID, l)}
		}
		seen[it.ID] = line
		it.stamp()
		out = append(out, it)
		return nil
	}
	if s := top["sessions"]; s != nil {
		for _, n := range s.Content {
			f, err := readFields(n, "id", "house", "title", "start", "duration", "address", "seats", "lang")
			if err != nil {
				return nil, err
			}
			it, err := session(f)
			if err != nil {
				return nil, err
			}
			start, err := f.text("start", true)
			if err != nil {
				return nil, err
			}
			if it.Start, err = localTime(start); err != nil {
				return nil, &LineError{f.line("start"), err.Error()}
			}
			if err := add(it, f.line("id")); err != nil {
				return nil, err
			}
		}
	}
	if s := top["schedules"]; s != nil {
		for _, n := range s.Content {
			f, err := readFields(n, "id", "house", "title", "every", "weekday", "time", "from", "duration", "address", "seats", "lang")
			if err != nil {
				return nil, err
			}
			proto, err := session(f)
			if err != nil {
				return nil, err
			}
			every, err := f.text("every", true)
			if err != nil {
				return nil, err
			}
			weeks := 0
			switch every {
			case "week", "1 week":
				weeks = 1
			default:
				if _, e := fmt.Sscanf(every, "%d weeks", &weeks); e != nil || weeks < 1 || weeks > 8 {
					return nil, &LineError{f.line("every"), fmt.Sprintf("every %q: want such as 2 weeks", every)}
				}
			}
			wd, err := f.text("weekday", true)
			if err != nil {
				return nil, err
			}
			day := slices.Index([]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}, strings.ToLower(wd))
			if day < 0 {
				return nil, &LineError{f.line("weekday"), fmt.Sprintf("weekday %q: want monday … sunday", wd)}
			}
			at, err := f.text("time", true)
			if err != nil {
				return nil, err
			}
			from, err := f.text("from", true)
			if err != nil {
				return nil, err
			}
			first, err := localTime(from + " " + at)
			if err != nil {
				return nil, &LineError{f.line("time"), err.Error()}
			}
			if int(first.Weekday()) != day {
				return nil, &LineError{f.line("from"), fmt.Sprintf("from %s is a %s, not a %s", from, strings.ToLower(first.Weekday().String()), wd)}
			}
			for d := first; d.Before(until); {
				it := proto
				it.ID = proto.ID + "-" + d.Format("2006-01-02")
				it.Start = d
				if err := add(it, f.line("id")); err != nil {
					return nil, err
				}
				// The same wall-clock time weeks later, whatever the
				// clocks did in between.
				next := d.AddDate(0, 0, 7*weeks)
				d, err = localTime(next.Format("2006-01-02") + " " + at)
				if err != nil {
					return nil, &LineError{f.line("time"), err.Error()}
				}
			}
		}
	}
	if len(out) == 0 {
		return nil, &LineError{1, "no sessions and no schedules"}
	}
	return out, nil
}

// session reads what single sessions and schedules share.
func session(f *fields) (Item, error) {
	it := Item{Kind: KindSession}
	var err error
	if it.ID, err = f.text("id", true); err != nil {
		return it, err
	}
	if !itemID.MatchString(it.ID) || len(it.ID) > 36 {
		return it, &LineError{f.line("id"), fmt.Sprintf("id %q: use 2 to 36 of a-z, 0-9 and -", it.ID)}
	}
	if it.House, err = f.text("house", true); err != nil {
		return it, err
	}
	sector, ok := Houses[it.House]
	if !ok {
		return it, &LineError{f.line("house"), fmt.Sprintf("house %q: want talentenwerf, talentenstroom, talentenfabriek or onderwijstalent", it.House)}
	}
	it.Sector = sector
	if it.Title, err = f.text("title", true); err != nil {
		return it, err
	}
	if it.Duration, err = f.duration("duration"); err != nil {
		return it, err
	}
	if it.Address, err = f.text("address", true); err != nil {
		return it, err
	}
	if it.Seats, err = f.seats(0); err != nil {
		return it, err
	}
	if it.Lang, err = f.text("lang", true); err != nil {
		return it, err
	}
	if !locales.Supported(it.Lang) {
		return it, &LineError{f.line("lang"), fmt.Sprintf("lang %q is not one of the bot's", it.Lang)}
	}
	return it, nil
}
