package dialogs

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/werkwijzer/werkwijzer/locales"
)

// StepDeclined is where someone who declined the privacy notice is: we
// keep only their language, for a day (PreConsent), so that what they
// type next is answered in it.
const StepDeclined Step = "declined"

// frame is what every conversation has whatever flows are on: the
// language picker, the privacy notice, the menu, help and the answers to
// input nobody else takes.
type frame struct{}

func (frame) Register(r *Router) {
	r.Step(StepLanguage, StepHandler{Render: func(c *Conv) error { c.picker(); return nil }})
	r.Step(StepConsent, StepHandler{Render: renderConsent})
	r.Step(StepMenu, StepHandler{Render: func(c *Conv) error { c.Menu(); return nil }})
	r.Step(StepDeclined, StepHandler{Render: func(c *Conv) error { c.declined(); return nil }})
	r.Button("office", func(c *Conv) error { c.office(); return nil })
	r.Intent(IntentHelp, help)
	r.Intent(IntentPerson, askPerson)
	r.Intent(IntentMenu, Consented(func(c *Conv) error { c.Menu(); return nil }))
	r.Intent(IntentRestart, func(c *Conv) error { c.ev.Kind, c.ev.Command = KindCommand, "start"; return c.command() })
	r.Intent(IntentStop, offerStop)
	r.Button("stop", pressStop)
	r.Data(keptData)
	r.Button("lang", pressLanguage)
	r.Button("picker", func(c *Conv) error { c.picker(); return nil })
	r.Button("consent", pressConsent)
	r.Button("menu:lang", Consented(func(c *Conv) error { c.picker(); return nil }))
	r.Button("menu:help", Consented(help))
	r.Command("language", func(c *Conv) error { c.picker(); return nil })
	r.Command("help", help)
	r.Command("menu", Consented(func(c *Conv) error { c.Menu(); return nil }))
}

// stateless answers someone we hold nothing on: a newcomer, someone who
// declined consent, or someone who used /forget. Buttons that matter here
// carry the language in their data, since there is no state to hold it.
func (c *Conv) stateless() error {
	ev := c.ev
	switch ev.Kind {
	case KindButton:
		verb, arg, rest := SplitData(ev.Data)
		switch {
		case verb == "lang" && locales.Supported(arg):
			c.Begin(arg)
			c.Say(c.T("language_changed", nil))
			return c.Render()
		case verb == "consent" && arg == "yes" && locales.Supported(rest):
			c.Begin(rest)
			return c.agree()
		case verb == "consent" && arg == "info" && locales.Supported(rest):
			c.generalInfo(rest)
			return nil
		}
	case KindCommand:
		switch ev.Command {
		case "mydata", "forget":
			c.Say(c.T("mydata_nothing", nil))
			return nil
		case "help":
			c.Say(c.T("help_text", nil) + "\n\n" + c.OfficeContact())
			return nil
		case "start":
			if done, err := c.startHooks(); done || err != nil {
				return err
			}
		}
	case KindText:
		if code := c.pickedLanguage(ev.Text); code != "" {
			c.Begin(code)
			c.Say(c.T("language_changed", nil))
			return c.Render()
		}
		lone := locales.Fold(c.Lang(), ev.Text) == "" && QuestionMarked(ev.Text)
		if lone || Intent(c.e.Texts, c.Lang(), ev.Text, []string{IntentHelp, IntentPerson}) != "" {
			c.Say(c.T("help_text", nil) + "\n\n" + c.OfficeContact())
			c.picker()
			return nil
		}
		return c.unpicked(ev.Text)
	}
	c.Say(c.T("start_greeting", nil))
	c.picker()
	return nil
}

