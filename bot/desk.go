package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"sync"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/locales"
	"github.com/werkwijzer/werkwijzer/store"
)

// How the per-chat queues keep time. Their pace is that of Redis and
// Telegram, so they follow Telegram.Clock (the wall clock in production,
// whatever clock the people's conversations follow; a test moves it).
const (
	// TurnTimeout bounds one item's handling, replies included: a call
	// to Telegram that hangs is given up and the item tried again.
	TurnTimeout = 10 * time.Second
	// SpillAfter is how long an item handled at once may keep Telegram
	// waiting (the polling offset, a webhook call's answer) before it is
	// queued in Redis too, so that Telegram can go on.
	SpillAfter = time.Second
	// SweepEvery is how often an instance looks for chats with queued
	// work that nobody alive holds (their instance was killed).
	SweepEvery = 2 * time.Second
)

// Chats is where a chat's work waits and which instance holds it
// (store.Chats).
type Chats interface {
	Take(ctx context.Context, chat int64, item []byte, counts bool) (store.Work, error)
	Queue(ctx context.Context, chat int64, front []byte, items [][]byte, counted int) (store.Work, error)
	Next(ctx context.Context, chat int64, done []byte, delivered bool) (store.Work, error)
	Release(ctx context.Context, chat int64) error
	Waiting(ctx context.Context, before time.Time, max int) ([]store.Waiting, error)
	Claim(ctx context.Context, w store.Waiting) (store.Status, error)
}

var (
	errStopping = errors.New("bot: stopping; not taken")
	errBehind   = errors.New("bot: an earlier update of this chat failed; taken after it")
	errNoChats  = errors.New("bot: Telegram.Chats is not set")
)

// stored is an item as a chat's inbox keeps it: an update as Telegram sent
// it, or an event from elsewhere with a random id, so that two equal events
// stay two items.
type stored struct {
	Update json.RawMessage `json:"u,omitempty"`
	Event  *dialogs.Event  `json:"e,omitempty"`
	ID     string          `json:"id,omitempty"`
}

// item is one update or event on its way through its chat's queue.
type item struct {
	chat   int64
	raw    []byte
	update *models.Update
	event  *dialogs.Event
	id     int64 // the update's id; 0 for an event
	counts bool  // a message the inbound limit counts
	// poll: fetched by getUpdates. Should it fail, the chat's later
	// updates wait until it is fetched again, or they would overtake it.
	poll bool
	// taken is when the item arrived, on the channel's clock: what has
	// kept Telegram waiting SpillAfter is queued. arrived is the same on
	// the wall clock, for the latency the metrics report.
	taken, arrived time.Time

	durable bool // queued in Redis (pool.mu)
	once    sync.Once
	done    chan struct{}
	err     error
	// onSettle, when set, learns that the item is settled.
	onSettle func()
	// delivery, for an event from InjectCounted, learns what became of
	// its replies when this instance handles it.
	delivery *delivery
}

// settle reports the item handled, or queued in Redis (nil), or not taken
// (err): the first of these counts.
func (it *item) settle(err error) {
	it.once.Do(func() {
		it.err = err
		close(it.done)
		if it.onSettle != nil {
			it.onSettle()
		}
	})
}

// settled reports whether the item is settled, and how.
func (it *item) settled() (bool, error) {
	select {
	case <-it.done:
		return true, it.err
	default:
		return false, nil
	}
}

// newUpdateItem is an update as Telegram sent it, arrived now; raw must be
// its JSON as read (valid JSON: it decoded into u).
func newUpdateItem(raw []byte, u *models.Update, now time.Time) (*item, error) {
	// As json.Marshal(stored{Update: raw}) would, without validating raw
	// once more on every update.
	b := make([]byte, 0, len(raw)+6)
	b = append(append(append(b, `{"u":`...), raw...), '}')
	it := &item{chat: chatOf(u), raw: b, update: u, id: u.ID, taken: now, arrived: time.Now(), done: make(chan struct{})}
	if m := u.Message; m != nil && m.Chat.Type == models.ChatTypePrivate {
		it.counts = true
	}
	if m := u.EditedMessage; m != nil && m.Chat.Type == models.ChatTypePrivate {
		it.counts = true
	}
	return it, nil
}

