package jobs_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
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

// The alerts over Redis keep the contract of what /mydata says they
// hold, with planning and handing out done as the import and the sender
// do them.
func TestAlertLogContract(t *testing.T) {
	dialogstest.AlertLogContract(t, func(t testing.TB, clk *clock.Fake) dialogstest.Alerting {
		rdb, prefix := redistest.Client(t)
		a := jobs.NewAlerts(rdb, prefix)
		a.Clock = clk
		return &contractAlerts{Alerts: a, clk: clk}
	})
}

// contractAlerts is the alerts with the import's and the sender's part,
// as the contract calls them.
type contractAlerts struct {
	*jobs.Alerts
	clk   *clock.Fake
	sends int
}

func (a *contractAlerts) Subscribe(ctx context.Context, chat int64) error {
	return a.Index(ctx, chat, wants(amira(), vacancies.Narrow{}))
}

func (a *contractAlerts) Plan(ctx context.Context, ids ...string) error {
	var vs []jobs.Vacancy
	for _, id := range ids {
		vs = append(vs, vacancy(func(v *jobs.Vacancy) { v.ID = id }))
	}
	_, err := a.PlanImport(ctx, vs, a.clk.Now())
	return err
}

// Send claims what is due as the sender does and hands out the one
// alert; the others go back when their short lease ends (each Send
// claims a little later, so it sees them all again).
func (a *contractAlerts) Send(ctx context.Context, chat int64, vacancy string) error {
	a.sends++
	due, err := a.Due(ctx, a.clk.Now().Add(time.Duration(a.sends)*time.Second), time.Millisecond, 1000)
	if err != nil {
		return err
	}
	for _, al := range due {
		if al.Chat == chat && al.Vacancy == vacancy {
			if _, _, err := a.Event(ctx, al, a.clk.Now()); err != nil {
				return err
			}
			return a.Ack(ctx, al)
		}
	}
	return fmt.Errorf("no alert of %s due for %d", vacancy, chat)
}

func (a *contractAlerts) Stop(ctx context.Context, chat int64) error {
	return a.Deliver(ctx, &dialogs.Turn{ChatID: chat, Notes: []dialogs.Note{{Kind: dialogs.NoteAlertsOff}}})
}
