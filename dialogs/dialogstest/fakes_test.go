package dialogstest_test

import (
	"testing"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/booking"
	"github.com/werkwijzer/werkwijzer/dialogs/dialogstest"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/signup"
	"github.com/werkwijzer/werkwijzer/dialogs/vacancies"
)

// The fakes pass the same contracts as the Redis implementations (which
// run them in their own packages).

func TestFakeSessions(t *testing.T) {
	dialogstest.SessionsContract(t, func(testing.TB) dialogs.Sessions { return dialogstest.NewSessions() })
}

func TestFakeScheduler(t *testing.T) {
	dialogstest.SchedulerContract(t, func(_ testing.TB, clk *clock.Fake, items []dialogstest.Item) booking.Scheduler {
		return dialogstest.NewScheduler(clk, items...)
	})
}

func TestFakeFinder(t *testing.T) {
	dialogstest.FinderContract(t, func(testing.TB) (vacancies.Finder, vacancies.Seeker) {
		return dialogstest.NewFinder(
				vacancies.Offer{ID: "a", Title: "Lasser", Sector: "industry", Km: 3, FullTime: true},
				vacancies.Offer{ID: "b", Title: "Operator", Sector: "industry", Km: 5, FullTime: true},
				vacancies.Offer{ID: "c", Title: "Kok", Sector: "hospitality", Km: 2, FullTime: true},
				vacancies.Offer{ID: "d", Title: "Monteur", Sector: "industry", Km: 9, FullTime: true}),
			vacancies.Seeker{Profile: orientation.Profile{Sectors: []string{"industry"}}}
	})
}

func TestFakeLinks(t *testing.T) {
	dialogstest.ResolverContract(t, func(testing.TB) (signup.Resolver, string, signup.Link) {
		l := signup.Link{Code: "Ab3_x9", Partner: "moskee-attaqwa", Place: "Borgerhout", Lang: "ar"}
		return &dialogstest.Links{Links: map[string]*signup.Link{l.Code: &l}}, l.Code, l
	})
}

func TestFakeWeb(t *testing.T) {
	dialogstest.WebContract(t, func(testing.TB) dialogstest.Web { return dialogstest.NewWebChats() })
}

func TestFakeAlerts(t *testing.T) {
	dialogstest.AlertLogContract(t, func(_ testing.TB, clk *clock.Fake) dialogstest.Alerting { return dialogstest.NewAlerts(clk) })
}

func TestFakeStaffSide(t *testing.T) {
	dialogstest.StaffSideContract(t, func(testing.TB) dialogstest.StaffDesk { return dialogstest.NewStaff(clock.NewFake(dialogstest.Start)) })
}

func TestFakeRecords(t *testing.T) {
	dialogstest.RecordsContract(t, func(_ testing.TB, clk *clock.Fake, items []dialogstest.Item) dialogstest.Schedule {
		return dialogstest.NewScheduler(clk, items...)
	})
}

func TestFakeFAQ(t *testing.T) {
	dialogstest.FAQContract(t, func(testing.TB) dialogstest.FAQSetup {
		f := dialogstest.NewFAQ(dialogstest.FAQEntry{ID: "free", Questions: map[string][]string{"nl": {"Is het gratis?"}},
			Answers: map[string]string{"nl": "Ja.", "en": "Yes."}})
		return dialogstest.FAQSetup{Retriever: f, Seeded: "is het gratis", Import: f.Import}
	})
}
