package schedule

import (
	"strings"
	"testing"
	"time"
)

// A calendar UID carries the person's whole reference. Trimming a leading
// "x" from it (once taken for a prefix) made "x1abcd" and "1abcd" the same,
// so two people's calendar files could replace each other's entries: x is
// a digit in base 36.
func TestCalendarUIDKeepsTheWholeReference(t *testing.T) {
	chat := int64(1)
	for ; !strings.HasPrefix(chatRef(chat), "x"); chat++ {
	}
	it := Item{ID: "talk", Start: time.Date(2026, 12, 2, 10, 0, 0, 0, Brussels), Duration: time.Hour}
	file := string(ICS(it, chat, CalendarText{Key: "coaching", Summary: "Gesprek"}, it.Start))
	if want := "UID:coaching-" + chatRef(chat) + "@werkwijzer"; !strings.Contains(file, want) {
		t.Fatalf("chat %d (reference %s): calendar file lacks %q:\n%s", chat, chatRef(chat), want, file)
	}
}
