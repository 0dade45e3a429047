package answers_test

import (
	"context"
	"testing"

	"github.com/werkwijzer/werkwijzer/answers"
	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs/dialogstest"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
)

// The FAQ over Redis keeps the contract the fake keeps: the import is
// made on one instance and read on another once its cache has aged.
func TestFAQContract(t *testing.T) {
	dialogstest.FAQContract(t, func(t testing.TB) dialogstest.FAQSetup {
		rdb, prefix := redistest.Client(t)
		clk := clock.NewFake(dialogstest.Start)
		importer, reader := answers.NewStore(rdb, prefix), answers.NewStore(rdb, prefix)
		reader.Clock = clk
		return dialogstest.FAQSetup{Retriever: reader, Seeded: "Is het gratis?",
			Import: func(ctx context.Context, entries []dialogstest.FAQEntry) error {
				f := &answers.File{}
				for _, e := range entries {
					f.Entries = append(f.Entries, answers.Entry{ID: e.ID, Flow: e.Flow, Source: "test", Questions: e.Questions, Answers: e.Answers})
				}
				if err := importer.Import(ctx, f); err != nil {
					return err
				}
				clk.Advance(reader.CacheFor)
				return nil
			}}
	})
}
