package schedule

import (
	_ "embed"
	"fmt"
	"strings"
	"time"
)

//go:embed sessions.example.yaml
var exampleSessions []byte

// SessionsAhead is how far ahead a recurring schedule makes sessions.
const SessionsAhead = 8 * 7 * 24 * time.Hour

// demoCoaches are fictional coaches for the demo: together they speak
// most of the bot's languages.
var demoCoaches = []struct {
	name  string
	langs []string
	mode  Mode
	hour  int
}{
	{"Lotte", []string{"nl", "en", "fr"}, ModeAddress, 9},
	{"Yusuf", []string{"nl", "ar", "tr"}, ModePhone, 10},
	{"Olena", []string{"nl", "uk", "ru", "pl"}, ModeVideo, 11},
	{"Amina", []string{"nl", "so", "en"}, ModeAddress, 14},
	{"Farid", []string{"nl", "fa-AF", "ps"}, ModePhone, 15},
}

// Demo is a fictional schedule for the terminal demo on the embedded
// Redis: coaching slots on the next ten working days, and the example
// info sessions. Fictional times must never reach real people, so only
// the embedded Redis gets it.
func Demo(now time.Time) (slots, sessions []Item, err error) {
	day := now.In(Brussels)
	for added := 0; added < 10; {
		day = day.AddDate(0, 0, 1)
		if day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
			continue
		}
		added++
		for _, c := range demoCoaches {
			it := Item{Kind: KindCoaching, Seats: 1, Coach: c.name, Languages: c.langs, Mode: c.mode, Duration: 45 * time.Minute,
				Start: time.Date(day.Year(), day.Month(), day.Day(), c.hour, 0, 0, 0, Brussels)}
			it.ID = fmt.Sprintf("demo-%s-%s", it.Start.Format("2006-01-02-1504"), strings.ToLower(c.name))
			if c.mode == ModeAddress {
				it.Address = "Werkwinkel, Desguinlei 33, 2018 Antwerpen"
			}
			it.stamp()
			slots = append(slots, it)
		}
	}
	sessions, err = ParseSessions(exampleSessions, now.Add(SessionsAhead))
	return slots, sessions, err
}
