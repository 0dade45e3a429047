package jobs_test

import (
	"context"
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
	dialogstest.FinderContract(t, func(t testing.TB) (vacancies.Finder, orientation.Profile) {
		rdb, prefix := redistest.Client(t)
		cat := jobs.NewCatalogue(rdb, prefix)
		now := time.Date(2026, 11, 23, 10, 0, 0, 0, clock.Brussels)
		if _, err := cat.Import(context.Background(), "test", fitting(5, "v"), now); err != nil {
			t.Fatal(err)
		}
		return &jobs.Finder{Catalogue: cat, T: dialogstest.Texts.T, Clock: clock.NewFake(now), CacheFor: time.Minute}, amira()
	})
}
