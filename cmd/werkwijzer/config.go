package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/werkwijzer/werkwijzer/bot"
	"github.com/werkwijzer/werkwijzer/clock"
	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/handover"
	"github.com/werkwijzer/werkwijzer/staff"
	"github.com/werkwijzer/werkwijzer/store"
)

// Config is everything read from the environment.
type Config struct {
	TelegramToken  string
	TelegramAPIURL string
	RedisURL       string
	RedisPrefix    string
	Retention      time.Duration
	LogLevel       slog.Level
	// SendRate and ChatSendRate bound messages a second to Telegram: in all
	// (across instances sharing Redis) and to one chat.
	SendRate     float64
	ChatSendRate float64
	// InboundLimit is how many messages a person may send in a minute
	// before they are told, once, that the bot reads and answers in a
	// moment; 0 for no limit.
	InboundLimit int
	// WebhookURL and WebhookSecret switch serve from long polling to a
	// webhook; HTTPAddr is where it and Slack's endpoints listen.
	WebhookURL    string
	WebhookSecret string
	HTTPAddr      string
	// MetricsAddr is where /healthz and /metrics listen, apart from the
	// address Telegram and Slack reach; empty for none.
	MetricsAddr string

	// Slack, for staff: notifications need the bot token and a channel;
	// taking over conversations also needs the signing secret, with which
	// Slack signs its requests to HTTPAddr.
	SlackToken         string
	SlackAPIURL        string
	SlackChannels      staff.Config
	SlackSigningSecret string
	// SlackAppToken (xapp-…) switches Slack's requests to Socket Mode: the
	// bot connects to Slack, for sites that cannot expose a URL.
	SlackAppToken string
	// SlackTeam is who acts as staff (SLACK_STAFF) and who may hand back
	// a colleague's conversation (SLACK_ADMINS).
	SlackTeam *staff.Team
	// SlackUserToken (xoxp-…) is a workspace admin's: /forget deletes with
	// it what people wrote in Slack about or to the person.
	SlackUserToken string
	// Desk is when staff answer (OFFICE_HOURS) and how soon
	// (HANDOVER_WAIT_MINUTES): one value for the staff side and for what
	// the person is told.
	Desk handover.Desk
	// Instance names this process among those sharing Redis, as a consumer
	// of the staff outbox.
	Instance string
	// BotUsername makes sign-up links; asked of Telegram when empty.
	BotUsername string
	// LinkSecret signs link codes; made once and kept in Redis when empty.
	LinkSecret string
	// PseudonymSecret keys every reference derived from a chat id (staff's
	// WW-…, logs, calendar files, note ids); made once and kept in Redis
	// when empty.
	PseudonymSecret string
	// AlertsPerWeek caps the vacancy alerts a person gets in a week.
	AlertsPerWeek int
	// Office is where people can go or call (OFFICE_*), shown when they
	// ask for a person, on /help and after declining consent.
	Office dialogs.Office

	// WebURL is the web chat's public address (scheme and host, e.g.
	// https://werk.example.be); with it, serve serves the web chat under
	// /chat/ on HTTPAddr and sign-up links lead to its landing page.
	WebURL string
	// WebPush* are the VAPID key pair and contact of Web Push; the keys
	// are made once and kept in Redis when not set.
	WebPushPublicKey, WebPushPrivateKey, WebPushContact string
	// WebPushHosts are the push services a browser's subscription may
	// name (web.DefaultPushHosts when empty).
	WebPushHosts []string
	// WebTrustProxy takes the client's address from X-Forwarded-For.
	WebTrustProxy bool
}

// Defaults of the settings below.
const (
	// DefaultInboundLimit is about what a person types who answers as
	// fast as they can read; a flood goes far beyond it.
	DefaultInboundLimit = 20
	// DefaultMetricsAddr keeps /metrics and /healthz off the public
	// address: a scraper or a probe on the same host reaches them.
	DefaultMetricsAddr = "127.0.0.1:9090"
)

