package locales

import (
	_ "embed"
	"fmt"
	"strings"
	"time"
)

// reviewDoc is REVIEW.md: its table "Review status" is the record of which
// languages a native speaker has reviewed, kept where the maintainer reads
// how to record a review, so that there is one place to update.
//
//go:embed REVIEW.md
var reviewDoc string

// Review is one row of the review table in REVIEW.md.
type Review struct {
	Code     string
	Reviewed bool // by a native speaker; a machine's or a non-native's review does not count
	// Organisation is who reviewed: an organisation, never a person's
	// name, since the file is public.
	Organisation string
	Date         string // the day the review was taken in, YYYY-MM-DD
}

var reviews, reviewsErr = parseReviews(reviewDoc)

// Reviews is the review table of REVIEW.md, one row per language, or the
// reason it cannot be read.
func Reviews() ([]Review, error) { return reviews, reviewsErr }

// Reviewed reports whether a native speaker has reviewed the messages of
// code. Until one has, the privacy notice in that language offers to read
// it in another language as well (btn_notice_other_lang), so that nobody
// agrees to a text that may say something else than we mean. A table that
// cannot be read counts as no review: the safe side is the extra button.
func Reviewed(code string) bool { return reviewedIn(reviews, code) }

func reviewedIn(rows []Review, code string) bool {
	for _, r := range rows {
		if r.Code == code {
			return r.Reviewed
		}
	}
	return false
}

// parseReviews reads the first table under "## Review status": columns
// code, reviewed (yes or no), organisation and date; other columns are for
// people. Every language of Languages has exactly one row.
func parseReviews(doc string) ([]Review, error) {
	_, rest, ok := strings.Cut("\n"+doc, "\n## Review status\n")
	if !ok {
		return nil, fmt.Errorf("REVIEW.md: no section ## Review status")
	}
	if i := strings.Index(rest, "\n## "); i >= 0 {
		rest = rest[:i]
	}
	var col map[string]int
	var rows []Review
	seen := map[string]bool{}
	for _, line := range strings.Split(rest, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "|") {
			if col != nil {
				break // the table ended
			}
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if col == nil {
			col = map[string]int{}
			for i, c := range cells {
				col[strings.ToLower(c)] = i
			}
			for _, want := range []string{"code", "reviewed", "organisation", "date"} {
				if _, ok := col[want]; !ok {
					return nil, fmt.Errorf("REVIEW.md: the review table has no column %q", want)
				}
			}
			continue
		}
		if strings.Trim(strings.Join(cells, ""), "-: ") == "" {
			continue // |---|
		}
		cell := func(name string) string {
			if i := col[name]; i < len(cells) {
				return cells[i]
			}
			return ""
		}
		r := Review{Code: cell("code"), Organisation: cell("organisation"), Date: cell("date")}
		bad := func(why string) error { return fmt.Errorf("REVIEW.md: the row of %q %s", r.Code, why) }
		switch {
		case !Supported(r.Code):
			return nil, bad("names no language of locales.Languages")
		case seen[r.Code]:
			return nil, bad("is there twice")
		}
		seen[r.Code] = true
		switch strings.ToLower(cell("reviewed")) {
		case "yes":
			r.Reviewed = true
			if r.Organisation == "" {
				return nil, bad("says yes but names no organisation")
			}
			if _, err := time.Parse(time.DateOnly, r.Date); err != nil {
				return nil, bad(fmt.Sprintf("says yes but its date %q is not YYYY-MM-DD", r.Date))
			}
		case "no":
			if r.Organisation != "" || r.Date != "" {
				return nil, bad("says no but names an organisation or a date")
			}
		default:
			return nil, bad(fmt.Sprintf("has reviewed %q: write yes or no", cell("reviewed")))
		}
		rows = append(rows, r)
	}
	for _, l := range Languages {
		if !seen[l.Code] {
			return nil, fmt.Errorf("REVIEW.md: the review table has no row for %s", l.Code)
		}
	}
	return rows, nil
}
