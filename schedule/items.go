// Package schedule is what a jobseeker can book: coaching slots with a city
// coach and the Talentenhuizen's sector info sessions. It reads the files
// staff edit, keeps seats, waiting lists and reminders in Redis so that
// several bot instances book without ever giving one seat twice, and writes
// the calendar files a booking comes with.
//
// Nothing about an appointment changes once it has started: it cannot be
// cancelled, moved or confirmed any more, nobody is promoted into it, its
// reminders and news are dropped, an import leaves it as it is; from then
// on only attendance is marked.
//
// It must not import Telegram or Slack packages; the conversation about a
// booking belongs in dialogs, the staff side in staff. Its keys are listed
// in keys.go.
package schedule

import (
	"bytes"
	"fmt"
	"net/url"
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
	// Languages are those the coach speaks, or those the session is held
	// in; Interpreter says that an interpreter can come on request.
	Languages   []string `json:"languages,omitempty"`
	Interpreter bool     `json:"interpreter,omitempty"`
	// Coaching slots.
	Mode  Mode   `json:"mode,omitempty"`
	Coach string `json:"coach,omitempty"`
	// CoachStaff is the coach's member id in Slack: what only the coach
	// may see (a phone number to call) goes to them alone.
	CoachStaff string `json:"coach_staff,omitempty"`
	// Link is a video talk's link (from the file, or later from the coach).
	Link string `json:"link,omitempty"`
	// Info sessions. Title is Dutch; Titles and Descriptions hold it per
	// language, Dutch the fallback.
	House        string            `json:"house,omitempty"`
	Sector       string            `json:"sector,omitempty"`
	Title        string            `json:"title,omitempty"`
	Titles       map[string]string `json:"titles,omitempty"`
	Descriptions map[string]string `json:"descriptions,omitempty"`
	// Lang is the one language a session was held in before Languages
	// (items stored by an older binary).
	Lang string `json:"lang,omitempty"`
	// Version changes whenever what a person agreed to changes (its time
	// or place): a press on a button made from an older listing is caught.
	Version string `json:"version"`
}

// End is when the item is over.
func (it Item) End() time.Time { return it.Start.Add(it.Duration) }

// Speaks reports whether the coach speaks lang (or the session is held in
// it).
func (it Item) Speaks(lang string) bool { return slices.Contains(it.Langs(), lang) }

// Langs are the item's languages, also for a session stored with Lang.
func (it Item) Langs() []string {
	if len(it.Languages) == 0 && it.Lang != "" {
		return []string{it.Lang}
	}
	return it.Languages
}

// Started reports whether the item has begun at now: from then on nothing
// about it changes but attendance.
func (it Item) Started(now time.Time) bool { return !now.Before(it.Start) }

// Moved reports whether what a person agreed to differs between it and
// was: the time or the place. Seats, titles or a coach's languages are
// not a move, and nobody is told of them as one.
func (it Item) Moved(was Item) bool {
	return !it.Start.Equal(was.Start) || it.Duration != was.Duration || it.Address != was.Address || it.Mode != was.Mode
}

