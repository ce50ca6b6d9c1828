package proc

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"appstart/runtime/harness/skip"
)

func TestExitCodePassthrough(t *testing.T) {
	t.Parallel()
	var wg sync.WaitGroup
	errs := make(chan error, 256)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for code := w; code < 256; code += 4 {
				sink := make(chan Exit, 1)
				if _, err := testReaper.Spawn(sh("exit "+strconv.Itoa(code)), sink); err != nil {
					errs <- err
					return
				}
				if e := <-sink; e.Code != code || e.Signal != 0 || e.String() != fmt.Sprintf("exited %d", code) {
					errs <- fmt.Errorf("exit %d: got %+v %q", code, e, e)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestKilledBySignalIs128PlusSignal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		sig  string
		want Exit
		str  string
	}{
		{"TERM", Exit{Code: 143, Signal: syscall.SIGTERM}, "killed by SIGTERM"},
		{"USR1", Exit{Code: 138, Signal: syscall.SIGUSR1}, "killed by SIGUSR1"},
		{"KILL", Exit{Code: 137, Signal: syscall.SIGKILL}, "killed by SIGKILL"},
	} {
		sink := make(chan Exit, 1)
		pid, err := testReaper.Spawn(sh("kill -"+tc.sig+" $$"), sink)
		if err != nil {
			t.Fatal(err)
		}
		e := receive(t, sink, tc.sig)
		tc.want.Pid = pid
		if e != tc.want || e.String() != tc.str {
			t.Errorf("kill -%s: got %+v %q, want %+v %q", tc.sig, e, e, tc.want, tc.str)
		}
	}
}

func TestStartFailuresGive127And126(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	plain := write("plain", "#!/bin/sh\nexit 0\n", 0o644)
	garbage := write("garbage", "\x00\x01\x02 not a program", 0o755)
	for _, tc := range []struct {
		doc   string
		c     Cmd
		code  int
		errno syscall.Errno
	}{
		{"not on PATH", Cmd{Path: "no-such-program-appstart", Env: testEnv}, 127, syscall.ENOENT},
		{"absolute path missing", Cmd{Path: filepath.Join(dir, "missing")}, 127, syscall.ENOENT},
		{"not executable", Cmd{Path: plain}, 126, syscall.EACCES},
		{"found on PATH but not executable", Cmd{Path: "plain", Env: []string{"PATH=" + dir}}, 126, syscall.EACCES},
		{"a directory", Cmd{Path: dir}, 126, syscall.EACCES},
		{"not a known format", Cmd{Path: garbage}, 126, syscall.ENOEXEC},
	} {
		_, err := testReaper.Spawn(tc.c, nil)
		var se *StartError
		if !errors.As(err, &se) || !errors.Is(err, tc.errno) {
			t.Errorf("%s: got %v, want a *StartError with %v", tc.doc, err, tc.errno)
			continue
		}
		if got := ExitForStartError(err).Code; got != tc.code {
			t.Errorf("%s: code %d, want %d", tc.doc, got, tc.code)
		}
	}
}

// TestChildSignalStateIsClean is tini's sigconf test in Go: with the parent
// ignoring SIGPIPE and SIGHUP (signal.Ignore), Notify-ing many signals, and
// the spawning thread blocking SIGUSR2 and SIGWINCH, the exec'd child must
// show empty SigBlk and SigIgn in /proc/PID/status. The negative control
// forks the same way with a bare syscall.ForkExec and must see the leaks,
// proving both that Go leaks them and that the observation can fail.
// Not parallel: it changes process-wide signal dispositions.
func TestChildSignalStateIsClean(t *testing.T) {
	signal.Ignore(syscall.SIGPIPE, syscall.SIGHUP)
	notified := make(chan os.Signal, 16)
	signal.Notify(notified, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGTERM, syscall.SIGINT,
		syscall.SIGQUIT, syscall.SIGWINCH, syscall.SIGALRM, syscall.SIGTTIN)
	t.Cleanup(func() {
		signal.Stop(notified)
		signal.Reset(syscall.SIGPIPE, syscall.SIGHUP)
	})

	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var block, old unix.Sigset_t
	for _, s := range []syscall.Signal{syscall.SIGUSR2, syscall.SIGWINCH} {
		block.Val[(s-1)/64] |= 1 << ((uint(s) - 1) % 64)
	}
	if err := unix.PthreadSigmask(unix.SIG_BLOCK, &block, &old); err != nil {
		t.Fatal(err)
	}
	defer unix.PthreadSigmask(unix.SIG_SETMASK, &old, nil)

	const pipeHup = 1<<(syscall.SIGPIPE-1) | 1<<(syscall.SIGHUP-1)
	const usr2Winch = 1<<(syscall.SIGUSR2-1) | 1<<(syscall.SIGWINCH-1)

	// Negative control: a bare ForkExec from the same thread. cat blocks on
	// the pipe; the test reaper reaps it as an orphan after release.
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := syscall.ForkExec("/bin/cat", []string{"cat"}, &syscall.ProcAttr{Files: []uintptr{pr.Fd(), 1, 2}})
	pr.Close()
	if err != nil {
		t.Fatal(err)
	}
	rawStatus := status(t, raw, "SigBlk", "SigIgn")
	pw.Close()
	if ign := hexMask(t, rawStatus["SigIgn"]); ign&pipeHup != pipeHup {
		t.Errorf("control: bare ForkExec child SigIgn %#x lacks SIGPIPE|SIGHUP: the test cannot see a leak", ign)
	}
	if blk := hexMask(t, rawStatus["SigBlk"]); blk&usr2Winch != usr2Winch {
		t.Errorf("control: bare ForkExec child SigBlk %#x lacks SIGUSR2|SIGWINCH: the test cannot see a leak", blk)
	}

	pid, sink, release := blocked(t, Cmd{})
	st := status(t, pid, "SigBlk", "SigIgn")
	release()
	receive(t, sink, "cat")
	if st["SigBlk"] != "0000000000000000" || st["SigIgn"] != "0000000000000000" {
		t.Errorf("child SigBlk %s SigIgn %s, want both empty", st["SigBlk"], st["SigIgn"])
	}
	// The parent's own dispositions survive the fork.
	if !signal.Ignored(syscall.SIGPIPE) || !signal.Ignored(syscall.SIGHUP) {
		t.Error("parent no longer ignores SIGPIPE/SIGHUP after Spawn")
	}
}

func hexMask(t *testing.T, s string) uint64 {
	t.Helper()
	v, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		t.Fatalf("bad mask %q: %v", s, err)
	}
	return v
}