func newEventItem(ev dialogs.Event, now time.Time) *item {
	b := make([]byte, 8)
	rand.Read(b)
	raw, _ := json.Marshal(stored{Event: &ev, ID: hex.EncodeToString(b)})
	return &item{chat: ev.ChatID, raw: raw, event: &ev, taken: now, arrived: time.Now(), done: make(chan struct{})}
}

// decodeItem reads an item from a chat's inbox, taken up now.
func decodeItem(chat int64, raw []byte, now time.Time) (*item, error) {
	var s stored
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, err
	}
	it := &item{chat: chat, raw: raw, taken: now, arrived: time.Now(), done: make(chan struct{})}
	switch {
	case s.Event != nil:
		it.event = s.Event
	case len(s.Update) > 0:
		var u models.Update
		if err := json.Unmarshal(s.Update, &u); err != nil {
			return nil, err
		}
		it.update, it.id = &u, u.ID
	default:
		return nil, errors.New("bot: an inbox item that is neither an update nor an event")
	}
	return it, nil
}

// chatOf is the chat an update belongs to (0 for one no conversation
// takes), so that a person's block or unblock (my_chat_member) is ordered
// with their own messages too.
func chatOf(u *models.Update) int64 {
	if m := u.MyChatMember; m != nil {
		if m.Chat.Type != models.ChatTypePrivate {
			return 0
		}
		return m.Chat.ID
	}
	ev, _, _, _ := toEvent(u)
	return ev.ChatID
}

// classOf is how urgently an event's replies must go: what we say unasked
// waits for every reply.
func classOf(ev dialogs.Event) Class {
	if ev.Kind == dialogs.KindAlert || ev.Kind == dialogs.KindNotice {
		return Proactive
	}
	return Reply
}

// desk is one chat's work in this instance. At most one worker runs per
// chat; it holds the chat in Redis from its first item until the chat's
// inbox is empty. Whatever comes while it works is queued in Redis, in
// order, by at most one pusher at a time.
type desk struct {
	busy    bool  // a worker runs
	kick    bool  // work was queued, ours, while the worker was letting go
	direct  *item // the item the worker handles at once, not queued
	intake  []*item
	spill   bool // queue direct too, ahead of the intake
	pushing bool
	// fronting: a push with direct in front is under way. The worker
	// waits for it before it records direct done (or failed), so that a
	// copy queued after that is never handled a second time.
	fronting  bool
	finishing bool // the worker is recording direct: no more spills
	// running: the worker took the chat for direct (Take said Run). Until
	// then nothing is pushed: Take may yet queue direct itself, and what
	// follows must go behind it.
	running bool
	// broken is the id of a polled update that failed: the chat's later
	// updates are refused until it comes again.
	broken int64
}

// pool is every desk of this instance, and the goroutines that work them.
type pool struct {
	mu    sync.Mutex
	desks map[int64]*desk
	wg    sync.WaitGroup
	// hard ends every turn (after the grace of a stop); soft ends the
	// waits between items at once.
	hard, soft         context.Context
	stopHard, stopSoft context.CancelFunc
	stopping           bool
	changed            *sync.Cond // a desk's direct item moved on
}

func (t *Telegram) pool() *pool {
	t.poolOnce.Do(func() {
		p := &pool{desks: map[int64]*desk{}}
		p.changed = sync.NewCond(&p.mu)
		p.hard, p.stopHard = context.WithCancel(context.Background())
		p.soft, p.stopSoft = context.WithCancel(p.hard)
		t.work = p
	})
	return t.work
}

// desk returns chat's desk; p.mu is held.
func (p *pool) desk(chat int64) *desk {
	d := p.desks[chat]
	if d == nil {
		d = &desk{}
		p.desks[chat] = d
	}
	return d
}

// tidy forgets an idle desk; p.mu is held.
func (p *pool) tidy(chat int64, d *desk) {
	if !d.busy && !d.pushing && len(d.intake) == 0 && d.broken == 0 {
		delete(p.desks, chat)
	}
}

// turnContext bounds one piece of work of a worker or pusher.
func (p *pool) turnContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(p.hard, TurnTimeout)
}

