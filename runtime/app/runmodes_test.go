package app_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"appstart/runtime/harness"
)

// `run --only NAME` starts that program alone, without its dependencies,
// its output unprefixed on appstart's own stdout.
func TestRunOnly(t *testing.T) {
	spec := `user = "cloudron"
[programs.db]
command = "echo db started; sleep 300"
[programs.web]
command = "trap 'exit 0' TERM; echo web started; while :; do sleep 0.05; done"
after = ["db"]
`
	c := container(t, spec, func(o *harness.Options) { o.Argv = []string{"/app/bin/appstart", "run", "--only", "web"} })
	c.WaitForOutput("web started", 10*time.Second)
	r := stopped(t, c)
	if strings.Contains(r.Stdout, "db started") || strings.Contains(r.Stdout, "web |") {
		t.Fatalf("--only web: exit %d\nstdout %q\n%s", r.ExitCode, r.Stdout, r.Stderr)
	}
}

// `appstart task NAME`, as the platform's scheduler runs it in a sibling
// container: the programs' environment with the existing secret, as the
// task's user, exec'd in place; a secret that does not exist yet is an error,
// never a fresh secret.
func TestTask(t *testing.T) {
	spec := `user = "cloudron"
[env]
GREETING = "hello ${CLOUDRON_APP_DOMAIN:-local}"
[[secrets]]
name = "APP_SECRET"
file = "/app/data/.app_secret"
[tasks.cron]
command = ["/bin/sh", "-c", "echo \"$GREETING $(id -un) secret-len $${#APP_SECRET}\""]
[programs.web]
command = "sleep 300"
`
	data := t.TempDir()
	o := harness.Options{
		Argv:     []string{"/bin/sleep", "60"},
		Pkg:      map[string]string{"appstart.toml": spec},
		DataDir:  data,
		Binaries: map[string]string{"/app/bin/appstart": harness.Binary(t)},
	}
	c := harness.Run(t, o)
	r := c.Exec("/app/bin/appstart", "task", "cron")
	if r.ExitCode == 0 || !strings.Contains(r.Stderr, ".app_secret") {
		t.Fatalf("task before the secret exists: exit %d %q %q", r.ExitCode, r.Stdout, r.Stderr)
	}
	if _, err := os.Stat(c.HostPath("/app/data/.app_secret")); !os.IsNotExist(err) {
		t.Fatal("task created the secret")
	}
	// The main container's start makes the secret; then the task sees it.
	r = c.Exec("/app/bin/appstart", "run", "--until", "secrets")
	if r.ExitCode != 0 {
		t.Fatalf("run --until secrets: %d %s", r.ExitCode, r.Stderr)
	}
	r = c.Exec("/app/bin/appstart", "task", "cron")
	if r.ExitCode != 0 || !strings.HasPrefix(r.Stdout, "hello local cloudron ") || !strings.HasSuffix(strings.TrimSpace(r.Stdout), "secret-len 64") {
		t.Fatalf("task: exit %d %q %s", r.ExitCode, r.Stdout, r.Stderr)
	}
	if r := c.Exec("/app/bin/appstart", "task", "nope"); r.ExitCode == 0 || !strings.Contains(r.Stderr, "tasks: cron") {
		t.Errorf("unknown task: exit %d %q", r.ExitCode, r.Stderr)
	}
}

// The platform may rotate an addon password between two starts: the
// rendered config follows, since templates are rendered fresh every start.
func TestRenderedConfigFollowsRotatedPassword(t *testing.T) {
	spec := `user = "cloudron"
[[templates]]
source = "/app/pkg/db.php.tmpl"
target = "/app/data/db.php"
escape = "php"
`
	data := t.TempDir()
	for i, pw := range []string{`first/pa$$&word`, `second'pass\word`} {
		o := harness.Options{
			Argv:     []string{"/app/bin/appstart", "run", "--until", "templates"},
			Env:      append(append([]string{}, harness.DefaultEnv...), "CLOUDRON_POSTGRESQL_PASSWORD="+pw),
			Pkg:      map[string]string{"appstart.toml": spec, "db.php.tmpl": "<?php $pw = '##CLOUDRON_POSTGRESQL_PASSWORD';\n"},
			DataDir:  data,
			Binaries: map[string]string{"/app/bin/appstart": harness.Binary(t)},
		}
		c := harness.Run(t, o)
		if r := c.Wait(20 * time.Second); r.ExitCode != 0 {
			t.Fatalf("start %d: exit %d %s", i+1, r.ExitCode, r.Stderr)
		}
		got, err := os.ReadFile(c.HostPath("/app/data/db.php"))
		want := "<?php $pw = '" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(pw) + "';\n"
		if err != nil || string(got) != want {
			t.Fatalf("start %d: db.php = %q (%v), want %q", i+1, got, err, want)
		}
	}
}

// A scheduled program, through the real binary: nothing at start, a run at
// the next minute (cron "* * * * *"), its output logged and prefixed like
// any program's, and its end not taken for a crash. Waits up to a minute.
func TestScheduledProgramRunsAtTheNextMinute(t *testing.T) {
	spec := `user = "cloudron"
[programs.web]
command = "trap 'exit 0' TERM; while :; do sleep 0.05; done"
[programs.cron]
command = "echo cron ran as $(id -un)"
schedule = "* * * * *"
`
	c := container(t, spec, nil)
	c.WaitForOutput("web: started", 10*time.Second)
	if strings.Contains(c.Stdout(), "cron ran") {
		t.Fatal("the scheduled program ran at start")
	}
	c.WaitForOutput("cron | cron ran as cloudron", 65*time.Second)
	// How long the run took depends on the machine's load; the end of a
	// scheduled run must say when the next one is, not that it is done.
	c.WaitForOutput("cron: exited 0 after ", 5*time.Second)
	waitFor(t, "the next run named", 5*time.Second, func() (bool, string) {
		return strings.Contains(c.Stderr(), "; next run "), c.Stderr()
	})
	r := stopped(t, c)
	if strings.Contains(r.Stderr, "cron: gave up") {
		t.Fatalf("exit %d\n%s", r.ExitCode, r.Stderr)
	}
}
