package app_test

import (
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"appstart/runtime/harness"
)

const debugSpec = `user = "cloudron"
[env]
DB_URL = "postgres://u:${CLOUDRON_POSTGRESQL_PASSWORD|url}@${CLOUDRON_POSTGRESQL_HOST}/db"
[[dirs]]
path = "/run/app"
[[secrets]]
name = "APP_SECRET"
file = "/app/data/.app_secret"
[[templates]]
source = "/app/pkg/config.tmpl"
target = "/run/app/config.php"
escape = "php"
[programs.web]
command = "echo web started; sleep 300"
`

const debugTemplate = "<?php $pw = '##CLOUDRON_POSTGRESQL_PASSWORD'; $salt = '##APP_SECRET';\n##IF CLOUDRON_LDAP_SERVER\n$ldap = '##CLOUDRON_LDAP_BIND_DN';\n##END\n$mail = '##CLOUDRON_MAIL_SMTP_SERVER';\n"

// The password holds every character sed templates break on.
const debugPassword = `p/a&s\s'w"o$rd`

func debugEnv() []string {
	return append(append([]string{}, harness.DefaultEnv...), "CLOUDRON_POSTGRESQL_PASSWORD="+debugPassword, "CLOUDRON_POSTGRESQL_HOST=db.local", "CLOUDRON_MAIL_SMTP_SERVER=mail")
}

// `run --until templates` stops right after that stage: the config is
// rendered, the secret made, and no program started.
func TestRunUntilTemplates(t *testing.T) {
	c := harness.Run(t, harness.Options{
		Argv:     []string{"/app/bin/appstart", "run", "--until", "templates"},
		Env:      debugEnv(),
		Pkg:      map[string]string{"appstart.toml": debugSpec, "config.tmpl": debugTemplate},
		Binaries: map[string]string{"/app/bin/appstart": harness.Binary(t)},
	})
	r := c.Wait(20 * time.Second)
	if r.ExitCode != 0 {
		t.Fatalf("exit %d\n%s", r.ExitCode, r.Stderr)
	}
	if strings.Contains(r.Stdout, "web started") {
		t.Fatal("a program started despite --until templates")
	}
	secret, err := os.ReadFile(c.HostPath("/app/data/.app_secret"))
	if err != nil || len(strings.TrimSpace(string(secret))) != 64 {
		t.Fatalf("secret = %q, %v; want 32 random bytes in hex", secret, err)
	}
	if strings.Contains(r.Stderr+r.Stdout, strings.TrimSpace(string(secret))) || strings.Contains(r.Stderr+r.Stdout, debugPassword) {
		t.Fatalf("a secret value reached the output:\n%s%s", r.Stdout, r.Stderr)
	}
}

// plan shows each stage's files and the resolved variables with the
// secrets masked, and changes nothing.
func TestPlanMasksSecretsAndChangesNothing(t *testing.T) {
	c := harness.Run(t, harness.Options{
		Argv:     []string{"/bin/sleep", "60"},
		Env:      debugEnv(),
		Pkg:      map[string]string{"appstart.toml": debugSpec, "config.tmpl": debugTemplate},
		Binaries: map[string]string{"/app/bin/appstart": harness.Binary(t)},
	})
	r := c.Exec("/app/bin/appstart", "plan")
	if r.ExitCode != 0 {
		t.Fatalf("plan: exit %d\n%s%s", r.ExitCode, r.Stdout, r.Stderr)
	}
	for _, want := range []string{"/run/app", "/app/data/.app_secret", "/run/app/config.php", "DB_URL", "web"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("plan lacks %q:\n%s", want, r.Stdout)
		}
	}
	if strings.Contains(r.Stdout+r.Stderr, "p/a&s") || strings.Contains(r.Stdout+r.Stderr, "p%2Fa") {
		t.Errorf("plan shows the password:\n%s", r.Stdout)
	}
	if _, err := os.Stat(c.HostPath("/app/data/.app_secret")); !os.IsNotExist(err) {
		t.Errorf("plan created the secret (stat: %v)", err)
	}
	if r := c.Exec("/bin/sh", "-c", "test -e /run/app"); r.ExitCode == 0 {
		t.Error("plan created /run/app")
	}
}

// With no addon variables and no defaults, the start fails at once with
// every missing variable named, and the addon that normally provides it.
func TestMissingVariablesAllNamed(t *testing.T) {
	c := harness.Run(t, harness.Options{
		Argv:     []string{"/app/bin/appstart"},
		Pkg:      map[string]string{"appstart.toml": debugSpec, "config.tmpl": debugTemplate},
		Binaries: map[string]string{"/app/bin/appstart": harness.Binary(t)},
	})
	r := c.Wait(20 * time.Second)
	if r.ExitCode != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.ExitCode, r.Stderr)
	}
	for _, want := range []string{"3 variable(s)", "CLOUDRON_POSTGRESQL_PASSWORD", "CLOUDRON_POSTGRESQL_HOST", "postgresql addon",
		"needed by env.DB_URL", "CLOUDRON_MAIL_SMTP_SERVER", "sendmail addon", "needed by /app/pkg/config.tmpl:5"} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr lacks %s:\n%s", want, r.Stderr)
		}
	}
	// Inside ##IF CLOUDRON_LDAP_SERVER, with LDAP absent: not needed.
	if strings.Contains(r.Stderr, "CLOUDRON_LDAP_BIND_DN") {
		t.Errorf("a placeholder in a false ##IF block was reported:\n%s", r.Stderr)
	}
	if strings.Contains(r.Stdout, "web started") {
		t.Error("a program started after a failed stage")
	}
}

// SIGTERM while the stages run cuts the start short with 128+15 and starts
// nothing.
func TestSIGTERMDuringStages(t *testing.T) {
	spec := `user = "root"
[[on_start]]
command = "echo migrating; sleep 30"
[programs.web]
command = "echo web started; sleep 300"
`
	c := container(t, spec, nil)
	c.WaitForOutput("migrating", 10*time.Second)
	c.Signal(syscall.SIGTERM)
	r := c.Wait(10 * time.Second)
	if r.ExitCode != 143 || strings.Contains(r.Stdout+r.Stderr, "web started") {
		t.Fatalf("exit %d, want 143 with nothing started\n%s%s", r.ExitCode, r.Stdout, r.Stderr)
	}
}
