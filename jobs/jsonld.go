package jobs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
)

// ParseJSONLD reads schema.org JobPostings as JSON-LD: one object, an array
// of them, or an object with an @graph (other types in it, such as the
// employer's Organization, are skipped). It is lenient where schema.org is
// (a property may be text or an object, one value or a list) and strict
// where we need something; a file with one bad posting is refused whole.
func ParseJSONLD(data []byte) ([]Vacancy, error) {
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, &RecordError{"file", "not JSON: " + err.Error()}
	}
	var nodes []any
	switch d := doc.(type) {
	case []any:
		nodes = d
	case map[string]any:
		if g, ok := d["@graph"].([]any); ok {
			nodes = g
		} else {
			nodes = []any{d}
		}
	default:
		return nil, &RecordError{"file", "want a JobPosting, an array of them or an @graph"}
	}
	var out []Vacancy
	seen := map[string]int{}
	for i, n := range nodes {
		rec := fmt.Sprintf("item %d", i+1)
		m, ok := n.(map[string]any)
		if !ok {
			return nil, &RecordError{rec, "not an object"}
		}
		if !isType(m["@type"], "JobPosting") {
			continue
		}
		v, err := posting(m)
		if err == nil {
			err = v.validate()
		}
		if err != nil {
			if id := text(m["identifier"]); id != "" {
				rec += " (" + id + ")"
			}
			return nil, &RecordError{rec, err.Error()}
		}
		if j, dup := seen[v.ID]; dup {
			return nil, &RecordError{rec + " (" + v.ID + ")", fmt.Sprintf("identifier %q also on item %d", v.ID, j)}
		}
		seen[v.ID] = i + 1
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, &RecordError{"file", "no JobPosting in it"}
	}
	return out, nil
}

func isType(t any, want string) bool {
	switch t := t.(type) {
	case string:
		return t == want || t == "schema:"+want || t == "http://schema.org/"+want || t == "https://schema.org/"+want
	case []any:
		for _, x := range t {
			if isType(x, want) {
				return true
			}
		}
	}
	return false
}

// text reads a property that may be text, a number, an object with a
// name or value, or a list (the first).
func text(v any) string {
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v)
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	case map[string]any:
		for _, k := range []string{"value", "name", "@value", "@id"} {
			if s := text(v[k]); s != "" {
				return s
			}
		}
	case []any:
		if len(v) > 0 {
			return text(v[0])
		}
	}
	return ""
}

