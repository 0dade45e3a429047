package telegramtest

import (
	"testing"
	"time"
)

// Timeout bounds how long the harness waits for the bot to handle one update.
var Timeout = 10 * time.Second

// Chat is one person talking to the bot through the fake server.
type Chat struct {
	t    testing.TB
	s    *Server
	ID   int64
	Lang string // the language_code their Telegram app reports
}

// Chat starts a conversation as the person with id chatID.
func (s *Server) Chat(t testing.TB, chatID int64, lang string) *Chat {
	return &Chat{t: t, s: s, ID: chatID, Lang: lang}
}

func (c *Chat) from() map[string]any {
	return map[string]any{"id": c.ID, "is_bot": false, "first_name": "Test", "language_code": c.Lang}
}

func (c *Chat) chat() map[string]any { return map[string]any{"id": c.ID, "type": "private"} }

// MessageUpdate builds a message update with extra fields (text, sticker, ...).
func (c *Chat) MessageUpdate(fields map[string]any) map[string]any {
	m := map[string]any{"message_id": 1, "date": time.Now().Unix(), "chat": c.chat(), "from": c.from()}
	for k, v := range fields {
		m[k] = v
	}
	return map[string]any{"message": m}
}

// PressUpdate builds a callback update for a button with data on message msgID.
func (c *Chat) PressUpdate(data string, msgID int) map[string]any {
	return map[string]any{"callback_query": map[string]any{
		"id": "cq" + time.Now().Format("150405.000000000"), "from": c.from(), "data": data, "chat_instance": "x",
		"message": map[string]any{"message_id": msgID, "date": time.Now().Unix(), "chat": c.chat(), "text": "…"},
	}}
}

// Do pushes update, waits until the bot handled it and returns what it sent
// to this chat meanwhile.
func (c *Chat) Do(update map[string]any) []Message {
	c.t.Helper()
	before := len(c.s.Messages(c.ID))
	id := c.s.Push(update)
	c.s.WaitHandled(c.t, id, Timeout)
	return c.s.Messages(c.ID)[before:]
}

// Send types text (a /command too).
func (c *Chat) Send(text string) []Message {
	c.t.Helper()
	return c.Do(c.MessageUpdate(map[string]any{"text": text}))
}

// ShareContact presses the key that shares the person's own phone number,
// as Telegram sends it (a contact with their own user id).
func (c *Chat) ShareContact(phone string) []Message {
	c.t.Helper()
	return c.Do(c.MessageUpdate(map[string]any{"contact": map[string]any{"phone_number": phone, "first_name": "Test", "user_id": c.ID}}))
}

// Press presses the button with callback data on the last message that
// showed buttons.
func (c *Chat) Press(data string) []Message {
	c.t.Helper()
	return c.Do(c.PressUpdate(data, c.LastWithButtons().MessageID))
}

// Last is the last message sent to the chat.
func (c *Chat) Last() Message {
	c.t.Helper()
	msgs := c.s.Messages(c.ID)
	if len(msgs) == 0 {
		c.t.Fatalf("chat %d: nothing sent yet", c.ID)
	}
	return msgs[len(msgs)-1]
}

// LastWithButtons is the last message sent with buttons.
func (c *Chat) LastWithButtons() Message {
	c.t.Helper()
	msgs := c.s.Messages(c.ID)
	for i := len(msgs) - 1; i >= 0; i-- {
		if len(msgs[i].Buttons) > 0 {
			return msgs[i]
		}
	}
	c.t.Fatalf("chat %d: no message with buttons", c.ID)
	return Message{}
}

// HasButton reports whether m offers a button with data.
func (m Message) HasButton(data string) bool {
	for _, row := range m.Buttons {
		for _, b := range row {
			if b.Data == data {
				return true
			}
		}
	}
	return false
}
