package app_test

import (
	"strings"
	"testing"
	"time"
)

// supervisord's per-program keys, through the real binary: directory,
// environment on top of [env], ${VAR} expanded in each element of an array
// command from the program's own environment, user, stopsignal, and
// exitcodes deciding whether an end is expected (autorestart = "unexpected").
func TestProgramKeysReachTheProcess(t *testing.T) {
	spec := `user = "root"
[env]
WHERE = "spec"
[programs.show]
command = ["/bin/sh", "-c", "echo \"dir=$(pwd) where=$WHERE greeting=$1 uid=$(id -u)\"; trap 'echo got QUIT; exit 0' QUIT; trap 'echo got TERM; exit 0' TERM; while :; do sleep 0.05; done", "sh", "${GREETING}"]
directory = "/tmp"
environment = { GREETING = "hi there", WHERE = "program" }
user = "cloudron"
stopsignal = "QUIT"
[programs.expected]
command = "echo expected ran; exit 7"
exitcodes = [0, 7]
startsecs = 0
[programs.unexpected]
command = "echo unexpected ran; exit 5"
exitcodes = [0]
startsecs = 1
startretries = 1
on_fatal = "ignore"
`
	c := container(t, spec, nil)
	c.WaitForOutput("show | dir=/tmp where=program greeting=hi there uid=1000", 10*time.Second)
	c.WaitForOutput("unexpected: gave up", 10*time.Second)
	r := stopped(t, c)
	if !strings.Contains(r.Stdout, "show | got QUIT") || strings.Contains(r.Stdout, "got TERM") {
		t.Fatalf("exit %d; show's stopsignal is QUIT:\n%s\n%s", r.ExitCode, r.Stdout, r.Stderr)
	}
	// Counted in the whole output: appstart's own "gave up" line can come
	// before the last run's output has passed through its log pipe.
	// 7 is in exitcodes: expected, so not restarted; 5 is not: retried.
	if n := strings.Count(r.Stdout, "expected | expected ran"); n != 1 {
		t.Errorf("expected ran %d times, want once (exit 7 is in its exitcodes)\n%s", n, r.Stderr)
	}
	if n := strings.Count(r.Stdout, "unexpected | unexpected ran"); n != 2 {
		t.Errorf("unexpected ran %d times, want twice (exit 5 is not in its exitcodes; startretries = 1)\n%s", n, r.Stderr)
	}
}
