package staff

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/handover"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/locales"
	"github.com/werkwijzer/werkwijzer/outreach"
)

// Dutch texts for staff in Slack (see blocks.go for why they are not in
// locales/).
const (
	textWithdrawn     = "Ingetrokken door de werkzoekende."
	textHandedBack    = "Teruggegeven aan de bot door <@%s>."
	textThreadTaken   = "<@%s> neemt het gesprek over. Wat je in deze thread schrijft, krijgt de werkzoekende op Telegram. Klaar? Druk op *Teruggeven aan de bot* of schrijf `/done`."
	textThreadBack    = "Het gesprek is teruggegeven aan de bot."
	textThreadErased  = "De werkzoekende heeft zijn gegevens gewist (/forget). Het gesprek is afgesloten."
	textAlreadyTaken  = "<@%s> heeft dit gesprek al overgenomen."
	textNotOpen       = "Deze vraag is niet meer open: ingetrokken, al afgerond, of de persoon heeft zijn gegevens gewist."
	textNotTaken      = "Dit gesprek is niet (meer) overgenomen."
	textMarkedCame    = "✅ Aanwezig, gemarkeerd door <@%s>."
	textMarkedMissed  = "❌ Niet gekomen, gemarkeerd door <@%s>. De persoon krijgt een vriendelijk bericht met de vraag om een nieuw moment te kiezen."
	textMarkedAlready = "Dit was al zo gemarkeerd."
	textNoSeat        = "Deze persoon heeft geen plaats (meer) op deze afspraak: geannuleerd, verplaatst of gegevens gewist."
	textAttendOff     = "Aanwezigheid kan hier niet gemarkeerd worden; gebruik `werkwijzer attendance`."
	textNotStarted    = "Deze afspraak is nog niet begonnen. Aanwezigheid markeer je vanaf het begin van de afspraak."
	textVideoUsage    = "Zo geef je de link van een videogesprek: `/werkwijzer video ID https://…`, met de id van het gesprek (zie `werkwijzer items`). De persoon krijgt de link bij de herinnering twee uur vooraf."
	textVideoOff      = "Videolinks kunnen hier niet gegeven worden."
	textVideoSaved    = "Link bewaard voor %s. De persoon krijgt hem bij de herinnering twee uur vooraf."
	textVideoSent     = "Link bewaard voor %s en meteen gestuurd: de herinnering was al vertrokken."
	textVideoNoTalk   = "Er is geen videogesprek met id `%s`."
	textVideoBad      = "Dat kan niet: %s."
	textNotDelivered  = "Je bericht kon niet bij de werkzoekende geraken. Probeer het zo opnieuw."
	textUndelivered   = "⚠️ Niet afgeleverd: %s"
	reasonBlocked     = "de werkzoekende heeft de bot geblokkeerd. Dit gesprek kan alleen verder als die de bot weer opent."
	reasonRefused     = "Telegram weigerde het bericht (%s). Pas het aan en stuur het opnieuw."
	reasonGone        = "de werkzoekende heeft geen gesprek meer met de bot (gegevens gewist of verlopen)."
	reasonDown        = "Telegram of Redis hapert. Slack stuurt je bericht zo opnieuw; staat dit er nog eens, probeer het dan later."
	reasonPartly      = " %d deel/delen kwam(en) wel aan."
	textNotStaff      = "Alleen medewerkers van het werkteam kunnen dit (SLACK_STAFF). Wat je in deze thread schrijft, krijgt de werkzoekende niet te zien. Hoor je bij het team? Vraag een beheerder om je toe te voegen."
	textStaffUnknown  = "Slack kon nu niet zeggen of je bij het werkteam hoort; er is niets gebeurd. Probeer het zo opnieuw."
	textNotYours      = "Alleen <@%s>, die het gesprek overnam, of een beheerder (SLACK_ADMINS) kan het teruggeven aan de bot."
	nameFallback      = "Een medewerker"
	textTakeNotTold   = "De werkzoekende kon niet verwittigd worden dat je het gesprek overneemt (Telegram of Redis haperde). De vraag staat weer open: druk zo opnieuw op *Overnemen*."
	textCommandsHelp  = "*Werkwijzer voor medewerkers*\n• `/werkwijzer stats`: inschrijvingen en afgeronde oriëntaties vandaag en deze week, en open vragen voor een medewerker.\n• `/werkwijzer link PARTNER [plaats] [lang=ar] [sector=port]`: een inschrijflink met QR-code voor outreachwerkers, bijvoorbeeld `/werkwijzer link buurthuis-kiel Kiel, zaal 2 lang=ar`.\n• `/werkwijzer help`: deze uitleg.\nVraagt iemand een medewerker, dan verschijnt hier een bericht met *Overnemen*."
	textLinkUsage     = "Zo maak je een link: `/werkwijzer link PARTNER [plaats] [lang=ar] [sector=port]`, met de id van een partner uit het partnerregister."
	textLinkMade      = "Inschrijflink voor *%s*%s:\n%s\nDe QR-code staat hieronder in het kanaal; druk hem af of stuur hem door."
	textLinkNoQR      = "\n(De QR-code kon niet in het kanaal geplaatst worden; maak hem met `werkwijzer link --qr`.)"
	textLinksOff      = "Inschrijflinks zijn hier niet ingesteld."
	textLinkBadLang   = "Taal `%s` kent de bot niet. Kies uit: %s."
	textLinkBadSector = "Sector `%s` bestaat niet. Kies uit: %s."
	textLinkNoPartner = "Partner `%s` staat niet in het partnerregister (werkwijzer import partners)."
	textLinkBadPlace  = "De plaats mag één regel van hoogstens %d tekens zijn, zonder |."
	textUnknownAction = "Onbekende opdracht `%s`.\n\n"
)

