package jobs_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/vacancies"
	"github.com/werkwijzer/werkwijzer/jobs"
)

var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

const posting = `{
  "@context": "https://schema.org/",
  "@type": "JobPosting",
  "identifier": {"@type": "PropertyValue", "name": "Bouwbedrijf Schelde", "value": "BS-0042"},
  "title": "Metselaar (m/v/x)",
  "description": "<p>Wij zoeken een <b>metselaar</b> voor werven in Antwerpen.</p><ul><li>Vast contract</li><li>Opleiding op de werf &amp; begeleiding</li></ul><script>track()</script>",
  "datePosted": "2026-11-02",
  "validThrough": "2027-01-31T23:59:00+01:00",
  "employmentType": ["FULL_TIME"],
  "hiringOrganization": {"@type": "Organization", "name": "Bouwbedrijf Schelde"},
  "jobLocation": [{"@type": "Place", "address": {"@type": "PostalAddress", "streetAddress": "Noorderlaan 12", "postalCode": "2030", "addressLocality": "Antwerpen"}}],
  "baseSalary": {"@type": "MonetaryAmount", "currency": "EUR", "value": {"@type": "QuantitativeValue", "minValue": 16.5, "maxValue": 19, "unitText": "HOUR"}},
  "industry": "Bouw",
  "educationRequirements": {"@type": "EducationalOccupationalCredential", "credentialCategory": "no requirements"},
  "experienceRequirements": {"@type": "OccupationalExperienceRequirements", "monthsOfExperience": 6},
  "additionalProperty": [
    {"@type": "PropertyValue", "name": "werkwijzer:dutchLevel", "value": "little"},
    {"@type": "PropertyValue", "name": "werkwijzer:drivingLicence", "value": "none"}
  ],
  "url": "https://jobs.example.org/bs-0042"
}`

func TestJobPostingInEveryShape(t *testing.T) {
	other := strings.NewReplacer(`"BS-0042"`, `"HV-7"`, `Metselaar (m/v/x)`, `Heftruckchauffeur`, `"Bouw"`, `"Logistiek"`, `"2030"`, `"2040"`).Replace(posting)
	for name, doc := range map[string]string{
		"object": posting,
		"array":  "[" + posting + "," + other + "]",
		"graph":  `{"@context":"https://schema.org","@graph":[{"@type":"Organization","name":"X"},` + posting + "," + other + "]}",
	} {
		vs, err := jobs.ParseJSONLD([]byte(doc))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		v := vs[0]
		if v.ID != "BS-0042" || v.Title != "Metselaar (m/v/x)" || v.Employer != "Bouwbedrijf Schelde" || v.Postcode != "2030" ||
			v.Sector != orientation.SectorConstruction || v.Dutch != orientation.DutchLittle || v.Licence != orientation.LicenceNone ||
			!v.FullTime || v.PartTime || v.SalaryMin != 16.5 || v.SalaryMax != 19 || v.SalaryUnit != "HOUR" || v.Experience != "6 months" {
			t.Fatalf("%s: %+v", name, v)
		}
		want := "Wij zoeken een metselaar voor werven in Antwerpen.\n• Vast contract\n• Opleiding op de werf & begeleiding"
		if v.Description != want {
			t.Fatalf("%s: description %q, want %q", name, v.Description, want)
		}
		if name != "object" && (len(vs) != 2 || vs[1].Sector != orientation.SectorPort) {
			t.Fatalf("%s: %d postings, second in %q", name, len(vs), vs[1].Sector)
		}
	}
}

