package app_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"appstart/runtime/control"
	"appstart/runtime/harness"
)

// The container, the control client and the /proc readers every fault
// test uses (faults_test.go).

// keeper forks nothing (a fork bomb must not take it down with EAGAIN)
// and dies of the SIGTERM of a requested stop.
const keeper = `user = "cloudron"
[programs.keeper]
command = ["sleep", "infinity"]
`

// fault is a started container with its control client and baseline.
type fault struct {
	t    *testing.T
	c    *harness.Container
	cl   *control.Client
	base control.SelfStatus
}

// startFault runs appstart over keeper + extra and waits until keeper is
// running (startsecs done), then takes the baseline.
func startFault(t *testing.T, extra string, mod func(*harness.Options)) *fault {
	t.Helper()
	f := &fault{t: t, c: container(t, keeper+extra, mod)}
	f.cl = dialHost(t, f.c)
	waitFor(t, "keeper running", 20*time.Second, func() (bool, string) {
		ps, _ := f.status()
		p := find(ps, "keeper")
		return p.State == "running", p.State
	})
	// The least of a few samples: a goroutine of the start that is still
	// ending must not raise the bar the fault is measured against.
	_, f.base = f.status()
	for range 4 {
		if _, s := f.status(); s.FDs < f.base.FDs || s.Goroutines < f.base.Goroutines {
			f.base.FDs, f.base.Goroutines = min(s.FDs, f.base.FDs), min(s.Goroutines, f.base.Goroutines)
		}
	}
	t.Logf("baseline: %+v", f.base)
	return f
}

// dialHost waits for the control socket and returns a client for it.
func dialHost(t *testing.T, c *harness.Container) *control.Client {
	t.Helper()
	path := c.HostPath(control.DefaultSocket)
	var cl *control.Client
	waitFor(t, "control socket "+path, 20*time.Second, func() (bool, string) {
		var err error
		cl, err = control.Dial(path)
		return err == nil, fmt.Sprint(err)
	})
	cl.Timeout = 20 * time.Second
	return cl
}

// status asks appstart for every program and its own facts; failing to
// answer fails the test.
func (f *fault) status() ([]control.ProgramStatus, control.SelfStatus) {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ps, err := f.cl.Status(ctx)
	if err != nil {
		f.t.Fatalf("status: %v\nstderr:\n%s", err, crashOrTail(f.c.Stderr()))
	}
	if len(ps) == 0 || ps[0].Self == nil {
		f.t.Fatalf("status has no self object: %+v", ps)
	}
	return ps, *ps[0].Self
}

func (f *fault) do(op string, fn func(context.Context, ...string) error, names ...string) {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := fn(ctx, names...); err != nil {
		f.t.Fatalf("%s %v: %v", op, names, err)
	}
}

func (f *fault) start(names ...string) { f.t.Helper(); f.do("start", f.cl.Start, names...) }

// stop stops the named programs and waits until none has a process.
func (f *fault) stop(names ...string) {
	f.t.Helper()
	f.do("stop", f.cl.Stop, names...)
	waitFor(f.t, fmt.Sprintf("%v stopped", names), 20*time.Second, func() (bool, string) {
		ps, _ := f.status()
		for _, p := range ps {
			if (slices.Contains(names, p.Name) || slices.Contains(names, p.Group)) && (p.State != "stopped" || p.Pid != 0) {
				return false, p.Name + " " + p.State
			}
		}
		return true, ""
	})
}

// backToBaseline waits until appstart's descriptors and goroutines are no
// more than before the fault: a leak per restart, pipe or connection shows
// here.
func (f *fault) backToBaseline() control.SelfStatus {
	f.t.Helper()
	var s control.SelfStatus
	waitFor(f.t, "fds and goroutines back to the baseline", 15*time.Second, func() (bool, string) {
		_, s = f.status()
		return s.FDs <= f.base.FDs && s.Goroutines <= f.base.Goroutines,
			fmt.Sprintf("now fds %d goroutines %d, baseline fds %d goroutines %d", s.FDs, s.Goroutines, f.base.FDs, f.base.Goroutines)
	})
	return s
}

// stopsCleanly sends SIGTERM to PID 1 and requires exit 0 without a Go
// runtime crash; it returns how long the stop took (a figure, not
// asserted).
func (f *fault) stopsCleanly() time.Duration {
	f.t.Helper()
	t0 := time.Now()
	f.c.Signal(syscall.SIGTERM)
	r := f.c.Wait(30 * time.Second)
	took := time.Since(t0)
	if r.ExitCode != 0 {
		f.t.Fatalf("exit %d after SIGTERM, want 0\nstderr:\n%s", r.ExitCode, tail(r.Stderr, 60))
	}
	noCrash(f.t, r.Stderr)
	return took
}

func noCrash(t *testing.T, stderr string) {
	t.Helper()
	for _, bad := range []string{"panic:", "fatal error:", "goroutine ", "internal error"} {
		if strings.Contains(stderr, bad) {
			t.Fatalf("appstart's stderr shows %q:\n%s", bad, tail(stderr, 80))
		}
	}
}

func find(ps []control.ProgramStatus, name string) control.ProgramStatus {
	for _, p := range ps {
		if p.Name == name {
			return p
		}
	}
	return control.ProgramStatus{Name: name, State: "absent"}
}

// waitFor polls cond until it holds or timeout passes; the second result
// says why not, for the failure message. A wait, not an assertion on time.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, why := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s: %s", what, timeout, why)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// crashOrTail shows the start of a Go runtime crash (its cause comes
// before a long goroutine dump), or else the end of stderr.
func crashOrTail(stderr string) string {
	for _, mark := range []string{"runtime: ", "fatal error:", "panic:"} {
		if i := strings.Index(stderr, mark); i >= 0 {
			head := strings.SplitN(stderr[i:], "\n", 12)
			return "appstart crashed:\n" + strings.Join(head[:min(len(head), 11)], "\n")
		}
	}
	return tail(stderr, 40)
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("[... %d lines]", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// cproc is one process of the container, from its own procfs.
type cproc struct {
	pid, ppid int
	comm      string
	state     byte
}

// procs lists the container's processes through PID 1's root (the
// container's /proc mount), from the host: no fork inside is needed.
func procs(t *testing.T, c *harness.Container) []cproc {
	t.Helper()
	dir := c.HostPath("/proc")
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("cannot list the container's processes: %v", err)
	}
	var out []cproc
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name(), "stat"))
		if err != nil {
			continue // ended and reaped meanwhile
		}
		// "pid (comm) S ppid ...": comm may hold spaces and parentheses.
		s := string(b)
		open, close := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || close < open || close+4 > len(s) {
			continue
		}
		f := strings.Fields(s[close+2:])
		ppid, _ := strconv.Atoi(f[1])
		out = append(out, cproc{pid: pid, ppid: ppid, comm: s[open+1 : close], state: f[0][0]})
	}
	return out
}

func count(ps []cproc, keep func(cproc) bool) int {
	n := 0
	for _, p := range ps {
		if keep(p) {
			n++
		}
	}
	return n
}

func zombie(p cproc) bool { return p.state == 'Z' }

// procStatus returns the fields of /proc/PID/status of a container pid.
func procStatus(t *testing.T, c *harness.Container, pid int) map[string]string {
	t.Helper()
	b, err := os.ReadFile(c.HostPath(fmt.Sprintf("/proc/%d/status", pid)))
	if err != nil {
		t.Fatalf("cannot read the status of pid %d: %v", pid, err)
	}
	m := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			m[k] = strings.TrimSpace(v)
		}
	}
	return m
}