// submit hands an item to its chat: handled at once by a new worker when
// the chat has nothing else going on here, else queued in Redis behind what
// it has. it settles once handled or queued, or with the error that kept it
// from being taken.
func (t *Telegram) submit(it *item) {
	if t.Chats == nil {
		it.settle(errNoChats)
		return
	}
	p := t.pool()
	p.mu.Lock()
	if p.stopping {
		p.mu.Unlock()
		it.settle(errStopping)
		return
	}
	d := p.desk(it.chat)
	if it.poll && d.broken != 0 {
		if it.id > d.broken {
			p.mu.Unlock()
			it.settle(errBehind)
			return
		}
		d.broken = 0
	}
	if !d.busy && !d.pushing && len(d.intake) == 0 {
		d.busy, d.direct = true, it
		p.wg.Add(1)
		go t.worker(it.chat, it, nil)
		p.mu.Unlock()
		return
	}
	d.intake = append(d.intake, it)
	if d.direct != nil && d.direct.id != 0 && !d.direct.durable {
		// Should this instance die now, Telegram would hand the update
		// being handled to the next one, behind what is queued: queue it
		// first, in its place.
		d.spill = true
	}
	t.startPusher(p, it.chat, d)
	p.mu.Unlock()
}

// startPusher starts d's pusher unless one runs; p.mu is held.
func (t *Telegram) startPusher(p *pool, chat int64, d *desk) {
	if !d.pushing {
		d.pushing = true
		p.wg.Add(1)
		go t.pusher(chat)
	}
}

// spill queues an update that is being handled at once in Redis too, so
// that Telegram need not wait for it any longer.
func (t *Telegram) spill(it *item) {
	if it.id == 0 {
		return
	}
	p := t.pool()
	p.mu.Lock()
	defer p.mu.Unlock()
	if d := p.desks[it.chat]; d != nil && d.direct == it && !it.durable {
		d.spill = true
		t.startPusher(p, it.chat, d)
	}
}

// pusher queues chat's intake in Redis, everything waiting at once, until
// there is none.
func (t *Telegram) pusher(chat int64) {
	p := t.pool()
	defer p.wg.Done()
	for {
		p.mu.Lock()
		d := p.desk(chat)
		for d.direct != nil && !d.running && !d.direct.durable {
			p.changed.Wait()
		}
		items := d.intake
		d.intake = nil
		var front *item
		if d.spill && d.direct != nil && !d.direct.durable && !d.finishing {
			front = d.direct
			d.fronting = true
		}
		d.spill = false
		if len(items) == 0 && front == nil {
			d.pushing = false
			p.tidy(chat, d)
			p.mu.Unlock()
			return
		}
		p.mu.Unlock()

		var frontRaw []byte
		if front != nil {
			frontRaw = front.raw
		}
		raws := make([][]byte, len(items))
		counted := 0
		var last *item
		for i, it := range items {
			raws[i] = it.raw
			if it.counts {
				counted++
				last = it
			}
		}
		ctx, cancel := p.turnContext()
		w, err := t.Chats.Queue(ctx, chat, frontRaw, raws, counted)
		cancel()
		if front != nil {
			p.mu.Lock()
			d.fronting = false
			if err == nil {
				front.durable = true
			}
			p.changed.Broadcast()
			p.mu.Unlock()
		}
		if err != nil {
			t.Log.Warn("cannot queue; not taken", "chat", ChatRef(chat), "err", err)
			p.mu.Lock()
			for _, it := range items {
				t.broke(p.desk(chat), it)
			}
			p.mu.Unlock()
			for _, it := range items {
				it.settle(err)
			}
			continue
		}
		if w.Notice && last != nil {
			t.notice(last)
		}
		p.mu.Lock()
		for _, it := range items {
			it.durable = true
		}
		if w.Status == store.Drain {
			switch {
			case d.busy:
				d.kick = true
			case p.stopping:
				// Another instance, or the next start, takes it up.
				defer t.Chats.Release(context.WithoutCancel(p.hard), chat)
			default:
				d.busy = true
				p.wg.Add(1)
				go t.worker(chat, nil, nil)
			}
		}
		p.mu.Unlock()
		if front != nil {
			front.settle(nil)
		}
		for _, it := range items {
			it.settle(nil)
		}
	}
}

