package staff

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/slack-go/slack"
)

// Staff texts are Dutch by design: the coaches who read Slack work in Dutch,
// whatever language the jobseeker chose. They live here as constants, not in
// locales/, which holds the jobseeker-facing texts in every language.
const (
	titleSignup     = "Nieuwe inschrijving"
	titleOriented   = "Oriëntatie afgerond"
	titleHandover   = "Vraagt een medewerker"
	titleBooked     = "Afspraak geboekt"
	titleCancelled  = "Afspraak geannuleerd"
	titleMoved      = "Afspraak verplaatst"
	titlePromoted   = "Van de wachtlijst: plaats gekregen"
	titleNoShow     = "Niet komen opdagen"
	titleInterested = "Interesse in een vacature"
	titleMessage    = "Bericht van een werkzoekende"
	titleDigest     = "Weekoverzicht inschrijflinks"
	titlePhone      = "Telefoonnummer voor je gesprek"
	titleInterp     = "Vraagt een tolk"
	titleAgain      = " (nog niet opgenomen)"
	titleOther      = "Melding"

	labelLang = "Taal"
	labelRef  = "Referentie"

	buttonTakeOver = "Overnemen"
	buttonHandBack = "Teruggeven aan de bot"
	buttonAttended = "Aanwezig"
	buttonNoShow   = "Niet gekomen"
	textAttendance = "Na de afspraak: was de persoon er?"

	takenBy     = "Opgenomen door <@%s>. Antwoord in de thread; *Teruggeven aan de bot* of `/done` in de thread rondt af."
	titleErased = "Gegevens gewist"
	textErased  = "Deze persoon heeft zijn gegevens gewist (/forget). Wat hier stond, is verwijderd."

	labelAtQuestion = "Bij de vraag"
	labelAdvice     = "Geadviseerd"
	labelAnswers    = "Antwoorden"
	valueNotShared  = "Niet gedeeld: de persoon wil dat coaches ze niet zien."
	labelMessage    = "Bericht"
	labelVia        = "Via"
	labelPartner    = "Partner"
	labelWeek       = "Week"
)

// ActionHandoverTake is the action_id of the "Overnemen" button on a
// handover; the interactivity handler that lets a coach take over the
// conversation matches on it. Its value is the notification's ChatRef.
const ActionHandoverTake = "handover_take"

// ActionAttended and ActionNoShow are the attendance buttons on a booking
// (and on a move or a promotion, which are bookings too); their value is
// "<item id>|<ChatRef>".
const (
	ActionAttended = "attended"
	ActionNoShow   = "no_show"
)

// ActionHandoverBack is the action_id of the button that hands a taken
// conversation back to the bot; its value is the ChatRef too.
const ActionHandoverBack = "handover_back"

// Slack's limits on Block Kit (api.slack.com/reference/block-kit/blocks):
// a header's text is at most 150 characters, a section has at most 10
// fields of at most 2000 characters each, a message at most 50 blocks.
const (
	maxHeader       = 150
	maxFieldsPerSec = 10
	maxFieldText    = 2000
	maxBlocks       = 50
)

// Title is the Dutch title staff see for kind k.
func Title(k Kind) string {
	switch k {
	case KindSignup:
		return titleSignup
	case KindOriented:
		return titleOriented
	case KindHandover:
		return titleHandover
	case KindBooked:
		return titleBooked
	case KindCancelled:
		return titleCancelled
	case KindMoved:
		return titleMoved
	case KindPromoted:
		return titlePromoted
	case KindNoShow:
		return titleNoShow
	case KindInterested:
		return titleInterested
	case KindMessage:
		return titleMessage
	case KindDigest:
		return titleDigest
	case KindPhone:
		return titlePhone
	case KindInterpreter:
		return titleInterp
	}
	return titleOther + ": " + string(k)
}

