package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/werkwijzer/werkwijzer/bot"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/schedule"
	"github.com/werkwijzer/werkwijzer/staff"
	"github.com/werkwijzer/werkwijzer/store"
)

// importSchedule loads coaching slots or info sessions: "import slots
// FILE" or "import sessions FILE". A refused file changes nothing; the
// people whose appointment moved or was cancelled are told by the bot.
func (m *Main) importSchedule(ctx context.Context, kind, path string) error {
	if err := m.persistentRedis("import"); err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var items []schedule.Item
	k := schedule.KindCoaching
	if kind == "sessions" {
		k = schedule.KindSession
		items, err = schedule.ParseSessions(data, m.now().Add(schedule.SessionsAhead))
	} else {
		items, err = schedule.ParseSlots(data)
	}
	if err != nil {
		return fmt.Errorf("%s: %w (nothing was imported)", path, err)
	}
	if err := m.Open(ctx); err != nil {
		return err
	}
	res, err := m.Schedule.Import(ctx, k, items, m.now())
	if err != nil {
		return err
	}
	tell, moved, cancelled := 0, 0, 0
	for _, ch := range res.Moved {
		if n := len(ch.Booked) + len(ch.Waiting); n > 0 {
			tell, moved = tell+n, moved+1
		}
	}
	for _, ch := range res.Cancelled {
		if n := len(ch.Booked) + len(ch.Waiting); n > 0 {
			tell, cancelled = tell+n, cancelled+1
		}
	}
	fmt.Fprintf(m.Stdout, "%s: %d %s read; %d added, %d updated, %d unchanged, %d removed; %d moved and %d cancelled with bookings (%d people will be told)\n",
		path, len(items), kind, res.Added, res.Updated, res.Unchanged, len(res.Cancelled), moved, cancelled, tell)
	return nil
}

// AttendanceCommand is "attendance ITEM [REF=yes|no ...]": without marks
// it lists who holds a seat and what is marked; with them it records who
// came (yes) and who did not (no), who then get a kind message.
func (m *Main) AttendanceCommand(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New("usage: werkwijzer attendance ITEM [WW-REF=yes|no ...]")
	}
	if err := m.persistentRedis("attendance"); err != nil {
		return err
	}
	item := args[0]
	marks := map[string]bool{}
	for _, a := range args[1:] {
		ref, v, ok := strings.Cut(a, "=")
		if !ok || (v != "yes" && v != "no") {
			return fmt.Errorf("%q: write a reference and yes or no, such as WW-1A2B3C4D5E=yes", a)
		}
		marks[strings.ToUpper(ref)] = v == "yes"
	}
	if err := m.Open(ctx); err != nil {
		return err
	}
	it, err := m.Schedule.Get(ctx, item)
	if err != nil {
		return err
	}
	if it == nil {
		return fmt.Errorf("no appointment %q (or it ended more than a month ago)", item)
	}
	holders, err := m.Schedule.Holders(ctx, item)
	if err != nil {
		return err
	}
	byRef := map[string]int64{}
	for _, c := range holders {
		byRef[staff.Ref(c)] = c
	}
	for ref := range marks {
		if _, ok := byRef[ref]; !ok {
			return fmt.Errorf("%s has no seat on %s; nothing was recorded", ref, item)
		}
	}
	refs := make([]string, 0, len(marks))
	for ref := range marks {
		refs = append(refs, ref)
	}
	sort.Strings(refs)
	for _, ref := range refs {
		changed, err := m.Schedule.Attend(ctx, item, byRef[ref], marks[ref], m.now())
		if err != nil {
			return err
		}
		if changed {
			fmt.Fprintf(m.Stdout, "%s: %s\n", ref, map[bool]string{true: "came", false: "did not come (they get a message)"}[marks[ref]])
		} else {
			fmt.Fprintf(m.Stdout, "%s: already marked so\n", ref)
		}
	}
	if len(marks) > 0 {
		return nil
	}
	marked, err := m.Schedule.Attendance(ctx, item)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "%s\t%s\n", item, it.Start.In(schedule.Brussels).Format("2006-01-02 15:04"))
	all := make([]string, 0, len(byRef))
	for ref := range byRef {
		all = append(all, ref)
	}
	sort.Strings(all)
	for _, ref := range all {
		state := "not marked"
		if came, ok := marked[byRef[ref]]; ok {
			state = map[bool]string{true: "came", false: "did not come"}[came]
		}
		fmt.Fprintf(w, "%s\t%s\n", ref, state)
	}
	return w.Flush()
}

