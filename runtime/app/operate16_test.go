package app_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"appstart/runtime/harness"
	"golang.org/x/sys/unix"
)

// Issue 16: operating a running app the way supervisorctl, docker and
// pebble users expect. Each test runs the real binary as PID 1 and was seen
// to fail against the binary before the commits.

// as runs `appstart ARGS...` inside c.
func as(c *harness.Container, args ...string) harness.ExecResult {
	return c.Exec(append([]string{"/app/bin/appstart"}, args...)...)
}

const operateSpec = `user = "root"
[programs.web]
command = "trap 'exit 0' TERM; echo web up; while :; do sleep 0.05; done"
[programs.worker]
command = "trap 'exit 0' TERM; echo worker $APPSTART_INSTANCE up; while :; do sleep 0.05; done"
instances = 2
[programs.bad]
command = "echo bad-last-words; exit 7"
startretries = 0
on_fatal = "ignore"
`

// status NAME shows that program only (its instances for a group) and
// exits 3 when one it shows is not running, 4 for no such program; stop
// and start take all.
func TestStatusNamesExitCodesAndAll(t *testing.T) {
	c := container(t, operateSpec, nil)
	c.WaitForOutput("web | web up", 10*time.Second)
	waitFor(t, "bad FATAL, the others past startsecs", 10*time.Second, func() (bool, string) {
		r := as(c, "status")
		return strings.Contains(r.Stdout, "fatal") && strings.Count(r.Stdout, "running") == 3, r.Stdout
	})

	r := as(c, "status", "web")
	if r.ExitCode != 0 || !strings.Contains(r.Stdout, "web ") || strings.Contains(r.Stdout, "worker") || strings.Contains(r.Stdout, "bad") {
		t.Errorf("status web: exit %d, want 0 and web alone:\n%s%s", r.ExitCode, r.Stdout, r.Stderr)
	}
	r = as(c, "status", "worker")
	if r.ExitCode != 0 || !strings.Contains(r.Stdout, "worker:1") || !strings.Contains(r.Stdout, "worker:2") || strings.Contains(r.Stdout, "web") {
		t.Errorf("status worker (a group): exit %d, want 0 and both instances alone:\n%s%s", r.ExitCode, r.Stdout, r.Stderr)
	}
	if r = as(c, "status", "bad"); r.ExitCode != 3 || !strings.Contains(r.Stdout, "fatal") {
		t.Errorf("status bad (FATAL): exit %d, want 3 (supervisorctl's not running):\n%s%s", r.ExitCode, r.Stdout, r.Stderr)
	}
	if r = as(c, "status", "web", "nosuch"); r.ExitCode != 4 || !strings.Contains(r.Stderr, `no program "nosuch"`) {
		t.Errorf("status web nosuch: exit %d, want 4 and the name said:\n%s%s", r.ExitCode, r.Stdout, r.Stderr)
	}
	if r = as(c, "stop", "all"); r.ExitCode != 0 {
		t.Fatalf("stop all: exit %d: %s", r.ExitCode, r.Stderr)
	}
	r = as(c, "status", "all")
	if r.ExitCode != 3 || strings.Contains(r.Stdout, "running") {
		t.Errorf("status all after stop all: exit %d, want 3 and nothing running:\n%s", r.ExitCode, r.Stdout)
	}
	// start waits for readiness (controlwait_test.go) and so reports that
	// bad gave up again, as supervisorctl's start all does.
	if r = as(c, "start", "all"); r.ExitCode != 1 || !strings.Contains(r.Stderr, "bad gave up") {
		t.Fatalf("start all: exit %d, want 1 and bad named: %s", r.ExitCode, r.Stderr)
	}
	waitFor(t, "web running again", 10*time.Second, func() (bool, string) {
		r := as(c, "status", "web", "worker")
		return r.ExitCode == 0, r.Stdout
	})
	stopped(t, c)
}

var stampRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z `)

// logs is one timeline: the last lines in time across programs, appstart's
// own events among them, each "name | text" as in the live stream; -t
// stamps each line, --since cuts by time; a group's name gives its
// instances' lines, an unknown name fails; tail -f is logs -f. a-1, b-1
// and a-2 are written 0.2 s apart: each program's pipe has a reader of its
// own, and a busy CI machine once put b-1, written within 20 ms of a-1,
// ahead of it (the ring keeps the order lines arrive in).
func TestLogsOneTimeline(t *testing.T) {
	spec := `user = "root"