// broke notes that it failed before it was queued; p.mu is held.
func (t *Telegram) broke(d *desk, it *item) {
	if it.poll && it.id != 0 && (d.broken == 0 || it.id < d.broken) {
		d.broken = it.id
	}
}

// idle ends a worker unless work was queued for it meanwhile (then it
// reports false and the worker goes on). stop ends it regardless.
func (t *Telegram) idle(chat int64, stop bool) bool {
	p := t.pool()
	p.mu.Lock()
	defer p.mu.Unlock()
	d := p.desk(chat)
	if d.kick && !stop && !p.stopping {
		d.kick = false
		return false
	}
	d.busy, d.kick, d.direct, d.finishing, d.running = false, false, nil, false, false
	p.changed.Broadcast()
	p.tidy(chat, d)
	return true
}

// worker handles chat's work: first (an item to handle at once), or what a
// sweep found waiting (claim), or the inbox (neither). It holds the chat in
// Redis while there is work, and lets it go when the inbox is empty.
func (t *Telegram) worker(chat int64, first *item, claim *store.Waiting) {
	p := t.pool()
	defer p.wg.Done()
	var w store.Work
	var err error
	cur := first // handled before the inbox, from memory
	switch {
	case first != nil:
		ctx, cancel := p.turnContext()
		w, err = t.Chats.Take(ctx, chat, first.raw, first.counts)
		cancel()
		if err != nil {
			t.Log.Error("cannot take the chat (Redis down?); it is tried again", "chat", ChatRef(chat), "err", err)
			t.fail(chat, first, err, false)
			return
		}
		if w.Notice {
			t.notice(first)
		}
		if w.Status == store.Run {
			p.mu.Lock()
			p.desk(chat).running = true
			p.changed.Broadcast()
			p.mu.Unlock()
		} else {
			// Queued behind others (ours, or another instance's).
			t.durable(first)
			if w.Status == store.Queued && t.idle(chat, false) {
				return // its holder takes it up
			}
			cur = nil
			w, err = t.next(chat, nil, false)
		}
	case claim != nil:
		ctx, cancel := p.turnContext()
		st, cerr := t.Chats.Claim(ctx, *claim)
		cancel()
		switch {
		case cerr == nil && st == store.Drain:
			t.Log.Info("taking up a chat whose work was left waiting", "chat", ChatRef(chat))
		case cerr != nil:
			t.Log.Warn("cannot claim a waiting chat", "chat", ChatRef(chat), "err", cerr)
			fallthrough
		default:
			if t.idle(chat, false) {
				return
			}
		}
		w, err = t.next(chat, nil, false)
	default:
		w, err = t.next(chat, nil, false)
	}
	backoff := time.Duration(0)
	for {
		if err != nil {
			// Redis is unreachable (or a port failing): the inbox keeps
			// the work; ask again, waiting longer each time.
			if backoff == 0 {
				t.Log.Error("the chat's work waits in its queue; it is tried again", "chat", ChatRef(chat), "err", err)
			}
			backoff = nextBackoff(backoff)
			if clock.Sleep(p.soft, t.clock(), backoff) != nil {
				t.letGo(chat)
				return
			}
			w, err = t.next(chat, nil, false)
			continue
		}
		it := cur
		if it == nil {
			switch w.Status {
			case store.Released:
				if t.idle(chat, false) {
					return
				}
				w, err = t.next(chat, nil, false)
				continue
			case store.Lost:
				t.Log.Warn("chat taken over by another instance", "chat", ChatRef(chat), "holder", w.Holder)
				t.idle(chat, true)
				return
			}
			if p.soft.Err() != nil {
				t.letGo(chat)
				return
			}
			if it, err = decodeItem(chat, w.Item, t.clock().Now()); err != nil {
				t.Log.Error("dropping an inbox item that cannot be read", "chat", ChatRef(chat), "err", err)
				w, err = t.next(chat, w.Item, false)
				continue
			}
		}
		delivered, herr := t.turn(it, w.State, w.Out)
		if cur != nil {
			t.finishing(chat)
		}
		if herr != nil {
			if cur != nil && !t.isDurable(cur) {
				// Not queued: Telegram hands it over again.
				t.fail(chat, cur, herr, true)
				return
			}
			cur, err = nil, herr // queued: tried again from the inbox
			continue
		}
		// Only a turn that was delivered clears the outbox: a duplicate
		// must leave the replies a crash left there for their own update.
		w, err = t.next(chat, it.raw, delivered)
		for err != nil && p.soft.Err() == nil {
			// Handled and sent: what is left is to record it.
			backoff = nextBackoff(backoff)
			clock.Sleep(p.soft, t.clock(), backoff)
			w, err = t.next(chat, it.raw, delivered)
		}
		backoff = 0
		if cur != nil {
			if err == nil && w.Status == store.Released && t.idle(chat, false) {
				cur.settle(nil)
				return
			}
			t.pool().mu.Lock()
			if d := p.desks[chat]; d != nil && d.direct == cur {
				d.direct, d.finishing, d.running = nil, false, false
				p.changed.Broadcast()
			}
			t.pool().mu.Unlock()
			cur.settle(nil)
			cur = nil
			if err == nil && w.Status == store.Released {
				w, err = t.next(chat, nil, false) // kicked: more came
			}
		}
		if err != nil {
			t.letGo(chat)
			return
		}
	}
}

