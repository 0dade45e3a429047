package bot

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/werkwijzer/werkwijzer/dialogs"
)

// Terminal is a chat in the terminal against the same dialogs as Telegram:
// buttons are shown numbered, and what is typed goes to the dialogs as
// text, which map a number, a label or a synonym to the button as they do
// on every channel. It reads until end of input, so a conversation can be
// piped in as a script. It shows what serve would send unasked too
// (reminders, booking news, vacancy alerts, through Inject) and, marked as
// such, what staff would be told.
type Terminal struct {
	Runtime *Runtime
	In      io.Reader
	Out     io.Writer
	ChatID  int64
	Lang    string // reported like Telegram's language_code, may be empty
	Echo    bool   // print each input line, for piped transcripts
	// Later, when set, moves the demo's clock forward ("/later 1d") and
	// delivers what fell due; it returns how many messages came.
	Later func(ctx context.Context, d time.Duration) int
	// Staff prints the notes staff would get (when no Slack is connected).
	Staff bool

	mu sync.Mutex // one turn at a time: typed lines and injected events
	// picker holds the buttons of a language picker just printed, in the
	// order of their numbers. Before a language is chosen the bot keeps
	// nothing, so it cannot know which picker (all languages, or the
	// two or three a greeting points to) a typed "2" is about: the
	// terminal, which printed the numbers, does.
	picker []string
}

// Run greets as /start would and then chats until In ends or ctx is done.
func (t *Terminal) Run(ctx context.Context) error {
	if err := t.send(ctx, dialogs.Event{Kind: dialogs.KindCommand, Command: "start"}); err != nil {
		return err
	}
	sc := bufio.NewScanner(t.In)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		if ctx.Err() != nil {
			return nil
		}
		line := sc.Text()
		if t.Echo {
			t.mu.Lock()
			fmt.Fprintf(t.Out, "> %s\n", line)
			t.mu.Unlock()
		}
		if d, ok := later(line); ok && t.Later != nil {
			t.mu.Lock()
			fmt.Fprintf(t.Out, "⏩ the demo's clock moves %s ahead\n\n", d)
			t.mu.Unlock()
			if n := t.Later(ctx, d); n == 0 {
				t.mu.Lock()
				fmt.Fprintln(t.Out, "(nothing was due by then)")
				fmt.Fprintln(t.Out)
				t.mu.Unlock()
			}
			continue
		}
		if err := t.send(ctx, t.parseLine(line)); err != nil {
			return err
		}
	}
	return sc.Err()
}

// Inject runs an event from outside (a reminder, an alert, staff) through
// the conversation and prints what it says: the terminal's side of the
// lease senders, as Telegram.Inject is theirs in serve.
func (t *Terminal) Inject(ctx context.Context, ev dialogs.Event) error { return t.send(ctx, ev) }

func (t *Terminal) send(ctx context.Context, ev dialogs.Event) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	ev.ChatID = t.ChatID
	if !ev.Kind.Proactive() {
		ev.LangHint = t.Lang
	}
	turn, err := t.Runtime.Handle(ctx, ev)
	if err != nil || turn == nil {
		return err
	}
	if err := t.Runtime.Notes(ctx, turn); err != nil {
		return err
	}
	for _, r := range turn.Replies {
		t.print(r)
	}
	t.picker = nil
	if len(turn.Replies) > 0 {
		t.picker = pickerData(turn.Replies[len(turn.Replies)-1])
	}
	if t.Staff {
		for _, n := range turn.Notes {
			t.staffLine(n)
		}
	}
	return t.Runtime.Service.Delivered(ctx, turn)
}

