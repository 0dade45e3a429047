// Package staff is Werkwijzer's staff side in Slack: it tells the city's
// job coaches about jobseekers (a signup, a finished orientation, someone
// asking for a person) in Dutch, in the channels they watch.
//
// It is an edge, like bot is for Telegram: dialogs must not import it (the
// domain states what it needs from staff as a small interface of its own,
// and cmd/werkwijzer wires this package in). It talks to Slack only through
// github.com/slack-go/slack, the maintained successor of nlopes/slack; the
// client's API URL is configurable (slack.OptionAPIURL), so tests run the
// real client against a fake Slack API over HTTP.
//
// Notifications go through a durable outbox, a Redis Stream read by a
// consumer group (see Outbox): a notification that was enqueued is posted
// even if the process dies or Slack is down for a while, and it is posted
// once.
//
// A person can ask to talk to someone: the request appears in Slack with a
// button "Overnemen"; the staff member who presses it has the conversation
// (Requests keeps that atomic), the person's messages go into the message's
// thread and the staff member's thread replies back to the person through
// the bot (Injector), until "Teruggeven aan de bot" or /done in the thread.
// A request nobody takes is raised again (Staff.Run). Slack reaches us over
// HTTP (Staff.Handler), every request checked against the signing secret.
//
// Only staff act (Team, SLACK_STAFF): what anyone else presses or writes
// in a conversation's thread changes nothing, and they are told why,
// privately. Only the staff member who took a conversation, or an admin
// (SLACK_ADMINS), hands it back. A reply that did not reach the person
// says so in the thread ("Niet afgeleverd: …").
//
// Staff see a person only by a pseudonym (Staff.Ref, WW-…, keyed with the
// deployment's secret, package pseudonym). Whatever a jobseeker or a feed
// wrote is neutralised before Slack sees it: it cannot mention anyone.
// Every Slack message about or from a person is recorded (the posted list:
// notifications, the bot's replies in their threads, and what people write
// under a notification about them or with their reference), so that
// /forget redacts them all: notifications become "Gegevens gewist", the
// rest is deleted (what people wrote, with an admin's user token,
// SLACK_USER_TOKEN, since a bot may delete only its own messages).
//
// # Keys
//
// Under the same prefix as the store package's keys. All but the first
// share the hash tag {staff}, so that scripts can use several in a Redis
// Cluster:
//
//	<p>:{u<id>}:staffq          set     the outbox entry ids of one person, so
//	                                    that /forget finds them. TTL: retention.
//	<p>:{u<id>}:staffcap        string  the person's "interested" posts in the
//	                                    hour since the first (InterestedPerHour
//	                                    caps them). TTL: 1 h.
//	<p>:{staff}:outbox          stream  notifications not yet posted (JSON), read
//	                                    by the consumer group "posters"; an entry
//	                                    is deleted once Slack accepted it and the
//	                                    stream trimmed, so that nothing posted
//	                                    stays in its memory; one Slack refuses
//	                                    for a week (DefaultMaxAge) is dropped.
//	<p>:{staff}:seen:<note>     string  a note already queued or relayed, so a
//	                                    turn delivered twice tells staff once.
//	                                    Note ids are keyed hashes. TTL: 24 h.
//	<p>:{staff}:ho:<ref>        hash    an open request for a person: chat id,
//	                                    state, who took it, its Slack message,
//	                                    the notification (to raise it again).
//	                                    Deleted at hand-back. TTL: retention.
//	<p>:{staff}:ho:waiting      zset    untaken requests by when to raise them.
//	                                    TTL: retention after the last request.
//	<p>:{staff}:ho:open         zset    open requests by when they expire, for
//	                                    the statistics; an expired one leaves it.
//	                                    TTL: retention after the last request.
//	<p>:{staff}:thread:<ch>:<ts> string the request whose conversation runs in
//	                                    that Slack thread. Deleted at hand-back.
//	                                    TTL: retention.
//	<p>:{staff}:posted:<ref>    list    "<channel> <ts> <what>": every Slack
//	                                    message about or from a person, so that
//	                                    /forget can redact them. TTL: retention.
//	<p>:{staff}:about:<ch>:<ts> string  the person a notification is about, so
//	                                    that replies in its thread are recorded.
//	                                    TTL: retention.
//	<p>:{staff}:redact          list    Slack messages /forget could not redact
//	                                    at once (Slack down), by channel and ts
//	                                    only; retried by Run. TTL: retention.
//	<p>:{staff}:event:<id>      string  a Slack event handled, against Slack's
//	                                    retries. TTL: 1 h.
//	<p>:{staff}:stats:<date>    hash    counts per kind for one day (Brussels),
//	                                    never who. TTL: 40 days.
//	<p>:{staff}:digest:<week>   string  the weekly digest of that ISO week was
//	                                    posted. TTL: 8 days.
//
// <ref> is Staff.Ref(chat id), a pseudonym. /forget (Staff.Forget) removes
// every key and value that points to the person and redacts what Slack
// shows of them.
package staff
