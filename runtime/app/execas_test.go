package app_test

import (
	"strings"
	"testing"

	"appstart/runtime/harness"
)

// TestExecAsMatchesID checks exec-as the way gosu's tests do: for each user
// spec, the `id` output of the dropped process must equal what glibc's
// `id USER` computes from the same /etc/passwd and /etc/group (for names), or
// a fixed expectation (for ids and user:group).
func TestExecAsMatchesID(t *testing.T) {
	c := harness.Run(t, harness.Options{
		Argv:     []string{"/bin/sleep", "60"},
		Binaries: map[string]string{"/app/bin/appstart": harness.Binary(t)},
	})
	cases := []struct{ spec, want string }{
		{"cloudron", "@id cloudron"},
		{"root", "@id root"},
		{"www-data", "@id www-data"},
		{"nobody", "@id nobody"},
		{"1000", "@id cloudron"},
		{"cloudron:root", "uid=1000(cloudron) gid=0(root) groups=0(root)"},
		{"1000:1000", "uid=1000(cloudron) gid=1000(cloudron) groups=1000(cloudron)"},
		{"4242", "uid=4242 gid=0(root) groups=0(root)"},
	}
	for _, tc := range cases {
		want := tc.want
		if strings.HasPrefix(want, "@") {
			r := c.Exec(strings.Fields(want[1:])...)
			want = strings.TrimSpace(r.Stdout)
		}
		r := c.Exec("/app/bin/appstart", "exec-as", tc.spec, "id")
		if got := strings.TrimSpace(r.Stdout); got != want || r.ExitCode != 0 {
			t.Errorf("exec-as %s id = %q (exit %d, %s), want %q", tc.spec, got, r.ExitCode, r.Stderr, want)
		}
	}
	// No way back: the dropped process cannot become root again, and HOME follows the user.
	r := c.Exec("/app/bin/appstart", "exec-as", "cloudron", "--", "/bin/sh", "-c", "echo $HOME $USER; grep -E '^(CapEff|NoNewPrivs)' /proc/self/status")
	if !strings.Contains(r.Stdout, "/home/cloudron cloudron") || !strings.Contains(r.Stdout, "CapEff:\t0000000000000000") {
		t.Errorf("exec-as cloudron: %q", r.Stdout)
	}
	if r := c.Exec("/app/bin/appstart", "exec-as", "nosuchuser", "id"); r.ExitCode == 0 || !strings.Contains(r.Stderr, "nosuchuser") {
		t.Errorf("unknown user: exit %d, stderr %q", r.ExitCode, r.Stderr)
	}
	if r := c.Exec("/app/bin/appstart", "exec-as", "cloudron", "no-such-command"); r.ExitCode != 127 {
		t.Errorf("missing command: exit %d, want 127", r.ExitCode)
	}
}