// pickedLanguage is the language a person who has not chosen one typed:
// a language's name in any script, or the number or name of one of the
// picker's buttons.
func (c *Conv) pickedLanguage(text string) string {
	if code := LanguageNamed(c.e.Texts, text); code != "" {
		return code
	}
	if code := locales.Coded(text); code != "" {
		return code // "nl", "AR", "fa"
	}
	n := len(c.out)
	c.picker()
	opts := c.out[n].Buttons
	c.out = c.out[:n]
	var flat []Button
	for _, row := range opts {
		flat = append(flat, row...)
	}
	if data := Option(c.e.Texts, c.Lang(), text, flat); data != "" {
		_, code, _ := SplitData(data)
		return code
	}
	return ""
}

// unpicked answers text typed before a language is chosen that names
// none: a greeting of one language switches to it; a greeting several
// languages share, or a script only some of ours are written in, offers
// those first; anything else gets the whole picker. A message of some
// words is said to be seen and not kept: nothing is kept before consent.
func (c *Conv) unpicked(text string) error {
	langs := Greeted(c.e.Texts, text)
	if len(langs) == 1 {
		c.Begin(langs[0])
		c.Say(c.T("language_changed", nil))
		return c.Render()
	}
	if len(langs) == 0 {
		langs = locales.InScript(text)
	}
	all := len(langs) == 0 || len(langs) == len(locales.Languages) // nothing to narrow the choice
	said := func(id string) string {
		if all {
			return c.T(id, nil)
		}
		var lines []string
		for _, l := range langs {
			lines = append(lines, c.e.Texts.T(l, id, nil))
		}
		return strings.Join(lines, "\n")
	}
	if len(locales.Words(c.Lang(), text)) >= 3 {
		c.Say(said("picker_not_kept"))
	} else if all {
		c.Say(c.T("start_greeting", nil))
	}
	if all {
		c.picker()
		return nil
	}
	rows := append(c.languageRows(langs), []Button{{Text: c.e.Texts.T(langs[0], "btn_other_language", nil), Data: "picker"}})
	c.Say(said("language_choose"), rows...)
	return nil
}

// Greeted are the languages whose greetings (kw_greeting) text is: one
// for "merhaba", several for "salut" (French, Romanian) or "السلام
// عليكم" (Arabic, Dari, Pashto), none for anything else.
func Greeted(texts *locales.Catalog, text string) []string {
	var out []string
	for _, l := range locales.Languages {
		words := locales.Words(l.Code, text)
		if len(words) == 0 || len(words) > 6 {
			return nil
		}
		for _, k := range texts.Keywords(l.Code, "kw_greeting") {
			if kw := strings.Fields(k); len(kw) == len(words) && phraseIn(kw, words) || len(kw) > 1 && phraseIn(kw, words) {
				out = append(out, l.Code)
				break
			}
		}
	}
	return out
}

func (c *Conv) startHooks() (bool, error) {
	for _, h := range c.e.router.startHooks {
		if done, err := h(c); done || err != nil {
			return done, err
		}
	}
	return false, nil
}

func (c *Conv) stateful() error {
	for _, h := range c.e.router.intercepts {
		if done, err := h(c); done || err != nil {
			return err
		}
	}
	ev := c.ev
	switch ev.Kind {
	case KindCommand:
		return c.command()
	case KindButton:
		if h := c.e.router.button(ev.Data); h != nil {
			return h(c)
		}
		return c.OldButton()
	case KindEdited:
		return c.Reask("bad_edited", nil)
	case KindMedia:
		return c.Reask("bad_media", nil)
	case KindContact:
		if h := c.e.router.contact; h != nil {
			return h(c)
		}
		return c.Reask("bad_media", nil)
	}
	if c.returning && c.st.Consented() {
		return c.resume()
	}
	return c.text()
}

// resume answers the first thing typed after a while (ReturnAfter):
// the greeting, and then what was typed is handled as ever ("2" at a
// reminder's buttons cancels, "mijn afspraken" shows them). Typing that
// nothing could use ("hallo") gets the greeting and the question, not a
// complaint.
func (c *Conv) resume() error {
	greeting := c.greeting()
	n := len(c.out)
	if err := c.text(); err != nil {
		return err
	}
	switch {
	case c.welcomed: // "opnieuw beginnen": greeted already
		return nil
	case c.missed:
		c.out, c.missed, c.reasked = c.out[:n], false, false
		return c.welcomeBack()
	}
	c.out = slices.Insert(c.out, n, Reply{Text: greeting})
	return nil
}

