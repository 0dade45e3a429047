package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/jobs"
)

func TestMain(m *testing.M) { redistest.Main(m) }

func TestReimportUpdatesByIDAndWithdrawsWhatIsGone(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	c := jobs.NewCatalogue(rdb, prefix)
	ctx := context.Background()
	a := vacancy(func(v *jobs.Vacancy) { v.ID = "a" })
	b := vacancy(func(v *jobs.Vacancy) { v.ID = "b" })
	old := vacancy(func(v *jobs.Vacancy) { v.ID = "old"; v.ValidThrough = now.Add(-time.Hour) })
	other := vacancy(func(v *jobs.Vacancy) { v.ID = "x" })
	if res, err := c.Import(ctx, "feed", []jobs.Vacancy{a, b, old}, now); err != nil || res.Added != 2 {
		t.Fatalf("first import: %+v %v, want 2 added (the expired one not stored)", res, err)
	}
	c.Import(ctx, "board", []jobs.Vacancy{other}, now)
	a.Title = "Metselaar-voeger"
	res, err := c.Import(ctx, "feed", []jobs.Vacancy{a}, now)
	if err != nil || res.Updated != 1 || res.Withdrawn != 1 || res.Added != 0 {
		t.Fatalf("re-import: %+v %v, want a updated and b withdrawn", res, err)
	}
	got, _ := c.Active(ctx, now)
	if len(got) != 2 || got[0].ID != "a" || got[0].Title != "Metselaar-voeger" || got[1].ID != "x" {
		t.Fatalf("active after re-import: %+v, want a (updated) and x (another source's)", got)
	}
	if res, _ := c.Import(ctx, "feed", []jobs.Vacancy{a}, now); res.Unchanged != 1 {
		t.Fatalf("same file again: %+v", res)
	}
	// A vacancy whose validThrough passes is not shown, even before it is
	// removed.
	soon := vacancy(func(v *jobs.Vacancy) { v.ID = "soon"; v.ValidThrough = now.Add(time.Hour) })
	c.Import(ctx, "board", []jobs.Vacancy{other, soon}, now)
	if got, _ := c.Active(ctx, now.Add(2*time.Hour)); len(got) != 2 {
		t.Fatalf("after soon's validThrough: %d shown, want 2", len(got))
	}
}
