package dialogs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// JobOffer is a vacancy as one person sees it: the matching is done and
// the reasons are written in their language by the JobFinder.
type JobOffer struct {
	ID       string
	Title    string
	Employer string
	Place    string
	// Hours is "full", "part" or "both".
	Hours   string
	Reasons []string
	// What "not for me" remembers, to show fewer like it.
	Sector string
	Km     float64
	Shifts bool
}

// Rejected is a vacancy a person said was not for them, and why ("far",
// "hours", "sector" or ""), with what makes others like it.
type Rejected struct {
	ID     string  `json:"id"`
	Why    string  `json:"why,omitempty"`
	Sector string  `json:"sector,omitempty"`
	Km     float64 `json:"km,omitempty"`
	Hours  string  `json:"hours,omitempty"`
	Shifts bool    `json:"shifts,omitempty"`
}

// MaxRejected bounds the "not for me" list kept per person; the oldest go
// first.
const MaxRejected = 200

// JobFinder finds vacancies that fit a person, best first, leaving out
// those they rejected. The jobs package implements it over the vacancy
// catalogue.
type JobFinder interface {
	Offers(ctx context.Context, lang string, p Profile, rejected []Rejected, offset, n int) ([]JobOffer, error)
	// Offer is one vacancy, by id or by its handle (see JobHandle), as
	// p sees it; nil when it is no longer offered or does not fit.
	Offer(ctx context.Context, lang string, p Profile, idOrHandle string) (*JobOffer, error)
}

// MaxAlerted bounds the alerts remembered per person.
const MaxAlerted = 200

// JobHandle is a vacancy's id as button data can carry it: ids can be long
// URLs, and Telegram allows 64 bytes.
func JobHandle(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:5])
}

// prefetchJobs looks up the vacancies a jobs button needs, so that the
// engine stays free of I/O: the card at the pressed offset (for "next",
// "interested" and "not for me, because …", after recording the rejection).
func (s *Service) prefetchJobs(ctx context.Context, st *State, ev *Event) error {
	if s.Jobs == nil || st == nil || !st.Consented() || st.Oriented.IsZero() {
		return nil
	}
	if ev.Kind == KindAlert {
		o, err := s.Jobs.Offer(ctx, st.Lang, st.Profile, ev.Data)
		ev.Offer = o
		return err
	}
	if ev.Kind != KindButton {
		return nil
	}
	verb, arg, rest := splitData(ev.Data)
	offset := 0
	rejected := st.Rejected
	switch {
	case verb == "menu" && arg == "jobs":
	case verb == "job" && arg == "next":
		offset = lastInt(rest)
	case verb == "job" && (arg == "int" || arg == "why"):
		// rest is handle:offset (int) or handle:offset:why.
		parts := strings.Split(rest, ":")
		if len(parts) < 2 {
			return nil
		}
		offset, _ = strconv.Atoi(parts[1])
		offset = max(offset, 0)
		o, err := s.Jobs.Offer(ctx, st.Lang, st.Profile, parts[0])
		if err != nil {
			return err
		}
		ev.Offer = o
		if arg == "int" {
			ev.JobsAt = offset
			return nil
		}
		if o != nil && len(parts) == 3 {
			rejected = append(append([]Rejected(nil), rejected...), rejectionOf(*o, parts[2]))
		}
	default:
		return nil
	}
	offers, err := s.Jobs.Offers(ctx, st.Lang, st.Profile, rejected, offset, 1)
	if err != nil {
		return err
	}
	ev.Offers, ev.JobsAt = offers, offset
	return nil
}

func lastInt(s string) int {
	i := strings.LastIndex(s, ":")
	n, _ := strconv.Atoi(s[i+1:])
	return max(n, 0)
}

func rejectionOf(o JobOffer, why string) Rejected {
	switch why {
	case "far", "hours", "sector":
	default:
		why = ""
	}
	return Rejected{ID: o.ID, Why: why, Sector: o.Sector, Km: o.Km, Hours: o.Hours, Shifts: o.Shifts}
}

