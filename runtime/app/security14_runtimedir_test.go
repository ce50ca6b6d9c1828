package app_test

import (
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"appstart/runtime/control"
	"appstart/runtime/spec"
)

// asCloudron runs a shell script in the container as the app user (uid
// 1000 unless the harness says otherwise), with no groups and no
// capabilities: what a program, or an attacker in one, can do.
func asCloudron(t *testing.T, c interface {
	UID() int
	GID() int
}, exec func(argv ...string) (int, string, string), script string) (int, string, string) {
	t.Helper()
	return exec("setpriv", "--reuid="+strconv.Itoa(c.UID()), "--regid="+strconv.Itoa(c.GID()),
		"--clear-groups", "--inh-caps=-all", "--", "/bin/sh", "-c", script)
}

// Issue 14 item 1: `[[chown]] path = "/run"`, the literal translation of a
// start.sh's `chown -R cloudron /run`, gives the app the rest of /run but
// not appstart's own /run/appstart nor /run itself (whoever owns /run can
// rename /run/appstart away). The app user then tries to move the socket
// and the directory and to delete the lock: all fail, `appstart status`
// still answers, and `appstart check` warns about the entry with its line.
// On the old code /run and /run/appstart became cloudron's, the moves
// succeeded and status said appstart was not running.
func TestSecurity14ChownRunKeepsRuntimeDir(t *testing.T) {
	if spec.RuntimeDir != control.DefaultDir {
		t.Fatalf("spec.RuntimeDir %q and control.DefaultDir %q differ", spec.RuntimeDir, control.DefaultDir)
	}
	src := `user = "cloudron"
[[dirs]]
path = "/run/app"
owner = "root"
[[chown]]
path = "/run"
[programs.web]
command = ["sleep", "infinity"]
`
	c := container(t, src, nil)
	dialHost(t, c)
	c.WaitForOutput("web: started", 20*time.Second)
	exec := func(argv ...string) (int, string, string) {
		r := c.Exec(argv...)
		return r.ExitCode, r.Stdout, r.Stderr
	}
	// The chown did run: /run/app, made root's by dirs, is cloudron's now.
	if st := lstatT(t, c.HostPath("/run/app")); int(st.Uid) != c.UID() {
		t.Fatalf("/run/app is uid %d after [[chown]] /run: the walk did not run", st.Uid)
	}
	_, out, _ := asCloudron(t, c, exec, `
		mv /run/appstart/control.sock /run/moved.sock && echo moved-socket
		mv /run/appstart /run/gone && echo moved-dir
		rm -f /run/appstart/*.lock && echo removed-lock
		chmod 0777 /run/appstart && echo chmod-dir
		mkdir /run/appstart-fake && echo wrote-run
		true`)
	for _, done := range []string{"moved-socket", "moved-dir", "chmod-dir", "wrote-run"} {
		if strings.Contains(out, done) {
			t.Errorf("the app user could: %s", done)
		}
	}
	for _, p := range []string{"/run", "/run/appstart", "/run/appstart/control.sock"} {
		if st := lstatT(t, c.HostPath(p)); st.Uid != 0 || st.Gid != 0 {
			t.Errorf("%s is %d:%d, want root's", p, st.Uid, st.Gid)
		}
	}
	if st := lstatT(t, c.HostPath("/run/appstart")); st.Mode&0o7777 != 0o700 {
		t.Errorf("/run/appstart mode %o, want 0700", st.Mode&0o7777)
	}
	locks, _ := filepath.Glob(c.HostPath("/run/appstart/*.lock"))
	if len(locks) != 1 {
		t.Errorf("run locks: %v, want one", locks)
	}
	if code, out, errOut := exec("/app/bin/appstart", "status"); code != 0 || !strings.Contains(out, "web") {
		t.Errorf("status: exit %d %q %q", code, out, errOut)
	}
	_, _, errOut := exec("/app/bin/appstart", "check")
	if want := "appstart.toml:6: chown[1].path: appstart leaves /run/appstart alone"; !strings.Contains(errOut, want) {
		t.Errorf("check does not warn %q:\n%s", want, errOut)
	}
	stopped(t, c)
}

func lstatT(t *testing.T, p string) syscall.Stat_t {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Lstat(p, &st); err != nil {
		t.Fatal(err)
	}
	return st
}