// Blocks renders n as a Slack message: a header with the title, the facts as
// section fields, a context line with the language, the reference and the
// time, and for a handover a button to take the conversation over.
// Values come from jobseekers and feeds, so they are neutralised: a name
// or a vacancy title cannot ping @channel or smuggle in a link.
func Blocks(n Notification) []slack.Block {
	blocks := facts(n)
	if n.Kind == KindHandover {
		btn := slack.NewButtonBlockElement(ActionHandoverTake, n.ChatRef, slack.NewTextBlockObject(slack.PlainTextType, buttonTakeOver, false, false))
		btn.Style = slack.StylePrimary
		blocks = append(blocks, slack.NewActionBlock("", btn))
	}
	if n.Item != "" && (n.Kind == KindBooked || n.Kind == KindMoved || n.Kind == KindPromoted) {
		v := n.Item + "|" + n.ChatRef
		came := slack.NewButtonBlockElement(ActionAttended, v, slack.NewTextBlockObject(slack.PlainTextType, buttonAttended, false, false))
		came.Style = slack.StylePrimary
		missed := slack.NewButtonBlockElement(ActionNoShow, v, slack.NewTextBlockObject(slack.PlainTextType, buttonNoShow, false, false))
		blocks = append(blocks,
			slack.NewContextBlock("", slack.NewTextBlockObject(slack.PlainTextType, textAttendance, false, false)),
			slack.NewActionBlock("", came, missed))
	}
	return blocks
}

// BlocksTaken is a handover's message once user took it: who has it, and
// the button that hands the conversation back to the bot.
func BlocksTaken(n Notification, user string) []slack.Block {
	btn := slack.NewButtonBlockElement(ActionHandoverBack, n.ChatRef, slack.NewTextBlockObject(slack.PlainTextType, buttonHandBack, false, false))
	return append(facts(n),
		slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, fmt.Sprintf(takenBy, escape(user)), false, false)),
		slack.NewActionBlock("", btn))
}

// BlocksClosed is a handover's message once it is over, with why.
func BlocksClosed(n Notification, why string) []slack.Block {
	return append(facts(n), slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, why, false, false)))
}

// BlocksErased replaces whatever was posted about a person who used
// /forget: nothing of theirs stays readable in Slack.
func BlocksErased() []slack.Block {
	return []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, titleErased, false, false)),
		slack.NewContextBlock("", slack.NewTextBlockObject(slack.PlainTextType, textErased, false, false)),
	}
}

// facts is a notification without its buttons.
func facts(n Notification) []slack.Block {
	blocks := []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, clip(title(n), maxHeader), true, false)),
	}
	var fields []*slack.TextBlockObject
	for _, f := range n.Fields {
		text := "*" + escape(f.Label) + "*\n" + neutral(f.Value)
		// verbatim: Slack must not turn words into links or mentions.
		fields = append(fields, slack.NewTextBlockObject(slack.MarkdownType, clip(text, maxFieldText), false, true))
	}
	for len(fields) > 0 && len(blocks) < maxBlocks-2 {
		k := min(len(fields), maxFieldsPerSec)
		blocks = append(blocks, slack.NewSectionBlock(nil, fields[:k], nil))
		fields = fields[k:]
	}
	meta := []string{labelLang + ": " + escape(n.Lang)}
	if n.ChatRef != "" {
		meta = append(meta, labelRef+": "+escape(n.ChatRef))
	}
	if !n.At.IsZero() {
		// Slack shows the date in each reader's own time zone; the
		// fallback after | is for clients that cannot.
		meta = append(meta, fmt.Sprintf("<!date^%d^{date_num} {time}|%s>", n.At.Unix(), n.At.UTC().Format("2006-01-02 15:04 UTC")))
	}
	return append(blocks, slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, strings.Join(meta, " · "), false, false)))
}

func title(n Notification) string {
	if n.Again > 0 {
		return Title(n.Kind) + titleAgain
	}
	return Title(n.Kind)
}

// Fallback is the plain text of n that Slack shows where blocks are not
// rendered (notifications on a phone's lock screen): the title and the
// reference, nothing personal.
func Fallback(n Notification) string {
	s := title(n)
	if n.ChatRef != "" {
		s += " · " + n.ChatRef
	}
	return s
}

// escaper makes text safe for mrkdwn: Slack reads <...> as links and
// mentions, and asks for exactly these three characters to be escaped.
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func escape(s string) string { return escaper.Replace(s) }

// broadcast matches the words Slack reads as mentions of everyone even
// without angle brackets (with link_names, or in clients that parse
// plain text).
var broadcast = regexp.MustCompile(`(?i)@(here|channel|everyone)\b`)

// neutral makes text that a jobseeker or a feed wrote harmless in Slack:
// <!here>, <!channel>, <@U…> and <#C…> lose their brackets (escape), and a
// plain @here, @channel or @everyone gets an invisible word joiner after
// the @, so that it reads the same and notifies nobody.
func neutral(s string) string { return broadcast.ReplaceAllString(escape(s), "@\u2060$1") }

// clip cuts s to at most n characters (runes, as Slack counts them).
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
