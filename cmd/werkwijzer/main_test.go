package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/bot"
	"github.com/werkwijzer/werkwijzer/bot/telegramtest"
	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/vacancies"
	"github.com/werkwijzer/werkwijzer/internal/redistest"
	"github.com/werkwijzer/werkwijzer/locales"
	"github.com/werkwijzer/werkwijzer/store"
)

func TestMain(m *testing.M) { redistest.Main(m) }

var texts = locales.MustLoad()

// conversation is st with the orientation's part o, and vacancy alerts on
// when alerts: a conversation as stored, for tests that put people in
// Redis without talking them through the onboarding.
func conversation(t testing.TB, st *dialogs.State, o orientation.State, alerts bool) *dialogs.State {
	t.Helper()
	if err := orientation.Part.Write(st, o); err != nil {
		t.Fatal(err)
	}
	if err := vacancies.Part.Write(st, vacancies.State{Alerts: alerts}); err != nil {
		t.Fatal(err)
	}
	return st
}

// tick moves the test's clock by one tick of the senders of alerts and
// reminders, so that they look for what is due.
func tick(r *running) { r.m.Clock.(*clock.Fake).Advance(r.m.Tick) }

// running is one werkwijzer process, in-process.
type running struct {
	m    *Main
	stop func()
}

func serve(t *testing.T, tg *telegramtest.Server, prefix string, opts ...func(*Main)) *running {
	t.Helper()
	return serveWith(t, tg, redistest.URL(t), prefix, opts...)
}