func (c *Conv) command() error {
	name := c.ev.Command
	if name == "start" {
		if done, err := c.startHooks(); done || err != nil {
			return err
		}
		if c.returning || c.st.Consented() {
			return c.welcomeBack()
		}
		c.Say(c.T("start_greeting", nil))
		return c.Render()
	}
	if h := c.e.router.commands[name]; h != nil {
		return h(c)
	}
	return c.Reask("bad_unknown_command", nil)
}

// text answers a typed message, trying in turn: one of the buttons on
// offer (its number, label or a synonym), an intent in the person's words
// (help, a person, the menu, a language's name...), the current step's
// own reading of text (a name, an age, a postcode), a question the FAQ
// answers, and else a short answer with the question's buttons and a way
// to a person. A message that reads as a question goes to the FAQ before
// a step that takes text, so that "is dit gratis?" is not taken for a
// first name, unless the step claims it (StepHandler.Claims).
func (c *Conv) text() error {
	raw := c.ev.Text
	text := strings.TrimSpace(raw)
	if text == "" {
		return c.Reask("bad_empty", nil)
	}
	if done, err := c.typedOption(text); done || err != nil {
		return err
	}
	if done, err := c.typedIntent(text); done || err != nil {
		return err
	}
	h := c.e.router.steps[c.st.Step]
	long := utf8.RuneCountInString(text) >= LongRunes // no name, age or postcode is that long
	if long && c.Question() != "" {
		// No answer to a question is that long, and the FAQ would only
		// guess at it: kept for staff, and the question again.
		return c.notUnderstood()
	}
	if h.Text != nil && !long && (!looksLikeQuestion(c.Lang(), text) || h.Claims != nil && h.Claims(c, text)) {
		return h.Text(c, raw)
	}
	for _, u := range c.e.router.understand {
		if done, err := u(c, text); done || err != nil {
			if err == nil && long && c.keepsForStaff() {
				c.keep(text)
				c.Say(c.T("kept_for_staff", nil), c.personRow())
			}
			return err
		}
	}
	if h.Text != nil && !long {
		return h.Text(c, raw)
	}
	return c.notUnderstood()
}

// keepsForStaff reports whether a long message can be kept for staff:
// only with consent, and only when a staff side can read it.
func (c *Conv) keepsForStaff() bool { return c.Consented() && c.e.router.escape != nil }

// looksLikeQuestion: a question mark, or more words than a name, an age
// or a postcode take; the FAQ then has a look first (and at an open
// question answers only what reads as a question, see faq), and the step
// reads what it leaves.
func looksLikeQuestion(lang, text string) bool {
	return QuestionMarked(text) || len(locales.Words(lang, text)) >= 3
}

// QuestionMarked reports whether text carries a question mark, in Latin
// or Arabic script (Dari and Pashto use the Arabic one).
func QuestionMarked(text string) bool { return strings.ContainsAny(text, "?؟;") }

func (c *Conv) welcomeBack() error {
	c.welcomed = true
	c.Say(c.greeting())
	return c.Render()
}

// greeting greets someone who comes back: the flows' greeting, or the
// frame's plain one.
func (c *Conv) greeting() string {
	if h := c.e.router.welcome; h != nil {
		if msg, ok := h(c); ok {
			return msg
		}
	}
	return c.T("welcome_back", nil)
}

// picker offers every language, named in itself, the one the channel
// reported for the person first.
func (c *Conv) picker() {
	first := locales.Match(c.ev.LangHint)
	codes := []string{}
	if first != "" {
		codes = append(codes, first)
	}
	for _, l := range locales.Languages {
		if l.Code != first {
			codes = append(codes, l.Code)
		}
	}
	c.Say(c.T("language_choose", nil), c.languageRows(codes)...)
}

