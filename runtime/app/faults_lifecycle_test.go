package app_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"appstart/runtime/control"
	"appstart/runtime/harness"
)

// A program that re-parents 500 children to PID 1: each blocks reading a
// FIFO the test holds open, so all 500 end at once when the test closes
// it. Afterwards no zombie is left (counted in the container's /proc, with
// a negative control: a parent that never waits does leave one), the
// orphans are counted in status, and the time from the release to the
// last reap is logged.
func TestFaultReparentedChildren(t *testing.T) {
	const n = 500
	f := startFault(t, fmt.Sprintf(`
[programs.fault]
command = "i=0; while [ $i -lt %d ]; do (cat /tmp/release >/dev/null &); i=$((i+1)); done; echo forked; trap 'exit 0' TERM; while :; do sleep 0.1; done"
autostart = false
[programs.zombie]
command = "true & exec sleep infinity"
autostart = false
`, n), nil)

	// Negative control: sleep never waits for the child its shell left.
	f.start("zombie")
	waitFor(t, "the control's zombie", 10*time.Second, func() (bool, string) {
		z := count(procs(t, f.c), zombie)
		return z == 1, fmt.Sprintf("%d zombies", z)
	})
	f.stop("zombie")
	waitFor(t, "the control's zombie reaped", 10*time.Second, func() (bool, string) {
		z := count(procs(t, f.c), zombie)
		return z == 0, fmt.Sprintf("%d zombies", z)
	})

	fifo := f.c.HostPath("/tmp/release")
	if err := syscall.Mkfifo(fifo, 0o666); err != nil {
		t.Fatal(err)
	}
	// O_RDWR never blocks on a FIFO (fifo(7)) and keeps a writer, so every
	// cat blocks in read until this descriptor is closed.
	w, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	_, before := f.status()
	f.start("fault")
	isCat := func(p cproc) bool { return p.comm == "cat" }
	waitFor(t, fmt.Sprintf("%d orphans blocked", n), 60*time.Second, func() (bool, string) {
		ps := procs(t, f.c)
		cats := count(ps, func(p cproc) bool { return isCat(p) && p.ppid == 1 && p.state == 'S' })
		return cats == n, fmt.Sprintf("%d of %d cats are PID 1's", cats, n)
	})
	t0 := time.Now()
	w.Close()
	// PID 1's children (zombies included) fall back to keeper and fault's
	// shell once every orphan has ended and been reaped: the reaping ended
	// between the start of the last read that still saw one and the end of
	// the first that saw none (a few threads' files, well under 1 ms).
	// A busy loop, not waitFor: its pause would be the measurement.
	var dirty, clean time.Duration
	for {
		read := time.Since(t0)
		kids := children(t, f.c.Pid1())
		if kids <= 2 {
			clean = time.Since(t0)
			break
		}
		dirty = read
		if read > 20*time.Second {
			t.Fatalf("PID 1 still has %d children 20s after the release", kids)
		}
	}
	t.Logf("%d orphans ended and were reaped %s to %s after the release", n, dirty.Round(10*time.Microsecond), clean.Round(10*time.Microsecond))
	if ps := procs(t, f.c); count(ps, isCat)+count(ps, zombie) > 0 {
		t.Fatalf("%d cats and %d zombies left", count(ps, isCat), count(ps, zombie))
	}
	_, after := f.status()
	if got := after.OrphansReaped - before.OrphansReaped; got < n {
		t.Errorf("status counts %d orphans reaped, want >= %d (self: %+v)", got, n, after)
	}
	f.stop("fault")
	f.backToBaseline()
	f.stopsCleanly()
}

// children counts the children of a host pid, over all its threads
// (proc(5) /proc/PID/task/TID/children: an orphan goes to any live thread
// of the reaper).
func children(t *testing.T, pid int) int {
	t.Helper()
	files, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	if len(files) == 0 {
		t.Fatalf("no /proc/%d/task/*/children (CONFIG_PROC_CHILDREN)", pid)
	}
	n := 0
	for _, file := range files {
		b, _ := os.ReadFile(file) // a thread that ended meanwhile has none
		n += len(strings.Fields(string(b)))
	}
	return n
}

