package app_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"appstart/runtime/harness"
)

// An http healthcheck through the real binary: healthy while the page
// answers 200, restarted after `retries` failures in a row, healthy again;
// `appstart health` follows. The dependent waits for web's http readiness.
func TestHealthcheckRestartsAnUnhealthyServer(t *testing.T) {
	harness.RequireCommands(t, "busybox")
	spec := `user = "root"
[programs.web]
command = "mkdir -p /tmp/www && echo ok > /tmp/www/ok && echo web up && exec busybox httpd -f -p 127.0.0.1:8080 -h /tmp/www"
ready = "http://127.0.0.1:8080/ok"
healthcheck = { http = "http://127.0.0.1:8080/ok", interval = "200ms", timeout = "1s", retries = 2 }
startsecs = 0
[programs.app]
command = "echo app up; trap 'exit 0' TERM; while :; do sleep 0.05; done"
after = ["web"]
`
	c := container(t, spec, nil)
	c.WaitForOutput("app | app up", 10*time.Second)
	// Both lines are appstart's own, on one stream in the order they were
	// written; the programs' stdout is read apart from it, so "app up" can
	// arrive before the stderr line that preceded it (a flaky check in CI).
	c.WaitForOutput("app: started", 10*time.Second)
	stderr := c.Stderr()
	if ready, started := strings.Index(stderr, "web: ready"), strings.Index(stderr, "app: started"); ready < 0 || ready > started {
		t.Fatalf("app started before web was ready:\n%s", stderr)
	}
	c.WaitForOutput("web: healthy", 10*time.Second)
	waitHealth(t, c, 0)

	if r := c.Exec("/bin/sh", "-c", "rm /tmp/www/ok"); r.ExitCode != 0 {
		t.Fatal(r.Stderr)
	}
	c.WaitForOutput("web: unhealthy after 2 failed checks", 10*time.Second)
	// The restart's command writes the page again.
	waitFor(t, "web healthy again after its restart", 10*time.Second, func() (bool, string) {
		return strings.Count(c.Stderr(), "web: healthy") == 2, c.Stderr()
	})
	waitHealth(t, c, 0)
	stopped(t, c)
}

// A command healthcheck with on_unhealthy = "stop": the container stops
// with the unhealthy program's own status (README, exit codes).
func TestUnhealthyWithOnUnhealthyStopEndsTheContainer(t *testing.T) {
	spec := `user = "root"
[programs.worker]
command = "touch /tmp/alive; echo worker up; trap 'exit 3' TERM; while :; do sleep 0.05; done"
healthcheck = { command = "test -f /tmp/alive", interval = "200ms", retries = 2 }
on_unhealthy = "stop"
startsecs = 0
[programs.other]
command = ["sleep", "300"]
`
	c := container(t, spec, nil)
	c.WaitForOutput("worker: healthy", 10*time.Second)
	waitHealth(t, c, 0)
	if r := c.Exec("/bin/sh", "-c", "rm /tmp/alive"); r.ExitCode != 0 {
		t.Fatal(r.Stderr)
	}
	r := c.Wait(10 * time.Second)
	if r.ExitCode != 3 || !strings.Contains(r.Stderr, "worker: unhealthy after 2 failed checks") {
		t.Fatalf("exit = %d, want worker's 3 after its failed checks\n%s", r.ExitCode, r.Stderr)
	}
}

// waitHealth waits until `appstart health` exits with want.
func waitHealth(t *testing.T, c *harness.Container, want int) {
	t.Helper()
	waitFor(t, fmt.Sprintf("appstart health exiting %d", want), 10*time.Second, func() (bool, string) {
		r := c.Exec("/app/bin/appstart", "health")
		return r.ExitCode == want, fmt.Sprintf("exit %d: %s%s", r.ExitCode, r.Stdout, r.Stderr)
	})
}
