package dialogs

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/werkwijzer/werkwijzer/locales"
)

// Role says what a button means beyond its label, so that a typed "ja",
// "terug" or "klaar" finds it in any language: the flow that makes the
// button gives it its role, and the keyword list kw_<role> of the
// person's language (locales) says how people type it.
type Role string

// The roles typed synonyms map to.
const (
	RoleYes  Role = "yes"
	RoleNo   Role = "no"
	RoleBack Role = "back"
	RoleSkip Role = "skip"
	RoleDone Role = "done"
)

// Roles lists every role, for the keyword tables of the tests.
var Roles = []Role{RoleYes, RoleNo, RoleBack, RoleSkip, RoleDone}

// The intents the frame knows: what a person may type anywhere, in their
// own words, from the keyword lists kw_<intent> in locales. Flows add
// theirs with Router.Intent.
const (
	IntentHelp         = "help"
	IntentPerson       = "person"
	IntentMenu         = "menu"
	IntentRestart      = "restart"
	IntentStopAlerts   = "stop_alerts"
	IntentAppointments = "appointments"
	// IntentJobs is "jobs", "ik zoek werk": the vacancies that fit.
	IntentJobs = "jobs"
	// IntentAlerts is "send me new jobs": vacancy messages on.
	IntentAlerts = "alerts"
	// IntentStop is "stop", the whole message, at a question: a way to
	// pause or to erase what was given (stop at the menu, or "stop de
	// vacatures" anywhere, is IntentStopAlerts).
	IntentStop = "stop"
)

// Intents lists the intents in the order they are tried.
// Stop alerts comes before alerts, alerts before jobs: "stop de
// vacatureberichten" holds the others' words.
var Intents = []string{IntentPerson, IntentStopAlerts, IntentAlerts, IntentJobs, IntentAppointments, IntentRestart, IntentMenu, IntentHelp}

// LongRunes is where a message becomes long: one nobody understood is
// then kept for staff (with consent) rather than only answered.
const LongRunes = 200

// MaxKept bounds the long messages kept for staff; the oldest goes first.
const MaxKept = 3

// input is the frame's part of the state for typed answers: the buttons
// last shown, which a typed number or label picks from, and how often the
// current question was re-asked, so that a flood of typing gets the
// question again once, not twenty times.
type input struct {
	Shown   []shown `json:"shown,omitempty"`
	Reasked Step    `json:"reasked,omitempty"`
	Times   int     `json:"times,omitempty"`
	// At is when the question was last re-asked: silence is for a
	// burst, and someone who tries again after a while is answered.
	At time.Time `json:"at,omitzero"`
}

// ReaskPause is how long after the last re-ask a person who types at a
// question again is answered again, however often they tried: the bot
// keeps quiet under a flood, not at a person who took their time.
const ReaskPause = time.Minute

// FloodGap is how soon after the previous message one counts as part of
// a flood: a phone's keyboard and a person reading the answer take longer
// than this between two messages, a paste of many lines or a stuck key
// does not. Only a flood earns silence (issue #13); a person typing at
// their own pace is always answered.
const FloodGap = 3 * time.Second

type shown struct {
	T string `json:"t"`
	D string `json:"d"`
	R Role   `json:"r,omitempty"`
}

var inputPart = Part[input]{Key: "input"}

// Kept is a long message kept for staff, with consent.
type Kept struct {
	Text string    `json:"text"`
	At   time.Time `json:"at"`
}

type keptState struct {
	Messages []Kept `json:"messages,omitempty"`
}

var keptPart = Part[keptState]{Key: "kept"}

// TakeKept hands the long messages kept for staff to the flow that passes
// them on (a request for a person) and forgets them here.
func TakeKept(c *Conv) []Kept {
	s := keptPart.Of(c)
	out := s.Messages
	s.Messages = nil
	return out
}

// KeptMessages are the long messages kept for staff, oldest first.
func KeptMessages(c *Conv) []Kept { return keptPart.Of(c).Messages }

// Press is a handler that acts as a press on data: an intent typed in
// words reaches the flow's own button handler, through the router, so no
// flow parses another's data. Nothing happens when no flow owns data.
func Press(data string) Handler {
	return func(c *Conv) error {
		h := c.e.router.button(data)
		if h == nil {
			return c.notUnderstood()
		}
		c.ev.Kind, c.ev.Data = KindButton, data
		return h(c)
	}
}

