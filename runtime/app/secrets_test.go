package app_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"appstart/runtime/harness"
)

// Nothing appstart itself prints (stage messages, summary, plan, status,
// errors) shows a secret's value or a password's, in any of its escaped forms.
func TestNoSecretInAppstartsOutput(t *testing.T) {
	const password = "Sup3r/s&cret'pw"
	spec := `user = "cloudron"
[env]
DATABASE_URL = "postgres://app:${CLOUDRON_POSTGRESQL_PASSWORD|url}@db/app"
[[secrets]]
name = "APP_SECRET"
file = "/app/data/.app_secret"
[[on_start]]
command = ["/bin/sh", "-c", "test -n \"$APP_SECRET\" && echo on_start has the secret"]
[[on_start]]
command = ["/bin/sh", "-c", "echo failing with $DATABASE_URL >&2; exit 0"]
[programs.web]
command = "trap 'exit 0' TERM; while :; do sleep 0.05; done"
[programs.other]
command = "trap 'exit 0' TERM; while :; do sleep 0.05; done"
`
	c := harness.Run(t, harness.Options{
		Argv:     []string{"/app/bin/appstart"},
		Env:      append(append([]string{}, harness.DefaultEnv...), "CLOUDRON_POSTGRESQL_PASSWORD="+password),
		Pkg:      map[string]string{"appstart.toml": spec},
		Binaries: map[string]string{"/app/bin/appstart": harness.Binary(t)},
	})
	c.WaitForOutput("web: started", 20*time.Second)
	plan := c.Exec("/app/bin/appstart", "plan")
	status := c.Exec("/app/bin/appstart", "status", "--json")
	r := stopped(t, c)
	secret, err := os.ReadFile(c.HostPath("/app/data/.app_secret"))
	if err != nil || len(secret) < 32 {
		t.Fatalf("secret: %q %v", secret, err)
	}
	everything := r.Stderr + plan.Stdout + plan.Stderr + status.Stdout + status.Stderr
	if !strings.Contains(r.Stderr, "on_start has the secret") || !strings.Contains(everything, "DATABASE_URL") {
		t.Fatalf("the test did not exercise what it means to:\n%s", everything)
	}
	for _, v := range []string{strings.TrimSpace(string(secret)), password, "Sup3r%2Fs%26cret", "Sup3r/s&cret"} {
		if strings.Contains(everything, v) {
			t.Errorf("appstart printed %q:\n%s", v, everything)
		}
	}
}
