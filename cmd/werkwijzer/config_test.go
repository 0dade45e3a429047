package main

import (
	"strings"
	"testing"
)

// Taking conversations over from Slack needs to know who staff are and
// a token that can delete what they write; the configuration says so
// rather than let anyone in the channel act as staff.
func TestSlackTakeOverNeedsStaffAndAnEraser(t *testing.T) {
	base := map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_CHANNEL": "C1", "SLACK_SIGNING_SECRET": "s",
		"SLACK_STAFF": "S0WERKTEAM, U0LOTTE", "SLACK_ADMINS": "U0ADMIN", "SLACK_USER_TOKEN": "xoxp-admin", "PSEUDONYM_SECRET": "p"}
	env := func(change map[string]string) func(string) string {
		return func(k string) string {
			if v, ok := change[k]; ok {
				return v
			}
			return base[k]
		}
	}
	c, err := loadConfig(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(c.SlackTeam.Staff, ",") != "S0WERKTEAM,U0LOTTE" || strings.Join(c.SlackTeam.Admins, ",") != "U0ADMIN" ||
		c.SlackUserToken != "xoxp-admin" || c.PseudonymSecret != "p" {
		t.Fatalf("config: %+v", c)
	}
	for _, tc := range []struct {
		change map[string]string
		want   string
	}{
		{map[string]string{"SLACK_STAFF": "", "SLACK_ADMINS": ""}, "need SLACK_STAFF"},
		{map[string]string{"SLACK_USER_TOKEN": ""}, "need SLACK_USER_TOKEN"},
		{map[string]string{"SLACK_USER_TOKEN": "xoxb-bot"}, "need SLACK_USER_TOKEN"},
		{map[string]string{"SLACK_STAFF": "lotte"}, `"lotte" is not a Slack user id`},
		{map[string]string{"SLACK_ADMINS": "#werkteam"}, "SLACK_ADMINS"},
	} {
		if _, err := loadConfig(env(tc.change)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want an error saying %q", tc.change, err, tc.want)
		}
	}
	// Notifications alone (no take-over) need neither.
	if _, err := loadConfig(env(map[string]string{"SLACK_SIGNING_SECRET": "", "SLACK_STAFF": "", "SLACK_USER_TOKEN": ""})); err != nil {
		t.Fatalf("notifications only: %v", err)
	}
}

// The inbound limit and the operations address: defaults, what turns them
// off, and what is refused.
func TestInboundLimitAndMetricsAddr(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	c, err := loadConfig(env())
	if err != nil || c.InboundLimit != 20 || c.MetricsAddr != "127.0.0.1:9090" {
		t.Fatalf("defaults: %d, %q, %v; want 20 a minute and 127.0.0.1:9090", c.InboundLimit, c.MetricsAddr, err)
	}
	c, err = loadConfig(env("INBOUND_LIMIT", "0", "METRICS_ADDR", "off"))
	if err != nil || c.InboundLimit != 0 || c.MetricsAddr != "" {
		t.Fatalf("off: %d, %q, %v; want no limit and no operations address", c.InboundLimit, c.MetricsAddr, err)
	}
	c, err = loadConfig(env("INBOUND_LIMIT", "45", "METRICS_ADDR", ":9100"))
	if err != nil || c.InboundLimit != 45 || c.MetricsAddr != ":9100" {
		t.Fatalf("set: %d, %q, %v", c.InboundLimit, c.MetricsAddr, err)
	}
	for _, bad := range []string{"-1", "many", "2.5"} {
		if _, err := loadConfig(env("INBOUND_LIMIT", bad)); err == nil {
			t.Errorf("INBOUND_LIMIT=%s accepted", bad)
		}
	}
}
