package locales

import (
	"strings"
	"unicode"
)

// Layout is how the bot shows a button: how many buttons share its row, and
// whether it is a multi-select option that gets the "✓ " mark in front once
// chosen. A Telegram button cuts its label with "…" when it does not fit,
// and a cut label is a riddle for someone who reads little, so every label
// must fit the width its row leaves it (see Limit).
type Layout struct {
	PerRow int  // how many buttons share the row: 1, 2 or 3
	Mark   bool // a multi-select option: Mark is put in front when chosen
}

// Mark is what the dialogs put in front of a chosen multi-select option. It
// is a sign, not a word, so it is the same in every language.
const Mark = "✓ "

// Limit is the most characters (as Width counts them) a label may have: what
// a phone shows of a Telegram button, about 32 alone on a row, 17 when two
// share it, 11 when three do (the widths of issue #18). For a multi-select
// option the limit holds for the label with Mark in front.
func (l Layout) Limit() int {
	switch l.PerRow {
	case 1:
		return 32
	case 2:
		return 17
	default:
		return 11
	}
}

// Buttons gives the layout of every message that is shown on a button, by
// message id or, for a family of options, by an id prefix ending in "_".
// It is the contract between the messages and the dialogs that lay them out:
// the width test of this package renders every entry in every language
// against it, and the dialogs' tests check that the rows they really render
// never hold more buttons than declared here. A new button message needs an
// entry, or TestEveryButtonHasALayout fails.
//
// btn_edit is "✎ {{.Field}}" and is rendered with every field_* name;
// btn_cancel_n and btn_move_n are rendered with the widest number they get
// (see ButtonLabels).
var Buttons = map[string]Layout{
	// Three to a row.
	"opt_age_":      {PerRow: 3},
	"btn_back":      {PerRow: 3}, // btn_back, btn_skip and btn_done can share a row
	"btn_skip":      {PerRow: 3},
	"btn_done":      {PerRow: 3},
	"language_name": {PerRow: 3}, // the picker

	// Two to a row.
	"btn_agree":        {PerRow: 2},
	"btn_decline":      {PerRow: 2},
	"btn_general_info": {PerRow: 2},
	"opt_dutch_":       {PerRow: 2},
	"menu_nextstep":    {PerRow: 2},
	"menu_profile":     {PerRow: 2},
	"menu_language":    {PerRow: 2},
	"menu_mydata":      {PerRow: 2},
	"menu_help":        {PerRow: 2},
	"menu_forget":      {PerRow: 2},
	"menu_coaching":    {PerRow: 2},
	"menu_sessions":    {PerRow: 2},
	"btn_forget_yes":   {PerRow: 2},
	"btn_forget_no":    {PerRow: 2},
	"btn_share_yes":    {PerRow: 2},
	"btn_share_no":     {PerRow: 2},
	"btn_interested":   {PerRow: 2},
	"btn_not_for_me":   {PerRow: 2},
	"btn_nfm_far":      {PerRow: 2},
	"btn_nfm_hours":    {PerRow: 2},
	"btn_nfm_sector":   {PerRow: 2},
	"btn_nfm_other":    {PerRow: 2},
	"btn_cancel_n":     {PerRow: 2},
	"btn_move_n":       {PerRow: 2},
	"btn_cancel":       {PerRow: 2},
	"btn_move":         {PerRow: 2},
	"btn_cancel_yes":   {PerRow: 2},
	"btn_cancel_no":    {PerRow: 2},
	"btn_edit":         {PerRow: 2},
	"btn_menu":         {PerRow: 2}, // beside btn_cancel, menu_coaching or menu_sessions
	"btn_later":        {PerRow: 2}, // beside btn_back under a list

	// Two to a row, multi-select.
	"opt_sec_": {PerRow: 2, Mark: true},
	"opt_av_":  {PerRow: 2, Mark: true},

	// Alone on a row.
	"opt_sit_":              {PerRow: 1},
	"opt_edu_":              {PerRow: 1},
	"opt_dipl_":             {PerRow: 1},
	"opt_lic_":              {PerRow: 1},
	"opt_goal_":             {PerRow: 1},
	"btn_confirm":           {PerRow: 1},
	"menu_person":           {PerRow: 1},
	"btn_handover_cancel":   {PerRow: 1},
	"menu_jobs":             {PerRow: 1},
	"btn_next_job":          {PerRow: 1},
	"btn_alerts_on":         {PerRow: 1},
	"btn_stop_pause":        {PerRow: 1},
	"btn_stop_continue":     {PerRow: 1},
	"btn_other_language":    {PerRow: 1},
	"btn_alerts_off":        {PerRow: 1},
	"btn_apply":             {PerRow: 1},
	"btn_show_others":       {PerRow: 1},
	"btn_jobs_reset":        {PerRow: 1},
	"btn_map":               {PerRow: 1},
	"menu_appointments":     {PerRow: 1},
	"btn_keep_time":         {PerRow: 1},
	"btn_interpreter":       {PerRow: 1},
	"btn_share_phone":       {PerRow: 1}, // the contact key of the phone question
	"btn_waitlist":          {PerRow: 1},
	"btn_be_there":          {PerRow: 1},
	"btn_give_back":         {PerRow: 1},
	"btn_notice_other_lang": {PerRow: 1},

	// Alone on a row, multi-select.
	"opt_sup_": {PerRow: 1, Mark: true},
}