// later reads "/later 1d", "/later 2h30m": how far to move the clock.
func later(line string) (time.Duration, bool) {
	arg, ok := strings.CutPrefix(strings.TrimSpace(line), "/later")
	if !ok {
		return 0, false
	}
	arg = strings.TrimSpace(arg)
	if arg == "" {
		return 24 * time.Hour, true
	}
	var days time.Duration
	if i := strings.IndexByte(arg, 'd'); i > 0 {
		n, err := strconv.Atoi(arg[:i])
		if err != nil {
			return 0, false
		}
		days, arg = time.Duration(n)*24*time.Hour, arg[i+1:]
	}
	if arg == "" {
		return days, days > 0
	}
	d, err := time.ParseDuration(arg)
	return days + d, err == nil && days+d > 0
}

// parseLine turns what was typed into an event: a /command, a number
// under a language picker (see Terminal.picker), or text (the dialogs take
// a number or a label for the button it names).
func (t *Terminal) parseLine(line string) dialogs.Event {
	s := strings.TrimSpace(line)
	if strings.HasPrefix(s, "/") {
		return commandEvent(s)
	}
	t.mu.Lock()
	picker := t.picker
	t.mu.Unlock()
	if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= len(picker) {
		return dialogs.Event{Kind: dialogs.KindButton, Data: picker[n-1]}
	}
	return dialogs.Event{Kind: dialogs.KindText, Text: line}
}

// commandEvent parses "/name@bot args".
func commandEvent(s string) dialogs.Event {
	name, args, _ := strings.Cut(strings.TrimPrefix(s, "/"), " ")
	name, _, _ = strings.Cut(name, "@")
	return dialogs.Event{Kind: dialogs.KindCommand, Command: strings.ToLower(name), Text: strings.TrimSpace(args)}
}

func (t *Terminal) print(r dialogs.Reply) {
	fmt.Fprintln(t.Out, r.Text)
	for _, row := range r.Keys {
		var cells []string
		for _, k := range row {
			if k.Contact {
				// A terminal has no number to share: the person types it.
				cells = append(cells, "⌨ "+k.Text+" (type it)")
				continue
			}
			cells = append(cells, "⌨ "+k.Text)
		}
		fmt.Fprintln(t.Out, "  "+strings.Join(cells, "   "))
	}
	n := 0
	for _, row := range r.Buttons {
		var cells []string
		for _, b := range row {
			if b.URL != "" {
				// A link, not a choice: it gets no number.
				cells = append(cells, fmt.Sprintf("[%s: %s]", b.Text, b.URL))
				continue
			}
			n++
			cells = append(cells, fmt.Sprintf("[%d] %s", n, b.Text))
		}
		fmt.Fprintln(t.Out, "  "+strings.Join(cells, "   "))
	}
	if d := r.Document; d != nil {
		fmt.Fprintf(t.Out, "📎 %s: %s\n%s\n", d.Name, d.Caption, d.Content)
	}
	fmt.Fprintln(t.Out)
}

// pickerData is the numbered buttons' data of r when r is a language
// picker, else nil.
func pickerData(r dialogs.Reply) []string {
	var data []string
	picker := false
	for _, row := range r.Buttons {
		for _, b := range row {
			if b.URL != "" {
				continue // a link gets no number
			}
			data = append(data, b.Data)
			picker = picker || strings.HasPrefix(b.Data, "lang:")
		}
	}
	if !picker {
		return nil
	}
	return data
}

// staffLine shows a note as staff would get it, marked so that nobody
// takes it for the bot's words to the person. Labels and values are
// Dutch, as staff read them.
func (t *Terminal) staffLine(n dialogs.Note) {
	var parts []string
	for _, f := range n.Fields {
		parts = append(parts, f.Label+": "+f.Value)
	}
	if n.AtQuestion != "" {
		parts = append(parts, "vastgelopen bij: "+n.AtQuestion)
	}
	if n.Text != "" {
		parts = append(parts, "bericht: "+n.Text)
	}
	line := fmt.Sprintf("┃ 🧑‍💼 staff (Slack): %s · %s", n.Kind, n.Lang)
	if len(parts) > 0 {
		line += " · " + strings.Join(parts, " · ")
	}
	fmt.Fprintln(t.Out, line)
	fmt.Fprintln(t.Out)
}