var dutchDays = []string{"zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"}
var dutchMonths = []string{"", "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
	"september", "oktober", "november", "december"}

// MaxSlackBody bounds what we read of one request from Slack; its payloads
// are a few kilobytes.
const MaxSlackBody = 1 << 20

// RequestTimeout bounds the handling of one request from Slack, over HTTP
// or Socket Mode. It runs detached from the caller, so that Slack hanging
// up, or a stop, cannot cut it between changing a conversation and saying
// so.
const RequestTimeout = 30 * time.Second

// Handler serves Slack's requests: the Events API at /slack/events
// (url_verification, and replies in a taken-over conversation's thread),
// interactivity at /slack/actions (the Overnemen and Teruggeven buttons),
// and the /werkwijzer slash command at /slack/commands. Every request must
// carry a valid signature made with the signing secret within the last five
// minutes; anything else gets 401 and changes nothing.
func (s *Staff) Handler() http.Handler {
	if s.SigningSecret == "" {
		panic("staff: Handler needs the Slack signing secret")
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/slack/events", s.verified(s.events))
	mux.HandleFunc("/slack/actions", s.verified(s.actions))
	mux.HandleFunc("/slack/commands", s.verified(s.commands))
	return mux
}

// verified reads and checks a request's signature before anything else
// looks at it (api.slack.com/authentication/verifying-requests-from-slack);
// slack-go's verifier refuses timestamps more than five minutes away.
func (s *Staff) verified(next func(w http.ResponseWriter, r *http.Request, body []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxSlackBody))
		if err != nil {
			http.Error(w, "could not read body", http.StatusRequestEntityTooLarge)
			return
		}
		v, err := slack.NewSecretsVerifier(r.Header, s.SigningSecret)
		if err == nil {
			v.Write(body)
			err = v.Ensure()
		}
		if err != nil {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		// Slack waits three seconds; our work must not end when it hangs up.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), RequestTimeout)
		defer cancel()
		next(w, r.WithContext(ctx), body)
	}
}

func (s *Staff) events(w http.ResponseWriter, r *http.Request, body []byte) {
	status, reply := s.event(r.Context(), body)
	if reply != "" {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(status)
		io.WriteString(w, reply)
		return
	}
	w.WriteHeader(status)
}

