package orientation_test

import (
	"slices"
	"testing"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/dialogstest"
	"github.com/werkwijzer/werkwijzer/locales"
)

// Keywords are matched with the typing mistakes their length allows, so a
// phrase one letter away from its opposite would be taken for it: the
// Dari "وظیفه بفرستید" (send me vacancies) was read as "وظیفه نفرستید"
// (send none). Whatever one list says, typed whole, is not the intent of
// its opposite.
func TestNoKeywordIsReadAsItsOpposite(t *testing.T) {
	var atMenu []string // the intents as the menu tries them ("stop" alone is for questions)
	for _, in := range dialogs.Intents {
		if in != dialogs.IntentStop {
			atMenu = append(atMenu, in)
		}
	}
	opposite := map[string][]string{
		dialogs.IntentAlerts:     {dialogs.IntentStopAlerts},
		dialogs.IntentJobs:       {dialogs.IntentStopAlerts},
		dialogs.IntentStopAlerts: {dialogs.IntentAlerts, dialogs.IntentJobs},
	}
	for _, l := range locales.Languages {
		for in, not := range opposite {
			for _, typed := range dialogstest.Texts.Keywords(l.Code, "kw_"+in) {
				if got := dialogs.Intent(dialogstest.Texts, l.Code, typed, atMenu); slices.Contains(not, got) {
					t.Errorf("%s: %q (kw_%s) is read as %s", l.Code, typed, in, got)
				}
			}
		}
	}
}

// Typed as people type them, each says the one thing it means.
func TestSendAndDoNotSendAreApart(t *testing.T) {
	for _, c := range []struct{ lang, typed, want string }{
		{"fa-AF", "وظیفه بفرستید", dialogs.IntentAlerts},
		{"fa-AF", "وظیفه نفرستید", dialogs.IntentStopAlerts},
		{"nl", "stop vacatures", dialogs.IntentStopAlerts},
		{"nl", "vacatures", dialogs.IntentJobs},
	} {
		if got := dialogs.Intent(dialogstest.Texts, c.lang, c.typed, dialogs.Intents); got != c.want {
			t.Errorf("%s %q is read as %q, want %q", c.lang, c.typed, got, c.want)
		}
	}
}
