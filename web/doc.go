// Package web is Werkwijzer's web chat: the same conversations as on
// Telegram, from the same dialogs, in a page any phone browser opens, for
// people who do not have Telegram. It is a channel beside package bot:
// it turns what a page sends into dialogs events and puts the replies in
// a log the page reads over server-sent events.
//
// It reaches the conversations only through Conversations (FromRuntime
// adapts bot.Runtime), and must not depend on Telegram or Slack: staff
// take-over, reminders and alerts reach a web conversation through
// Channel.Inject, which cmd/werkwijzer routes to by IsChat.
//
// The page (static/) needs no build step: one HTML page, one script, one
// style sheet, and an Ethiopic web font it serves itself (a subset of
// Noto Sans Ethiopic, SIL Open Font License; see static/OFL.txt), so that
// Tigrinya never shows as empty boxes.
//
// # Exactly once
//
// A page gives each message an id and posts one at a time until the server
// took it. The first time an id arrives it gets the conversation's next
// update id (Store.Assign), the same on every resend; the dialogs' own
// de-duplication (dialogs.Service) and the log's mark of the last update
// it holds make a resend change nothing, and a turn saved before a crash
// is logged from its outbox. Log entries are numbered; a stream resumes
// after the last number the page has.
//
// # Keys
//
// Under the store package's prefix. The person's keys carry the store's
// hash tag {u<id>}, with id a web chat id (IsChat):
//
//	<p>:web:s:<hash>         string  a session: the chat id of the session
//	                                 whose id hashes to <hash> (the cookie
//	                                 holds the id, Redis only its hash).
//	                                 TTL: a day until the person agrees to the
//	                                 privacy notice, then the retention,
//	                                 renewed by every message.
//	<p>:{u<id>}:web          hash    the conversation's web side: its session
//	                                 hash, the last update id given (seq) and
//	                                 logged (done, lg), the last entry number
//	                                 (ent), the language (lang), the push
//	                                 subscription (push), the agreement
//	                                 (agreed), an unused Telegram link code
//	                                 (tgcode). TTL: as the session.
//	<p>:{u<id>}:web:log      stream  what the page shows, entry n at id n-0:
//	                                 the bot's messages (files included) and
//	                                 the person's. At most about 200 entries.
//	                                 TTL: as the session.
//	<p>:{u<id>}:web:ids      zset    the page's message ids by their update
//	                                 id, the last 200. TTL: as the session.
//	<p>:web:tg:<code>        string  a one-time link to Telegram: the web chat
//	                                 id, and once redeemed "|" and the Telegram
//	                                 chat's. TTL: 15 minutes (LinkTTL).
//	<p>:web:secret           string  the key of the CSRF tokens, made once.
//	<p>:web:vapid            string  the VAPID key pair when not configured,
//	                                 made once.
//
// and the Pub/Sub channel <p>:web:news, on which an instance names the chat
// whose log it wrote, so that the instance holding its page sends it.
// /forget (Forget, one of the runtime's forgetters) deletes the session,
// every {u<id>}:web key and the link code; the session's cookie then
// opens nothing. A web chat carried over to Telegram (Deliver of
// NoteLinked) is dropped the same way once its data moved.
package web