[programs.a]
command = "trap 'exit 0' TERM; echo a-1; touch /run/a1; while [ ! -e /run/b1 ]; do sleep 0.02; done; sleep 0.2; echo a-2; touch /run/a2; while :; do sleep 0.05; done"
[programs.b]
command = "trap 'exit 0' TERM; while [ ! -e /run/a1 ]; do sleep 0.02; done; sleep 0.2; echo b-1; touch /run/b1; while :; do sleep 0.05; done"
[programs.worker]
command = "trap 'exit 0' TERM; echo worker $APPSTART_INSTANCE up; while :; do sleep 0.05; done"
instances = 2
[programs.crash]
command = "echo crash-run; sleep 0.3; exit 5"
startsecs = 0
`
	c := container(t, spec, nil)
	c.WaitForOutput("a | a-2", 10*time.Second)
	c.WaitForOutput("crash: exited 5", 10*time.Second)

	r := as(c, "logs", "-n", "1000")
	if r.ExitCode != 0 {
		t.Fatalf("logs: exit %d: %s", r.ExitCode, r.Stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n")
	at := func(line string) int {
		for i, l := range lines {
			if l == line {
				return i
			}
		}
		return -1
	}
	a1, b1, a2 := at("a | a-1"), at("b | b-1"), at("a | a-2")
	if a1 < 0 || b1 < 0 || a2 < 0 || !(a1 < b1 && b1 < a2) {
		t.Errorf("logs is not one timeline in the live stream's style: a-1 at %d, b-1 at %d, a-2 at %d, want increasing:\n%s", a1, b1, a2, r.Stdout)
	}
	// (a's first line may come before "a: started": that is said once the
	// spawn returns, and the program may have written by then.)
	if !strings.Contains(r.Stdout, "appstart | a: started pid ") || !strings.Contains(r.Stdout, "appstart | crash: exited 5") {
		t.Errorf("appstart's own events (a started, crash exited) missing from logs:\n%s", r.Stdout)
	}
	// The last 2 in time: one or two lines, never two per program.
	r = as(c, "logs", "-n", "2")
	if n := strings.Count(r.Stdout, "\n"); n != 2 {
		t.Errorf("logs -n 2 gave %d lines:\n%s", n, r.Stdout)
	}

	r = as(c, "logs", "-t", "-n", "1000")
	for _, l := range strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n") {
		if !stampRE.MatchString(l) {
			t.Errorf("logs -t line without its time: %q", l)
			break
		}
	}
	if r := as(c, "logs", "--since", "1h", "a"); !strings.Contains(r.Stdout, "a-1") {
		t.Errorf("logs --since 1h a: exit %d %q %s", r.ExitCode, r.Stdout, r.Stderr)
	}
	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	if r := as(c, "logs", "--since", future, "a"); r.ExitCode != 0 || r.Stdout != "" {
		t.Errorf("logs --since %s a: exit %d, want 0 and nothing: %q %s", future, r.ExitCode, r.Stdout, r.Stderr)
	}

	r = as(c, "logs", "worker")
	if r.ExitCode != 0 || !strings.Contains(r.Stdout, "worker:1 | worker 1 up") || !strings.Contains(r.Stdout, "worker:2 | worker 2 up") {
		t.Errorf("logs worker (a group): exit %d, want both instances' lines named:\n%s%s", r.ExitCode, r.Stdout, r.Stderr)
	}
	if r := as(c, "logs", "nosuch"); r.ExitCode == 0 || !strings.Contains(r.Stderr, `no program "nosuch"`) {
		t.Errorf("logs nosuch: exit %d %q, want non-zero and the name said", r.ExitCode, r.Stderr)
	}

	// logs -f (as tail -f) shows the restarts as they happen.
	r = c.Exec("/bin/sh", "-c", "timeout -s INT 3 /app/bin/appstart tail -f -n 0; true")
	if !strings.Contains(r.Stdout, "appstart | crash: started pid ") || !strings.Contains(r.Stdout, "crash | crash-run") {
		t.Errorf("tail -f: want crash's restarts and lines, got %q (stderr %q)", r.Stdout, r.Stderr)
	}
	stopped(t, c)
}

// On a terminal the names are padded and coloured; in a pipe never.
func TestLogsColourOnATerminalOnly(t *testing.T) {
	harness.RequireCommands(t, "script")
	c := container(t, controlSpec, nil)
	c.WaitForOutput("worker | tick 2", 10*time.Second)
	if r := as(c, "logs", "-n", "5"); strings.Contains(r.Stdout, "\x1b[") || !strings.Contains(r.Stdout, "worker | tick") {
		t.Errorf("logs into a pipe: %q", r.Stdout)
	}
	r := c.Exec("script", "-qec", "/app/bin/appstart logs -n 50", "/dev/null")
	if !strings.Contains(r.Stdout, "mworker   |\x1b[0m tick") && !strings.Contains(r.Stdout, "mworker  |\x1b[0m tick") {
		t.Errorf("logs on a terminal: want padded, coloured names, got %q (stderr %q)", r.Stdout, r.Stderr)
	}
	stopped(t, c)
}

// A program that gives up is reported with its last lines, as a failing
// on_start is.
func TestGivingUpShowsLastLines(t *testing.T) {
	spec := `user = "root"