func list(v any) []string {
	if l, ok := v.([]any); ok {
		var out []string
		for _, x := range l {
			if s := text(x); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	if s := text(v); s != "" {
		return []string{s}
	}
	return nil
}

func first(v any) map[string]any {
	switch v := v.(type) {
	case map[string]any:
		return v
	case []any:
		if len(v) > 0 {
			m, _ := v[0].(map[string]any)
			return m
		}
	}
	return nil
}

// date reads a schema.org Date or DateTime; a bare date is the end of that
// day in Brussels for validThrough, its start for datePosted.
func date(s string, endOfDay bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := time.ParseInLocation("2006-01-02", s, brussels)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date (want 2026-12-31 or 2026-12-31T17:00:00+01:00)", s)
	}
	if endOfDay {
		return d.AddDate(0, 0, 1), nil
	}
	return d, nil
}

func posting(m map[string]any) (Vacancy, error) {
	v := Vacancy{
		ID:       text(m["identifier"]),
		Title:    Line(text(m["title"])),
		Employer: Line(text(m["hiringOrganization"])),
		URL:      text(m["url"]),
	}
	if v.ID == "" {
		v.ID = v.URL // many boards give only the URL; it is stable too
	}
	if d, ok := m["description"].(string); ok {
		v.Description = Safe(PlainText(d))
	}
	if c := first(m["applicationContact"]); c != nil {
		v.ContactName, v.ContactPhone, v.ContactEmail = Line(text(c["name"])), Line(text(c["telephone"])), Line(text(c["email"]))
	}
	var err error
	if v.Posted, err = date(text(m["datePosted"]), false); err != nil {
		return v, fmt.Errorf("datePosted %w", err)
	}
	if v.ValidThrough, err = date(text(m["validThrough"]), true); err != nil {
		return v, fmt.Errorf("validThrough %w", err)
	}
	if loc := first(m["jobLocation"]); loc != nil {
		switch a := loc["address"].(type) {
		case map[string]any:
			v.Street, v.Postcode, v.Locality = text(a["streetAddress"]), text(a["postalCode"]), text(a["addressLocality"])
		case string:
			v.Street, v.Postcode, v.Locality = splitAddress(a)
		}
		v.Street, v.Locality = Line(v.Street), Line(v.Locality)
	}
	for _, t := range list(m["employmentType"]) {
		switch strings.ToUpper(strings.ReplaceAll(t, "-", "_")) {
		case "FULL_TIME":
			v.FullTime = true
		case "PART_TIME":
			v.PartTime = true
		case "TEMPORARY":
			v.Contract = ContractTemporary
		}
	}
	if s := first(m["baseSalary"]); s != nil {
		q := first(s["value"])
		if q == nil {
			q = s
		}
		v.SalaryMin, _ = strconv.ParseFloat(text(q["minValue"]), 64)
		v.SalaryMax, _ = strconv.ParseFloat(text(q["maxValue"]), 64)
		if one, err := strconv.ParseFloat(text(q["value"]), 64); err == nil && v.SalaryMin == 0 {
			v.SalaryMin, v.SalaryMax = one, one
		}
		v.SalaryUnit = strings.ToUpper(text(q["unitText"]))
	}
	v.Sector = sectorOf(text(m["industry"]), text(m["occupationalCategory"]), v.Title)
	v.Education = educationOf(m["educationRequirements"])
	if e := first(m["experienceRequirements"]); e != nil {
		if months := text(e["monthsOfExperience"]); months != "" {
			v.Experience = months + " months"
		}
	} else {
		v.Experience = Line(text(m["experienceRequirements"]))
	}
	for _, p := range asList(m["additionalProperty"]) {
		pm, _ := p.(map[string]any)
		name, val := strings.TrimPrefix(text(pm["name"]), "werkwijzer:"), strings.ToLower(text(pm["value"]))
		switch name {
		case "dutchLevel":
			v.Dutch = val
		case "drivingLicence":
			v.Licence = val
		case "shifts":
			v.Shifts = val == "true" || val == "yes"
		case "weekends":
			v.Weekends = val == "true" || val == "yes"
		case "sector":
			v.Sector = val
		case "contract":
			v.Contract = val
		}
	}
	return v, nil
}

func asList(v any) []any {
	switch v := v.(type) {
	case []any:
		return v
	case nil:
		return nil
	}
	return []any{v}
}

// splitAddress reads "Noorderlaan 100, 2030 Antwerpen".
func splitAddress(s string) (street, postcode, locality string) {
	street, rest, ok := strings.Cut(s, ",")
	if !ok {
		rest, street = s, ""
	}
	f := strings.Fields(rest)
	for i, w := range f {
		if validPostcode(w) {
			return strings.TrimSpace(street), w, strings.Join(f[i+1:], " ")
		}
	}
	return strings.TrimSpace(street), "", strings.TrimSpace(rest)
}

// educationOf maps educationRequirements (text, or an
// EducationalOccupationalCredential with credentialCategory) to the
// orientation's levels.
func educationOf(v any) string {
	s := strings.ToLower(text(v))
	if m := first(v); m != nil {
		s = strings.ToLower(text(m["credentialCategory"]))
	}
	switch {
	case s == "" || strings.Contains(s, "no requirements") || strings.Contains(s, "geen"):
		return ""
	case strings.Contains(s, "bachelor") || strings.Contains(s, "master") || strings.Contains(s, "postgraduate") ||
		strings.Contains(s, "degree") || strings.Contains(s, "hoger"):
		return orientation.EducationHigher
	case strings.Contains(s, "high school") || strings.Contains(s, "secundair") || strings.Contains(s, "middelbaar") ||
		strings.Contains(s, "associate") || strings.Contains(s, "professional certificate"):
		return orientation.EducationSecondary
	}
	return ""
}