// attend is the Slack buttons' way to record attendance.
func (m *Main) attend(ctx context.Context, item, ref string, came bool) (bool, error) {
	holders, err := m.Schedule.Holders(ctx, item)
	if err != nil {
		return false, err
	}
	for _, c := range holders {
		if staff.Ref(c) == ref {
			changed, err := m.Schedule.Attend(ctx, item, c, came, m.now())
			if err == nil && changed {
				m.pokeNews()
			}
			return changed, err
		}
	}
	return false, staff.ErrNoSeat
}

func (m *Main) pokeNews() {
	select {
	case m.news <- struct{}{}:
	default:
	}
}

// sendNews hands out the schedule's due reminders and news (a seat from
// the waiting list, a no-show message, a change by staff) through the bot,
// each once: claimed under a lease, acknowledged once the bot handled it,
// and shown once by the conversation should a sender die in between.
func (m *Main) sendNews(ctx context.Context, tgm *bot.Telegram) {
	tick := m.alertTick
	if tick == 0 {
		tick = 10 * time.Second
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	reach := store.NewReach(m.Redis, store.Keys{Prefix: m.Config.RedisPrefix}, m.Config.Retention)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-m.news:
		}
		due, err := m.Schedule.Due(ctx, m.now(), 2*time.Minute, 50)
		if err != nil {
			m.Log.Warn("reminders: cannot claim", "err", err)
			continue
		}
		for _, r := range due {
			if gone, err := reach.Unreachable(ctx, r.Chat); err == nil && gone {
				m.Schedule.Ack(ctx, r)
				continue
			}
			it, err := m.Schedule.Get(ctx, r.Item)
			if err != nil {
				m.Log.Warn("reminders: cannot read the appointment; it is tried again", "err", err)
				continue
			}
			if until, drop := schedule.Hold(r, it, m.now()); drop || !until.IsZero() {
				// Found overdue in the quiet hours (a sender was down).
				if drop {
					err = m.Schedule.Ack(ctx, r)
				} else {
					err = m.Schedule.Later(ctx, r, until)
				}
				if err != nil {
					m.Log.Warn("reminders: cannot put off", "err", err)
				}
				continue
			}
			ev := dialogs.Event{ChatID: r.Chat, Kind: dialogs.KindNotice, Data: string(r.Kind) + ":" + r.Item}
			if err := tgm.Inject(ctx, ev); err != nil {
				m.Log.Warn("reminders: not delivered; it is tried again", "chat", bot.ChatRef(r.Chat), "err", err)
				continue
			}
			if err := m.Schedule.Ack(ctx, r); err != nil {
				m.Log.Warn("reminders: cannot acknowledge", "err", err)
			}
		}
		if n, err := m.Schedule.Depth(ctx); err == nil && m.Metrics != nil {
			m.Metrics.QueueDepth.WithLabelValues("reminders").Set(float64(n))
		}
	}
}

func loadDemoSchedule(ctx context.Context, s *schedule.Store, now time.Time) error {
	slots, sessions, err := schedule.Demo(now)
	if err != nil {
		return err
	}
	if _, err := s.Import(ctx, schedule.KindCoaching, slots, now); err != nil {
		return err
	}
	_, err = s.Import(ctx, schedule.KindSession, sessions, now)
	return err
}