// TestChildGetsOnlyStdio leaks an inheritable descriptor (no O_CLOEXEC, as if
// appstart had inherited it) and lists /proc/CHILD/fd. The negative control,
// a bare ForkExec, shows the leak; Spawn's child must hold only 0, 1, 2.
// Not parallel: Spawn marks the test process's fds close-on-exec.
func TestChildGetsOnlyStdio(t *testing.T) {
	leak, err := unix.Open("/dev/null", unix.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(leak)

	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := syscall.ForkExec("/bin/cat", []string{"cat"}, &syscall.ProcAttr{Files: []uintptr{pr.Fd(), 1, 2}})
	pr.Close()
	if err != nil {
		t.Fatal(err)
	}
	rawFds := fds(t, raw)
	pw.Close()
	if !strings.Contains(" "+rawFds+" ", " "+strconv.Itoa(leak)+" ") {
		t.Fatalf("control: bare ForkExec child fds %q lack the leaked fd %d", rawFds, leak)
	}

	pid, sink, release := blocked(t, Cmd{})
	got := fds(t, pid)
	release()
	receive(t, sink, "cat")
	if got != "0 1 2" {
		t.Fatalf("child fds %q, want \"0 1 2\"", got)
	}
}

func fds(t *testing.T, pid int) string {
	t.Helper()
	entries, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/fd")
	if err != nil {
		t.Fatal(err)
	}
	var n []int
	for _, e := range entries {
		fd, _ := strconv.Atoi(e.Name())
		n = append(n, fd)
	}
	sort.Ints(n)
	return strings.Trim(fmt.Sprint(n), "[]")
}

func TestCredentialsApplied(t *testing.T) {
	skip.Root(t, "changes uid, gid and groups")
	t.Parallel()
	keys := []string{"Uid", "Gid", "Groups", "CapEff"}
	for _, tc := range []struct {
		doc  string
		cred *Cred
		want map[string]string
	}{
		{"cloudron", &Cred{Uid: 1000, Gid: 1000, Groups: []uint32{1000, 27}},
			map[string]string{"Uid": "1000 1000 1000 1000", "Gid": "1000 1000 1000 1000", "Groups": "27 1000", "CapEff": "0000000000000000"}},
		{"no groups is none", &Cred{Uid: 33, Gid: 33},
			map[string]string{"Uid": "33 33 33 33", "Gid": "33 33 33 33", "Groups": "", "CapEff": "0000000000000000"}},
	} {
		pid, sink, release := blocked(t, Cmd{Path: "/bin/cat", Cred: tc.cred})
		got := status(t, pid, keys...)
		release()
		receive(t, sink, tc.doc)
		for _, k := range keys {
			if got[k] != tc.want[k] {
				t.Errorf("%s: %s = %q, want %q", tc.doc, k, got[k], tc.want[k])
			}
		}
	}
	// Negative control: without Cred the same observation shows root with
	// capabilities, so the checks above can fail.
	pid, sink, release := blocked(t, Cmd{Path: "/bin/cat"})
	got := status(t, pid, keys...)
	release()
	receive(t, sink, "root cat")
	if got["Uid"] != "0 0 0 0" || got["CapEff"] == "0000000000000000" {
		t.Errorf("control: root child shows Uid %q CapEff %q", got["Uid"], got["CapEff"])
	}
}

func TestNoNewPrivsStaysInTheChild(t *testing.T) {
	t.Parallel()
	pid, sink, release := blocked(t, Cmd{Path: "/bin/cat", NoNewPrivs: true})
	with := status(t, pid, "NoNewPrivs")["NoNewPrivs"]
	release()
	receive(t, sink, "cat with no_new_privs")
	pid, sink, release = blocked(t, Cmd{Path: "/bin/cat"})
	without := status(t, pid, "NoNewPrivs")["NoNewPrivs"]
	release()
	receive(t, sink, "cat")
	if with != "1" || without != "0" {
		t.Fatalf("NoNewPrivs with=%q without=%q, want 1 and 0", with, without)
	}
	// The thread that forked it must die: no thread of the test process
	// keeps the flag. The runtime ends it after the goroutine returns, a
	// moment after the child's exit can already have been reaped. Never the
	// main thread, which the runtime parks for good instead: run alone, this
	// test found it flagged every time (hygiene.go, forkWithNoNewPrivs).
	var flagged []string
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if flagged = threadsWithNoNewPrivs(t); len(flagged) == 0 || time.Now().After(deadline) {
			break
		}
	}
	if len(flagged) > 0 {
		t.Errorf("threads %v of the parent still have no_new_privs after 5 s", flagged)
	}
}