// serveWith is serve on the Redis at redisURL; opts adjust Main before it
// starts.
func serveWith(t *testing.T, tg *telegramtest.Server, redisURL, prefix string, opts ...func(*Main)) *running {
	t.Helper()
	m := &Main{
		Config: Config{TelegramToken: tg.Token, TelegramAPIURL: tg.URL, RedisURL: redisURL,
			RedisPrefix: prefix, Retention: 180 * 24 * time.Hour,
			// Scripted people press faster than anyone could; the limits
			// themselves are tested in bot/sender_test.go.
			SendRate: 1000, ChatSendRate: 1000},
		Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	// Chat.Do waits for answers, not only for Telegram's confirmation.
	tg.TrackHandled()
	m.finished = tg.Handled
	for _, o := range opts {
		o(m)
	}
	if m.ready == nil {
		m.ready = make(chan struct{})
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	served := make(chan struct{})
	go func() {
		defer wg.Done()
		defer close(served)
		if err := m.Serve(ctx); err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()
	// Serve has built everything once it is ready: only then may the test
	// read Main's fields.
	select {
	case <-m.ready:
	case <-served:
	}
	var once sync.Once
	r := &running{m: m, stop: func() {
		once.Do(func() {
			cancel()
			wg.Wait()
			m.Close()
		})
	}}
	t.Cleanup(r.stop)
	return r
}

func contains(msgs []telegramtest.Message, text string) bool {
	for _, m := range msgs {
		if strings.Contains(m.Text, text) {
			return true
		}
	}
	return false
}

func expect(t *testing.T, lang string, msgs []telegramtest.Message, id string, data ...map[string]any) {
	t.Helper()
	var d map[string]any
	if len(data) > 0 {
		d = data[0]
	}
	want := texts.T(lang, id, d)
	if !contains(msgs, want) {
		var got []string
		for _, m := range msgs {
			got = append(got, m.Method+": "+m.Text)
		}
		t.Fatalf("[%s] want %s (%q), got %q", lang, id, want, got)
	}
}

// firstHalf takes a person from /start to the sectors question.
func firstHalf(t *testing.T, c *telegramtest.Chat, lang string) {
	t.Helper()
	r := c.Send("/start")
	expect(t, lang, r, "language_choose")
	if first := r[len(r)-1].Buttons[0][0].Data; first != "lang:"+lang {
		t.Fatalf("[%s] first language button %q, want the one Telegram reports", lang, first)
	}
	expect(t, lang, c.Press("lang:"+lang), "consent_notice", map[string]any{"Period": texts.N(lang, "unit_days", 180, nil)})
	expect(t, lang, c.Press("consent:yes"), "q_name")
	expect(t, lang, c.Send("Amira"), "q_age")
	expect(t, lang, c.Press("a:age:u25"), "q_dutch")
	expect(t, lang, c.Press("a:dutch:none"), "q_situation")
	expect(t, lang, c.Press("skip:sit"), "q_education")
	expect(t, lang, c.Press("a:edu:higher"), "q_diploma")
	expect(t, lang, c.Press("a:dipl:recognised"), "q_sectors")
}

// secondHalf takes a person from the sectors question to their next step.
func secondHalf(t *testing.T, c *telegramtest.Chat, lang string) {
	t.Helper()
	r := c.Press("a:sec:industry")
	if len(r) != 1 || r[0].Method != "editMessageText" {
		t.Fatalf("[%s] a multi-select press should edit the message in place, got %+v", lang, r)
	}
	expect(t, lang, c.Press("done:sec"), "q_licence")
	expect(t, lang, c.Press("a:lic:c"), "q_availability")
	c.Press("a:av:shifts")
	expect(t, lang, c.Press("done:av"), "q_home")
	expect(t, lang, c.Send("2660"), "q_goal")
	expect(t, lang, c.Press("a:goal:learn"), "q_support")
	expect(t, lang, c.Press("skip:sup"), "summary_title")
	r = c.Press("ok:sum")
	expect(t, lang, r, "step_talentenfabriek")
	expect(t, lang, r, "step_dutch_course")
}

func TestOnboardingOnTelegramInAllLanguages(t *testing.T) {
	tg := telegramtest.New(t)
	serve(t, tg, redistest.Prefix())
	var wg sync.WaitGroup
	for i, l := range locales.Languages {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := tg.Chat(t, int64(1000+i), l.Telegram)
			firstHalf(t, c, l.Code)
			secondHalf(t, c, l.Code)
		}()
	}
	wg.Wait()
	// Commands are published in every language.
	for _, l := range locales.Languages {
		cmds := tg.Commands(l.Telegram)
		if len(cmds) != 7 || cmds[4]["command"] != "mydata" || cmds[4]["description"] != texts.T(l.Code, "cmd_mydata", nil) {
			t.Errorf("setMyCommands for %s = %v", l.Code, cmds)
		}
	}
}

func TestDeepLinkPayloadsStartOrdinaryOnboarding(t *testing.T) {
	tg := telegramtest.New(t)
	serve(t, tg, redistest.Prefix())
	for i, payload := range []string{"p_vindplaats42", "../../etc", "%%%", strings.Repeat("z", 300), "عربي"} {
		c := tg.Chat(t, int64(300+i), "tr")
		r := c.Send("/start " + payload)
		expect(t, "tr", r, "start_greeting")
		expect(t, "tr", r, "language_choose")
	}
}

func TestRetentionIsTheKeysLifetime(t *testing.T) {
	tg := telegramtest.New(t)
	r := serve(t, tg, redistest.Prefix())
	c := tg.Chat(t, 4242, "en")
	c.Send("/start")
	c.Press("lang:en")
	key := r.m.Config.RedisPrefix + ":{u4242}:conv"
	if ttl := r.m.Redis.TTL(context.Background(), key).Val(); ttl <= 0 || ttl > 24*time.Hour {
		t.Fatalf("before consent the conversation lives %v, want at most a day", ttl)
	}
	c.Press("consent:yes")
	if ttl := r.m.Redis.TTL(context.Background(), key).Val(); ttl < 179*24*time.Hour || ttl > 180*24*time.Hour {
		t.Fatalf("after consent the conversation lives %v, want 180 days", ttl)
	}
}

func TestRestartMidOrientationResumes(t *testing.T) {
	tg := telegramtest.New(t)
	prefix := redistest.Prefix()
	first := serve(t, tg, prefix)
	c := tg.Chat(t, 77, "ps")
	firstHalf(t, c, "ps")
	first.stop()

	serve(t, tg, prefix)
	// The same question is still open after the restart: its buttons work.
	secondHalf(t, c, "ps")
}

func TestForgetLeavesNoKey(t *testing.T) {
	tg := telegramtest.New(t)
	prefix := redistest.Prefix()
	r := serve(t, tg, prefix)
	const id = 987654321
	c := tg.Chat(t, id, "so")
	firstHalf(t, c, "so")
	secondHalf(t, c, "so")
	rdb := r.m.Redis
	if n := keysWith(t, rdb, id); n == 0 {
		t.Fatal("no key holds the person before /forget: the test would prove nothing")
	}
	expect(t, "so", c.Send("/forget"), "forget_confirm")
	expect(t, "so", c.Press("forget:yes"), "forget_done")
	if n := keysWith(t, rdb, id); n != 0 {
		t.Fatalf("%d keys with the person's id left after /forget", n)
	}
}

func keysWith(t *testing.T, rdb redis.UniversalClient, id int64) int {
	keys, err := rdb.Keys(context.Background(), "*"+strconv.FormatInt(id, 10)+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	return len(keys)
}

func TestBadInputOnTelegram(t *testing.T) {
	tg := telegramtest.New(t)
	serve(t, tg, redistest.Prefix())
	c := tg.Chat(t, 55, "ar")
	c.Send("/start")
	c.Press("lang:ar")
	c.Press("consent:yes")
	c.Send("Amira")
	// Typed input (media, an edit) brings the question again once, then
	// the reason alone twice, then nothing; a command or a press of an old
	// button is deliberate and always gets the question again.
	typed := 0
	for _, tc := range []struct {
		update map[string]any
		msg    string
		typed  bool
	}{
		{c.MessageUpdate(map[string]any{"sticker": map[string]any{"file_id": "x", "file_unique_id": "y", "type": "regular", "width": 1, "height": 1}}), "bad_media", true},
		{c.MessageUpdate(map[string]any{"photo": []map[string]any{{"file_id": "x", "file_unique_id": "y", "width": 1, "height": 1}}}), "bad_media", true},
		{c.MessageUpdate(map[string]any{"voice": map[string]any{"file_id": "x", "file_unique_id": "y", "duration": 3}}), "bad_media", true},
		{c.MessageUpdate(map[string]any{"location": map[string]any{"latitude": 51.2, "longitude": 4.4}}), "", true},
		{c.MessageUpdate(map[string]any{"contact": map[string]any{"phone_number": "+32", "first_name": "A"}}), "", true},
		{c.MessageUpdate(map[string]any{"text": "/doesnotexist"}), "bad_unknown_command", false},
		{c.PressUpdate("a:age:forged", 1), "bad_old_button", false},
		{c.PressUpdate(strings.Repeat("x", 64), 1), "bad_old_button", false},
		{map[string]any{"edited_message": c.MessageUpdate(map[string]any{"text": "x", "edit_date": 1})["message"]}, "bad_edited", true},
	} {
		r := c.Do(tc.update)
		switch {
		case !tc.typed:
			typed = 0
			expect(t, "ar", r, tc.msg)
			expect(t, "ar", r, "q_age")
		case typed == 0:
			expect(t, "ar", r, tc.msg)
			expect(t, "ar", r, "q_age")
		case typed < 3:
			expect(t, "ar", r, tc.msg)
			expect(t, "ar", r, "bad_still")
		default:
			if len(r) != 0 {
				t.Fatalf("re-asked %d times: %+v", typed+1, r)
			}
		}
		if tc.typed {
			typed++
		}
	}
	// A message longer than Telegram's limit is read, not refused.
	expect(t, "ar", c.Send(strings.Repeat("ب ", 2500)), "long_not_kept")
	expect(t, "ar", c.Press("a:age:50p"), "q_dutch")
}

// The terminal chat is typed as a person types: labels, synonyms, a
// question in their own words, and "/later" brings tomorrow's reminder.
func TestPipedChatCompletesOnboarding(t *testing.T) {
	script := strings.Join([]string{
		"English", "yes", "Sam", "25 to 49", "fluently", "vdab", "secondary school", "in belgium",
		"Hospitality", "done", "licence b", "full-time", "done",
		"2800", // a postcode outside Antwerp (Mechelen)
		"yes",  // I know the job I want
		"no help", "done", "yes",
		"is it free?",
		"talk to a coach", "1",
		"/later 1d",
		"/mydata",
	}, "\n") + "\n"
	var out, errOut bytes.Buffer
	env := map[string]string{"LANG_HINT": ""}
	err := run(context.Background(), []string{"chat"}, func(k string) string { return env[k] }, strings.NewReader(script), &out, &errOut)
	if err != nil {
		t.Fatalf("chat: %v\n%s", err, errOut.String())
	}
	for _, want := range []string{texts.T("en", "result_intro_named", map[string]any{"Name": "Sam"}),
		texts.T("en", "step_job_coaching", nil), "postcode 2800", `"name": "Sam"`, "free for jobseekers",
		"staff (Slack): booked", "staff (Slack): signup", "the demo's clock moves"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("transcript lacks %q:\n%s", want, out.String())
		}
	}
}

// A greeting several languages share gets a short picker; the number typed
// under it is that picker's, not the full one's: "2" under [Arabic, Dari,
// Pashto] is Dari, not English.
func TestTerminalNumbersFollowTheShortPicker(t *testing.T) {
	var out, errOut bytes.Buffer
	script := "السلام عليكم\n2\n"
	if err := run(context.Background(), []string{"chat"}, func(string) string { return "" }, strings.NewReader(script), &out, &errOut); err != nil {
		t.Fatalf("chat: %v\n%s", err, errOut.String())
	}
	got := out.String()
	if !strings.Contains(got, texts.T("fa-AF", "btn_agree", nil)) || strings.Contains(got, texts.T("en", "btn_agree", nil)) {
		t.Fatalf("\"2\" under the short picker did not choose Dari:\n%s", got)
	}
}

func TestNoArgumentsWithoutTokenIsATerminalChat(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), nil, func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut.String(), "TELEGRAM_BOT_TOKEN") || !strings.Contains(out.String(), texts.T("nl", "language_choose", nil)) {
		t.Fatalf("stderr %q\nstdout %q", errOut.String(), out.String())
	}
	if err := run(context.Background(), []string{"bogus"}, func(string) string { return "" }, nil, &out, &errOut); err == nil {
		t.Fatal("an unknown command did not fail")
	}
}