func loadConfig(getenv func(string) string) (Config, error) {
	c := Config{
		TelegramToken:  getenv("TELEGRAM_BOT_TOKEN"),
		TelegramAPIURL: getenv("TELEGRAM_API_URL"),
		RedisURL:       getenv("REDIS_URL"),
		RedisPrefix:    getenv("REDIS_PREFIX"),
		WebhookURL:     getenv("WEBHOOK_URL"),
		WebhookSecret:  getenv("WEBHOOK_SECRET"),
		HTTPAddr:       getenv("HTTP_ADDR"),
		Retention:      dialogs.DefaultRetention,
		SendRate:       bot.DefaultGlobalRate,
		ChatSendRate:   bot.DefaultChatRate,
		InboundLimit:   DefaultInboundLimit,
		MetricsAddr:    getenv("METRICS_ADDR"),
	}
	switch c.MetricsAddr {
	case "":
		c.MetricsAddr = DefaultMetricsAddr
	case "off":
		c.MetricsAddr = ""
	}
	if v := getenv("INBOUND_LIMIT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return c, fmt.Errorf("INBOUND_LIMIT must be a whole number of messages a minute (0 for none), got %q", v)
		}
		c.InboundLimit = n
	}
	for env, limit := range map[string]*float64{"SEND_RATE": &c.SendRate, "CHAT_SEND_RATE": &c.ChatSendRate} {
		if v := getenv(env); v != "" {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil || n <= 0 {
				return c, fmt.Errorf("%s must be a number of messages a second, got %q", env, v)
			}
			*limit = n
		}
	}
	if c.RedisPrefix == "" {
		c.RedisPrefix = store.DefaultPrefix
	}
	if c.WebhookURL != "" {
		if c.WebhookSecret == "" {
			return c, errors.New("WEBHOOK_URL needs WEBHOOK_SECRET: without it anyone who learns the URL can post updates")
		}
		if u, err := url.Parse(c.WebhookURL); err != nil || u.Scheme != "https" || u.Host == "" {
			return c, fmt.Errorf("WEBHOOK_URL must be an https URL, got %q", c.WebhookURL)
		}
		if c.HTTPAddr == "" {
			c.HTTPAddr = ":8080"
		}
	}
	if v := getenv("RETENTION_DAYS"); v != "" {
		d, err := strconv.Atoi(v)
		if err != nil || d < 1 {
			return c, fmt.Errorf("RETENTION_DAYS must be a whole number of days, got %q", v)
		}
		c.Retention = time.Duration(d) * 24 * time.Hour
	}
	c.PseudonymSecret = getenv("PSEUDONYM_SECRET")
	if err := loadSlack(&c, getenv); err != nil {
		return c, err
	}
	if err := loadWeb(&c, getenv); err != nil {
		return c, err
	}
	if v := getenv("LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return c, fmt.Errorf("LOG_LEVEL: %w", err)
		}
	}
	return c, nil
}