// jobs handles the vacancy buttons: a card at a time, with Interested,
// Not for me and Next.
func (t *turn) jobs(arg, rest string) bool {
	st, ev := t.st, t.ev
	if !t.e.Jobs {
		return false
	}
	if !st.Consented() {
		t.reask("consent_required")
		return true
	}
	if st.Oriented.IsZero() {
		t.say(t.tr("jobs_need_orientation", nil))
		t.profile()
		return true
	}
	switch arg {
	case "", "next":
		t.jobCard(ev.JobsAt, false)
	case "nfm":
		h, off, ok := strings.Cut(rest, ":")
		if !ok {
			return false
		}
		row := func(why, id string) Button { return Button{t.tr(id, nil), "job:why:" + h + ":" + off + ":" + why} }
		t.say(t.tr("not_for_me_ask", nil),
			[]Button{row("far", "btn_nfm_far"), row("hours", "btn_nfm_hours")},
			[]Button{row("sector", "btn_nfm_sector"), row("other", "btn_nfm_other")})
	case "why":
		parts := strings.Split(rest, ":")
		if ev.Offer == nil || len(parts) != 3 {
			t.say(t.tr("job_gone", nil))
			t.jobCard(ev.JobsAt, false)
			return true
		}
		st.Rejected = append(st.Rejected, rejectionOf(*ev.Offer, parts[2]))
		if len(st.Rejected) > MaxRejected {
			st.Rejected = st.Rejected[len(st.Rejected)-MaxRejected:]
		}
		t.say(t.tr("not_for_me_done", nil))
		t.jobCard(ev.JobsAt, true)
	case "int":
		if !t.e.Staff {
			return false // nobody to tell: an old button
		}
		if ev.Offer == nil {
			t.say(t.tr("job_gone", nil))
			return true
		}
		o := *ev.Offer
		n := Note{Kind: NoteInterested, Fields: []Field{
			{Label: "Vacature", Value: o.Title}, {Label: "Werkgever", Value: o.Employer},
			{Label: "Plaats", Value: o.Place}, {Label: "Vacature-id", Value: o.ID}}}
		shared, advice := t.shared()
		n.Fields, n.Advice = append(n.Fields, shared...), advice
		t.note(n)
		t.say(t.tr("interested_done", map[string]any{"Title": o.Title}),
			[]Button{{t.tr("btn_next_job", nil), fmt.Sprintf("job:next:%d", ev.JobsAt+1)}})
	case "alerts":
		switch rest {
		case "on":
			st.Alerts = true
			t.note(Note{Kind: NoteAlertsOn})
			t.say(t.tr("alerts_on_done", nil), t.alertsRow())
		case "off":
			st.Alerts = false
			t.note(Note{Kind: NoteAlertsOff})
			t.say(t.tr("alerts_off_done", nil), t.alertsRow())
		default:
			return false
		}
	default:
		return false
	}
	return true
}

// jobCard shows the vacancy at offset (the one the Service fetched), or
// says there is none (more).
func (t *turn) jobCard(offset int, afterReject bool) {
	offers := t.ev.Offers
	if len(offers) == 0 {
		if offset == 0 && !afterReject {
			t.say(t.tr("jobs_none", nil), t.menuRows()...)
		} else {
			t.say(t.tr("jobs_end", nil), t.menuRows()...)
		}
		return
	}
	t.cardOf(offers[0], offset, "")
}

// alertsRow offers alerts, or a way to stop them.
func (t *turn) alertsRow() []Button {
	if t.st.Alerts {
		return []Button{{t.tr("btn_alerts_off", nil), "job:alerts:off"}}
	}
	return []Button{{t.tr("btn_alerts_on", nil), "job:alerts:on"}}
}

// cardOf shows one vacancy, with intro in front when it comes as an alert.
func (t *turn) cardOf(o JobOffer, offset int, intro string) {
	h := JobHandle(o.ID)
	text := t.tr("job_card", map[string]any{"Title": o.Title, "Employer": o.Employer, "Place": o.Place,
		"Hours": t.tr("job_hours_"+o.Hours, nil), "Reasons": strings.Join(o.Reasons, ", ")})
	if intro != "" {
		text = intro + "\n\n" + text
	}
	var first []Button
	if t.e.Staff {
		first = append(first, Button{t.tr("btn_interested", nil), fmt.Sprintf("job:int:%s:%d", h, offset)})
	}
	first = append(first, Button{t.tr("btn_not_for_me", nil), fmt.Sprintf("job:nfm:%s:%d", h, offset)})
	t.say(text, first, []Button{{t.tr("btn_next_job", nil), fmt.Sprintf("job:next:%d", offset+1)}}, t.alertsRow())
}

// alert shows a new vacancy to someone who asked for alerts, once.
func (t *turn) alert() {
	st, ev := t.st, t.ev
	busy := st.Handover != nil && st.Handover.Active // a staff member is talking: the bot keeps quiet
	if !st.Consented() || !st.Alerts || busy || ev.Offer == nil || slices.Contains(st.Alerted, ev.Data) {
		return // stopped meanwhile, no longer fits, or shown already
	}
	st.Alerted = append(st.Alerted, ev.Data)
	if len(st.Alerted) > MaxAlerted {
		st.Alerted = st.Alerted[len(st.Alerted)-MaxAlerted:]
	}
	t.cardOf(*ev.Offer, 0, t.tr("alert_intro", nil))
}