// event handles one Events API payload (the same over HTTP and Socket
// Mode) and returns the HTTP status that says whether Slack must deliver
// it again (5xx), and for url_verification the challenge to echo.
func (s *Staff) event(ctx context.Context, body []byte) (status int, reply string) {
	var outer struct {
		Type      string          `json:"type"`
		Challenge string          `json:"challenge"`
		EventID   string          `json:"event_id"`
		Event     json.RawMessage `json:"event"`
	}
	if err := json.Unmarshal(body, &outer); err != nil {
		return http.StatusBadRequest, "not an event"
	}
	switch outer.Type {
	case "url_verification":
		return http.StatusOK, outer.Challenge
	case "event_callback":
	default:
		return http.StatusOK, ""
	}
	var ev struct {
		Type     string `json:"type"`
		SubType  string `json:"subtype"`
		User     string `json:"user"`
		BotID    string `json:"bot_id"`
		Text     string `json:"text"`
		Channel  string `json:"channel"`
		TS       string `json:"ts"`
		ThreadTS string `json:"thread_ts"`
	}
	json.Unmarshal(outer.Event, &ev)
	// Only people's messages: not bots (our own posts are recorded when we
	// post them), not edits, deletions or joins (subtypes).
	switch ev.SubType {
	case "", "thread_broadcast", "file_share", "me_message":
	default:
		return http.StatusOK, ""
	}
	if ev.Type != "message" || ev.BotID != "" || ev.User == "" {
		return http.StatusOK, ""
	}
	first, err := s.Requests.firstTime(ctx, outer.EventID)
	if err != nil {
		return http.StatusInternalServerError, "try again"
	}
	if !first {
		return http.StatusOK, "" // Slack's retry of what we handle or handled
	}
	if err := s.message(ctx, ev.User, ev.Channel, ev.TS, ev.ThreadTS, ev.Text); err != nil {
		s.Requests.unsee(ctx, outer.EventID)
		return http.StatusInternalServerError, "not delivered"
	}
	return http.StatusOK, ""
}

// refMention finds the references staff may type in the channel.
var refMention = regexp.MustCompile(`\bWW-[0-9A-F]{10}\b`)

// message handles what user wrote in channel (at ts, in the thread under
// threadTS when it is a reply): every message about a person is recorded
// for /forget (a reply under a notification about them, or one that names
// their reference), and a staff member's reply in a taken conversation's
// thread goes to the person. An error asks Slack to deliver the event again.
func (s *Staff) message(ctx context.Context, user, channel, ts, threadTS, raw string) error {
	about := map[string]bool{}
	if threadTS != "" {
		ref, err := s.Requests.About(ctx, channel, threadTS)
		if err != nil {
			return err
		}
		if ref != "" {
			about[ref] = true
		}
	}
	for _, ref := range refMention.FindAllString(raw, -1) {
		if known, err := s.Requests.Known(ctx, ref); err != nil {
			return err
		} else if known {
			about[ref] = true
		}
	}
	for ref := range about {
		if err := s.Requests.Wrote(ctx, ref, channel, ts, WhatHuman); err != nil {
			return err
		}
	}
	if threadTS == "" {
		return nil
	}
	req, err := s.Requests.ByThread(ctx, channel, threadTS)
	if err != nil {
		return err
	}
	if req == nil {
		return nil // a thread of ours that is not a live conversation
	}
	if !s.allowed(ctx, user, channel, threadTS) {
		return nil
	}
	text := Plain(raw)
	switch strings.ToLower(text) {
	case "/done", "done", "klaar":
		return s.handBack(ctx, req.Ref, user, channel, threadTS)
	case "":
		return nil
	}
	name := req.Name
	if user != req.Staff {
		name = s.firstName(ctx, user, "") // a colleague answering in the thread
	}
	n, err := s.inject(ctx, dialogs.Event{ChatID: req.Chat, Kind: dialogs.KindStaff, Command: handover.StaffSay, Text: text, Data: name})
	if why := undelivered(n, err); why != "" {
		s.post(ctx, req.Ref, channel, threadTS, fmt.Sprintf(textUndelivered, why))
	}
	if err != nil && !errors.Is(err, dialogs.ErrNotFound) && !errors.Is(err, dialogs.ErrInvalid) {
		return err // Slack tries again; it may get through then
	}
	return nil
}