// languageRows are the buttons that choose one of codes, each language
// named in itself, three to a row.
func (c *Conv) languageRows(codes []string) [][]Button {
	var rows [][]Button
	for i, code := range codes {
		if i%3 == 0 {
			rows = append(rows, nil)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], Button{Text: c.e.Texts.Name(code), Data: "lang:" + code})
	}
	return rows
}

func renderConsent(c *Conv) error {
	c.notice(c.Lang())
	return nil
}

// notice is the privacy notice in lang, with its buttons in lang too. Until a
// native speaker has reviewed the person's language, it offers to read the
// notice in another language as well, so that nobody agrees to something
// they could not read.
func (c *Conv) notice(lang string) {
	t := func(id string, data map[string]any) string { return c.e.Texts.T(lang, id, data) }
	period := c.e.Texts.N(lang, "unit_days", int(c.e.Retention/(24*time.Hour)), nil)
	rows := [][]Button{{{Text: t("btn_agree", nil), Data: "consent:yes", Role: RoleYes},
		{Text: t("btn_decline", nil), Data: "consent:no", Role: RoleNo}}}
	if !locales.Reviewed(c.Lang()) {
		rows = append(rows, []Button{{Text: c.T("btn_notice_other_lang", nil), Data: "consent:other"}})
	}
	c.Say(t("consent_notice", map[string]any{"Period": period}), rows...)
}

func pressLanguage(c *Conv) error {
	_, code, _ := SplitData(c.ev.Data)
	if !locales.Supported(code) {
		return c.OldButton()
	}
	c.st.Lang = code
	c.Say(c.T("language_changed", nil))
	if c.st.Step == StepLanguage {
		if c.st.Consented() && c.e.router.first != "" {
			c.Enter(c.e.router.first)
		} else {
			c.Enter(StepConsent)
		}
	}
	return c.Render()
}

func pressConsent(c *Conv) error {
	_, arg, _ := SplitData(c.ev.Data)
	switch {
	case arg == "yes" && !c.st.Consented():
		return c.agree()
	case arg == "yes":
		return c.Render()
	case arg == "no" && !c.st.Consented():
		// Nothing is kept but the language, for the day: the parts go.
		c.st.Flows = nil
		c.parts = map[string]partValue{}
		c.Enter(StepDeclined)
		return c.Render()
	case arg == "info":
		c.generalInfo(c.Lang())
		return nil
	case arg == "other" && !c.st.Consented():
		var rows [][]Button
		i := 0
		for _, l := range locales.Languages {
			if l.Code == c.Lang() {
				continue
			}
			if i%3 == 0 {
				rows = append(rows, nil)
			}
			rows[len(rows)-1] = append(rows[len(rows)-1], Button{Text: c.e.Texts.Name(l.Code), Data: "consent:read:" + l.Code})
			i++
		}
		c.Say(c.T("notice_other_lang_choose", nil), rows...)
		return nil
	case arg == "read" && !c.st.Consented():
		_, _, code := SplitData(c.ev.Data)
		if !locales.Supported(code) {
			return c.OldButton()
		}
		c.notice(code) // the conversation stays in the person's language
		return nil
	}
	return c.OldButton()
}

// agree records consent and starts the first flow.
func (c *Conv) agree() error {
	c.st.Agreed = c.Now()
	c.Note(Note{Kind: NoteSignup})
	if c.e.router.first != "" {
		c.Enter(c.e.router.first)
	} else {
		c.Enter(StepMenu)
	}
	return c.Render()
}

// generalInfo tells what the city offers, to someone who may not have
// agreed; lang is theirs (there may be no state to hold it).
func (c *Conv) generalInfo(lang string) {
	text := c.e.Texts.T(lang, "general_info", nil)
	if c.Consented() {
		c.Say(text)
		return
	}
	c.Say(text, []Button{{Text: c.e.Texts.T(lang, "btn_agree", nil), Data: "consent:yes:" + lang, Role: RoleYes}})
}

