package bot

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/werkwijzer/werkwijzer/dialogs"
)

// Terminal is a chat in the terminal against the same dialogs as Telegram:
// buttons are shown numbered and chosen by number or by label. It reads
// until end of input, so a conversation can be piped in as a script.
type Terminal struct {
	Runtime *Runtime
	In      io.Reader
	Out     io.Writer
	ChatID  int64
	Lang    string // reported like Telegram's language_code, may be empty
	Echo    bool   // print each input line, for piped transcripts
}

// Run greets as /start would and then chats until In ends or ctx is done.
func (t *Terminal) Run(ctx context.Context) error {
	var last [][]dialogs.Button
	send := func(ev dialogs.Event) error {
		ev.ChatID, ev.LangHint = t.ChatID, t.Lang
		turn, err := t.Runtime.Handle(ctx, ev)
		if err != nil || turn == nil {
			return err
		}
		if err := t.Runtime.Notes(ctx, turn); err != nil {
			return err
		}
		for _, r := range turn.Replies {
			t.print(r)
			if len(r.Buttons) > 0 {
				last = r.Buttons
			}
		}
		return t.Runtime.Service.Delivered(ctx, turn)
	}
	if err := send(dialogs.Event{Kind: dialogs.KindCommand, Command: "start"}); err != nil {
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
			fmt.Fprintf(t.Out, "> %s\n", line)
		}
		if err := send(parseLine(line, last)); err != nil {
			return err
		}
	}
	return sc.Err()
}

// parseLine turns what was typed into an event: a button's number or label,
// a /command, or text.
func parseLine(line string, buttons [][]dialogs.Button) dialogs.Event {
	s := strings.TrimSpace(line)
	var flat []dialogs.Button
	for _, row := range buttons {
		for _, b := range row {
			if b.URL == "" { // links are shown, not chosen
				flat = append(flat, b)
			}
		}
	}
	if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= len(flat) {
		return dialogs.Event{Kind: dialogs.KindButton, Data: flat[n-1].Data}
	}
	for _, b := range flat {
		if s != "" && (strings.EqualFold(s, b.Text) || strings.EqualFold(s, strings.TrimPrefix(b.Text, "✓ "))) {
			return dialogs.Event{Kind: dialogs.KindButton, Data: b.Data}
		}
	}
	if strings.HasPrefix(s, "/") {
		return commandEvent(s)
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