func loadSlack(c *Config, getenv func(string) string) error {
	c.SlackToken, c.SlackAPIURL = getenv("SLACK_BOT_TOKEN"), getenv("SLACK_API_URL")
	c.SlackSigningSecret = getenv("SLACK_SIGNING_SECRET")
	c.SlackAppToken = getenv("SLACK_APP_TOKEN")
	c.SlackChannels = staff.Config{DefaultChannel: getenv("SLACK_CHANNEL"), Channels: map[staff.Kind]string{}}
	for _, k := range staff.Kinds {
		if ch := getenv("SLACK_CHANNEL_" + strings.ToUpper(string(k))); ch != "" {
			c.SlackChannels.Channels[k] = ch
		}
	}
	if c.SlackToken != "" && c.SlackChannels.DefaultChannel == "" {
		return errors.New("SLACK_BOT_TOKEN needs SLACK_CHANNEL, the channel staff notifications go to")
	}
	if (c.SlackSigningSecret != "" || c.SlackAppToken != "") && c.SlackToken == "" {
		return errors.New("SLACK_SIGNING_SECRET and SLACK_APP_TOKEN need SLACK_BOT_TOKEN")
	}
	team, err := staff.ParseTeam(getenv("SLACK_STAFF"), getenv("SLACK_ADMINS"))
	if err != nil {
		return err
	}
	c.SlackTeam = team
	c.SlackUserToken = getenv("SLACK_USER_TOKEN")
	if c.staffCanAnswer() {
		// Whoever is in the channel could otherwise write to jobseekers
		// and take their conversations.
		if len(team.Staff)+len(team.Admins) == 0 {
			return errors.New("SLACK_SIGNING_SECRET and SLACK_APP_TOKEN need SLACK_STAFF: the Slack user group (S…) or users (U…) who act as staff")
		}
		// What staff write in a person's thread is theirs, not the bot's:
		// only an admin's token can delete it at /forget.
		if !strings.HasPrefix(c.SlackUserToken, "xoxp-") {
			return errors.New("SLACK_SIGNING_SECRET and SLACK_APP_TOKEN need SLACK_USER_TOKEN: a workspace admin's user token (xoxp-…, scope chat:write), with which /forget deletes what staff wrote to the person")
		}
	}
	hours := getenv("OFFICE_HOURS")
	switch {
	case hours == "":
		hours = clock.DefaultOfficeHours
	case strings.EqualFold(hours, "always"):
		hours = "" // ParseOfficeHours reads "" as always open
	}
	if c.Desk.Hours, err = clock.ParseOfficeHours(hours); err != nil {
		return fmt.Errorf("OFFICE_HOURS: %w", err)
	}
	c.Desk.Wait = 30 * time.Minute
	if v := getenv("HANDOVER_WAIT_MINUTES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return fmt.Errorf("HANDOVER_WAIT_MINUTES must be a whole number of minutes, got %q", v)
		}
		c.Desk.Wait = time.Duration(n) * time.Minute
	}
	if c.SlackSigningSecret != "" && c.HTTPAddr == "" {
		c.HTTPAddr = ":8080" // Slack must reach us
	}
	c.BotUsername = strings.TrimPrefix(getenv("TELEGRAM_BOT_USERNAME"), "@")
	c.LinkSecret = getenv("LINK_SECRET")
	c.AlertsPerWeek = 3
	if v := getenv("ALERTS_PER_WEEK"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return fmt.Errorf("ALERTS_PER_WEEK must be a whole number from 1, got %q", v)
		}
		c.AlertsPerWeek = n
	}
	c.Office = dialogs.Office{Name: getenv("OFFICE_NAME"), Address: getenv("OFFICE_ADDRESS"),
		Phone: getenv("OFFICE_PHONE"), MapURL: getenv("OFFICE_MAP_URL"), Hours: c.Desk.Hours}
	c.Instance = getenv("INSTANCE_NAME")
	if c.Instance == "" {
		host, _ := os.Hostname()
		c.Instance = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	return nil
}

func loadWeb(c *Config, getenv func(string) string) error {
	c.WebURL = strings.TrimRight(getenv("WEB_URL"), "/")
	c.WebPushPublicKey, c.WebPushPrivateKey = getenv("WEB_PUSH_PUBLIC_KEY"), getenv("WEB_PUSH_PRIVATE_KEY")
	c.WebPushContact = getenv("WEB_PUSH_CONTACT")
	if v := getenv("WEB_PUSH_HOSTS"); v != "" {
		for _, h := range strings.Split(v, ",") {
			if h = strings.TrimSpace(h); h != "" {
				c.WebPushHosts = append(c.WebPushHosts, h)
			}
		}
	}
	switch v := strings.ToLower(getenv("WEB_TRUST_PROXY")); v {
	case "", "0", "false", "no":
	case "1", "true", "yes":
		c.WebTrustProxy = true
	default:
		return fmt.Errorf("WEB_TRUST_PROXY must be true or false, got %q", v)
	}
	if c.WebURL == "" {
		return nil
	}
	u, err := url.Parse(c.WebURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && local(u.Hostname()))) || u.Path != "" {
		return fmt.Errorf("WEB_URL must be an https address without a path (http only for localhost), got %q", c.WebURL)
	}
	if (c.WebPushPublicKey == "") != (c.WebPushPrivateKey == "") {
		return errors.New("set both WEB_PUSH_PUBLIC_KEY and WEB_PUSH_PRIVATE_KEY, or neither")
	}
	if c.HTTPAddr == "" {
		c.HTTPAddr = ":8080"
	}
	return nil
}

// local tells whether host is this machine, where a browser treats plain
// http as secure (its Secure cookies included).
func local(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}
