package locales_test

import (
	"strings"
	"testing"

	"github.com/werkwijzer/werkwijzer/locales"
)

func TestReviewTableIsReadable(t *testing.T) {
	rows, err := locales.Reviews()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(locales.Languages) {
		t.Fatalf("%d rows, want one per language (%d)", len(rows), len(locales.Languages))
	}
	for _, r := range rows {
		if got := locales.Reviewed(r.Code); got != r.Reviewed {
			t.Errorf("Reviewed(%s) = %v, the table says %v", r.Code, got, r.Reviewed)
		}
	}
	if locales.Reviewed("xx") {
		t.Error("an unknown language counts as reviewed")
	}
}

func TestReviewTableMistakes(t *testing.T) {
	table := func(rows map[string]string) string {
		var b strings.Builder
		b.WriteString("# Reviewing\n\n## Review status\n\n| code | language | reviewed | organisation | date |\n| --- | --- | --- | --- | --- |\n")
		for _, l := range locales.Languages {
			row, ok := rows[l.Code]
			if !ok {
				row = "| " + l.Code + " | x | no | | |"
			}
			if row != "" {
				b.WriteString(row + "\n")
			}
		}
		return b.String() + "\nA note.\n\n## Another section\n\n| code | reviewed |\n| pl | maybe |\n"
	}
	good := table(map[string]string{"pl": "| pl | polski | yes | Atlas Antwerpen | 2026-05-12 |"})
	if ok, err := locales.ReviewedIn(good, "pl"); err != nil || !ok {
		t.Fatalf("a reviewed language: %v, %v", ok, err)
	}
	if ok, err := locales.ReviewedIn(good, "ro"); err != nil || ok {
		t.Fatalf("a language not reviewed: %v, %v", ok, err)
	}
	for name, c := range map[string]struct{ doc, want string }{
		"no section":      {"# Reviewing\n", "no section ## Review status"},
		"row missing":     {table(map[string]string{"so": ""}), "no row for so"},
		"yes without org": {table(map[string]string{"pl": "| pl | polski | yes | | 2026-05-12 |"}), "names no organisation"},
		"bad date":        {table(map[string]string{"pl": "| pl | polski | yes | Atlas | 12/05/2026 |"}), "is not YYYY-MM-DD"},
		"no with org":     {table(map[string]string{"pl": "| pl | polski | no | Atlas | |"}), "says no but names"},
		"maybe":           {table(map[string]string{"pl": "| pl | polski | maybe | | |"}), "write yes or no"},
		"unknown code":    {table(map[string]string{"pl": "| pl-PL | polski | no | | |"}), "names no language"},
		"twice":           {table(map[string]string{"pl": "| pl | polski | no | | |\n| pl | polski | no | | |"}), "is there twice"},
		"column missing":  {"## Review status\n\n| code | reviewed | date |\n| --- | --- | --- |\n", `no column "organisation"`},
	} {
		if _, err := locales.ReviewedIn(c.doc, "pl"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error with %q", name, err, c.want)
		}
	}
}