// lockedBuffer is a log sink that tests read while the bot writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestLogsHoldNoPersonalData(t *testing.T) {
	tg := telegramtest.New(t)
	var logs lockedBuffer
	r := serve(t, tg, redistest.Prefix(), func(m *Main) {
		m.Log = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	const id = 123456789
	c := tg.Chat(t, id, "nl")
	firstHalf(t, c, "nl")
	c.Send("geheim bericht")
	r.stop()
	out := logs.String()
	if !strings.Contains(out, bot.ChatRef(id)) {
		t.Fatalf("no log line names the chat by its hash, so this test would prove nothing:\n%s", out)
	}
	for _, secret := range []string{"Amira", "123456789", "geheim"} {
		if strings.Contains(out, secret) {
			t.Fatalf("logs hold %q:\n%s", secret, out)
		}
	}
}

func TestPolledUpdateDeliveredTwiceIsAnsweredOnce(t *testing.T) {
	tg := telegramtest.New(t)
	serve(t, tg, redistest.Prefix())
	c := tg.Chat(t, 61, "en")
	c.Send("/start")
	u := c.PressUpdate("lang:en", 1)
	id := tg.Push(u)
	tg.WaitConfirmed(t, id, 10*time.Second)
	before := len(tg.Messages(61))
	tg.Redeliver(u) // Telegram sends it again, as after a lost confirmation
	last := c.Send("/help")
	if got := len(tg.Messages(61)) - before; got != len(last) {
		t.Fatalf("the redelivered update was answered again: %d messages after it, want only the %d answering /help", got, len(last))
	}
}

// With a Redis that other instances share, a chat is held in Redis while
// an instance has work for it, in polling mode too and with no staff side:
// an update for a chat that another instance holds (it is injecting a
// reminder) waits in the chat's inbox for that instance, else one save
// would undo the other. Should that instance die, the update is taken up
// here as soon as its heartbeat is seen to have stopped: the transport's
// clock (Main.Pace), which the test moves, drives the sweeps and ages the
// heartbeat.
func TestPollingHoldsChatsInASharedRedis(t *testing.T) {
	tg := telegramtest.New(t)
	prefix := redistest.Prefix()
	// Years ahead of the wall clock: only moves of Pace age the beat.
	pace := clock.NewFake(time.Now().AddDate(3, 0, 0))
	r := serve(t, tg, prefix, func(m *Main) { m.Pace = pace })
	ctx := context.Background()
	keys := store.Keys{Prefix: prefix}
	other := store.NewChats(store.NewSessions(r.m.Redis, keys), "other-instance")
	other.Clock = pace
	r.m.Redis.ZAdd(ctx, keys.Instances(), redis.Z{Score: float64(pace.Now().UnixMilli()), Member: "other-instance"})
	const chat = 6161
	if w, err := other.Take(ctx, chat, []byte(`{"e":{}}`), false); err != nil || w.Status != store.Run {
		t.Fatalf("the other instance could not take the chat: %+v, %v", w, err)
	}
	c := tg.Chat(t, chat, "nl")
	id := tg.Push(c.MessageUpdate(map[string]any{"text": "/start"}))
	// Queued in Redis, so confirmed to Telegram at once.
	tg.WaitConfirmed(t, id, 10*time.Second)
	// A turn of this instance would answer within milliseconds; give it
	// far longer, on the wall clock, to show that it waits.
	time.Sleep(300 * time.Millisecond)
	if msgs := tg.Messages(chat); len(msgs) != 0 {
		t.Fatalf("answered while another instance held the chat: %+v", msgs)
	}
	if n := r.m.Redis.LLen(ctx, keys.Inbox(chat)).Val(); n != 1 {
		t.Fatalf("%d items in the chat's inbox, want the update", n)
	}
	// The other instance dies: its heartbeat stops, its lock stays. Time
	// passes, a sweep at a time, until a sweep sees the beat is stale.
	waitFor(t, "the update answered after the takeover", func() bool {
		if len(tg.Messages(chat)) >= 2 {
			return true
		}
		pace.Advance(bot.SweepEvery)
		return false
	})
	expect(t, "nl", tg.Messages(chat)[:1], "start_greeting")
}

// "/later" moves the demo's clock and the reminders the lease sender hands
// out arrive, as they would on Telegram: a jump of two days past the talk
// lives through the evening before and the morning of it, so both come,
// in order, rather than being dropped as passed.
func TestTerminalLaterBringsTheReminder(t *testing.T) {
	script := strings.Join([]string{"Nederlands", "ja", "Sam", "19", "vlot", "vdab", "hoger onderwijs", "in belgië",
		"bouw", "klaar", "nee", "voltijds", "klaar", "deurne", "ja", "nee, geen hulp nodig", "klaar", "ja, dit klopt",
		"coachgesprek", "1", "/later 2d"}, "\n") + "\n"
	var out, errOut bytes.Buffer
	m := &Main{Config: Config{RedisPrefix: redistest.Prefix(), Retention: 180 * 24 * time.Hour},
		Clock: clock.NewOffset(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)), // Monday 11:00 in Brussels
		Stdin: strings.NewReader(script), Stdout: &out, Stderr: &errOut}
	defer m.Close()
	if err := m.Chat(context.Background()); err != nil {
		t.Fatalf("chat: %v\n%s", err, errOut.String())
	}
	got := out.String()
	booked := strings.Index(got, "┃ 🧑‍💼 staff (Slack): booked")
	reminder := strings.Index(got, "Herinnering: morgen om 09:00")
	today := strings.Index(got, "Vandaag om 09:00")
	if booked < 0 || reminder < booked || today < reminder {
		t.Fatalf("no booking, or not both reminders in order after /later:\n%s", got)
	}
}
