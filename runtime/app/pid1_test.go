package app_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"appstart/runtime/harness"
)

// container runs the real static binary as PID 1 of a fresh container (read-only
// root, tmpfs /run and /tmp, 256 MiB memory cgroup) with spec as its appstart.toml.
func container(t *testing.T, spec string, mod func(*harness.Options)) *harness.Container {
	t.Helper()
	o := harness.Options{
		Argv:     []string{"/app/bin/appstart"},
		Pkg:      map[string]string{"appstart.toml": spec},
		Binaries: map[string]string{"/app/bin/appstart": harness.Binary(t)},
	}
	if mod != nil {
		mod(&o)
	}
	return harness.Run(t, o)
}

// stopped sends SIGTERM to PID 1, as the platform's stop does, and returns
// how it ended, failing the test unless it exited 0 (a requested stop)
// within 10 s.
func stopped(t *testing.T, c *harness.Container) harness.Result {
	t.Helper()
	c.Signal(syscall.SIGTERM)
	r := c.Wait(10 * time.Second)
	if r.ExitCode != 0 {
		t.Fatalf("exit %d after SIGTERM, want 0\n%s", r.ExitCode, r.Stderr)
	}
	return r
}

func TestStopsInReverseOrderAndExitsZero(t *testing.T) {
	// Each program appends its name to a file when SIGTERM reaches it
	// (O_APPEND: one write each, in the order the signals arrived).
	prog := func(name, extra string) string {
		return fmt.Sprintf(`[programs.%s]
command = "trap 'echo %s >> /app/data/stops; exit 0' TERM; echo %s up; while :; do sleep 0.05; done"
%s
`, name, name, name, extra)
	}
	spec := "user = \"cloudron\"\n[[chown]]\npath = \"/app/data\"\n" +
		prog("db", `ready = "file:/tmp/db.ready"`) + prog("app", `after = ["db"]`) + prog("web", `after = ["app"]`)
	c := container(t, spec, nil)
	c.WaitForOutput("db: started", 10*time.Second)
	if strings.Contains(c.Stdout(), "app up") {
		t.Fatal("app started before db was ready")
	}
	if r := c.Exec("/bin/sh", "-c", "touch /tmp/db.ready"); r.ExitCode != 0 {
		t.Fatal(r.Stderr)
	}
	c.WaitForOutput("web | web up", 10*time.Second)
	stopped(t, c)
	got, err := os.ReadFile(c.HostPath("/app/data/stops"))
	if err != nil || string(got) != "web\napp\ndb\n" {
		t.Fatalf("order SIGTERM reached the programs = %q (%v), want web, app, db", got, err)
	}
}

func TestIgnoringSIGTERMIsKilledWithItsChildren(t *testing.T) {
	spec := `user = "root"
[programs.stubborn]
command = "trap '' TERM; sleep 300 & echo $! > /run/child.pid; echo stubborn up; while :; do sleep 0.05; done"
stopwaitsecs = 1
`
	c := container(t, spec, nil)
	c.WaitForOutput("stubborn up", 10*time.Second)
	r := stopped(t, c)
	if !strings.Contains(r.Stderr, "stubborn: killed after 1s (SIGKILL to group)") {
		t.Fatalf("stderr lacks the SIGKILL escalation:\n%s", r.Stderr)
	}
	// Killing PID 1 of a pid namespace kills the rest, so the proof that the
	// group got SIGKILL before that is the message above and the duration.
	if r.Duration < time.Second {
		t.Fatalf("stopped after %s, before stopwaitsecs", r.Duration)
	}
}

func TestCrashLoopGivesUpWithTheProgramsCode(t *testing.T) {
	spec := `user = "cloudron"
[programs.crash]
command = "echo crashing; exit 3"
startretries = 2
`
	c := container(t, spec, nil)
	r := c.Wait(20 * time.Second)
	if r.ExitCode != 3 {
		t.Fatalf("exit = %d, want 3 (the program's code)\n%s", r.ExitCode, r.Stderr)
	}
	for _, want := range []string{"restart 1/2 in 100ms", "restart 2/2 in 200ms", "crash: gave up after 3 tries (FATAL)"} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.Stderr)
		}
	}
}

func TestForwardedSignalArrives(t *testing.T) {
	spec := `user = "cloudron"
[programs.a]
command = "trap 'echo got HUP' HUP; trap 'exit 0' TERM; echo a up; while :; do sleep 0.05; done"
[programs.b]
command = "trap 'echo got HUP' HUP; trap 'exit 0' TERM; echo b up; while :; do sleep 0.05; done"
forward = ["USR1"]
`
	c := container(t, spec, nil)
	c.WaitForOutput("b | b up", 10*time.Second)
	c.WaitForOutput("a | a up", 10*time.Second)
	c.Signal(syscall.SIGHUP)
	c.WaitForOutput("a | got HUP", 10*time.Second)
	r := stopped(t, c)
	if strings.Contains(r.Stdout, "b | got HUP") {
		t.Fatalf("b does not forward HUP but got it:\n%s", r.Stdout)
	}
}

