package stage

import (
	"strings"
	"testing"

	"appstart/runtime/proc"
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
