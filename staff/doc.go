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
// # Keys
//
// Under the same prefix as the store package's keys:
//
//	<p>:staff:outbox       stream  notifications not yet posted (JSON), read
//	                               by the consumer group "posters"; an entry is
//	                               deleted once Slack accepted it.
//	<p>:{u<id>}:staffq     set     the outbox entry ids of one person, so that
//	                               /forget finds them. TTL: the retention.
//
// The second key names a person, so /forget must reach it: Outbox.Forget
// removes it together with the entries it lists.
package staff