func TestThousandOrphansLeaveNoZombies(t *testing.T) {
	spec := `user = "root"
[programs.forker]
command = "i=0; while [ $i -lt 1000 ]; do (sleep 0.2 &) ; i=$((i+1)); done; echo forked; trap 'exit 0' TERM; while :; do sleep 0.05; done"
`
	c := container(t, spec, nil)
	c.WaitForOutput("forked", 30*time.Second)
	deadline := time.Now().Add(15 * time.Second)
	for {
		r := c.Exec("/bin/sh", "-c", "n=0; for s in /proc/[0-9]*/stat; do read -r l < $s 2>/dev/null || continue; case \"${l##*) }\" in Z*) n=$((n+1));; esac; done; echo $n; ls -d /proc/[0-9]* | wc -l")
		f := strings.Fields(r.Stdout)
		if len(f) == 2 && f[0] == "0" {
			if n, _ := strconv.Atoi(f[1]); n < 20 {
				break // every orphan ended and was reaped
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("zombies/processes left: %q", r.Stdout)
		}
		time.Sleep(50 * time.Millisecond)
	}
	stopped(t, c)
}

// A daemon that forks away from its launcher is followed through its pid
// file, and when it dies (an orphan of PID 1, reaped by appstart) its real
// end reaches its program: "killed by SIGKILL", not the "vanished, status
// unknown" that polling the pid alone would give.
func TestDaemonFollowedThroughItsPidFile(t *testing.T) {
	spec := `user = "root"
[programs.daemon]
command = "sleep 300 & echo $! > /run/daemon.pid"
pidfile = "/run/daemon.pid"
startsecs = 0
[programs.keep]
command = ["sleep", "300"]
`
	c := container(t, spec, nil)
	c.WaitForOutput("daemon: following pid", 10*time.Second)
	if r := c.Exec("/bin/sh", "-c", "kill -KILL $(cat /run/daemon.pid)"); r.ExitCode != 0 {
		t.Fatalf("cannot kill the daemon: %s", r.Stderr)
	}
	c.WaitForOutput("daemon: killed by SIGKILL", 10*time.Second)
	// It is restarted (autorestart = "unexpected") and followed again.
	waitFor(t, "the daemon followed again after its restart", 10*time.Second, func() (bool, string) {
		return strings.Count(c.Stderr(), "daemon: following pid") == 2, c.Stderr()
	})
	// The stop reaches the daemon itself: it ends by SIGTERM at once, not
	// after stopwaitsecs (10 s) of signals refused.
	r := stopped(t, c)
	if r.Duration > 5*time.Second || strings.Contains(r.Stderr, "cannot send") {
		t.Fatalf("exit = %d after %s, want 0 at once\n%s", r.ExitCode, r.Duration, r.Stderr)
	}
	if !strings.Contains(r.Stderr, "daemon: stopped after 0s (killed by SIGTERM)") {
		t.Fatalf("the daemon did not end by the stop's SIGTERM:\n%s", r.Stderr)
	}
}

// A daemon a program left behind, in a session of its own (out of reach of
// the program's group signal), still gets SIGTERM and time to finish its
// work once the programs have stopped, before PID 1 exits (tini #180).
func TestLeftoverDaemonGetsSIGTERMBeforeTheEnd(t *testing.T) {
	spec := `user = "root"
[programs.launcher]
command = "setsid sh -c 'trap \"echo flushed > /app/data/leftover; exit 0\" TERM; touch /tmp/daemon.up; while :; do sleep 0.05; done' & echo launched; trap 'exit 0' TERM; while :; do sleep 0.05; done"
`
	c := container(t, spec, nil)
	c.WaitForOutput("launched", 10*time.Second)
	waitFor(t, "the daemon's trap set", 10*time.Second, func() (bool, string) {
		_, err := os.Stat(c.HostPath("/tmp/daemon.up"))
		return err == nil, fmt.Sprint(err)
	})
	r := stopped(t, c)
	if r.Duration > 5*time.Second {
		t.Fatalf("exit %d after %s; want 0, well within the 2 s grace:\n%s", r.ExitCode, r.Duration, r.Stderr)
	}
	if got, err := os.ReadFile(c.HostPath("/app/data/leftover")); err != nil || string(got) != "flushed\n" {
		t.Fatalf("the leftover daemon did not get to finish on SIGTERM: %q, %v", got, err)
	}
}

// A signal to forward that arrives while a program is starting (not ready
// yet) is held and delivered once it is ready: late, never lost, and never
// before the program could have installed its handler.
func TestSignalDuringStartIsHeldUntilReady(t *testing.T) {
	spec := `user = "root"
[programs.web]
command = "trap 'echo got HUP' HUP; trap 'exit 0' TERM; echo web up; while :; do sleep 0.05; done"
ready = "file:/tmp/web.ready"
[programs.other]
command = "trap 'exit 0' TERM; while :; do sleep 0.05; done"
`
	c := container(t, spec, nil)
	c.WaitForOutput("web | web up", 10*time.Second)
	c.Signal(syscall.SIGHUP)
	c.WaitForOutput("web: SIGHUP held until the new process is ready", 10*time.Second)
	time.Sleep(200 * time.Millisecond) // time enough for a wrongly forwarded HUP to show
	if strings.Contains(c.Stdout(), "got HUP") {
		t.Fatal("HUP reached web before it was ready")
	}
	if r := c.Exec("/bin/sh", "-c", "touch /tmp/web.ready"); r.ExitCode != 0 {
		t.Fatal(r.Stderr)
	}
	c.WaitForOutput("web | got HUP", 10*time.Second)
	if r := stopped(t, c); strings.Count(r.Stdout, "got HUP") != 1 {
		t.Fatalf("want one HUP delivered:\n%s\n%s", r.Stdout, r.Stderr)
	}
}
