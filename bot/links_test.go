package bot_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/werkwijzer/werkwijzer/bot"
	"github.com/werkwijzer/werkwijzer/bot/telegramtest"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/locales"
)

// A reply with a link button and previews off (a vacancy card) reaches
// Telegram as a URL button and link_preview_options.is_disabled, through
// the real client; an ordinary reply keeps Telegram's default.
func TestTelegramSendsLinkButtonsWithoutPreview(t *testing.T) {
	fake := telegramtest.New(t)
	texts := locales.MustLoad()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	tgm, err := bot.NewTelegram(fake.Token, fake.URL, &bot.Runtime{Log: log}, texts, log)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	card := dialogs.Reply{Text: "Lasser https://jobs.example/1", NoPreview: true, Buttons: [][]dialogs.Button{
		{{Text: "Solliciteren", URL: "https://jobs.example/1"}},
		{{Text: "Volgende", Data: "job:next:1"}},
	}}
	if err := tgm.Send(ctx, 7, 0, card); err != nil {
		t.Fatal(err)
	}
	if err := tgm.Send(ctx, 7, 0, dialogs.Reply{Text: "menu", Buttons: [][]dialogs.Button{{{Text: "a", Data: "x"}}}}); err != nil {
		t.Fatal(err)
	}
	msgs := fake.Messages(7)
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want 2", len(msgs))
	}
	got := msgs[0]
	if !got.NoPreview {
		t.Error("the card was sent with link previews on")
	}
	if b := got.Buttons[0][0]; b.URL != "https://jobs.example/1" || b.Data != "" || b.Text != "Solliciteren" {
		t.Errorf("link button = %+v", b)
	}
	if b := got.Buttons[1][0]; b.Data != "job:next:1" || b.URL != "" {
		t.Errorf("callback button = %+v", b)
	}
	if msgs[1].NoPreview {
		t.Error("an ordinary reply was sent with previews off")
	}
}

// The terminal shows a link with its address and no number: the numbers
// choose only buttons that answer.
func TestTerminalShowsLinksWithoutNumbers(t *testing.T) {
	rows := [][]dialogs.Button{{{Text: "Solliciteren", URL: "https://jobs.example/1"}}, {{Text: "Volgende", Data: "job:next:1"}}}
	text := bot.PrintReply(dialogs.Reply{Text: "Lasser", Buttons: rows})
	if !strings.Contains(text, "[Solliciteren: https://jobs.example/1]") || !strings.Contains(text, "[1] Volgende") {
		t.Fatalf("terminal shows:\n%s", text)
	}
}
