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
// goodbye is sent; the lock lives only while the chat has work, and the
// inbox holds only what the person sent after /forget.
package store

import (
	"strconv"
)

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
