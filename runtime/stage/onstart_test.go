package stage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"appstart/runtime/proc"
	"appstart/runtime/spec"
)

func TestOnStartRunsEachInOrderWithEnvironment(t *testing.T) {
	s := parseSpec(t, `
[env]
DB = "db"
[[on_start]]
command = ["php", "artisan", "migrate", "--database=${DB}"]
directory = "/app/code"
environment = { LOG = "${DB}-log" }
[[on_start]]
command = "echo $HOME"
user = "www-data"
[[on_start]]
command = ["ldap-sync"]
when = "CLOUDRON_LDAP_SERVER"
`)
	r := &fakeRunner{}
	e := newEnv(t, s)
	e.Runner = r
	if err := runStage(t, e, "env"); err != nil {
		t.Fatal(err)
	}
	if err := runStage(t, e, "on_start"); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(r.argvs(), " | "); got != "php artisan migrate --database=db | /bin/sh -c echo $HOME" {
		t.Fatalf("ran %q", got)
	}
	c := r.cmds[0]
	if log, _ := envOf(c, "LOG"); log != "db-log" || c.Dir != "/app/code" || c.Cred.Uid != 1000 || c.Path != "php" {
		t.Errorf("first: LOG=%q dir %q cred %+v", log, c.Dir, c.Cred)
	}
	c = r.cmds[1]
	home, _ := envOf(c, "HOME")
	user, _ := envOf(c, "USER")
	if home != "/var/www" || user != "www-data" || c.Cred.Uid != 33 || c.Cred.Gid != 33 {
		t.Errorf("second: HOME=%q USER=%q cred %+v", home, user, c.Cred)
	}
	if got := partsText(e); got != "on_start 2 ran (1 skipped)" {
		t.Errorf("summary %q", got)
	}
}

func TestOnStartFailureStops(t *testing.T) {
	s := parseSpec(t, "[[on_start]]\ncommand = [\"a\"]\n[[on_start]]\ncommand = [\"b\"]\n")
	r := &fakeRunner{fn: func(c proc.Cmd) (proc.Exit, error) { return proc.Exit{Code: 137, Signal: 9}, nil }}
	e := newEnv(t, s)
	e.Runner = r
	err := runStage(t, e, "on_start")
	if err == nil || err.Error() != "on_start[1] `a` (as cloudron) killed by SIGKILL" || len(r.cmds) != 1 {
		t.Errorf("err %v, ran %v", err, r.argvs())
	}
}

func TestCommandUnsetArgvVariable(t *testing.T) {
	s := parseSpec(t, "[[on_start]]\ncommand = [\"x\", \"${NOPE}\", \"${ALSO}\"]\n")
	r := &fakeRunner{}
	e := newEnv(t, s)
	e.Runner = r
	err := runStage(t, e, "on_start")
	if err == nil || !strings.HasPrefix(err.Error(), "cannot run on_start[1]: command[2]: ${NOPE} is not set") || !strings.Contains(err.Error(), "; command[3]: ${ALSO} is not set") || len(r.cmds) != 0 {
		t.Errorf("err %v", err)
	}
}

// Issue 15 item 6: an on_start entry's needs start those programs before
// its command, in order with the other entries; a program that does not
// come up stops the start naming the entry.
func TestOnStartNeeds(t *testing.T) {
	s := parseSpec(t, `
[[on_start]]
command = ["first"]
[[on_start]]
command = ["settings", "apply"]
needs = ["web"]
[programs.web]
command = ["sleep", "infinity"]
`)
	e := newEnv(t, s)
	r := &fakeRunner{}
	e.Runner = r
	var order []string
	e.Needs = func(_ context.Context, names []string) error {
		order = append(order, fmt.Sprintf("needs %v after %d commands", names, len(r.argvs())))
		return nil
	}
	if err := runStage(t, e, "on_start"); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(order, "; "); got != "needs [web] after 1 commands" {
		t.Errorf("needs called: %q", got)
	}
	if got := strings.Join(r.argvs(), "; "); got != "first; settings apply" {
		t.Errorf("ran %q", got)
	}

	e = newEnv(t, s)
	e.Runner = &fakeRunner{}
	e.Needs = func(context.Context, []string) error { return errors.New("web: not ready after 1m0s") }
	if err := runStage(t, e, "on_start"); err == nil || !strings.Contains(err.Error(), "cannot start [web] for on_start[2]: web: not ready") {
		t.Errorf("err = %v", err)
	}
	e = newEnv(t, s)
	e.Runner = &fakeRunner{}
	if err := runStage(t, e, "on_start"); err == nil || !strings.Contains(err.Error(), "no program starter") {
		t.Errorf("no starter: %v", err)
	}
	if _, err := spec.Parse("appstart.toml", []byte("[[on_start]]\ncommand = [\"x\"]\nneeds = [\"wbe\"]\n[programs.web]\ncommand = [\"y\"]\n")); err == nil ||
		!strings.Contains(err.Error(), `on_start[1].needs[1]: no program "wbe", did you mean "web"?`) {
		t.Errorf("spec: %v", err)
	}
}