// remember records the buttons of the last reply that has any: what a
// typed number or label picks from next time; a turn that showed none
// forgets them.
func (c *Conv) remember() {
	for i := len(c.out) - 1; i >= 0; i-- {
		if len(c.out[i].Buttons) == 0 {
			continue
		}
		var list []shown
		for _, row := range c.out[i].Buttons {
			for _, b := range row {
				if b.URL != "" {
					continue // a link opens a page; it is not a choice
				}
				list = append(list, shown{T: b.Text, D: b.Data, R: b.Role})
			}
		}
		inputPart.Of(c).Shown = list
		return
	}
	if len(c.out) > 0 {
		// The last message had no buttons: a number typed now picks
		// none of an older one's.
		inputPart.Of(c).Shown = nil
	}
}

// options are the buttons a typed answer may pick, in two lists: those of
// the last message that had any (what the terminal numbered, what the
// person has in front of them), and the current step's own that are not
// among them, so that the menu's labels work under an answer that showed
// other buttons, and a conversation saved before buttons were remembered
// works. The first list is tried first, and a number counts in it alone:
// "2" under a message with one button is not the menu's second.
func (c *Conv) options() (last, step []shown) {
	last = inputPart.Of(c).Shown
	for _, row := range c.stepButtons() {
		for _, b := range row {
			if b.URL == "" && !slices.ContainsFunc(last, func(s shown) bool { return s.D == b.Data }) {
				step = append(step, shown{T: b.Text, D: b.Data, R: b.Role})
			}
		}
	}
	return last, step
}

// Option maps typed text to one of opts: its number, its label (folded:
// case, diacritics, emoji and the ✓ mark do not count; a typing mistake
// in a longer label is forgiven), a synonym of its role in lang (kw_yes,
// kw_no, ..., an emoji such as 👍 too), or part of one label only. It
// returns the option's data, or "".
func Option(texts *locales.Catalog, lang, text string, opts []Button) string {
	t := locales.Fold(lang, text)
	if t == "" {
		// Emoji alone: 👍 is a yes wherever the lists say so.
		if e := locales.Emoji(text); e != "" {
			for _, o := range opts {
				if o.Role != "" && keyword(texts, lang, "kw_"+string(o.Role), e) {
					return o.Data
				}
			}
		}
		return ""
	}
	if n, err := strconv.Atoi(t); err == nil {
		if n >= 1 && n <= len(opts) {
			// A list whose buttons are numbers (booking) picks by label.
			for _, o := range opts {
				if locales.Fold(lang, o.Text) == t {
					return o.Data
				}
			}
			return opts[n-1].Data
		}
		return ""
	}
	best, bestD, ties := "", 99, 0
	for _, o := range opts {
		l := locales.Fold(lang, o.Text)
		if l == t {
			return o.Data
		}
		if d := locales.Distance(l, t); d <= locales.Typos(utf8.RuneCountInString(l)) {
			switch {
			case d < bestD:
				best, bestD, ties = o.Data, d, 1
			case d == bestD && o.Data != best:
				ties++
			}
		}
	}
	if ties == 1 {
		return best
	}
	for _, o := range opts {
		if o.Role != "" && keyword(texts, lang, "kw_"+string(o.Role), t) {
			return o.Data
		}
	}
	// Part of one label only: "licence b" for "Licence B (car)", "vdab"
	// for "VDAB'de kayıtlıyım", "fluent" for "Fluently", "بناء" for
	// "البناء"; "secondary" fits two labels and picks neither.
	if utf8.RuneCountInString(t) < 4 {
		return ""
	}
	typed := strings.Fields(t)
	if found, n := onlyOne(lang, opts, func(label []string) bool { return covered(typed, label) }); n == 1 {
		return found
	}
	// Or one label of several words inside a short message: "een beetje
	// wel" for "Een beetje". A label of one word does not count: "niet
	// vlot" holds "Vlot" and means the other thing.
	if len(typed) <= 6 {
		if found, n := onlyOne(lang, opts, func(label []string) bool { return len(label) >= 2 && covered(label, typed) }); n == 1 {
			return found
		}
	}
	return ""
}

