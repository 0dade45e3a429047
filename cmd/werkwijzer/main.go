// Command werkwijzer runs the Werkwijzer bot: "serve" on Telegram, "chat" in
// the terminal, and the staff commands (import, items, link, stats, attendance).
// It is wiring only: it reads the configuration, builds every package,
// registers the flows and starts the loops; the rules live in the packages.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "werkwijzer:", err)
		os.Exit(1)
	}
}

const usage = `Werkwijzer helps jobseekers in Antwerp find their way to work.

Usage:
  werkwijzer          chat in the terminal, or serve when TELEGRAM_BOT_TOKEN or WEB_URL is set
  werkwijzer serve    run the Telegram bot (TELEGRAM_BOT_TOKEN) and/or the web chat (WEB_URL)
  werkwijzer chat     chat with the bot in the terminal (buttons: type their number)
  werkwijzer import partners FILE
                      load the partner registry (YAML; see outreach/FORMAT.md)
  werkwijzer import vacancies FILE [--source NAME]
                      load vacancies: JobPosting JSON-LD or CSV (see jobs/FORMAT.md)
  werkwijzer import slots|sessions FILE [--check] [--allow-cancel]
                      load coaching slots or info sessions (YAML; see schedule/FORMAT.md);
                      --check says what would change and who would be told, and changes
                      nothing; a file that would cancel bookings needs --allow-cancel
  werkwijzer import faq FILE
                      load the questions and answers (YAML; see answers/faq.yaml)
  werkwijzer items [--from DATE]
                      list slots and sessions with their ids, seats taken and left, waiting
  werkwijzer attendance [ITEM [WW-REF=yes|no ...]]
                      today's items; who booked ITEM; or record who came and who did not
  werkwijzer link --partner ID [--place TEXT] [--lang CODE] [--sector NAME]
                  [--expires DATE] [--qr FILE.png] [--poster FILE.html]
                      make a sign-up link for outreach workers, with a QR code or poster
  werkwijzer stats [--by partner|place|link] [--since DATE] [--csv]
                      how far people who came through sign-up links got, per week

Configuration is read from the environment; see README.md.
`

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := ""
	if len(args) > 0 {
		cmd = args[0]
	}
	if cmd == "" {
		cmd = "serve"
		if getenv("TELEGRAM_BOT_TOKEN") == "" && getenv("WEB_URL") == "" {
			fmt.Fprintln(stderr, "No TELEGRAM_BOT_TOKEN set, so this is a chat in the terminal.\n"+
				"To connect Telegram: make a bot with @BotFather, then run TELEGRAM_BOT_TOKEN=<token> werkwijzer serve.\n"+
				"For the web chat in your browser: WEB_URL=http://localhost:8080 werkwijzer serve, then open http://localhost:8080/chat/")
			cmd = "chat"
		}
	}
	switch cmd {
	case "serve", "chat", "import", "link", "stats", "attendance", "items":
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	m := &Main{Config: cfg, Stdin: stdin, Stdout: stdout, Stderr: stderr}
	defer m.Close()
	switch cmd {
	case "chat":
		return m.Chat(ctx)
	case "import":
		return m.Import(ctx, args[1:])
	case "link":
		return m.LinkCommand(ctx, args[1:])
	case "stats":
		return m.StatsCommand(ctx, args[1:])
	case "attendance":
		return m.AttendanceCommand(ctx, args[1:])
	case "items":
		return m.ItemsCommand(ctx, args[1:])
	}
	return m.Serve(ctx)
}
