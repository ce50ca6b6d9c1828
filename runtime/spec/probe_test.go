package spec

import (
	"strings"
	"testing"
)

func TestParseReady(t *testing.T) {
	for in, want := range map[string]Probe{
		"tcp://127.0.0.1:3000":          {Kind: ProbeTCP, Target: "127.0.0.1:3000"},
		"tcp://[::1]:3000":              {Kind: ProbeTCP, Target: "[::1]:3000"},
		"http://127.0.0.1:3000/healthz": {Kind: ProbeHTTP, Target: "http://127.0.0.1:3000/healthz"},
		"file:/run/app/ready":           {Kind: ProbeFile, Target: "/run/app/ready"},
		"file:///run/app/ready":         {Kind: ProbeFile, Target: "/run/app/ready"},
		"pg_isready -q":                 {Kind: ProbeCommand, Command: Command{Shell: "pg_isready -q"}},
		"curl -fs http://x/":            {Kind: ProbeCommand, Command: Command{Shell: "curl -fs http://x/"}},
	} {
		got, err := ParseReady(in)
		if err != nil || got.Kind != want.Kind || got.Target != want.Target || got.Command.Shell != want.Command.Shell {
			t.Errorf("ParseReady(%q) = %+v, %v; want %+v", in, got, err, want)
		}
		if in != "file:///run/app/ready" && got.String() != in {
			t.Errorf("Probe.String() = %q, want %q", got.String(), in)
		}
	}
	for in, want := range map[string]string{
		"tcp://localhost":         "not host:port",
		"tcp://:3000":             "has no host",
		"tcp://127.0.0.1:0":       "1-65535",
		"tcp://127.0.0.1:http":    "1-65535",
		"http://":                 "not an http URL",
		"udp://127.0.0.1:53":      `unknown scheme "udp://"`,
		"file:run/app.sock":       "must be absolute",
		"":                        "empty",
		"   ":                     "empty",
		"https://127.0.0.1:8443/": "https is not supported",
		"127.0.0.1:8080":          `write "tcp://127.0.0.1:8080"`,
		"localhost:8080":          `write "tcp://127.0.0.1:8080"`,
		"tcp:8080":                `write "tcp://127.0.0.1:8080"`,
		":8080":                   `write "tcp://127.0.0.1:8080"`,
	} {
		if _, err := ParseReady(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseReady(%q) = %v, want an error containing %q", in, err, want)
		}
	}
}

func TestHealthCheckProbe(t *testing.T) {
	for _, c := range []struct {
		h    HealthCheck
		want Probe
	}{
		{HealthCheck{HTTP: "http://x/"}, Probe{Kind: ProbeHTTP, Target: "http://x/"}},
		{HealthCheck{TCP: "127.0.0.1:1"}, Probe{Kind: ProbeTCP, Target: "127.0.0.1:1"}},
		{HealthCheck{Command: Command{Argv: []string{"true"}}}, Probe{Kind: ProbeCommand, Command: Command{Argv: []string{"true"}}}},
	} {
		got := c.h.Probe()
		if got.Kind != c.want.Kind || got.Target != c.want.Target || got.Command.String() != c.want.Command.String() {
			t.Errorf("%+v.Probe() = %+v, want %+v", c.h, got, c.want)
		}
	}
}