func TestVariationsSchemaOrgAllows(t *testing.T) {
	doc := `{"@type":"JobPosting","identifier":"x-1","title":"Poetshulp","hiringOrganization":"Net & Proper bv",
	  "jobLocation":{"address":"Turnhoutsebaan 5, 2140 Borgerhout"},"employmentType":"PART_TIME","validThrough":"2026-12-31",
	  "educationRequirements":"high school","occupationalCategory":"37-2012.00 Maids and Housekeeping Cleaners",
	  "baseSalary":{"@type":"MonetaryAmount","currency":"EUR","value":{"value":14.2,"unitText":"HOUR"}}}`
	vs, err := jobs.ParseJSONLD([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	v := vs[0]
	if v.Employer != "Net & Proper bv" || v.Postcode != "2140" || v.Locality != "Borgerhout" || !v.PartTime || v.FullTime ||
		v.Sector != orientation.SectorCleaning || v.Education != orientation.EducationSecondary || v.SalaryMin != 14.2 {
		t.Fatalf("%+v", v)
	}
	if want := time.Date(2027, 1, 1, 0, 0, 0, 0, jobsBrussels()); !v.ValidThrough.Equal(want) {
		t.Fatalf("validThrough %s, want the end of 31 December in Brussels", v.ValidThrough)
	}
}

func jobsBrussels() *time.Location { l, _ := time.LoadLocation("Europe/Brussels"); return l }

func TestBadFilesAreRefusedWhole(t *testing.T) {
	for _, tc := range []struct {
		name, doc, record, reason string
	}{
		{"not json", `{"@type":`, "file", "not JSON"},
		{"no posting", `{"@type":"Organization"}`, "file", "no JobPosting"},
		{"bad date", strings.Replace(posting, `"2026-11-02"`, `"02/11/2026"`, 1), "item 1 (BS-0042)", "datePosted"},
		{"no postcode", strings.Replace(posting, `"2030"`, `"Antwerpen"`, 1), "item 1 (BS-0042)", "postal code"},
		{"no sector", strings.NewReplacer(`"Bouw"`, `"Diversen"`, `Metselaar (m/v/x)`, `Medewerker`).Replace(posting), "item 1 (BS-0042)", "no sector"},
		{"second bad", "[" + posting + "," + strings.NewReplacer(`"BS-0042"`, `"BS-0043"`, `"Metselaar (m/v/x)"`, `""`).Replace(posting) + "]", "item 2 (BS-0043)", "no title"},
		{"duplicate", "[" + posting + "," + posting + "]", "item 2 (BS-0042)", "also on item 1"},
		{"bad dutch", strings.Replace(posting, `"value": "little"`, `"value": "B2"`, 1), "item 1 (BS-0042)", "Dutch level"},
	} {
		vs, err := jobs.ParseJSONLD([]byte(tc.doc))
		var re *jobs.RecordError
		if !errors.As(err, &re) || re.Record != tc.record || !strings.Contains(re.Reason, tc.reason) || vs != nil {
			t.Errorf("%s: %v (%d parsed), want %s: …%s…", tc.name, err, len(vs), tc.record, tc.reason)
		}
	}
}

const csvFile = `id;title;employer;postcode;employment_type;valid_through;occupation;dutch_level;driving_licence;shifts;salary_min
k-1;Keukenhulp;Brasserie Zuid;2000;part_time;2027-02-28;;little;none;nee;14,10
op-2;Productieoperator;Chemco;2040;full_time;2027-03-31;operator ploegen;conversational;b;ja;
`

func TestCSV(t *testing.T) {
	vs, err := jobs.ParseCSV([]byte(csvFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || vs[0].Sector != orientation.SectorHospitality || !vs[0].PartTime || vs[0].SalaryMin != 14.1 ||
		vs[1].Sector != orientation.SectorIndustry || !vs[1].Shifts || vs[1].Licence != orientation.LicenceB {
		t.Fatalf("%+v", vs)
	}
	for _, tc := range []struct{ name, file, record, reason string }{
		{"unknown column", strings.Replace(csvFile, "salary_min", "bonus", 1), "line 1", `unknown column "bonus"`},
		{"missing column", "id,title,employer\nx,y,z\n", "line 1", "missing column postcode"},
		{"bad line 3", strings.Replace(csvFile, "ja;", "misschien;", 1), "line 3", "shifts"},
		{"bad date", strings.Replace(csvFile, "2027-02-28", "28-02-2027", 1), "line 2", "valid_through"},
		{"short line", csvFile + "z-9;Kok\n", "line 4", "fields"},
	} {
		vs, err := jobs.ParseCSV([]byte(tc.file))
		var re *jobs.RecordError
		if !errors.As(err, &re) || re.Record != tc.record || !strings.Contains(re.Reason, tc.reason) || vs != nil {
			t.Errorf("%s: %v, want %s: …%s…", tc.name, err, tc.record, tc.reason)
		}
	}
}

func TestSummaryStaysWithinLimit(t *testing.T) {
	long := strings.Repeat("Een lange zin over het werk in de haven. ", 200)
	s := jobs.Summary(long, 1000)
	if n := len([]rune(s)); n > 1000 || !strings.HasSuffix(s, "…") || strings.HasSuffix(strings.TrimSuffix(s, "…"), " ") {
		t.Fatalf("summary of %d runes ends %q", n, s[len(s)-20:])
	}
	if jobs.Summary("kort", 1000) != "kort" {
		t.Fatal("a short text was changed")
	}
}

func TestSectorWordsDoNotMatchInsideOtherWords(t *testing.T) {
	for title, want := range map[string]string{
		"Heftruckchauffeur": orientation.SectorPort, "Medewerker sportcentrum": "", "Poetshulp": orientation.SectorCleaning,
		"Zorgkundige": orientation.SectorCare, "Career coach": "", "Kok": orientation.SectorHospitality, "Lasser-monteur": orientation.SectorIndustry,
		"Technicien de surface": orientation.SectorCleaning,
	} {
		doc := `{"@type":"JobPosting","identifier":"t","title":"` + title + `","hiringOrganization":"X","jobLocation":{"address":{"postalCode":"2000"}}}`
		vs, err := jobs.ParseJSONLD([]byte(doc))
		got := ""
		if err == nil {
			got = vs[0].Sector
		}
		if got != want {
			t.Errorf("%q: sector %q, want %q", title, got, want)
		}
	}
}

func TestSampleIsUsable(t *testing.T) {
	vs, err := jobs.Sample()
	if err != nil {
		t.Fatalf("the shipped sample is refused: %v", err)
	}
	if len(vs) < 200 {
		t.Fatalf("%d sample vacancies, want at least 200", len(vs))
	}
	sectors, places := map[string]int{}, map[string]bool{}
	for _, v := range vs {
		sectors[v.Sector]++
		places[v.Postcode] = true
		if _, ok := jobs.Places[v.Postcode]; !ok {
			t.Errorf("%s: postcode %s not in the postcode table, so no distance", v.ID, v.Postcode)
		}
		if !v.Active(now) {
			t.Errorf("%s expired", v.ID)
		}
	}
	for _, s := range []string{orientation.SectorConstruction, orientation.SectorPort, orientation.SectorIndustry, orientation.SectorHospitality,
		orientation.SectorEducation, orientation.SectorCare, orientation.SectorCleaning, orientation.SectorRetail} {
		if sectors[s] < 10 {
			t.Errorf("sector %s has %d sample vacancies", s, sectors[s])
		}
	}
	if len(places) < 15 {
		t.Errorf("sample vacancies in only %d places", len(places))
	}
	if got := jobs.Best(seekerOf(amira()), vs, vacancies.Chosen, now, 0, 5); len(got) != 5 {
		t.Fatalf("the sample offers Amira %d vacancies", len(got))
	}
}