func (it *Item) stamp() {
	it.Version = strconv.FormatUint(uint64(fnv(fmt.Sprint(it.Start.Unix(), it.Duration, it.Address, it.Mode))), 36)
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

// slackID is a Slack member id.
var slackID = regexp.MustCompile(`^[UW][A-Z0-9]{6,20}$`)

// CheckLink refuses a video link that is not an https:// address: it goes
// to jobseekers as it is.
func CheckLink(link string) error {
	u, err := url.Parse(link)
	if err != nil || u.Scheme != "https" || u.Host == "" || strings.ContainsAny(link, " \n") {
		return fmt.Errorf("link %q: want an https:// address, such as https://meet.example.org/abc", link)
	}
	return nil
}

var (
	wellFormed = regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$`)
	clockTime  = regexp.MustCompile(`^\d{2}:\d{2}$`)
	dateOnly   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// localTime reads "2027-03-28 10:00" as Brussels time. A time written
// otherwise ("9:00" without its zero) is malformed, and said so with the
// right way to write it; a time that does not exist (the hour skipped when
// summer time starts) is refused; one that exists twice (the hour repeated
// when it ends) is the first, summer-time one, as Go's time.Date gives it.
func localTime(s string) (time.Time, error) {
	if !wellFormed.MatchString(s) {
		if t, err := time.ParseInLocation("2006-1-2 15:04", s, Brussels); err == nil {
			return t, fmt.Errorf("%q is not written as YYYY-MM-DD HH:MM: write %s", s, t.Format("2006-01-02 15:04"))
		}
		if d, hm, ok := strings.Cut(s, " "); ok {
			if h, m, ok := strings.Cut(hm, ":"); ok && len(m) == 2 && len(h) == 1 {
				return time.Time{}, fmt.Errorf("%q is not written as YYYY-MM-DD HH:MM: write %s 0%s:%s", s, d, h, m)
			}
		}
		return time.Time{}, fmt.Errorf("%q is not a date and time such as 2027-03-09 10:00 (YYYY-MM-DD HH:MM)", s)
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", s, Brussels)
	if err != nil {
		return t, fmt.Errorf("%q is not a date and time such as 2027-03-09 10:00: %s", s, strings.TrimPrefix(err.Error(), "parsing time "))
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

// flag reads yes/no (true/false).
func (f *fields) flag(name string) (bool, error) {
	s, err := f.text(name, false)
	if err != nil || s == "" {
		return false, err
	}
	switch strings.ToLower(s) {
	case "yes", "true":
		return true, nil
	case "no", "false":
		return false, nil
	}
	return false, &LineError{f.line(name), fmt.Sprintf("%s %q: want yes or no", name, s)}
}

// languages reads a list of the bot's language codes.
func (f *fields) languages(name string) ([]string, error) {
	langs, err := f.list(name)
	if err != nil {
		return nil, err
	}
	for _, l := range langs {
		if !locales.Supported(l) {
			return nil, &LineError{f.line(name), fmt.Sprintf("language %q is not one of the bot's", l)}
		}
	}
	return langs, nil
}

// localized reads a text in Dutch (plain text) or per language (a mapping
// of language codes to texts, which must hold nl, the fallback): the Dutch
// text, and the others.
func (f *fields) localized(name string, required bool) (string, map[string]string, error) {
	v := f.vals[name]
	if v == nil || v.Kind != yaml.MappingNode {
		s, err := f.text(name, required)
		return s, nil, err
	}
	m := map[string]string{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, t := v.Content[i], v.Content[i+1]
		if !locales.Supported(k.Value) {
			return "", nil, &LineError{k.Line, fmt.Sprintf("%s: language %q is not one of the bot's", name, k.Value)}
		}
		if t.Kind != yaml.ScalarNode || strings.TrimSpace(t.Value) == "" {
			return "", nil, &LineError{t.Line, fmt.Sprintf("%s in %s must be text", name, k.Value)}
		}
		m[k.Value] = strings.TrimSpace(t.Value)
	}
	nl := m[locales.Source]
	if nl == "" {
		return "", nil, &LineError{v.Line, fmt.Sprintf("%s: give the Dutch text too (nl:), the one shown when a language has none", name)}
	}
	delete(m, locales.Source)
	if len(m) == 0 {
		m = nil
	}
	return nl, m, nil
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
		f, err := readFields(n, "id", "start", "duration", "coach", "languages", "interpreter", "place", "address", "link", "slack")
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
		if it.Languages, err = f.languages("languages"); err != nil {
			return nil, err
		}
		if len(it.Languages) == 0 {
			return nil, &LineError{f.node.Line, "missing languages: the languages the coach speaks, such as [nl, fr]"}
		}
		if it.Interpreter, err = f.flag("interpreter"); err != nil {
			return nil, err
		}
		if it.CoachStaff, err = f.text("slack", false); err != nil {
			return nil, err
		}
		if it.CoachStaff != "" && !slackID.MatchString(it.CoachStaff) {
			return nil, &LineError{f.line("slack"), fmt.Sprintf("slack %q: want the coach's Slack member id, such as U0123ABCD (their profile, ⋮, Copy member ID)", it.CoachStaff)}
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
		if it.Link, err = f.text("link", false); err != nil {
			return nil, err
		}
		if it.Link != "" {
			if it.Mode != ModeVideo {
				return nil, &LineError{f.line("link"), "link is for place: video"}
			}
			if err := CheckLink(it.Link); err != nil {
				return nil, &LineError{f.line("link"), err.Error()}
			}
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
			f, err := readFields(n, "id", "house", "title", "description", "start", "duration", "address", "seats", "lang", "languages", "interpreter")
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
			f, err := readFields(n, "id", "house", "title", "description", "every", "weekday", "time", "from", "duration", "address", "seats", "lang", "languages", "interpreter")
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
			if !clockTime.MatchString(at) {
				fix := ""
				if h, m, ok := strings.Cut(at, ":"); ok && len(h) == 1 && len(m) == 2 {
					fix = fmt.Sprintf(": write \"0%s:%s\"", h, m)
				}
				return nil, &LineError{f.line("time"), fmt.Sprintf("time %q is not written as HH:MM, such as \"09:00\"%s", at, fix)}
			}
			if !dateOnly.MatchString(from) {
				return nil, &LineError{f.line("from"), fmt.Sprintf("from %q is not written as YYYY-MM-DD, such as 2027-03-09", from)}
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
	if it.Title, it.Titles, err = f.localized("title", true); err != nil {
		return it, err
	}
	if _, it.Descriptions, err = f.localized("description", false); err != nil {
		return it, err
	}
	if d, _, _ := f.localized("description", false); d != "" {
		if it.Descriptions == nil {
			it.Descriptions = map[string]string{}
		}
		it.Descriptions[locales.Source] = d
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
	lang, err := f.text("lang", false)
	if err != nil {
		return it, err
	}
	if it.Languages, err = f.languages("languages"); err != nil {
		return it, err
	}
	switch {
	case lang != "" && len(it.Languages) > 0:
		return it, &LineError{f.line("lang"), "give lang or languages, not both"}
	case lang != "":
		if !locales.Supported(lang) {
			return it, &LineError{f.line("lang"), fmt.Sprintf("lang %q is not one of the bot's", lang)}
		}
		it.Languages = []string{lang}
	case len(it.Languages) == 0:
		return it, &LineError{f.node.Line, "missing lang: the language the session is held in, such as nl (or languages: [nl, en])"}
	}
	if it.Interpreter, err = f.flag("interpreter"); err != nil {
		return it, err
	}
	return it, nil
}