// declined tells someone who declined what the bot can still do, and where
// to find a person.
func (c *Conv) declined() {
	lang := c.Lang()
	c.Say(c.T("consent_declined", nil)+"\n\n"+c.OfficeContact(), []Button{
		{Text: c.T("btn_general_info", nil), Data: "consent:info:" + lang},
		{Text: c.T("btn_agree", nil), Data: "consent:yes:" + lang, Role: RoleYes}})
}

// askPerson answers "I want to talk to someone": the staff side's way
// when one is connected, else the office.
func askPerson(c *Conv) error {
	if row := c.Escape(); row != nil && row[0].Data != "office" {
		return Press(row[0].Data)(c)
	}
	c.office()
	return nil
}

// office shows the office's contact, then where the person was.
func (c *Conv) office() {
	c.Say(c.OfficeContact())
	if c.st != nil && c.Question() != "" {
		c.Render()
	}
}

// keptData is the frame's share of /mydata: the long messages kept for
// staff.
func keptData(c *Conv) ([]string, map[string]any, error) {
	kept := KeptMessages(c)
	if len(kept) == 0 {
		return nil, nil, nil
	}
	var lines []string
	for _, k := range kept {
		lines = append(lines, c.T("mydata_kept", map[string]any{"Text": cut(k.Text, 120) + "…"}))
	}
	return lines, map[string]any{"messages_for_staff": kept}, nil
}

// help explains the commands, offers a person when one can answer, and
// shows where the person was.
func help(c *Conv) error {
	text := c.T("help_text", nil) + "\n\n" + c.OfficeContact()
	if row := c.Escape(); row != nil && row[0].Data != "office" {
		c.Say(text, row)
	} else {
		c.Say(text)
	}
	if c.ev.Kind == KindText {
		// Typed at a question ("wat?"): the question again once per burst.
		if c.Question() != "" {
			return c.AskAgain()
		}
	}
	return c.Render()
}

// Menu shows the menu.
func (c *Conv) Menu() { c.Say(c.T("menu_title", nil), c.MenuRows()...) }

// MenuRows are the menu's buttons: each flow's rows in the order they were
// registered, a way to a person, then language, data, help and erasing.
func (c *Conv) MenuRows() [][]Button {
	var rows [][]Button
	for _, m := range c.e.router.menus {
		rows = append(rows, m(c)...)
	}
	if row := c.Escape(); row != nil {
		rows = append(rows, row)
	}
	for _, pair := range [][2][2]string{
		{{"menu_language", "menu:lang"}, {"menu_mydata", "menu:mydata"}},
		{{"menu_help", "menu:help"}, {"menu_forget", "menu:forget"}},
	} {
		var row []Button
		for _, b := range pair {
			if c.Routed(b[1]) {
				row = append(row, Button{Text: c.T(b[0], nil), Data: b[1]})
			}
		}
		if row != nil {
			rows = append(rows, row)
		}
	}
	return rows
}

// offerStop answers "stop" typed at a question: a person who wants to
// stop can pause (what they answered stays, a message later carries on
// where they were) or erase what they gave, rather than be told to
// answer the question first.
func offerStop(c *Conv) error {
	rows := [][]Button{{{Text: c.T("btn_stop_pause", nil), Data: "stop:pause"}}}
	if c.Routed("menu:forget") {
		rows = append(rows, []Button{{Text: c.T("menu_forget", nil), Data: "menu:forget"}})
	}
	rows = append(rows, []Button{{Text: c.T("btn_stop_continue", nil), Data: "stop:go"}})
	c.Say(c.T("stop_offer", nil), rows...)
	return nil
}

func pressStop(c *Conv) error {
	switch _, arg, _ := SplitData(c.ev.Data); arg {
	case "pause":
		// The step stays: whatever they send later is read at it.
		c.Say(c.T("stop_paused", nil))
		return nil
	case "go":
		return c.Render()
	}
	return c.OldButton()
}
