package app_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"appstart/runtime/harness"
)

// `run --only wrker` (a typo) is refused before any stage runs: no secret
// is written, first_run leaves no marker, and the message names the
// programs there are and the closest one.
func TestRunOnlyTypoRefusedBeforeStages(t *testing.T) {
	spec := `user = "root"
[[secrets]]
name = "APP_SECRET"
file = "/app/data/.app_secret"
[first_run]
marker = "/app/data/.installed"
commands = [["/bin/sh", "-c", "touch /app/data/first-run-ran"]]
[programs.web]
command = "exec sleep 300"
[programs.worker]
command = "exec sleep 300"
`
	c := container(t, spec, func(o *harness.Options) {
		o.Argv = []string{"/app/bin/appstart", "run", "--only", "wrker"}
	})
	r := c.Wait(20 * time.Second)
	if r.ExitCode == 0 {
		t.Fatalf("exit 0, want a failure\n%s", r.Stderr)
	}
	if want := `--only wrker: no such program, did you mean "worker"? (programs: web, worker)`; !strings.Contains(r.Stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, r.Stderr)
	}
	for _, f := range []string{"/app/data/.app_secret", "/app/data/.installed", "/app/data/first-run-ran"} {
		if _, err := os.Stat(c.HostPath(f)); !os.IsNotExist(err) {
			t.Errorf("%s exists (stat: %v): a stage ran before --only was checked\n%s", f, err, r.Stderr)
		}
	}
}