// ButtonLayout is the layout of message id: its own entry in Buttons, else
// the entry of the longest prefix it has. ok is false for a message that is
// not shown on a button.
func ButtonLayout(id string) (l Layout, ok bool) {
	if l, ok := Buttons[id]; ok {
		return l, true
	}
	best := ""
	for key := range Buttons {
		if strings.HasSuffix(key, "_") && strings.HasPrefix(id, key) && len(key) > len(best) {
			best = key
		}
	}
	if best == "" {
		return Layout{}, false
	}
	return Buttons[best], true
}

// widestN is the number btn_cancel_n and btn_move_n are rendered with: they
// number a list of appointments on one digit.
const widestN = 9

// Label is one button label as a language renders it.
type Label struct {
	ID     string // the message id; for btn_edit also the field, "btn_edit(field_age)"
	Text   string // as shown, with Mark in front of a multi-select option
	Layout Layout
}

// Width counts the characters a reader sees: runes, leaving out those that
// take no place of their own (combining marks, the variation selector
// U+FE0F of an emoji, format characters such as the right-to-left mark
// U+200F and the zero-width joiner U+200D) and the rune an emoji joiner
// glues to the one before it; a flag (two regional indicators) is one.
func Width(s string) int {
	n := 0
	joined, flag := false, false
	for _, r := range s {
		switch {
		case r == '\u200D':
			joined = true
			continue
		case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf), r >= 0x1F3FB && r <= 0x1F3FF: // skin tones
			continue
		case joined:
			joined = false
			continue
		case r >= 0x1F1E6 && r <= 0x1F1FF: // regional indicators pair into a flag
			if flag {
				flag = false
				continue
			}
			flag = true
		default:
			flag = false
		}
		n++
	}
	return n
}

// ButtonLabels renders every button message that lang itself has (no
// fallback: a missing message is Check's to report), as the dialogs show
// it: a multi-select option with Mark in front, btn_edit once per field_*
// name, btn_cancel_n and btn_move_n with their widest number. The order is
// that of the message ids.
func (c *Catalog) ButtonLabels(lang string) []Label {
	ids := c.ids()
	var out []Label
	for _, id := range ids {
		l, ok := ButtonLayout(id)
		if !ok {
			continue
		}
		switch id {
		case "btn_edit":
			for _, f := range ids {
				if !strings.HasPrefix(f, "field_") {
					continue
				}
				field, ok := c.own(lang, f, nil)
				if !ok {
					continue
				}
				if s, ok := c.own(lang, id, map[string]any{"Field": field}); ok {
					out = append(out, Label{ID: id + "(" + f + ")", Text: s, Layout: l})
				}
			}
			continue
		case "btn_cancel_n", "btn_move_n":
			if s, ok := c.own(lang, id, map[string]any{"N": widestN}); ok {
				out = append(out, Label{ID: id, Text: s, Layout: l})
			}
			continue
		}
		s, ok := c.own(lang, id, nil)
		if !ok {
			continue
		}
		if l.Mark {
			s = Mark + s
		}
		out = append(out, Label{ID: id, Text: s, Layout: l})
	}
	return out
}

// ids lists the message ids of the source language, sorted.
func (c *Catalog) ids() []string {
	return sortedKeys(c.have[Source])
}