// A storm of 100 SIGTERMs in a burst: one orderly stop (each program is
// stopped once, the repeats are only logged), exit 0, no crash.
func TestFaultSIGTERMStorm(t *testing.T) {
	prog := func(name string) string {
		return fmt.Sprintf(`
[programs.%s]
command = "trap 'sleep 0.3; exit 0' TERM; echo %s up; while :; do sleep 0.05; done"
`, name, name)
	}
	c := container(t, `user = "cloudron"`+prog("a")+prog("b"), nil)
	c.WaitForOutput("a | a up", 10*time.Second)
	c.WaitForOutput("b | b up", 10*time.Second)
	t0 := time.Now()
	for range 100 {
		if err := syscall.Kill(c.Pid1(), syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
	}
	// A burst coalesces into one or two pending SIGTERMs (signal(7):
	// standard signals are not queued), so the storm goes on, one every
	// millisecond, for the whole stop.
	sent := 100
	for done := c.Instance().Done(); ; sent++ {
		select {
		case <-done:
		case <-time.After(time.Millisecond):
			syscall.Kill(c.Pid1(), syscall.SIGTERM)
			continue
		}
		break
	}
	took := time.Since(t0)
	r := c.Wait(30 * time.Second)
	if r.ExitCode != 0 {
		t.Fatalf("exit %d, want 0\n%s", r.ExitCode, tail(r.Stderr, 60))
	}
	noCrash(t, r.Stderr)
	for msg, want := range map[string]int{
		"stopping all programs (SIGTERM)": 1,
		"stopping a (SIGTERM":             1,
		"stopping b (SIGTERM":             1,
		"a: stopped after":                1,
		"b: stopped after":                1,
	} {
		if got := strings.Count(r.Stderr, msg); got != want {
			t.Errorf("%q %d times, want %d\n%s", msg, got, want, tail(r.Stderr, 40))
		}
	}
	repeats := strings.Count(r.Stderr, "SIGTERM again while stopping")
	if repeats == 0 {
		t.Errorf("no SIGTERM arrived during the stop: the storm tested nothing\n%s", r.Stderr)
	}
	t.Logf("%d SIGTERMs sent, %d arrived during the stop and were logged as repeats; stop took %s", sent, repeats, took)
}

// 1,000 restarts of a crashing program. The supervisor counts a run
// shorter than max(startsecs, 1s) as a failed start and backs off up to
// 30 s (supervise.minResetWindow, against supervisord's endless fast
// loop, Supervisor #1285), so 1,000 fast crashes are impossible by
// design. Instead 50 instances each crash (exit 1) after 1.05 s with
// autorestart = "always": every end is a restart after 100 ms, about 45
// restarts a second. After 1,000, appstart's fds and goroutines are back
// to the baseline once they are stopped.
func TestFaultThousandRestarts(t *testing.T) {
	const want = 1000
	f := startFault(t, `
[programs.crash]
command = "sleep 1.05; exit 1"
instances = 50
autorestart = "always"
autostart = false
`, nil)
	f.start("crash")
	total := 0
	waitFor(t, fmt.Sprintf("%d restarts", want), 120*time.Second, func() (bool, string) {
		ps, _ := f.status()
		total = 0
		for _, p := range ps {
			if p.Group == "crash" {
				total += p.Restarts
				if p.State == "fatal" {
					t.Fatalf("%s gave up: %+v", p.Name, p)
				}
			}
		}
		return total >= want, fmt.Sprintf("%d restarts", total)
	})
	_, during := f.status()
	t.Logf("after %d restarts: %+v", total, during)
	f.stop("crash")
	f.backToBaseline()
	f.stopsCleanly()
}

// A program allocating beyond the memory cgroup's limit (tail keeps a line
// of /dev/zero that never ends) is killed by the kernel; appstart survives,
// answers status and restarts it.
//
// appstart sets its own oom_score_adj to -999 once its programs are
// launched (so within a moment of the start), which needs
// CAP_SYS_RESOURCE (proc(5)). Docker's default capabilities, and this
// test's machine, may lack it: then the write fails, PID 1 stays at 0,
// and appstart survives only by being smaller than the program. With the
// capability, PID 1 must read -999 and a program must not inherit it
// (fork(2) copies oom_score_adj), or the programs too would be almost
// never chosen, in the container and on the host.
func TestFaultOOM(t *testing.T) {
	f := startFault(t, `
[programs.fault]
command = ["tail", "/dev/zero"]
autostart = false
startretries = 100
`, func(o *harness.Options) { o.MemoryLimit = 128 << 20 })
	pid1 := procStatus(t, f.c, 1)
	const capSysResource = 24 // capability.h
	capEff, _ := strconv.ParseUint(pid1["CapEff"], 16, 64)
	canLower := capEff&(1<<capSysResource) != 0
	adj1 := readOOMScoreAdj(t, f.c, 1)
	for deadline := time.Now().Add(5 * time.Second); canLower && adj1 != -999 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		adj1 = readOOMScoreAdj(t, f.c, 1)
	}
	kpid := find(programsOf(f.status()), "keeper").Pid
	switch {
	case canLower && adj1 != -999:
		t.Errorf("PID 1's oom_score_adj = %d with CAP_SYS_RESOURCE, want -999", adj1)
	case canLower && readOOMScoreAdj(t, f.c, kpid) != 0:
		t.Errorf("keeper inherited oom_score_adj %d from appstart, want 0", readOOMScoreAdj(t, f.c, kpid))
	case canLower:
		// Started again once PID 1 is at -999, it must be set back.
		f.stop("keeper")
		f.start("keeper")
		if kpid = find(programsOf(f.status()), "keeper").Pid; readOOMScoreAdj(t, f.c, kpid) != 0 {
			t.Errorf("keeper restarted after the protection has oom_score_adj %d, want 0", readOOMScoreAdj(t, f.c, kpid))
		}
	case !canLower:
		t.Logf("no CAP_SYS_RESOURCE (CapEff %s): PID 1's oom_score_adj stays %d", pid1["CapEff"], adj1)
	}
	cg := f.c.Cgroup()
	kills := func() int { return oomKills(t, cg) }
	k0 := kills()
	f.start("fault")
	waitFor(t, "the kernel's OOM kill and a restart", 60*time.Second, func() (bool, string) {
		ps, _ := f.status()
		p := find(ps, "fault")
		return p.Restarts >= 1 && kills() > k0, fmt.Sprintf("%+v, oom kills %d", p, kills()-k0)
	})
	ps, self := f.status()
	p := find(ps, "fault")
	if self.Pid != 1 {
		t.Fatalf("self pid %d", self.Pid)
	}
	if !strings.Contains(p.LastExit, "SIGKILL") {
		t.Errorf("fault's last exit = %q, want a SIGKILL", p.LastExit)
	}
	t.Logf("fault: %d restarts, last %s; %d OOM kills; appstart VmRSS %d KiB", p.Restarts, p.LastExit, kills()-k0, self.VmRSSKiB)
	f.stop("fault")
	f.backToBaseline()
	f.stopsCleanly()
}

// oomKills reads the memory cgroup's count of OOM kills (v1
// memory.oom_control, v2 memory.events).
func oomKills(t *testing.T, cg harness.Cgroup) int {
	t.Helper()
	file := "memory.oom_control"
	if cg.Version == 2 {
		file = "memory.events"
	}
	b, err := os.ReadFile(filepath.Join(cg.Memory, file))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "oom_kill "); ok {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	t.Fatalf("%s has no oom_kill line:\n%s", file, b)
	return 0
}

// readOOMScoreAdj reads /proc/PID/oom_score_adj of a container pid.
func readOOMScoreAdj(t *testing.T, c *harness.Container, pid int) int {
	t.Helper()
	return readInt(t, c.HostPath(fmt.Sprintf("/proc/%d/oom_score_adj", pid)))
}

func programsOf(ps []control.ProgramStatus, _ control.SelfStatus) []control.ProgramStatus { return ps }
