package bot

import (
	"bytes"

	"github.com/werkwijzer/werkwijzer/dialogs"
)

// PrintReply is what the terminal prints for r.
func PrintReply(r dialogs.Reply) string {
	var b bytes.Buffer
	(&Terminal{Out: &b}).print(r)
	return b.String()
}