// undelivered is why a staff member's reply did not reach the person, in
// Dutch, or "" when it did.
func undelivered(delivered int, err error) string {
	var why string
	var de *dialogs.Error
	switch {
	case err == nil && delivered != 0:
		return "" // arrived, or queued behind the person's own messages
	case err == nil:
		return reasonGone
	case errors.Is(err, dialogs.ErrNotFound):
		why = reasonBlocked
	case errors.Is(err, dialogs.ErrInvalid) && errors.As(err, &de) && de.Err != nil:
		why = fmt.Sprintf(reasonRefused, escape(de.Err.Error()))
	case errors.Is(err, dialogs.ErrInvalid):
		why = fmt.Sprintf(reasonRefused, "geen reden opgegeven")
	default:
		why = reasonDown
	}
	if delivered > 0 {
		why += fmt.Sprintf(reasonPartly, delivered)
	}
	return why
}

func (s *Staff) team() *Team { return s.Team.bind(s.API, s.Clock) }

// allowed tells whether user may act as staff; if not, they are told why,
// privately (in the thread threadTS when it is not "").
func (s *Staff) allowed(ctx context.Context, user, channel, threadTS string) bool {
	ok, err := s.team().IsStaff(ctx, user)
	if ok {
		return true
	}
	text := textNotStaff
	if err != nil {
		s.Log.Warn("staff: cannot tell who is staff", "err", err)
		text = textStaffUnknown
	}
	var opts []slack.MsgOption
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	s.ephemeral(ctx, channel, user, text, opts...)
	return false
}

func (s *Staff) actions(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	w.WriteHeader(s.interaction(r.Context(), []byte(form.Get("payload"))))
}

// interaction handles one interactivity payload (the same over HTTP and
// Socket Mode): the Overnemen and Teruggeven buttons.
func (s *Staff) interaction(ctx context.Context, payload []byte) int {
	var cb slack.InteractionCallback
	if err := json.Unmarshal(payload, &cb); err != nil {
		return http.StatusBadRequest
	}
	if cb.Type != slack.InteractionTypeBlockActions {
		return http.StatusOK
	}
	channel, ts := cb.Container.ChannelID, cb.Container.MessageTs
	if channel == "" {
		channel, ts = cb.Channel.ID, cb.Message.Timestamp
	}
	for _, a := range cb.ActionCallback.BlockActions {
		switch a.ActionID {
		case ActionHandoverTake, ActionHandoverBack, ActionAttended, ActionNoShow:
			if !s.allowed(ctx, cb.User.ID, channel, "") {
				continue
			}
		}
		switch a.ActionID {
		case ActionHandoverTake:
			s.take(ctx, a.Value, cb.User.ID, cb.User.Name, channel, ts)
		case ActionHandoverBack:
			if err := s.handBack(ctx, a.Value, cb.User.ID, channel, ""); err != nil {
				s.Log.Warn("staff: hand back failed", "err", err)
			}
		case ActionAttended, ActionNoShow:
			s.attend(ctx, a.Value, a.ActionID == ActionAttended, cb.User.ID, channel, ts, cb.Message.Blocks)
		}
	}
	return http.StatusOK
}

// attend records attendance from a booking's buttons, and replaces the
// buttons with who marked what, so the next reader sees it is done.
func (s *Staff) attend(ctx context.Context, value string, came bool, user, channel, ts string, shown slack.Blocks) {
	item, ref, ok := strings.Cut(value, "|")
	if !ok || s.Attendance == nil {
		s.ephemeral(ctx, channel, user, textAttendOff)
		return
	}
	changed, err := s.Attendance.Attend(ctx, item, ref, s.Ref, came)
	switch {
	case errors.Is(err, dialogs.ErrNotFound):
		s.ephemeral(ctx, channel, user, textNoSeat)
		return
	case errors.Is(err, dialogs.ErrInvalid):
		s.ephemeral(ctx, channel, user, textNotStarted)
		return
	case err != nil:
		s.Log.Warn("staff: attendance not recorded", "err", err)
		s.ephemeral(ctx, channel, user, textNotDelivered)
		return
	case !changed:
		s.ephemeral(ctx, channel, user, textMarkedAlready)
		return
	}
	text := fmt.Sprintf(textMarkedCame, user)
	if !came {
		text = fmt.Sprintf(textMarkedMissed, user)
	}
	var blocks []slack.Block
	for _, b := range shown.BlockSet {
		if b.BlockType() != slack.MBTAction && !isAttendanceQuestion(b) {
			blocks = append(blocks, b)
		}
	}
	blocks = append(blocks, slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, text, false, false)))
	s.update(ctx, channel, ts, blocks, titleBooked)
}

