package jobs

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Facts is what matching reads of a vacancy: the Vacancy without the text
// a card shows. The finder keeps only these in memory and the catalogue
// keeps them compact in Redis, so that a search over 10,000 vacancies
// reads some 600 KB instead of every description.
type Facts struct {
	ID, Sector, Postcode                 string
	FullTime, PartTime, Shifts, Weekends bool
	// What it asks: a Dutch value ("" not said), a licence, an education.
	Dutch, Licence, Education string
	Posted, ValidThrough      time.Time
	// place is Postcode's index in placeList, -1 when unknown.
	place int
}

// FactsOf is what matching reads of v.
func FactsOf(v Vacancy) Facts {
	f := Facts{ID: v.ID, Sector: v.Sector, Postcode: v.Postcode, FullTime: v.FullTime, PartTime: v.PartTime,
		Shifts: v.Shifts, Weekends: v.Weekends, Dutch: v.Dutch, Licence: v.Licence, Education: v.Education,
		Posted: v.Posted, ValidThrough: v.ValidThrough}
	f.place = placeIndex(f.Postcode)
	return f
}

// Active reports whether f may be shown at now.
func (f *Facts) Active(now time.Time) bool {
	return f.ValidThrough.IsZero() || now.Before(f.ValidThrough)
}

// encodeFacts is f as the catalogue stores it: version 1, then sector,
// postcode, hours (f, p, s, w), Dutch, licence, education, posted and valid
// through (Unix seconds, 0 for none), separated by "|". The id is the
// hash field's name. About 40 bytes.
func encodeFacts(f Facts) string {
	var hours []byte
	for _, h := range []struct {
		on bool
		c  byte
	}{{f.FullTime, 'f'}, {f.PartTime, 'p'}, {f.Shifts, 's'}, {f.Weekends, 'w'}} {
		if h.on {
			hours = append(hours, h.c)
		}
	}
	return strings.Join([]string{"1", f.Sector, f.Postcode, string(hours), f.Dutch, f.Licence, f.Education,
		unix(f.Posted), unix(f.ValidThrough)}, "|")
}

func unix(t time.Time) string {
	if t.IsZero() {
		return "0"
	}
	return strconv.FormatInt(t.Unix(), 10)
}

func fromUnix(s string) (time.Time, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n == 0 {
		return time.Time{}, err
	}
	return time.Unix(n, 0), nil
}

func decodeFacts(id, s string) (Facts, error) {
	p := strings.Split(s, "|")
	if len(p) != 9 || p[0] != "1" {
		return Facts{}, fmt.Errorf("jobs: facts of %q: not version 1", id)
	}
	f := Facts{ID: id, Sector: p[1], Postcode: p[2], Dutch: p[4], Licence: p[5], Education: p[6]}
	f.FullTime, f.PartTime = strings.IndexByte(p[3], 'f') >= 0, strings.IndexByte(p[3], 'p') >= 0
	f.Shifts, f.Weekends = strings.IndexByte(p[3], 's') >= 0, strings.IndexByte(p[3], 'w') >= 0
	var err error
	if f.Posted, err = fromUnix(p[7]); err != nil {
		return Facts{}, err
	}
	if f.ValidThrough, err = fromUnix(p[8]); err != nil {
		return Facts{}, err
	}
	f.place = placeIndex(f.Postcode)
	return f, nil
}

// placeList are the postcodes of Places in order: a search measures the
// distance from the person's home to each once, and each vacancy then
// finds its own by index.
var placeList, placeIndexes = func() ([]string, map[string]int) {
	pcs := make([]string, 0, len(Places))
	for pc := range Places {
		pcs = append(pcs, pc)
	}
	slices.Sort(pcs)
	idx := make(map[string]int, len(pcs))
	for i, pc := range pcs {
		idx[pc] = i
	}
	return pcs, idx
}()

func placeIndex(pc string) int {
	if i, ok := placeIndexes[pc]; ok {
		return i
	}
	return -1
}
