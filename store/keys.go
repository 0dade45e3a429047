// Package store keeps Werkwijzer's state in Redis through go-redis v9:
// conversations now, and the queues and schedules later features add.
//
// It implements the interfaces dialogs defines and must not be imported by
// dialogs. The keys below are built here, in Keys; every other package that
// keeps keys in Redis (jobs, schedule, staff, outreach, the lease queues)
// documents its own in its package doc, and the README's table lists them
// all.
//
// # Key layout
//
// All keys start with one prefix (default "ww"). Keys that belong to one
// person carry their chat id in a hash tag, {u<id>}, so that in a Redis
// Cluster all of them live in one slot: a person's keys can be changed in one
// MULTI and erased in one DEL.
//
//	<p>:{u<id>}:conv       string  the conversation State as JSON.
//	                               TTL: 24 h before consent, then the retention
//	                               (default 180 days), renewed on every message.
//	<p>:{u<id>}:out        string  the replies of the last turn (JSON) until they
//	                               are sent; a restart delivers what is left.
//	                               TTL: one hour.
//	<p>:{u<id>}:lock       string  the instance that has work for the chat (its
//	                               heartbeat id): held from the first item to
//	                               the moment its inbox is empty, renewed with
//	                               every item. TTL: 45 s; a killed holder's
//	                               chats are taken over once its heartbeat is
//	                               6 s old.
//	<p>:{u<id>}:inbox      list    updates and events waiting for the chat, in
//	                               order (JSON), while an earlier one is
//	                               handled. TTL: 24 h, renewed on every push;
//	                               emptied as they are handled.
//	<p>:{u<id>}:in         string  how many messages the person sent in the
//	                               last minute (the inbound limit). TTL: 1 min;
//	                               10 min after the last message once over the
//	                               limit.
//	<p>:{u<id>}:unreach    string  "1" while Telegram says the person blocked the
//	                               bot; no proactive message goes out. Removed
//	                               when they write again. TTL: the retention.
//	<p>:instances          zset    the instances sharing the send rate, scored
//	                               by their last heartbeat. TTL: 20 s.
//	<p>:waiting            zset    chat ids whose inbox held work, scored by when
//	                               (ms): how a killed instance's chats are found.
//	                               A member goes once its inbox is found empty
//	                               (within seconds). TTL: 24 h, renewed with
//	                               every mark, so it outlives every inbox.
//
// /forget (a Save with a nil state) deletes the conversation, the
// unreachable mark and the inbound count at once; the outbox goes once the
// goodbye is sent; the lock lives only while the chat has work, the
// inbox holds only what the person sent after /forget, and Chats.Forget
// takes the chat off the waiting list.
package store

import (
	"strconv"
)

// Permanent lists, as path.Match patterns after the prefix, the keys of
// every package that live without a TTL on purpose, with why. Every other
// key expires; a test runs the whole booking cycle and fails on any key
// without a lifetime that is not listed here.
var Permanent = map[string]string{
	"outreach:secret":    "the key that signs printed link codes: changing it voids every poster",
	"outreach:partners":  "the partner registry, as staff imported it",
	"{staff}:outbox":     "the staff notification stream; entries go once posted",
	"{staff}:ho:waiting": "untaken requests for a person, by when to raise them; members go with their request",
	"{staff}:ho:open":    "open requests, for the statistics; members go with their request",
	"{book}:reminders":   "reminders and booking news by when they are due; members go once sent, and with /forget",
	"{book}:claimed":     "reminders being sent, under a lease; members go once acknowledged",
	"{alerts}:people":    "an older version's list of who asked for alerts; Migrate moves it into the index and deletes it",
	"{alerts}:ix:*":      "per sector, who asked for alerts; fields go with /forget, Stop, and their conversation's lifetime (ix:until, pruned at every import)",
	"{alerts}:planned":   "vacancy ids already planned, by when each is forgotten (pruned at every import); names nobody",
	"{alerts}:queue":     "vacancy alerts by when they are due; members go once sent",
	"{alerts}:claimed":   "vacancy alerts being sent, under a lease",
	"{vac}:all":          "every vacancy id of the catalogue; ids go when their vacancy does",
	"{vac}:src:*":        "the vacancy ids one source offers; replaced on every import of it",
	"{vac}:facts":        "what matching needs of each vacancy; fields go when their vacancy does",
	"{vac}:ver":          "the catalogue's version, counted up by every import; names nobody",
	"web:secret":         "the key of the web chat's CSRF tokens: changing it logs every open page out",
	"web:vapid":          "the Web Push key pair: changing it voids every notification subscription",
	"faq":                "the questions and answers staff imported; replaced whole on every import, names nobody",
	"pseudonym:secret":   "the key of every reference derived from a chat id: changing it cuts staff threads from their people",
}

// DefaultPrefix starts every key Werkwijzer writes.
const DefaultPrefix = "ww"

// Keys builds key names under one prefix. Tests give each test its own
// prefix so that they can share one Redis.
type Keys struct {
	Prefix string
}

func (k Keys) user(chatID int64) string {
	return k.Prefix + ":{u" + strconv.FormatInt(chatID, 10) + "}"
}

// Conversation is the key of a chat's State.
func (k Keys) Conversation(chatID int64) string { return k.user(chatID) + ":conv" }

// Outbox holds a chat's undelivered replies.
func (k Keys) Outbox(chatID int64) string { return k.user(chatID) + ":out" }

// Lock is held by the instance handling a chat.
func (k Keys) Lock(chatID int64) string { return k.user(chatID) + ":lock" }

// Inbox holds what waits to be handled for a chat, in order.
func (k Keys) Inbox(chatID int64) string { return k.user(chatID) + ":inbox" }

// Inbound counts a person's recent messages, for the inbound limit.
func (k Keys) Inbound(chatID int64) string { return k.user(chatID) + ":in" }

// Waiting marks the chats whose inbox holds work, so that a killed
// instance's chats are taken over.
func (k Keys) Waiting() string { return k.Prefix + ":waiting" }

// Unreachable marks a chat whose person blocked the bot.
func (k Keys) Unreachable(chatID int64) string { return k.user(chatID) + ":unreach" }

// Instances lists the live instances that share Telegram's rate.
func (k Keys) Instances() string { return k.Prefix + ":instances" }