// onlyOne is the option whose folded label's words fit, and how many
// options (of different data) fit.
func onlyOne(lang string, opts []Button, fits func(label []string) bool) (string, int) {
	found, n := "", 0
	for _, o := range opts {
		if o.Data != found && fits(strings.Fields(locales.Fold(lang, o.Text))) {
			found = o.Data
			n++
		}
	}
	return found, n
}

// covered reports whether every word of a stands for one of b: the same
// word, or a word of four letters or more at its start or end ("vdab" in
// "vdabde", "fluent" in "fluently", "بناء" in "البناء").
func covered(a, b []string) bool {
	for _, w := range a {
		if !slices.ContainsFunc(b, func(x string) bool { return sameWord(w, x) }) {
			return false
		}
	}
	return len(a) > 0
}

// sameWord reports whether w and x are one word, or the shorter, of four
// letters or more, stands inside the longer.
func sameWord(w, x string) bool {
	if w == x {
		return true
	}
	short, long := w, x
	if utf8.RuneCountInString(short) > utf8.RuneCountInString(long) {
		short, long = long, short
	}
	// At the start or the end only: "werk" is no part of "medewerker".
	return utf8.RuneCountInString(short) >= 4 && (strings.HasPrefix(long, short) || strings.HasSuffix(long, short))
}

// keyword reports whether folded text t is one of the keywords of id in
// lang (a phrase of it, for a short message).
func keyword(texts *locales.Catalog, lang, id, t string) bool {
	for _, k := range texts.Keywords(lang, id) {
		if k == t {
			return true
		}
	}
	return false
}

// Intent finds what a person asks for in their own words, from the
// keyword lists of lang: a keyword of one word must be (nearly) the whole
// of a short message, "help", "menu?"; a phrase of several words may stand
// anywhere in a message of up to a dozen words, "ik wil met iemand
// praten". The words of an intent's "_alone" list ("wat?", "ماذا") count
// only as the whole message: with more words they ask a question, "wat
// kost het", which is the FAQ's. It returns the intent, or "".
func Intent(texts *locales.Catalog, lang, text string, intents []string) string {
	words := locales.Words(lang, text)
	if len(words) == 0 || len(words) > 12 {
		return ""
	}
	whole := strings.Join(words, " ")
	// The longest keyword found wins, whatever intent it is of: "stop
	// vacatures" is the wish to stop them, although "vacatures" alone is
	// the wish to see them; between equals, the earlier intent.
	best, bestLen := "", 0
	for _, in := range intents {
		for _, k := range texts.Keywords(lang, "kw_"+in) {
			if f := strings.Fields(k); len(f) > bestLen && phraseIn(f, words) {
				best, bestLen = in, len(f)
			}
		}
		if len(words) > bestLen && slices.Contains(texts.Keywords(lang, "kw_"+in+"_alone"), whole) {
			best, bestLen = in, len(words)
		}
	}
	return best
}