func (t *Telegram) next(chat int64, done []byte, delivered bool) (store.Work, error) {
	ctx, cancel := t.pool().turnContext()
	defer cancel()
	return t.Chats.Next(ctx, chat, done, delivered)
}

// finishing stops the spilling of the chat's direct item and waits for a
// spill under way: the item is recorded done, or failed, only once it is
// known whether a copy of it sits in the inbox.
func (t *Telegram) finishing(chat int64) {
	p := t.pool()
	p.mu.Lock()
	defer p.mu.Unlock()
	d := p.desk(chat)
	d.finishing = true
	for d.fronting {
		p.changed.Wait()
	}
}

func (t *Telegram) durable(it *item) {
	p := t.pool()
	p.mu.Lock()
	it.durable = true
	p.changed.Broadcast()
	p.mu.Unlock()
	it.settle(nil)
}

func (t *Telegram) isDurable(it *item) bool {
	p := t.pool()
	p.mu.Lock()
	defer p.mu.Unlock()
	return it.durable
}

// fail ends a worker whose first item could not be handled and was not
// queued: it is refused (Telegram hands it over again, a webhook call gets
// 500, an injecting caller tries again). held: the chat was taken.
func (t *Telegram) fail(chat int64, it *item, err error, held bool) {
	p := t.pool()
	if held {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(p.hard), time.Second)
		t.Chats.Release(ctx, chat)
		cancel()
	}
	p.mu.Lock()
	d := p.desk(chat)
	t.broke(d, it)
	if d.direct == it {
		d.direct, d.finishing, d.running = nil, false, false
		p.changed.Broadcast()
	}
	// Polled updates that came after it wait for it: refused now, they
	// are fetched again behind it.
	var behind []*item
	kept := d.intake[:0]
	for _, x := range d.intake {
		if it.poll && x.poll && x.id > it.id {
			behind = append(behind, x)
			continue
		}
		kept = append(kept, x)
	}
	d.intake = kept
	kicked := d.kick && !p.stopping
	d.kick = false
	if !kicked {
		d.busy = false
		p.tidy(chat, d)
	}
	p.mu.Unlock()
	for _, x := range behind {
		x.settle(errBehind)
	}
	it.settle(err)
	if kicked {
		// Queued meanwhile, behind it: work the inbox.
		p.wg.Add(1)
		go t.worker(chat, nil, nil)
	}
}

// letGo gives the chat back (this instance stops, or Redis is gone): what
// waits in its inbox is taken up by another instance or the next start.
func (t *Telegram) letGo(chat int64) {
	p := t.pool()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(p.hard), time.Second)
	t.Chats.Release(ctx, chat)
	cancel()
	t.idle(chat, true)
}