func isAttendanceQuestion(b slack.Block) bool {
	c, ok := b.(*slack.ContextBlock)
	if !ok {
		return false
	}
	for _, e := range c.ContextElements.Elements {
		if t, ok := e.(*slack.TextBlockObject); ok && t.Text == textAttendance {
			return true
		}
	}
	return false
}

// take gives a waiting request to user, or tells them who has it.
func (s *Staff) take(ctx context.Context, ref, user, username, channel, ts string) {
	name := s.firstName(ctx, user, username)
	req, err := s.Requests.Take(ctx, ref, user, name, channel, ts)
	switch {
	case errors.Is(err, ErrTaken):
		s.ephemeral(ctx, channel, user, fmt.Sprintf(textAlreadyTaken, req.Staff))
		return
	case errors.Is(err, ErrClosed):
		s.ephemeral(ctx, channel, user, textNotOpen)
		return
	case err != nil:
		s.Log.Warn("staff: take over failed", "err", err)
		s.ephemeral(ctx, channel, user, textNotDelivered)
		return
	}
	s.update(ctx, channel, ts, BlocksTaken(req.Notification, user), Fallback(req.Notification))
	s.post(ctx, ref, channel, ts, fmt.Sprintf(textThreadTaken, user))
	if _, err := s.inject(ctx, dialogs.Event{ChatID: req.Chat, Kind: dialogs.KindStaff, Command: handover.StaffTake, Data: name}); err != nil {
		// The person was not told, so their messages would not reach
		// the thread: put the request back for another press.
		if err := s.Requests.Release(ctx, ref, s.Clock.Now()); err != nil {
			s.Log.Warn("staff: cannot put the request back", "err", err)
		}
		s.update(ctx, channel, ts, Blocks(req.Notification), Fallback(req.Notification))
		s.post(ctx, ref, channel, ts, textTakeNotTold)
	}
}

// handBack ends a taken conversation, when user took it or is an admin;
// the bot picks up where it was. threadTS is where user asked ("" for the
// button).
func (s *Staff) handBack(ctx context.Context, ref, user, channel, threadTS string) error {
	var opts []slack.MsgOption
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	cur, err := s.Requests.Get(ctx, ref)
	if err != nil {
		return err
	}
	if cur == nil || !cur.Active {
		s.ephemeral(ctx, channel, user, textNotTaken, opts...)
		return nil
	}
	if cur.Staff != user {
		admin, err := s.team().IsAdmin(ctx, user)
		if err != nil {
			s.Log.Warn("staff: cannot tell who is an admin", "err", err)
			s.ephemeral(ctx, channel, user, textStaffUnknown, opts...)
			return nil
		}
		if !admin {
			s.ephemeral(ctx, channel, user, fmt.Sprintf(textNotYours, cur.Staff), opts...)
			return nil
		}
	}
	req, err := s.Requests.Back(ctx, ref)
	if err != nil {
		return err
	}
	if req == nil {
		s.ephemeral(ctx, channel, user, textNotTaken, opts...)
		return nil
	}
	s.update(ctx, req.Channel, req.TS, BlocksClosed(req.Notification, fmt.Sprintf(textHandedBack, user)), Fallback(req.Notification))
	s.post(ctx, ref, req.Channel, req.TS, textThreadBack)
	s.inject(ctx, dialogs.Event{ChatID: req.Chat, Kind: dialogs.KindStaff, Command: handover.StaffBack})
	return nil
}