// phraseIn reports whether the words of keyword k stand together in
// words, each with the typing mistakes its length allows; a one-word
// keyword only in a message of at most three words, and exactly: one
// letter turns "إعادة" (again) into "أعادل" (to make equivalent), so the
// lists spell out the misspellings people make instead. A mistake is never
// in a word's first letter: there a letter is often the meaning, the Dari
// "نفرستید" (do not send) against "بفرستید" (send).
func phraseIn(k, words []string) bool {
	if len(k) == 0 || len(k) == 1 && len(words) > 3 {
		return false
	}
	for i := 0; i+len(k) <= len(words); i++ {
		all := true
		for j, w := range k {
			typos := locales.Typos(utf8.RuneCountInString(w))
			if len(k) == 1 {
				typos = 0
			}
			if got := words[i+j]; got != w && (locales.Distance(got, w) > typos || !sameFirst(got, w)) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// sameFirst reports whether a and b begin with the same letter.
func sameFirst(a, b string) bool {
	ra, _ := utf8.DecodeRuneInString(a)
	rb, _ := utf8.DecodeRuneInString(b)
	return ra == rb
}

// LanguageNamed is the language a short message names ("arabic", "عربي",
// "Türkçe", "ik spreek Arabisch"), from every language's list of its own
// names (kw_language); "" when it names none. A question is no choice of
// language ("Felemenkçe kursu nerede?" asks for a Dutch course), and in a
// message of three words the name must come last.
func LanguageNamed(texts *locales.Catalog, text string) string {
	if strings.ContainsAny(text, "?؟") {
		return ""
	}
	for _, l := range locales.Languages {
		words := locales.Words(l.Code, text)
		if len(words) == 0 || len(words) > 3 {
			return ""
		}
		if len(words) == 3 {
			words = words[2:]
		}
		for _, k := range texts.Keywords(l.Code, "kw_language") {
			if phraseIn(strings.Fields(k), words) {
				return l.Code
			}
		}
	}
	return ""
}

func buttonsOf(list []shown) []Button {
	out := make([]Button, len(list))
	for i, s := range list {
		out[i] = Button{Text: s.T, Data: s.D, Role: s.R}
	}
	return out
}

// typedOption dispatches typed text that picks one of the buttons on
// offer as a press of it; false when it picks none.
func (c *Conv) typedOption(text string) (bool, error) {
	last, step := c.options()
	data := Option(c.e.Texts, c.Lang(), text, buttonsOf(last))
	if _, err := strconv.Atoi(locales.Fold(c.Lang(), text)); data == "" && (err != nil || len(last) == 0) {
		data = Option(c.e.Texts, c.Lang(), text, buttonsOf(step))
	}
	if data == "" {
		return false, nil
	}
	h := c.e.router.button(data)
	if h == nil {
		return false, nil
	}
	c.ev.Kind, c.ev.Data, c.ev.Typed = KindButton, data, true
	n := len(c.out)
	err := h(c)
	// A press may edit its message in place; a typed answer has no
	// message of ours to edit.
	for i := n; i < len(c.out); i++ {
		c.out[i].Replace = false
	}
	return true, err
}

// typedIntent answers an intent typed in words; false when there is none.
func (c *Conv) typedIntent(text string) (bool, error) {
	if locales.Fold(c.Lang(), text) == "" && strings.ContainsAny(text, "?؟") {
		return true, help(c) // a lone question mark: what can I do here?
	}
	if code := LanguageNamed(c.e.Texts, text); code != "" && code != c.Lang() {
		c.st.Lang = code
		c.Say(c.T("language_changed", nil))
		if c.st.Step == StepLanguage {
			c.Enter(StepConsent)
			if c.st.Consented() && c.e.router.first != "" {
				c.Enter(c.e.router.first)
			}
		}
		return true, c.Render()
	}
	// At a question "stop" (the whole message) is a wish to stop
	// answering, "stop de vacatures" still ends the vacancy messages,
	// and "werk" may be an answer; at the menu "stop" ends the vacancy
	// messages.
	atQuestion := c.Question() != ""
	if h := c.e.router.intents[IntentStop]; atQuestion && h != nil && keyword(c.e.Texts, c.Lang(), "kw_"+IntentStop, locales.Fold(c.Lang(), text)) {
		return true, h(c)
	}
	skip := func(in string) bool {
		return in == IntentStop || atQuestion && (in == IntentJobs || in == IntentAlerts)
	}
	var names []string
	for _, in := range Intents {
		if c.e.router.intents[in] != nil && !skip(in) {
			names = append(names, in)
		}
	}
	for _, in := range c.e.router.intentOrder {
		if !contains(Intents, in) && !skip(in) {
			names = append(names, in)
		}
	}
	in := Intent(c.e.Texts, c.Lang(), text, names)
	if in == "" {
		return false, nil
	}
	return true, c.e.router.intents[in](c)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// keep keeps a long message for staff.
func (c *Conv) keep(text string) {
	s := keptPart.Of(c)
	s.Messages = append(s.Messages, Kept{Text: text, At: c.Now()})
	if len(s.Messages) > MaxKept {
		s.Messages = s.Messages[len(s.Messages)-MaxKept:]
	}
}

// notUnderstood answers typed text that nothing took: a long message is
// kept for staff (with consent) and they are offered a person; anything
// else gets a short answer with the current question's buttons and a way
// to a person, at most once per question.
func (c *Conv) notUnderstood() error {
	text := strings.TrimSpace(c.ev.Text)
	if utf8.RuneCountInString(text) >= LongRunes {
		switch row := c.Escape(); {
		case c.keepsForStaff():
			c.keep(text)
			c.Say(c.T("kept_for_staff", nil), c.personRow())
		case row != nil && row[0].Data != "office":
			c.Say(c.T("long_not_kept", nil), row)
		default:
			c.Say(c.T("long_not_kept", nil) + "\n\n" + c.OfficeContact())
		}
		// The question they were at stays open.
		return c.AskAgain()
	}
	if c.st.Step == StepMenu {
		return c.Reask("bad_free_text", nil)
	}
	return c.Reask("bad_not_understood", nil)
}

// personRow is the way to a person: the staff side's, or the office's
// contact when no staff side is connected.
func (c *Conv) personRow() []Button {
	if row := c.Escape(); row != nil {
		return row
	}
	return []Button{{Text: c.T("menu_person", nil), Data: "office"}}
}

// typedReask counts a re-ask of the current question for typed input and
// reports how: the first time in full (the question again, with its
// buttons), later ones short. In a flood the short line comes twice and
// then nothing while the tries keep coming in quick succession; a try
// ReaskPause after the last answer, or one typed at a person's pace
// (FloodGap or more after the previous message), gets the short line
// again.
func (c *Conv) typedReask() (full, short bool) {
	switch c.ev.Kind {
	case KindText, KindMedia, KindEdited:
	default:
		return true, false
	}
	c.reasked = true
	s := inputPart.Of(c)
	if s.Reasked != c.Step() {
		s.Reasked, s.Times = c.Step(), 0
	}
	now := c.Now()
	if s.Times >= 3 && (now.Sub(s.At) >= ReaskPause || !c.flooding()) {
		s.Times = 2
	}
	s.Times++
	switch {
	case s.Times == 1:
		s.At = now
		return true, false
	case s.Times <= 3:
		s.At = now
		return false, true
	}
	return false, false
}

// flooding reports whether this message came in quick succession after
// the person's previous one, as a flood does and typing does not.
func (c *Conv) flooding() bool {
	return !c.prevSeen.IsZero() && c.Now().Sub(c.prevSeen) < FloodGap
}

// stepButtons are the buttons of the current step, without its text.
func (c *Conv) stepButtons() [][]Button {
	n := len(c.out)
	defer func() { c.out = c.out[:n] }()
	if err := c.Render(); err != nil {
		return nil
	}
	var rows [][]Button
	for _, r := range c.out[n:] {
		rows = append(rows, r.Buttons...)
	}
	return rows
}

// AskAgain shows the open question again under an answer to something
// the person typed meanwhile (a question the FAQ answered, help). It is
// no strike against the person (see Reask): it only stays away while a
// flood is coming in and the question was shown in this burst already,
// so that a flood of questions does not bring it back under every
// answer.
func (c *Conv) AskAgain() error {
	if c.st == nil || c.Question() == "" {
		return nil
	}
	switch c.ev.Kind {
	case KindText, KindMedia, KindEdited:
	default:
		return c.Render()
	}
	c.reasked = true
	s := inputPart.Of(c)
	if s.Reasked != c.Step() {
		s.Reasked, s.Times = c.Step(), 0
	}
	if s.Times > 0 && c.flooding() {
		return nil
	}
	if s.Times == 0 {
		s.Times, s.At = 1, c.Now()
	}
	return c.Render()
}

// settle ends a turn for the typed-input state: the buttons shown are
// remembered, and a turn that moved on clears the re-ask count.
func (c *Conv) settle() {
	if c.st == nil {
		return
	}
	if !c.reasked && !c.ev.Kind.Proactive() {
		s := inputPart.Of(c)
		s.Reasked, s.Times = "", 0
	}
	c.remember()
}

// KeptMessagesOf are the long messages kept for staff in st, outside a
// turn (tests, the staff side).
func KeptMessagesOf(st *State) []Kept {
	s, _ := keptPart.Read(st)
	return s.Messages
}

// IntentButtons routes intents typed in words to buttons that flows
// already own (intent → callback data), so that "stop de berichten"
// reaches the vacancy flow's stop button without that flow parsing text.
// cmd/werkwijzer registers it with the flows it turned on.
type IntentButtons map[string]string

// Register implements Flow.
func (m IntentButtons) Register(r *Router) {
	for _, in := range Intents {
		if data, ok := m[in]; ok {
			r.Intent(in, Press(data))
		}
	}
}