// turn handles one item with the conversation already read; delivered
// reports a turn whose replies went out (its outbox is to be cleared).
func (t *Telegram) turn(it *item, st *dialogs.State, out *dialogs.Turn) (delivered bool, err error) {
	ctx, cancel := t.pool().turnContext()
	defer cancel()
	if it.update != nil {
		outcome, delivered, err := t.handle(ctx, it.update, st, out)
		t.observe(outcome, time.Since(it.arrived)) // latency, on the wall clock
		if err == nil {
			t.finished(it.update.ID)
		}
		return delivered, err
	}
	if d := it.delivery; d != nil {
		ctx = context.WithValue(ctx, deliveryKey{}, d)
		defer d.handled()
	}
	turn, err := t.Runtime.HandleLoaded(ctx, *it.event, st, out)
	if err != nil || turn == nil {
		return false, err
	}
	return turn.Update != 0, t.deliver(ctx, turn, classOf(*it.event))
}

// notice tells a person who went over the inbound limit, once, that the
// bot reads what they send and answers in a moment: their messages wait
// in their own queue and are all answered, in order.
func (t *Telegram) notice(it *item) {
	p := t.pool()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		ctx, cancel := p.turnContext()
		defer cancel()
		lang := ""
		if st, _, err := t.Runtime.Service.Sessions.Load(ctx, it.chat); err == nil && st != nil {
			lang = st.Lang
		}
		if lang == "" && it.update != nil {
			ev, _, _, _ := toEvent(it.update)
			lang = locales.Match(ev.LangHint)
		}
		if lang == "" {
			lang = locales.Source
		}
		t.Log.Info("person over the inbound limit; told once", "chat", ChatRef(it.chat))
		err := t.do(ctx, it.chat, Reply, func(ctx context.Context) error {
			_, err := t.API.SendMessage(ctx, &tg.SendMessageParams{ChatID: it.chat, Text: t.Texts.T(lang, "inbound_reading", nil)})
			return err
		})
		if err != nil {
			t.Log.Warn("inbound notice", "chat", ChatRef(it.chat), "err", redact(err.Error(), t.token))
		}
	}()
}

// Work runs the per-chat queues until ctx ends: it looks every SweepEvery
// for chats whose queued work nobody alive holds (their instance was
// killed) and takes them up. Once ctx ends it takes nothing new, lets the
// turns under way finish (ShutdownGrace at most), gives back every chat it
// holds, and returns once every goroutine of the queues has stopped. Poll
// runs it itself; in webhook mode the caller runs it beside the server.
func (t *Telegram) Work(ctx context.Context) error {
	p := t.pool()
	clk := t.clock()
	// At start, everything waiting: what a stopped instance left. (Before
	// the ticker exists: a test that sees it waiting knows this is done.)
	t.sweep(ctx, clk.Now())
	tick := clk.NewTicker(SweepEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			t.stop(p)
			return nil
		case <-tick.C():
			// What waits for a second or more: younger work is in hand.
			t.sweep(ctx, clk.Now().Add(-time.Second))
		}
	}
}

func (t *Telegram) stop(p *pool) {
	p.mu.Lock()
	p.stopping = true
	p.mu.Unlock()
	p.stopSoft()
	done := make(chan struct{})
	go func() { p.wg.Wait(); close(done) }()
	select {
	case <-done:
	// Real time: it bounds how long SIGTERM waits for calls to Telegram
	// and Redis under way, which no clock of ours moves.
	case <-time.After(ShutdownGrace):
		p.stopHard()
		<-done
	}
	p.stopHard()
}

// sweep takes up the chats with work waiting since before that nobody
// alive holds.
func (t *Telegram) sweep(ctx context.Context, before time.Time) {
	if t.Chats == nil {
		return
	}
	ws, err := t.Chats.Waiting(ctx, before, 200)
	if err != nil {
		if ctx.Err() == nil {
			t.Log.Warn("cannot list waiting chats", "err", err)
		}
		return
	}
	p := t.pool()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, w := range ws {
		if p.stopping {
			return
		}
		d := p.desk(w.Chat)
		if d.busy || d.pushing {
			continue
		}
		d.busy = true
		p.wg.Add(1)
		go t.worker(w.Chat, nil, &w)
	}
}
