package proc

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The test binary re-executes itself as helper children (the pebble TestMain
// and moby reexec pattern); helperEnv selects the role.
const helperEnv = "PROC_TEST_HELPER"

// testReaper is the one Reaper of the test process: a second one would
// steal its exits. NewReaper makes the test process a child subreaper, so
// orphans of the helpers come back to it (tini's subreaper-proxy idea).
var testReaper *Reaper

// orphanLog records every orphan exit the test reaper reports.
var orphanLog = struct {
	sync.Mutex
	m       map[int]Exit
	batchOf map[int]int // pid -> the OnOrphans call that carried it
	batches int         // OnOrphans calls
	largest int         // the longest batch
}{m: make(map[int]Exit), batchOf: make(map[int]int)}

// orphanMark is the number of OnOrphans calls so far: a pid whose batchOf
// is above it was reaped after the mark, not as an earlier process that had
// the same number (pid_max is 32,768 here).
func orphanMark() int {
	orphanLog.Lock()
	defer orphanLog.Unlock()
	return orphanLog.batches
}

func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == ListenExecArg0 {
		os.Exit(ListenExecMain(os.Args[2:]))
	}
	if role := os.Getenv(helperEnv); role != "" {
		os.Exit(runHelper(role, os.Args[1:]))
	}
	r, err := NewReaper(Options{OnOrphans: func(es []Exit) {
		orphanLog.Lock()
		orphanLog.batches++
		for _, e := range es {
			orphanLog.m[e.Pid] = e
			orphanLog.batchOf[e.Pid] = orphanLog.batches
		}
		orphanLog.largest = max(orphanLog.largest, len(es))
		orphanLog.Unlock()
	}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if err := r.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	testReaper = r
	os.Exit(m.Run())
}

func runHelper(role string, args []string) int {
	var err error
	switch role {
	case "doublefork":
		err = helperDoubleFork(args)
	case "doublefork-dead":
		err = helperDoubleForkDead(args)
	case "zombies":
		err = helperZombies(args)
	case "killall":
		err = helperKillAll(args)
	case "killall-empty":
		err = helperKillAllEmpty()
	default:
		err = fmt.Errorf("unknown helper %q", role)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 1
	}
	return 0
}

// helperDoubleFork forks args[0] copies of args[1:] (stdin inherited, stdout
// /dev/null), prints their pids and exits WITHOUT waiting: once it is gone
// they are orphans, re-parented to the nearest subreaper.
func helperDoubleFork(args []string) error {
	n, err := strconv.Atoi(args[0])
	if err != nil {
		return err
	}
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	out := bufio.NewWriter(os.Stdout)
	attr := &syscall.ProcAttr{Files: []uintptr{0, devNull.Fd(), 2}}
	for i := 0; i < n; i++ {
		pid, err := syscall.ForkExec(args[1], args[1:], attr)
		if err != nil {
			return err
		}
		fmt.Fprintln(out, pid)
	}
	return out.Flush()
}

// helperDoubleForkDead is helperDoubleFork, but it exits only once every
// child has exited: all of them reach the subreaper as zombies at the same
// instant, a burst like a crashed server's workers.
func helperDoubleForkDead(args []string) error {
	n, err := strconv.Atoi(args[0])
	if err != nil {
		return err
	}
	attr := &syscall.ProcAttr{Files: []uintptr{0, 2, 2}}
	pids := make([]int, 0, n)
	for i := 0; i < n; i++ {
		pid, err := syscall.ForkExec(args[1], args[1:], attr)
		if err != nil {
			return err
		}
		pids = append(pids, pid)
	}
	deadline := time.Now().Add(time.Minute)
	for _, pid := range pids {
		for {
			st, err := readStat(os.DirFS("/proc"), pid)
			if err != nil {
				return fmt.Errorf("child %d: %w", pid, err)
			}
			if st.State == 'Z' {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("child %d still %c after a minute", pid, st.State)
			}
			time.Sleep(time.Millisecond)
		}
	}
	out := bufio.NewWriter(os.Stdout)
	for _, pid := range pids {
		fmt.Fprintln(out, pid)
	}
	return out.Flush()
}

// helperZombies is the negative control of the reaping tests. As a
// subreaper WITHOUT a running Reaper it double-forks args[0] orphans of
// /bin/true, prints "middle PID", the orphans' pids and "ready", and lets
// them rot as zombies until it reads "reap" on stdin; then it starts a
// Reaper, prints "reaped N" once N >= orphans+1 (the middle is unknown to
// the Reaper too) and exits at EOF.
func helperZombies(args []string) error {
	n, err := strconv.Atoi(args[0])
	if err != nil {
		return err
	}
	// The Reaper's constructor would do this too; without it the orphans
	// would go to the real init and the control would prove nothing.
	r, err := NewReaper(Options{})
	if err != nil {
		return err
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return err
	}
	middle, err := syscall.ForkExec(os.Args[0], []string{os.Args[0], strconv.Itoa(n), "/bin/true"}, &syscall.ProcAttr{
		Env:   helperEnviron("doublefork"),
		Files: []uintptr{0, pw.Fd(), 2},
	})
	if err != nil {
		return err
	}
	pw.Close()
	fmt.Println("middle", middle)
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		fmt.Println(sc.Text())
	}
	fmt.Println("ready")
	in := bufio.NewScanner(os.Stdin)
	if !in.Scan() || in.Text() != "reap" {
		return fmt.Errorf("want \"reap\" on stdin, got %q", in.Text())
	}
	if err := r.Start(); err != nil {
		return err
	}
	deadline := time.Now().Add(30 * time.Second)
	for r.Orphans() < uint64(n+1) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	fmt.Println("reaped", r.Orphans())
	for in.Scan() {
	}
	return nil
}

// helperKillAll runs KillAll over a cooperative child, a child ignoring
// SIGTERM, and an orphan ignoring SIGTERM, and prints what happened.
func helperKillAll(args []string) error {
	r, err := NewReaper(Options{})
	if err != nil {
		return err
	}
	if err := r.Start(); err != nil {
		return err
	}
	fmt.Println("pid1", os.Getpid() == 1)
	env := []string{"PATH=/usr/bin:/bin"}
	start := func(script string) (int, chan Exit, *bufio.Scanner, error) {
		pr, pw, err := os.Pipe()
		if err != nil {
			return 0, nil, nil, err
		}
		sink := make(chan Exit, 1)
		pid, err := r.Spawn(Cmd{Path: "sh", Args: []string{"sh", "-c", script}, Env: env, Stdout: pw}, sink)
		pw.Close()
		sc := bufio.NewScanner(pr)
		if err == nil && !sc.Scan() {
			err = fmt.Errorf("no barrier line from %q", script)
		}
		return pid, sink, sc, err
	}
	_, coop, _, err := start("echo ready; exec sleep 1000")
	if err != nil {
		return err
	}
	_, stubborn, _, err := start(`trap "" TERM; echo ready; exec sleep 1000`)
	if err != nil {
		return err
	}
	_, parent, sc, err := start(`trap "" TERM; sleep 1000 & echo $!`)
	if err != nil {
		return err
	}
	orphan, _ := strconv.Atoi(strings.TrimSpace(sc.Text()))
	<-parent // the orphan now belongs to this subreaper
	killed, err := r.KillAll(300 * time.Millisecond)
	fmt.Printf("killed %d err %v\n", killed, err)
	fmt.Println("coop", <-coop)
	fmt.Println("stubborn", <-stubborn)
	fmt.Println("orphan", orphan)
	left, err := descendants(os.DirFS("/proc"), os.Getpid())
	fmt.Println("left", len(left), err)
	return nil
}

// helperCmd is a Cmd that re-executes the test binary in role.
func helperCmd(role string, args ...string) Cmd {
	return Cmd{
		Path: os.Args[0],
		Args: append([]string{os.Args[0]}, args...),
		Env:  helperEnviron(role),
	}
}

// helperEnviron is this process's environment with the helper role set to
// role. It REPLACES any role already there: Go's getenv keeps the first of
// duplicated keys, so appending would make a helper re-run its own role and
// fork itself without end.
func helperEnviron(role string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, helperEnv+"=") {
			env = append(env, kv)
		}
	}
	return append(env, helperEnv+"="+role)
}