[programs.web]
command = "trap 'exit 0' TERM; while :; do sleep 0.05; done"
[programs.bad]
command = "echo connecting to the database; echo 'FATAL: password authentication failed' >&2; exit 4"
startretries = 1
`
	c := container(t, spec, nil)
	r := c.Wait(20 * time.Second)
	want := "bad: gave up after 2 tries (FATAL); last output:\n" +
		"    connecting to the database\n    FATAL: password authentication failed\n" +
		"    connecting to the database\n    FATAL: password authentication failed\n"
	if r.ExitCode != 4 || !strings.Contains(r.Stderr, want) {
		t.Errorf("exit %d, want 4 and stderr with\n%s\ngot:\n%s", r.ExitCode, want, r.Stderr)
	}
}

// A chown of 100,000 entries that runs longer than the progress delay
// prints progress lines while it runs: entries done and the rate.
// APPSTART_PROGRESS brings the delay (1 s by default) down to what the walk
// surely takes on any machine.
func TestLongStagePrintsProgress(t *testing.T) {
	data := tmpfsDir(t)
	makeTree(t, data, 100, 1000)
	spec := `user = "cloudron"
[[chown]]
path = "/app/data"
owner = "cloudron:cloudron"
[[on_start]]
command = ["sleep", "1.3"]
[programs.web]
command = "trap 'exit 0' TERM; echo web up; while :; do sleep 0.05; done"
`
	c := container(t, spec, func(o *harness.Options) {
		o.DataDir = data
		o.Env = append(append([]string{}, harness.DefaultEnv...), "APPSTART_PROGRESS=50ms")
	})
	c.WaitForOutput("web up", 60*time.Second)
	r := stopped(t, c)
	progress := regexp.MustCompile(`appstart: chown: [\d,]+ entries in \d+\.\ds \([\d,]+/s\)\n`)
	done := regexp.MustCompile(`appstart: chown: done, 100,10\d entries in \d+\.\ds \([\d,]+/s\)\n`)
	if !progress.MatchString(r.Stderr) || !done.MatchString(r.Stderr) {
		t.Errorf("no chown progress lines (entries, rate) and final count in:\n%s", r.Stderr)
	}
	if !strings.Contains(r.Stderr, "appstart: on_start: still running after") {
		t.Errorf("a command stage running past the delay said nothing:\n%s", r.Stderr)
	}
}

// On a terminal the progress is one live counter, rewritten in place
// ("\r" and erase-line), ended by the final count on its own line.
// appstart runs under script(1) for a terminal, not as PID 1 here, and
// stops after the chown stage (--until).
func TestLongStageLiveCounterOnATerminal(t *testing.T) {
	harness.RequireCommands(t, "script")
	data := tmpfsDir(t)
	makeTree(t, data, 20, 1000)
	spec := `user = "cloudron"
