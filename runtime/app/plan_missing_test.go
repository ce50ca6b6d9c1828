package app_test

import (
	"strings"
	"testing"

	"appstart/runtime/harness"
)

// plan and run say the same words about the same missing variables: plan
// used to print them as one long line where run printed a table (issue 13).
func TestPlanAndRunPrintTheSameMissingTable(t *testing.T) {
	c := harness.Run(t, harness.Options{
		Argv:     []string{"/bin/sleep", "60"},
		Pkg:      map[string]string{"appstart.toml": debugSpec, "config.tmpl": debugTemplate},
		Binaries: map[string]string{"/app/bin/appstart": harness.Binary(t)},
	})
	plan := c.Exec("/app/bin/appstart", "plan")
	run := c.Exec("/app/bin/appstart", "run")
	if plan.ExitCode != 1 || run.ExitCode != 1 {
		t.Fatalf("plan exit %d, run exit %d, want 1 and 1\nplan:\n%s\nrun:\n%s", plan.ExitCode, run.ExitCode, plan.Stderr, run.Stderr)
	}
	table := func(out string) string {
		i := strings.Index(out, "appstart: cannot start:")
		if i < 0 {
			return ""
		}
		return out[i:]
	}
	if table(plan.Stderr) == "" || table(plan.Stderr) != table(run.Stderr) {
		t.Fatalf("plan and run differ on the missing variables\nplan:\n%s\nrun:\n%s", plan.Stderr, run.Stderr)
	}
	if !strings.Contains(plan.Stderr, "\n  CLOUDRON_POSTGRESQL_HOST ") {
		t.Errorf("plan's table has no row per variable:\n%s", plan.Stderr)
	}
}
