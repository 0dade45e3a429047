package jobs_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs/dialogstest"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/vacancies"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/jobs"
)

// The Finder over the Redis catalogue keeps the contract the in-memory
// fake of dialogstest keeps.
func TestFinderContract(t *testing.T) {
	dialogstest.FinderContract(t, func(t testing.TB) (vacancies.Finder, vacancies.Seeker) {
		rdb, prefix := redistest.Client(t)
		cat := jobs.NewCatalogue(rdb, prefix)
		now := time.Date(2026, 11, 23, 10, 0, 0, 0, clock.Brussels)
		vs := fitting(2, "v")
		for i, pc := range []string{"2140", "2660", "2600"} { // Borgerhout, Hoboken, Berchem
			vs = append(vs, vacancy(func(v *jobs.Vacancy) { v.ID, v.Postcode = fmt.Sprint("w", i), pc }))
		}
		vs = append(vs, vacancy(func(v *jobs.Vacancy) { v.ID, v.Sector = "shop", orientation.SectorRetail }))
		if _, err := cat.Import(context.Background(), "test", vs, now); err != nil {
			t.Fatal(err)
		}
		return &jobs.Finder{Catalogue: cat, T: dialogstest.Texts.T, Clock: clock.NewFake(now)}, seekerOf(amira())
	})
}