[[chown]]
path = "/app/data"
owner = "cloudron:cloudron"
[programs.web]
command = "sleep 300"
`
	c := container(t, spec, func(o *harness.Options) {
		o.DataDir = data
		o.Env = append(append([]string{}, harness.DefaultEnv...), "APPSTART_PROGRESS=10ms")
		o.Argv = []string{"script", "-qec", "/app/bin/appstart run --until chown", "/dev/null"}
	})
	r := c.Wait(60 * time.Second)
	live := regexp.MustCompile(`\r\x1b\[Kappstart: chown: [\d,]+ entries in \d+\.\ds \([\d,]+/s\)`)
	final := regexp.MustCompile(`\r\x1b\[Kappstart: chown: done, 20,02\d entries in [^\r\n]*\r?\n`)
	if r.ExitCode != 0 || !live.MatchString(r.Stdout) || !final.MatchString(r.Stdout) {
		t.Errorf("exit %d; want a live counter and the final count on the terminal, got %q", r.ExitCode, r.Stdout)
	}
}

// tmpfsDir is a fresh tmpfs for a test's /app/data: making 100,000 files
// on this machine's loaded ext4 takes minutes, on tmpfs seconds.
func tmpfsDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "size=512m,mode=0755"); err != nil {
		t.Fatalf("cannot mount a tmpfs on %s: %v", dir, err)
	}
	t.Cleanup(func() { _ = unix.Unmount(dir, unix.MNT_DETACH) })
	return dir
}

// makeTree fills dir with dirs directories of files empty files each.
func makeTree(t *testing.T, dir string, dirs, files int) {
	t.Helper()
	for d := range dirs {
		sub := filepath.Join(dir, fmt.Sprintf("d%03d", d))
		if err := os.Mkdir(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		for f := range files {
			if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("f%04d", f)), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// Started as a user other than root (docker run --user 1000), appstart says
// that it starts as root and drops privileges itself.
func TestNonRootStartSaysWhy(t *testing.T) {
	c := container(t, "user = \"cloudron\"\n[programs.web]\ncommand = \"sleep 300\"\n", func(o *harness.Options) {
		o.Argv = []string{"/app/bin/appstart", "exec-as", "cloudron", "/app/bin/appstart", "run"}
	})
	r := c.Wait(10 * time.Second)
	if r.ExitCode == 0 || !strings.Contains(r.Stderr, "appstart starts as root and drops privileges itself") ||
		!strings.Contains(r.Stderr, "--user") {
		t.Errorf("exit %d, want non-zero and the reason:\n%s", r.ExitCode, r.Stderr)
	}
}

// Two programs joined by after, with default settings, share the one stop
// budget (stop_timeout, the platform's 10 s) instead of 10 s each: check
// no longer warns about a stopwaitsecs nobody wrote, and a stop of two
// programs that ignore SIGTERM ends within the budget (the old binary
// waited 10 s for each, 20 s in all, past the platform's SIGKILL).
func TestStopBudgetSharedByDefault(t *testing.T) {
	spec := `user = "root"
[programs.db]
command = "trap '' TERM; echo db up; while :; do sleep 0.05; done"
[programs.web]
command = "trap '' TERM; echo web up; while :; do sleep 0.05; done"
after = ["db"]
`
	c := container(t, spec, nil)
	c.WaitForOutput("web | web up", 10*time.Second)
	if r := as(c, "check"); r.ExitCode != 0 || strings.Contains(r.Stderr+r.Stdout, "stopping can take") {
		t.Errorf("check of two default programs joined by after: exit %d\n%s%s", r.ExitCode, r.Stdout, r.Stderr)
	}
	start := time.Now()
	c.Signal(syscall.SIGTERM)
	r := c.Wait(30 * time.Second)
	took := time.Since(start)
	if r.ExitCode != 0 || !strings.Contains(r.Stderr, "stopping web (SIGTERM, up to 5s)") || took > 13*time.Second {
		t.Errorf("stop took %v, exit %d; want web to get half of the 10s budget, the whole within it, and exit 0:\n%s", took, r.ExitCode, r.Stderr)
	}
}
