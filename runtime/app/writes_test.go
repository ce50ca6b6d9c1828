package app_test

import (
	"strings"
	"testing"

	"appstart/runtime/harness"
)

// In debug mode (a writable root), `writes` finds a file written to /etc and
// says nothing of /run, /tmp or /app/data, where writes are allowed.
func TestWritesFindsRootWritesOnly(t *testing.T) {
	c := harness.Run(t, harness.Options{
		Argv:     []string{"/bin/sleep", "60"},
		Writable: true,
		Binaries: map[string]string{"/app/bin/appstart": harness.Binary(t)},
	})
	if r := c.Exec("/bin/sh", "-c", "echo x > /etc/appstart-test.conf && echo y > /run/ok && echo z > /tmp/ok && echo w > /app/data/ok"); r.ExitCode != 0 {
		t.Fatalf("writes in debug mode failed: %s", r.Stderr)
	}
	r := c.Exec("/app/bin/appstart", "writes")
	if r.ExitCode != 0 {
		t.Fatalf("exit %d: %s", r.ExitCode, r.Stderr)
	}
	// The harness builds its root scaffold at start (Docker's image root is
	// older than the container), so only the paths that matter are checked.
	listed := map[string]bool{}
	for _, l := range strings.Fields(r.Stdout) {
		listed[l] = true
		for _, allowed := range []string{"/run/", "/tmp/", "/app/data/", "/proc/", "/sys/", "/dev/"} {
			if strings.HasPrefix(l, allowed) {
				t.Errorf("writes listed %s, where writes are allowed", l)
			}
		}
	}
	if !listed["/etc/appstart-test.conf"] {
		t.Fatalf("writes missed /etc/appstart-test.conf:\n%s%s", r.Stdout, r.Stderr)
	}
	if listed["/etc/passwd"] || listed["/usr/bin/env"] {
		t.Errorf("writes listed files nobody changed:\n%s", r.Stdout)
	}
}
