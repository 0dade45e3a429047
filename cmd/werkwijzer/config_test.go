package main

import "testing"

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