func threadsWithNoNewPrivs(t *testing.T) []string {
	t.Helper()
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	var flagged []string
	for _, task := range tasks {
		b, err := os.ReadFile("/proc/self/task/" + task.Name() + "/status")
		if err != nil {
			continue // thread exited meanwhile
		}
		if strings.Contains(string(b), "NoNewPrivs:\t1") {
			flagged = append(flagged, task.Name())
		}
	}
	return flagged
}

func TestSpawnDirEnvArgsAndSetpgid(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	c := sh(`printf '%s|%s|%s|%s' "$(pwd)" "$FOO" "$0" "$(cut -d' ' -f5 /proc/$$/stat)" > out`)
	c.Args = append(c.Args, "argzero")
	c.Env = append(c.Env, "FOO=bar")
	c.Dir = dir
	c.Setpgid = true
	sink := make(chan Exit, 1)
	pid, err := testReaper.Spawn(c, sink)
	if err != nil {
		t.Fatal(err)
	}
	if e := receive(t, sink, "sh"); e.Code != 0 {
		t.Fatalf("sh: %v", e)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(string(b), "|")
	want := []string{dir, "bar", "argzero", strconv.Itoa(pid)}
	for i := range want {
		if strings.TrimSpace(got[i]) != want[i] {
			t.Errorf("field %d = %q, want %q (all: %q)", i, got[i], want[i], b)
		}
	}
}

func TestExtraFilesBecomeFd3On(t *testing.T) {
	t.Parallel()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	c := sh("echo via-fd-3 >&3")
	c.ExtraFiles = []*os.File{w}
	sink := make(chan Exit, 1)
	_, err = testReaper.Spawn(c, sink)
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r)
	if err != nil || string(b) != "via-fd-3\n" {
		t.Fatalf("read %q, %v", b, err)
	}
	if e := receive(t, sink, "sh"); e.Code != 0 {
		t.Fatal(e)
	}
}
