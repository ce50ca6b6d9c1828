package app_test

import (
	"strings"
	"syscall"
	"testing"
	"time"
)

// A start cut short says how it really ends. A failed first_run (MediaWiki's
// install.php refusing to run showed it) used to end its log with the held
// supervisor's own account, "stopping all programs (SIGTERM)" and "exiting 0:
// stopped by SIGTERM", though no SIGTERM came and appstart exits 1; a SIGTERM
// during the stages said "exiting 0" and exited 143.
func TestCutShortSaysItsExit(t *testing.T) {
	t.Parallel()
	const prog = "\n[programs.web]\ncommand = [\"sleep\", \"100\"]\n"
	t.Run("stage failed", func(t *testing.T) {
		t.Parallel()
		c := container(t, "[first_run]\ncommands = [[\"sh\", \"-c\", \"echo boom; exit 3\"]]\n"+prog, nil)
		r := c.Wait(30 * time.Second)
		if r.ExitCode != 1 {
			t.Fatalf("exit %d, want 1\n%s", r.ExitCode, r.Stderr)
		}
		noCrash(t, r.Stderr)
		for _, lie := range []string{"stopping all programs", "exiting 0", "SIGTERM"} {
			if strings.Contains(r.Stderr, lie) {
				t.Errorf("stderr says %q, but nothing was stopped by a signal and the exit is 1:\n%s", lie, r.Stderr)
			}
		}
		if !strings.HasSuffix(strings.TrimSpace(r.Stderr), "appstart: exiting 1: the start failed") {
			t.Errorf("stderr does not end with the real exit:\n%s", r.Stderr)
		}
	})
	t.Run("SIGTERM during the stages", func(t *testing.T) {
		t.Parallel()
		c := container(t, "[first_run]\ncommands = [[\"sh\", \"-c\", \"echo installing; sleep 30\"]]\n"+prog, nil)
		c.WaitForOutput("first_run: installing", 30*time.Second)
		c.Signal(syscall.SIGTERM)
		r := c.Wait(30 * time.Second)
		if r.ExitCode != 128+int(syscall.SIGTERM) {
			t.Fatalf("exit %d, want 143\n%s", r.ExitCode, r.Stderr)
		}
		noCrash(t, r.Stderr)
		if strings.Contains(r.Stderr, "exiting 0") || !strings.HasSuffix(strings.TrimSpace(r.Stderr), "appstart: exiting 143: stopped by SIGTERM during the start") {
			t.Errorf("stderr does not end with the real exit:\n%s", r.Stderr)
		}
	})
}
