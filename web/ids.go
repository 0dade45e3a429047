package web

import (
	"crypto/rand"
	"encoding/binary"
)

// Web conversations live in their own part of the int64 chat-id space,
// because every component (the store's {u<id>} keys, the schedule, alerts,
// staff) keys a person by an int64 and must never confuse a web visitor
// with a Telegram chat.
//
// Telegram's chat ids of private chats are user ids, which Telegram
// documents as having at most 52 significant bits; group and channel ids
// are negative. Web chat ids are 2^62 and above: far from any Telegram id,
// and still positive, so they print and sort like any other chat id.
// This is the one place that decides it; IsChat is how everyone asks.
const (
	// FirstChatID is the smallest web chat id.
	FirstChatID int64 = 1 << 62
	// telegramMax is past the largest id Telegram can give a private chat
	// (52 bits), for the test that the two ranges cannot meet.
	telegramMax int64 = 1<<52 - 1
)

// IsChat reports whether chat is a web conversation, not a Telegram one.
// Proactive messages (reminders, alerts, staff) are routed by it.
func IsChat(chat int64) bool { return chat >= FirstChatID }

// newChatID is a random id in the web range: 62 random bits, so that an id
// says nothing about when or in which order people came.
func newChatID() int64 {
	var b [8]byte
	rand.Read(b[:])
	return FirstChatID | int64(binary.BigEndian.Uint64(b[:])&(1<<62-1))
}
