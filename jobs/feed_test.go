package jobs_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/jobs"
	"github.com/werkwijzer/werkwijzer/locales"
)

// What a feed puts in a title, an employer or a place reaches a card as
// one line of plain text, with nothing that reorders or hides text: as a
// new user tried, "<b>Evil</b>" showed literally, a newline in a place
// added lines to the card, and U+202E reversed text in Telegram and Slack.
func TestFeedTextBecomesSafePlainText(t *testing.T) {
	csv := "id,title,employer,postcode,locality,description,sector\n" +
		"x1,\"Lasser\u202e<i>rev</i>\",<b>Evil</b>,2099,\"Ant\nwerpen\u2066\",\"<p>Eerste regel\u202d</p><p>Tweede</p>\",industry\n"
	vs, err := jobs.ParseCSV([]byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	v := vs[0]
	if v.Employer != "Evil" || v.Title != "Lasserrev" || v.Locality != "Ant werpen" || v.Description != "Eerste regel\nTweede" {
		t.Fatalf("parsed %q %q %q %q", v.Employer, v.Title, v.Locality, v.Description)
	}
	// A catalogue may hold what an older version imported unsanitised: the
	// card makes it safe again.
	v.Employer, v.Locality = "Evil\u202eCorp\nLtd", "<b>Kiel</b>\r\nzuid"
	o := jobs.OfferOf(v, jobs.Match{Km: -1}, "nl", func(id string, _ map[string]any) string { return id })
	for _, s := range []string{o.Title, o.Employer, o.Place} {
		if strings.ContainsAny(s, "\n\r<>\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069") {
			t.Errorf("card text %q", s)
		}
	}
	if o.Employer != "EvilCorp Ltd" || o.Place != "Kiel zuid" {
		t.Errorf("card: employer %q, place %q", o.Employer, o.Place)
	}
	for _, s := range []string{"\u200f\u061c\u200e\x00\x1b[31m", "a\u2067b\u2069c"} {
		if got := jobs.Line(s); strings.ContainsAny(got, "\u200f\u061c\u200e\x00\x1b\u2067\u2069") {
			t.Errorf("Line(%q) = %q", s, got)
		}
	}
}

// The card's data: the pay in the person's language, two or three lines
// of the description, how to apply (a page only when a phone can open it).
func TestOfferCarriesWhatTheCardShows(t *testing.T) {
	v := vacancy(func(v *jobs.Vacancy) {
		v.SalaryMin, v.SalaryMax, v.SalaryUnit, v.Contract = 15.5, 19, "HOUR", jobs.ContractPermanent
		v.Description = "Regel een.\nRegel twee.\n• Regel drie.\nRegel vier."
		v.URL, v.ContactName, v.ContactPhone = "https://jobs.example/1", "Sara", "03 123 45 67"
		v.Shifts, v.Weekends, v.Education = true, true, orientation.EducationSecondary
	})
	p := amira()
	p.Availability = nil // any hours
	m, ok := jobs.Score(seekerOf(p), v, now)
	if !ok {
		t.Fatal("does not fit")
	}
	tr := func(id string, _ map[string]any) string { return id }
	o := jobs.OfferOf(v, m, "nl", tr)
	if o.Salary != "15,50–19,00" || o.SalaryUnit != "HOUR" || o.Contract != "permanent" {
		t.Errorf("nl pay %q %q, contract %q", o.Salary, o.SalaryUnit, o.Contract)
	}
	if en := jobs.OfferOf(v, m, "en", tr); en.Salary != "15.50–19.00" {
		t.Errorf("en pay %q", en.Salary)
	}
	v.SalaryMin, v.SalaryMax, v.SalaryUnit = 2300, 2800, "MONTH"
	if o := jobs.OfferOf(v, m, "nl", tr); o.Salary != "2.300–2.800" {
		t.Errorf("monthly pay %q", o.Salary)
	}
	v.SalaryUnit = "WEEK"
	if o := jobs.OfferOf(v, m, "nl", tr); o.Salary != "" {
		t.Errorf("a unit we do not name shows %q", o.Salary)
	}
	if o.About != "Regel een.\nRegel twee.\n• Regel drie." {
		t.Errorf("about %q", o.About)
	}
	if o.URL != "https://jobs.example/1" || o.Contact != "Sara · 03 123 45 67" || o.Km != 4 || o.Place != "Antwerpen" {
		t.Errorf("apply %q / %q, %d km from %q", o.URL, o.Contact, o.Km, o.Place)
	}
	if !o.Shifts || !o.Weekends || o.Education != orientation.EducationSecondary || o.Dutch != orientation.DutchLittle {
		t.Errorf("hours or asks missing: %+v", o)
	}
	v.URL = "javascript:alert(1)"
	if o := jobs.OfferOf(v, m, "nl", tr); o.URL != "" {
		t.Errorf("a URL a phone cannot open became a button: %q", o.URL)
	}
	if _, err := jobs.ParseCSV([]byte("id,title,employer,postcode,sector,url\nx,T,E,2000,industry,ftp://x\n")); err == nil {
		t.Error("a feed with an ftp url was taken")
	}
}

// The example CSV has every documented column, parses, and FORMAT.md
// names every column the parser takes.
func TestExampleCSVAndFormatAgree(t *testing.T) {
	data, err := os.ReadFile("data/example.csv")
	if err != nil {
		t.Fatal(err)
	}
	header := strings.Split(strings.SplitN(string(data), "\n", 2)[0], ",")
	for _, c := range jobs.CSVColumns {
		if !slices.Contains(header, c) {
			t.Errorf("data/example.csv lacks the column %s", c)
		}
	}
	vs, err := jobs.ParseCSV(data)
	if err != nil {
		t.Fatal(err)
	}
	ways := map[string]bool{}
	for _, v := range vs {
		switch {
		case v.ApplyURL() != "":
			ways["url"] = true
		case v.ContactPhone != "" || v.ContactEmail != "":
			ways["contact"] = true
		default:
			ways["work team"] = true
		}
	}
	if len(ways) != 3 {
		t.Errorf("the example shows %v of the three ways to apply", ways)
	}
	format, err := os.ReadFile("FORMAT.md")
	if err != nil {
		t.Fatal(err)
	}
	csvPart := string(format[strings.Index(string(format), "## CSV"):])
	for _, c := range jobs.CSVColumns {
		if !regexp.MustCompile("`" + c + "`").MatchString(csvPart) {
			t.Errorf("FORMAT.md's CSV section does not name %s", c)
		}
	}
	for _, c := range jobs.Contracts {
		if !strings.Contains(string(format), "`"+c+"`") {
			t.Errorf("FORMAT.md does not name the contract %s", c)
		}
	}
	// Every contract has its words on the card, in every language.
	texts := locales.MustLoad()
	for _, l := range locales.Languages {
		for _, c := range jobs.Contracts {
			if got := texts.T(l.Code, "job_contract_"+c, nil); got == "" || got == "job_contract_"+c {
				t.Errorf("%s: no text for contract %s", l.Code, c)
			}
		}
	}
}
