package bot

import (
	"bytes"

	"github.com/werkwijzer/werkwijzer/dialogs"
)

// ParseLine is parseLine, for the terminal's tests.
var ParseLine = parseLine

// PrintReply is what the terminal prints for r.
func PrintReply(r dialogs.Reply) string {
	var b bytes.Buffer
	(&Terminal{Out: &b}).print(r)
	return b.String()
}
