package schedule

import (
	"strings"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/dialogs/booking"
	"github.com/werkwijzer/werkwijzer/pseudonym"
)

// A calendar UID carries the person's whole reference, and only that:
// cutting a piece of it (a leading "x" was once taken for a prefix) made
// two people's references, and so their calendar entries, the same.
func TestCalendarUIDKeepsTheWholeReference(t *testing.T) {
	key := pseudonym.New([]byte("test secret"))
	it := Item{ID: "talk", Start: time.Date(2026, 12, 2, 10, 0, 0, 0, Brussels), Duration: time.Hour}
	seen := map[string]int64{}
	for chat := int64(1); chat < 2000; chat++ {
		b := &Booker{CalendarRef: key.Calendar}
		file := string(b.Calendar(slotOf(it), chat, booking.CalendarText{Key: "coaching", Summary: "Gesprek"}))
		ref := key.Calendar(chat)
		if want := "UID:coaching-" + ref + "@werkwijzer"; !strings.Contains(file, want) {
			t.Fatalf("chat %d (reference %s): calendar file lacks %q:\n%s", chat, ref, want, file)
		}
		if other, dup := seen[ref]; dup {
			t.Fatalf("chats %d and %d share the calendar reference %s", other, chat, ref)
		}
		seen[ref] = chat
	}
}
