// Package faq is the flow that answers questions typed in the person's own
// words ("is het gratis?", "ماذا أحضر معي؟") from the FAQ staff keep,
// with a button to the flow the answer is about and a way to a person.
// Retrieval is behind the Retriever port (package answers implements it).
// It depends only on package dialogs.
package faq

import (
	"context"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/locales"
)

// Answer is the FAQ's answer to a question, in the person's language.
type Answer struct {
	ID   string
	Text string
	// Flow is the flow the answer leads to (answers.Flows), or "".
	Flow string
	// Score is how well the question matched the entry, from 0 to 1.
	Score float64
}

// StrongScore is the score at which a message without a question mark,
// typed at an open question or at the menu, is taken for a question all
// the same ("moet ik betalen", "mag ik mijn zus meenemen om te vertalen"
// score 0.5 and more on the seed); short answers that only resemble an
// entry ("send me new jobs", "gaat wel") stay below it.
const StrongScore = 0.35

// Retriever finds the answer to a question typed in lang; nil when the
// FAQ has none that fits.
type Retriever interface {
	Answer(ctx context.Context, lang, text string) (*Answer, error)
}

// Flow is the FAQ.
type Flow struct {
	Answers Retriever
}

// Register implements dialogs.Flow.
func (f Flow) Register(r *dialogs.Router) { r.Understand(f.understand) }

// buttons are the flows' own entries an answer may offer: the message of
// the button's label and its data.
var buttons = map[string][2]string{
	"coaching": {"menu_coaching", "bk:lc:0"}, "sessions": {"menu_sessions", "bk:ls:0"},
	"appointments": {"menu_appointments", "bk:me"}, "jobs": {"menu_jobs", "menu:jobs"},
	"profile": {"menu_profile", "menu:profile"}, "mydata": {"menu_mydata", "menu:mydata"},
	"forget": {"menu_forget", "menu:forget"}, "language": {"menu_language", "menu:lang"},
}

func (f Flow) understand(c *dialogs.Conv, text string) (bool, error) {
	a, err := f.Answers.Answer(c.Context(), c.Lang(), text)
	if err != nil || a == nil {
		return false, err
	}
	if !asks(c.Lang(), text, a.Score) {
		// At a question an answer to it, or a try at one; at the menu
		// a wish in a few words ("i wnat job", "send me new jobs") that
		// an entry only resembles: the menu says what there is.
		return false, nil
	}
	var rows [][]dialogs.Button
	if b, ok := buttons[a.Flow]; ok && c.Consented() && c.Routed(b[1]) {
		rows = append(rows, []dialogs.Button{{Text: c.T(b[0], nil), Data: b[1]}})
	}
	if row := c.Escape(); row != nil {
		rows = append(rows, row)
	}
	mark := "💬 "
	if locales.IsRTL(c.Lang()) {
		// An answer may begin with a name in Latin letters ("Talentenhuis
		// هو..."): the mark keeps the line right to left.
		mark = "\u200F" + mark
	}
	c.Say(mark+a.Text, rows...)
	// The question they were at stays open: ask it again under the answer,
	// once.
	return true, c.AskAgain()
}

// asks reports whether typed text (at an open question or the menu)
// reads as a question of its own rather than an answer ("goed", "لا",
// "ehliyetim yok"): it has a question mark, or it has three words or more
// and matches an entry well. A rule for every language: no word lists.
func asks(lang, text string, score float64) bool {
	return dialogs.QuestionMarked(text) || len(locales.Words(lang, text)) >= 3 && score >= StrongScore
}
