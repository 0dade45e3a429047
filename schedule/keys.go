package schedule

import (
	"strconv"
	"strings"
	"time"
)

// # Keys
//
// Every key shares the hash tag {book}, so that a booking (the item's
// seats, the person's bookings, the waiting list and the reminders) is one
// script in a Redis Cluster too. Every key that holds one item's data lives
// as long as the item (until Keep after it ends, for attendance); every key
// of a person at least as long as the items it names, and the retention:
//
//	<p>:{book}:item:<id>        hash    the Item (JSON) and what the scripts
//	                                    read of it (version, start, seats,
//	                                    kind, expires), and a video link
//	                                    a coach gave. TTL: Keep after it ends.
//	<p>:{book}:items:<kind>     zset    item ids by start, for listing; ids of
//	                                    items gone are pruned on every import.
//	                                    TTL: as its last item.
//	<p>:{book}:seats:<id>       set     chat ids holding a seat. TTL: as the item.
//	<p>:{book}:wait:<id>        list    chat ids waiting, first come first.
//	                                    TTL: as the item.
//	<p>:{book}:attended:<id>    hash    chat id → "yes"/"no", set by staff.
//	                                    TTL: as the item.
//	<p>:{book}:gone:<id>        string  an item staff took out, kept so that its
//	                                    cancellation news can name it.
//	                                    TTL: as the item was.
//	<p>:{book}:person:<chat>    hash    item id → "booked|<kind>|<start ms>" or
//	                                    "waiting|session|0", a person's
//	                                    appointments. TTL: the retention, and
//	                                    at least as long as the items it names.
//	<p>:{book}:reminders        zset    "<chat>|<item>|<kind>" by when it is due.
//	<p>:{book}:claimed          zset    reminders being sent, by when their lease
//	                                    ends.
//
// The two queues have no TTL on purpose (Permanent): they are shared by
// everyone and hold a member only until it is sent, dropped or its person
// is forgotten. /forget (Store.Forget) cancels the person's bookings,
// gives their seats to whoever waits, and removes every key and member
// that names them.

// Permanent are the booking keys that have no lifetime on purpose, as
// patterns (after the prefix): the queues of reminders and news.
var Permanent = []string{"{book}:reminders", "{book}:claimed"}

func (s *Store) k(parts ...string) string {
	return s.prefix + ":{book}:" + strings.Join(parts, ":")
}
func (s *Store) item(id string) string     { return s.k("item", id) }
func (s *Store) items(kind Kind) string    { return s.k("items", string(kind)) }
func (s *Store) seats(id string) string    { return s.k("seats", id) }
func (s *Store) wait(id string) string     { return s.k("wait", id) }
func (s *Store) person(chat int64) string  { return s.k("person", strconv.FormatInt(chat, 10)) }
func (s *Store) attended(id string) string { return s.k("attended", id) }
func (s *Store) reminders() string         { return s.k("reminders") }
func (s *Store) claimed() string           { return s.k("claimed") }
func (s *Store) gone(id string) string     { return s.k("gone", id) }
func chatStr(chat int64) string            { return strconv.FormatInt(chat, 10) }

// expires is when everything kept of it goes: Keep after it ends.
func (s *Store) expires(it Item) time.Time { return it.End().Add(s.Keep) }

// ttl is how long it is kept from now.
func (s *Store) ttl(it Item, now time.Time) time.Duration {
	return max(s.expires(it).Sub(now), time.Minute)
}

// personTTL is how long a person's list of appointments lives once it
// names it: the retention, and never less than the item, so that /forget
// still finds every seat and place that names them.
func (s *Store) personTTL(it Item, now time.Time) time.Duration {
	return max(s.Retention, s.ttl(it, now))
}
