package app_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// A server that takes a while to be ready after each start, like Apache or
// php-fpm: its ready file appears 1.5 s after the process starts.
const slowReadySpec = `user = "cloudron"
[programs.web]
command = "rm -f /tmp/web.ready; trap 'rm -f /tmp/web.ready; exit 0' TERM; sleep 1.5; touch /tmp/web.ready; echo web ready; while :; do sleep 0.05; done"
ready = "file:/tmp/web.ready"
[programs.broken]
command = "exit 3"
autostart = false
startretries = 1
on_fatal = "ignore"                # the rest keeps running
`

// `appstart restart NAME` and `appstart start NAME` return once NAME is
// running and ready again, as supervisorctl's do, so the next command of an
// operator or a script (curl, a health check) finds it serving; found with
// examples/wordpress, whose test got "connection reset" from the Apache that
// `appstart restart apache` had just stopped. A program that gives up makes
// the command fail. (The old binary returned as soon as the stop was asked
// for: status right after showed web stopping or starting, not ready.)
func TestControlStartRestartWaitForReady(t *testing.T) {
	c := container(t, slowReadySpec, nil)
	c.WaitForOutput("web | web ready", 20*time.Second)
	as := func(args ...string) (string, string, int) {
		r := c.Exec(append([]string{"/app/bin/appstart"}, args...)...)
		return r.Stdout, r.Stderr, r.ExitCode
	}
	webReady := func(what string) {
		t.Helper()
		out, errOut, code := as("status", "--json")
		var status struct {
			Programs []struct {
				Name, State string
				Ready       bool
			}
		}
		if code != 0 || json.Unmarshal([]byte(out), &status) != nil {
			t.Fatalf("status --json: exit %d %q %s", code, out, errOut)
		}
		for _, p := range status.Programs {
			if p.Name == "web" && (p.State != "running" || !p.Ready) {
				t.Errorf("right after %s returned: web is %s, ready %v; want running and ready", what, p.State, p.Ready)
			}
		}
	}

	for _, verb := range []string{"restart", "stop", "start"} {
		start := time.Now()
		if _, e, code := as(verb, "web"); code != 0 {
			t.Fatalf("%s web: exit %d %s", verb, code, e)
		}
		if verb == "stop" {
			continue
		}
		if took := time.Since(start); took < time.Second {
			t.Errorf("%s web returned after %s, before web's 1.5 s to be ready", verb, took)
		}
		webReady(verb + " web")
	}
	// Already running and ready: start returns at once, restart waits anew.
	if _, e, code := as("start", "web"); code != 0 {
		t.Fatalf("start web (running): exit %d %s", code, e)
	}
	// A program that gives up: the command says so and fails.
	_, e, code := as("start", "broken")
	if code == 0 || !strings.Contains(e, "broken") {
		t.Errorf("start broken: exit %d %q, want a failure naming it", code, e)
	}
	stopped(t, c)
}