var testEnv = []string{"PATH=/usr/local/bin:/usr/bin:/bin"}

func sh(script string) Cmd {
	return Cmd{Path: "sh", Args: []string{"sh", "-c", script}, Env: testEnv}
}

// waitFor polls cond until it holds or the deadline passes (a deadline, not
// a timed assertion: it only bounds a hang).
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func receive(t testing.TB, sink <-chan Exit, what string) Exit {
	t.Helper()
	select {
	case e := <-sink:
		return e
	case <-time.After(30 * time.Second):
		t.Fatalf("no exit for %s", what)
		return Exit{}
	}
}

// status returns the named fields of /proc/PID/status, whitespace squeezed.
func status(t testing.TB, pid int, keys ...string) map[string]string {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]string)
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		for _, want := range keys {
			if k == want {
				out[k] = strings.Join(strings.Fields(v), " ")
			}
		}
	}
	return out
}

// blocked starts c (cat by default) with a pipe on stdin, so it stays alive
// until release closes the pipe. The exit arrives on the returned sink.
func blocked(t testing.TB, c Cmd) (pid int, sink chan Exit, release func()) {
	t.Helper()
	if c.Path == "" {
		c.Path, c.Args, c.Env = "cat", []string{"cat"}, testEnv
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	c.Stdin = pr
	sink = make(chan Exit, 1)
	pid, err = testReaper.Spawn(c, sink)
	pr.Close()
	if err != nil {
		pw.Close()
		t.Fatal(err)
	}
	var once sync.Once
	release = func() { once.Do(func() { pw.Close() }) }
	t.Cleanup(release)
	return pid, sink, release
}

// gone reports whether the process that had start time start is gone:
// no /proc entry, or the pid now belongs to a newer process.
func gone(pid int, start uint64) bool {
	st, err := readStat(os.DirFS("/proc"), pid)
	return err != nil || st.Start != start
}

// spawnReading starts c through the test reaper with its stdout on a pipe,
// and returns the pipe's read end and the sink of c's exit.
func spawnReading(t testing.TB, c Cmd) (*os.File, chan Exit) {
	t.Helper()
	out, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	c.Stdout = w
	sink := make(chan Exit, 1)
	if _, err := testReaper.Spawn(c, sink); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return out, sink
}
