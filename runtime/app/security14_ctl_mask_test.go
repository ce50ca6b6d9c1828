package app_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"appstart/runtime/harness"
)

// Issue 14 item 6, one masking policy, with the real binary as PID 1 (two
// programs: a lone program writes to appstart's stdout directly, bytes
// appstart never sees, masks or keeps for `appstart logs`):
//   - a program's line holding an addon password is masked the same on
//     stdout as in `appstart logs` (it was masked only in the latter);
//   - a short password ("secret") no longer garbles appstart's own words
//     ("Generated **** APP_SECRET in /app/data/.app_****");
//   - plan masks the password of a URL from an env_file.
func TestControlMaskingPolicy(t *testing.T) {
	const pgPassword = "Pg-pa55word/x"
	spec := `user = "cloudron"
env_file = ["/app/data/env"]
[[secrets]]
name = "APP_SECRET"
file = "/app/data/.app_secret"
[programs.web]
command = "trap 'exit 0' TERM; echo \"db password $CLOUDRON_POSTGRESQL_PASSWORD\"; while :; do sleep 0.05; done"
[programs.worker]
command = "trap 'exit 0' TERM; while :; do sleep 0.05; done"
`
	data := t.TempDir()
	if err := os.WriteFile(data+"/env", []byte("DATABASE_URL=postgres://app:hunter2pw@db/app\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := harness.Run(t, harness.Options{
		Argv: []string{"/app/bin/appstart"},
		Env: append(append([]string{}, harness.DefaultEnv...),
			"CLOUDRON_POSTGRESQL_PASSWORD="+pgPassword, "CLOUDRON_MYSQL_PASSWORD=secret"),
		Pkg:      map[string]string{"appstart.toml": spec},
		Binaries: map[string]string{"/app/bin/appstart": harness.Binary(t)},
		DataDir:  data,
	})
	c.WaitForOutput("db password", 20*time.Second)
	logs := c.Exec("/app/bin/appstart", "logs", "web")
	plan := c.Exec("/app/bin/appstart", "plan")
	r := stopped(t, c)

	if !strings.Contains(r.Stdout, "web | db password ****") {
		t.Errorf("stdout does not show the masked line:\n%s", r.Stdout)
	}
	if !strings.Contains(logs.Stdout, "db password ****") {
		t.Errorf("appstart logs web does not show the masked line:\n%s%s", logs.Stdout, logs.Stderr)
	}
	everything := r.Stdout + r.Stderr + logs.Stdout + logs.Stderr + plan.Stdout + plan.Stderr
	for _, leak := range []string{pgPassword, "Pg-pa55word%2Fx", "hunter2pw"} {
		if strings.Contains(everything, leak) {
			t.Errorf("appstart printed %q:\n%s", leak, everything)
		}
	}
	if want := "Generated secret APP_SECRET in /app/data/.app_secret"; !strings.Contains(r.Stderr, want) {
		t.Errorf("appstart's own message garbled, want %q in:\n%s", want, r.Stderr)
	}
	if want := "DATABASE_URL=postgres://app:****@db/app"; !strings.Contains(plan.Stdout+plan.Stderr, want) {
		t.Errorf("plan lacks %q:\n%s%s", want, plan.Stdout, plan.Stderr)
	}
}