func (s *Staff) commands(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	text, err := s.command(r.Context(), form.Get("user_id"), form.Get("text"), form.Get("channel_id"))
	if err != nil {
		http.Error(w, "try again", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(commandReply(text))
}

func commandReply(text string) map[string]string {
	return map[string]string{"response_type": "ephemeral", "text": text}
}

// command answers "/werkwijzer <text>" typed by user in channel, for them
// alone; only staff get more than the reason why not.
func (s *Staff) command(ctx context.Context, user, text, channel string) (string, error) {
	if ok, err := s.team().IsStaff(ctx, user); !ok {
		if err != nil {
			s.Log.Warn("staff: cannot tell who is staff", "err", err)
			return textStaffUnknown, nil
		}
		return textNotStaff, nil
	}
	args := strings.Fields(text)
	switch {
	case len(args) == 0 || args[0] == "help":
		return textCommandsHelp, nil
	case args[0] == "link":
		return s.link(ctx, args[1:], channel)
	case args[0] == "video":
		return s.video(ctx, args[1:])
	case args[0] == "stats":
		out, err := s.stats(ctx)
		if err != nil {
			s.Log.Warn("staff: stats failed", "err", err)
		}
		return out, err
	}
	return fmt.Sprintf(textUnknownAction, escape(args[0])) + textCommandsHelp, nil
}

// video takes a video talk's link from its coach: "video ITEM URL".
func (s *Staff) video(ctx context.Context, args []string) (string, error) {
	if s.Videos == nil {
		return textVideoOff, nil
	}
	if len(args) != 2 {
		return textVideoUsage, nil
	}
	link, _, _ := strings.Cut(strings.Trim(args[1], "<>"), "|") // Slack may send <url|label>
	told, err := s.Videos.SetLink(ctx, args[0], link)
	var de *dialogs.Error
	switch {
	case errors.Is(err, dialogs.ErrNotFound):
		return fmt.Sprintf(textVideoNoTalk, escape(args[0])), nil
	case errors.Is(err, dialogs.ErrInvalid) && errors.As(err, &de) && de.Err != nil:
		return fmt.Sprintf(textVideoBad, escape(de.Err.Error())), nil
	case err != nil:
		return "", err
	case told > 0:
		return fmt.Sprintf(textVideoSent, escape(args[0])), nil
	}
	return fmt.Sprintf(textVideoSaved, escape(args[0])), nil
}

// link makes a sign-up link from "link PARTNER [place...] [lang=..]
// [sector=..]" and shares its QR code in channel.
func (s *Staff) link(ctx context.Context, args []string, channel string) (string, error) {
	if s.Links == nil {
		return textLinksOff, nil
	}
	if len(args) == 0 {
		return textLinkUsage, nil
	}
	partner, lang, sector := args[0], "", ""
	var place []string
	for _, a := range args[1:] {
		switch {
		case strings.HasPrefix(a, "lang="):
			lang = strings.TrimPrefix(a, "lang=")
		case strings.HasPrefix(a, "sector="):
			sector = strings.TrimPrefix(a, "sector=")
		default:
			place = append(place, a)
		}
	}
	where := strings.Join(place, " ")
	problem := ""
	switch {
	case lang != "" && !locales.Supported(lang):
		problem = fmt.Sprintf(textLinkBadLang, escape(lang), strings.Join(languageCodes(), ", "))
	case sector != "" && !slices.Contains(orientation.Sectors, sector):
		problem = fmt.Sprintf(textLinkBadSector, escape(sector), strings.Join(orientation.Sectors, ", "))
	}
	var url string
	var qr []byte
	var err error
	if problem == "" {
		url, qr, err = s.Links.Make(ctx, outreach.Spec{Partner: partner, Place: where, Lang: lang, Sector: sector})
		switch {
		case errors.Is(err, dialogs.ErrNotFound):
			problem = fmt.Sprintf(textLinkNoPartner, escape(partner))
		case errors.Is(err, dialogs.ErrInvalid):
			problem = fmt.Sprintf(textLinkBadPlace, outreach.MaxPlace)
		case err != nil:
			return "", err
		}
	}
	if problem != "" {
		return problem + "\n" + textLinkUsage, nil
	}
	at := ""
	if where != "" {
		at = " (" + escape(where) + ")"
	}
	text := fmt.Sprintf(textLinkMade, escape(partner), at, url)
	if _, err := s.API.UploadFileContext(ctx, slack.UploadFileParameters{Channel: channel, Filename: "werkwijzer-link.png",
		FileSize: len(qr), Reader: bytes.NewReader(qr), Title: "Werkwijzer: " + partner + at, InitialComment: url}); err != nil {
		s.Log.Warn("staff: cannot share the QR code", "err", err)
		text += textLinkNoQR
	}
	return text, nil
}

// Stats is what /werkwijzer stats counts.
type Stats struct {
	SignupsToday, SignupsWeek   int
	OrientedToday, OrientedWeek int
	HandoversToday              int
	Waiting, Active             int64
}

// Stats counts today and this week (from Monday, in Brussels).
func (s *Staff) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	today := s.Clock.Now().In(brussels)
	back := (int(today.Weekday()) + 6) % 7 // days since Monday
	for i := 0; i <= back; i++ {
		day := today.AddDate(0, 0, -i)
		m, err := s.Requests.rdb.HGetAll(ctx, StatsKey(s.Requests.prefix, day)).Result()
		if err != nil {
			return st, err
		}
		signups, _ := strconv.Atoi(m[string(KindSignup)])
		oriented, _ := strconv.Atoi(m[string(KindOriented)])
		handovers, _ := strconv.Atoi(m[string(KindHandover)])
		st.SignupsWeek += signups
		st.OrientedWeek += oriented
		if i == 0 {
			st.SignupsToday, st.OrientedToday, st.HandoversToday = signups, oriented, handovers
		}
	}
	var err error
	st.Waiting, st.Active, err = s.Requests.Counts(ctx)
	return st, err
}

func (s *Staff) stats(ctx context.Context) (string, error) {
	st, err := s.Stats(ctx)
	if err != nil {
		return "", err
	}
	today := s.Clock.Now().In(brussels)
	monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
	day := func(t time.Time) string {
		return fmt.Sprintf("%s %d %s", dutchDays[t.Weekday()], t.Day(), dutchMonths[t.Month()])
	}
	return fmt.Sprintf("*Vandaag* (%s)\n• Inschrijvingen: %d\n• Oriëntaties afgerond: %d\n• Vragen voor een medewerker: %d\n"+
		"*Deze week* (sinds %s)\n• Inschrijvingen: %d\n• Oriëntaties afgerond: %d\n"+
		"*Open vragen voor een medewerker*\n• Wachtend: %d\n• In gesprek: %d",
		day(today), st.SignupsToday, st.OrientedToday, st.HandoversToday,
		day(monday), st.SignupsWeek, st.OrientedWeek, st.Waiting, st.Active), nil
}

var slackLink = regexp.MustCompile(`<([^>|]+)(?:\|([^>]*))?>`)

// Plain turns Slack's mrkdwn of a staff reply into the text a jobseeker
// should read: links as their label and address, mentions and the escapes
// Slack adds undone.
func Plain(s string) string {
	s = slackLink.ReplaceAllStringFunc(s, func(m string) string {
		p := slackLink.FindStringSubmatch(m)
		target, label := p[1], p[2]
		switch {
		case strings.HasPrefix(target, "@"), strings.HasPrefix(target, "#"), strings.HasPrefix(target, "!"):
			if label != "" {
				return label
			}
			return ""
		case strings.HasPrefix(target, "mailto:"):
			return strings.TrimPrefix(target, "mailto:")
		case label != "" && label != target:
			return label + " (" + target + ")"
		}
		return target
	})
	s = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
	return strings.TrimSpace(s)
}

func languageCodes() []string {
	var out []string
	for _, l := range locales.Languages {
		out = append(out, l.Code)
	}
	return out
}
