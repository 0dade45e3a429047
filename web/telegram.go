package web

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/werkwijzer/werkwijzer/bot"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/weblink"
)

// A person who wants to keep their conversation across devices carries it
// over to Telegram: the page asks for a one-time code, Telegram opens the
// bot with it (/start w-<code>), the weblink flow takes the conversation
// there (Redeem), and once that turn is saved what the other components
// hold of the web chat moves too and the web chat is dropped (Deliver).

// LinkTTL is how long a code works: long enough to install Telegram.
const LinkTTL = 15 * time.Minute

// codeAlphabet leaves out what reads alike (l and 1, o and 0).
const codeAlphabet = "abcdefghijkmnpqrstuvwxyz23456789"

// Mover moves what a component holds of one chat to another.
type Mover interface {
	MoveChat(ctx context.Context, from, to int64) error
}

var _ weblink.Redeemer = (*Channel)(nil)
var _ weblink.Holder = (*Channel)(nil)

// WebData implements weblink.Holder: what /mydata says the web chat keeps.
func (c *Channel) WebData(ctx context.Context, chat int64) (int, bool, bool, error) {
	if !IsChat(chat) {
		return 0, false, false, nil
	}
	n, err := c.Store.rdb.XLen(ctx, c.Store.log(chat)).Result()
	if err != nil {
		return 0, false, false, err
	}
	meta, err := c.Store.Meta(ctx, chat)
	return int(n), meta.Push != "", true, err
}

var _ bot.NoteReceiver = (*Channel)(nil)

func newCode() string {
	b := make([]byte, 8)
	rand.Read(b)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// NewLinkCode gives chat a one-time code for LinkTTL, in place of any
// earlier one.
func (s *Store) NewLinkCode(ctx context.Context, chat int64) (string, error) {
	old, err := s.rdb.HGet(ctx, s.meta(chat), "tgcode").Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return "", err
	}
	code := newCode()
	p := s.rdb.Pipeline() // the code and the conversation: two slots in a cluster
	if old != "" {
		p.Del(ctx, s.linkCode(old))
	}
	p.Set(ctx, s.linkCode(code), strconv.FormatInt(chat, 10), LinkTTL)
	p.HSet(ctx, s.meta(chat), "tgcode", code)
	_, err = p.Exec(ctx)
	return code, err
}

// redeemScript claims a code for one Telegram chat: the first to redeem it
// has it, and redeeming again for the same chat gives the same answer (a
// turn tried again). KEYS: the code. ARGV: the Telegram chat.
var redeemScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if not v then return '' end
local from, to = string.match(v, '^(%d+)|?(%d*)$')
if not from or (to ~= '' and to ~= ARGV[1]) then return '' end
if to == '' then redis.call('SET', KEYS[1], from .. '|' .. ARGV[1], 'KEEPTTL') end
return from`)

// Redeem is the web chat that code stands for, claimed for Telegram chat
// to; 0 when the code is unknown, expired or another chat's. (The id
// comes back as a string: Redis's Lua holds numbers as doubles, which
// cannot hold a web chat id.)
func (s *Store) Redeem(ctx context.Context, code string, to int64) (int64, error) {
	v, err := redeemScript.Run(ctx, s.rdb, []string{s.linkCode(code)}, strconv.FormatInt(to, 10)).Text()
	if err != nil || v == "" {
		return 0, err
	}
	return strconv.ParseInt(v, 10, 64)
}

// Redeem implements weblink.Redeemer: the conversation of the web chat
// whose code it is, for Telegram chat to.
func (c *Channel) Redeem(ctx context.Context, code string, to int64) (*dialogs.State, int64, error) {
	from, err := c.Store.Redeem(ctx, code, to)
	if err != nil {
		return nil, 0, err
	}
	if from == 0 || !IsChat(from) || c.Sessions == nil {
		return nil, 0, dialogs.E(dialogs.ErrNotFound, "web: redeem", errors.New("no such code"))
	}
	st, _, err := c.Sessions.Load(ctx, from)
	if err != nil {
		return nil, 0, err
	}
	if st == nil {
		return nil, 0, dialogs.E(dialogs.ErrNotFound, "web: redeem", errors.New("the web chat holds nothing"))
	}
	return st, from, nil
}

// Deliver is the web channel's part in a turn's notes: after a web chat
// was carried over to Telegram (NoteLinked), what every component holds of
// it moves to the Telegram chat, and then the web chat is dropped: its
// conversation, its session (its page ends), its log. It is safe to call
// again for the same turn.
func (c *Channel) Deliver(ctx context.Context, turn *dialogs.Turn) error {
	for _, n := range turn.Notes {
		if n.Kind != dialogs.NoteLinked {
			continue
		}
		from, err := strconv.ParseInt(n.Item, 10, 64)
		if err != nil || !IsChat(from) || IsChat(turn.ChatID) {
			continue
		}
		for _, m := range c.Movers {
			if err := m.MoveChat(ctx, from, turn.ChatID); err != nil {
				return fmt.Errorf("web: move chat: %w", err)
			}
		}
		if c.Sessions != nil {
			if err := c.Sessions.Save(ctx, from, nil, 0, nil); err != nil {
				return err
			}
		}
		if err := c.Forget(ctx, from); err != nil {
			return err
		}
	}
	return nil
}

// telegram gives the page a one-time link that opens the bot in Telegram
// with this conversation.
func (c *Channel) telegram(w http.ResponseWriter, r *http.Request) {
	_, chat, ok := c.writer(w, r)
	if !ok {
		return
	}
	if c.TelegramBot == "" {
		http.NotFound(w, r)
		return
	}
	meta, err := c.Store.Meta(r.Context(), chat)
	if err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"retry": 2})
		return
	}
	lang := c.lang(r, meta.Lang)
	if c.Busy != nil {
		busy, err := c.Busy(r.Context(), chat)
		if err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]any{"retry": 2})
			return
		}
		if busy {
			writeJSON(w, http.StatusConflict, map[string]any{"error": c.Texts.T(lang, "web_tg_busy", nil)})
			return
		}
	}
	code, err := c.Store.NewLinkCode(r.Context(), chat)
	if err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"retry": 2})
		return
	}
	wait := c.Texts.N(lang, "unit_minutes", int(LinkTTL/time.Minute), nil)
	writeJSON(w, http.StatusOK, map[string]any{
		"url":  "https://t.me/" + strings.TrimPrefix(c.TelegramBot, "@") + "?start=" + weblink.Prefix + code,
		"text": c.Texts.T(lang, "web_tg_code", map[string]any{"Wait": wait}), "open": c.Texts.T(lang, "web_tg_open", nil)})
}
