// Package store keeps Werkwijzer's state in Redis through go-redis v9:
// conversations now, and the queues and schedules later features add.
//
// It implements the interfaces dialogs defines and must not be imported by
// dialogs. Every key is built here, in Keys, so that the layout below is the
// whole truth about what Redis holds.
//
// # Key layout
//
// All keys start with one prefix (default "ww"). Keys that belong to one
// person carry their chat id in a hash tag, {u<id>}, so that in a Redis
// Cluster all of them live in one slot: a person's keys can be changed in one
// MULTI and erased in one DEL.
//
//	<p>:{u<id>}:conv   string  the conversation State as JSON.
//	                           TTL: 24 h before consent, then the retention
//	                           (default 180 days), renewed on every message.
//
// Nothing else names a person. /forget deletes every key in UserKeys.
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

// UserKeys lists every key that may hold data of chatID.
func (k Keys) UserKeys(chatID int64) []string {
	return []string{k.Conversation(chatID)}
}
