package jobs

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// CSVColumns are the columns a vacancies CSV may have, in any order; the
// first four are required. See FORMAT.md.
var CSVColumns = []string{"id", "title", "employer", "postcode",
	"description", "street", "locality", "employment_type", "date_posted", "valid_through",
	"sector", "industry", "occupation", "education", "experience",
	"salary_min", "salary_max", "salary_unit", "contract", "url",
	"contact_name", "contact_phone", "contact_email",
	"dutch_level", "driving_licence", "shifts", "weekends"}

// ParseCSV reads vacancies from CSV with a header row of CSVColumns
// (comma or semicolon separated, as spreadsheets in Belgium often save).
// A file with one bad line is refused whole, with the line and the reason.
func ParseCSV(data []byte) ([]Vacancy, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	firstLine, _, _ := bytes.Cut(data, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(firstLine, []byte(";")) > bytes.Count(firstLine, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, &RecordError{"line 1", "no header row: " + err.Error()}
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if !slices.Contains(CSVColumns, h) {
			return nil, &RecordError{"line 1", fmt.Sprintf("unknown column %q (see FORMAT.md for the columns)", h)}
		}
		if _, dup := col[h]; dup {
			return nil, &RecordError{"line 1", fmt.Sprintf("column %q twice", h)}
		}
		col[h] = i
	}
	for _, req := range CSVColumns[:4] {
		if _, ok := col[req]; !ok {
			return nil, &RecordError{"line 1", "missing column " + req}
		}
	}
	var out []Vacancy
	seen := map[string]int{}
	for {
		rec, err := r.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			line, _ := r.FieldPos(0)
			return nil, &RecordError{fmt.Sprintf("line %d", line), err.Error()}
		}
		line, _ := r.FieldPos(0)
		where := fmt.Sprintf("line %d", line)
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if len(rec) != len(header) {
			return nil, &RecordError{where, fmt.Sprintf("%d fields, the header has %d", len(rec), len(header))}
		}
		v := Vacancy{ID: get("id"), Title: Line(get("title")), Employer: Line(get("employer")), Postcode: get("postcode"),
			Description: Safe(PlainText(get("description"))), Street: Line(get("street")), Locality: Line(get("locality")),
			Experience: Line(get("experience")), URL: get("url"), Dutch: strings.ToLower(get("dutch_level")),
			Licence: strings.ToLower(get("driving_licence")), SalaryUnit: strings.ToUpper(get("salary_unit")),
			Contract: strings.ToLower(get("contract")), ContactName: Line(get("contact_name")),
			ContactPhone: Line(get("contact_phone")), ContactEmail: Line(get("contact_email"))}
		switch t := strings.ToLower(get("employment_type")); t {
		case "", "full_time":
			v.FullTime = true
		case "part_time":
			v.PartTime = true
		case "both":
			v.FullTime, v.PartTime = true, true
		default:
			return nil, &RecordError{where, fmt.Sprintf("employment_type %q: want full_time, part_time or both", t)}
		}
		if v.Posted, err = date(get("date_posted"), false); err != nil {
			return nil, &RecordError{where, "date_posted " + err.Error()}
		}
		if v.ValidThrough, err = date(get("valid_through"), true); err != nil {
			return nil, &RecordError{where, "valid_through " + err.Error()}
		}
		for name, dst := range map[string]*bool{"shifts": &v.Shifts, "weekends": &v.Weekends} {
			switch s := strings.ToLower(get(name)); s {
			case "", "no", "nee", "false", "0":
			case "yes", "ja", "true", "1":
				*dst = true
			default:
				return nil, &RecordError{where, fmt.Sprintf("%s %q: want yes or no", name, s)}
			}
		}
		for name, dst := range map[string]*float64{"salary_min": &v.SalaryMin, "salary_max": &v.SalaryMax} {
			if s := strings.ReplaceAll(get(name), ",", "."); s != "" {
				if *dst, err = strconv.ParseFloat(s, 64); err != nil {
					return nil, &RecordError{where, fmt.Sprintf("%s %q is not a number", name, get(name))}
				}
			}
		}
		v.Sector = strings.ToLower(get("sector"))
		if v.Sector == "" {
			v.Sector = sectorOf(get("industry"), get("occupation"), v.Title)
		}
		v.Education = educationOf(get("education"))
		if err := v.validate(); err != nil {
			return nil, &RecordError{where, err.Error()}
		}
		if l, dup := seen[v.ID]; dup {
			return nil, &RecordError{where, fmt.Sprintf("id %q also on line %d", v.ID, l)}
		}
		seen[v.ID] = line
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, &RecordError{"file", "no vacancies"}
	}
	return out, nil
}
