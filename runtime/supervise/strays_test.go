package supervise

import (
	"appstart/runtime/spec"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Every start of a program is handed to the Spawner with its marker,
// numbered by start; MarkEnv puts it into an environment, replacing a
// value the spec set rather than adding a second one.
func TestSpawnedProcessesCarryTheirMarker(t *testing.T) {
	t.Parallel()
	h := newHarness(t, []Program{program("web"), program("other")})
	h.advance(2 * time.Second)
	h.exit(h.lastPid("web"), 1, 0)
	h.advance(RestartDelay(1))
	if got := h.spawn.markers(); !slices.Equal(got, []string{MarkerEnv + "=web.1", MarkerEnv + "=other.1", MarkerEnv + "=web.2"}) {
		t.Fatalf("Program.Marker in each Spawn: %q", got)
	}
	if got := MarkEnv([]string{"A=1", MarkerEnv + "=forged.1", "B=2"}, MarkerEnv+"=web.3"); !slices.Equal(got, []string{"A=1", "B=2", MarkerEnv + "=web.3"}) {
		t.Fatalf("MarkEnv = %q", got)
	}
}

// Stopping a program stops what it left outside its process group: the
// strays of its starts so far get the stop signal with its group (a group
// leader, as after setsid, as a group; another by pid), once, and SIGKILL
// StopWait after the program's process ended if still there. A stray of
// a later start is not touched, nor a pid the supervisor follows.
func TestStopSweepsStrays(t *testing.T) {
	t.Parallel()
	h := newHarness(t, []Program{program("web"), program("other")})
	pid := h.lastPid("web")
	h.procs.setStrays("web",
		Stray{Pid: 500, Pgrp: 500, Start: 1}, // setsid -f sleep: its own group
		Stray{Pid: 501, Pgrp: 77, Start: 1},  // left its group, leads none
		Stray{Pid: 502, Pgrp: 502, Start: 2}, // a later start's: not this one's
	)
	if err := h.sup.Stop(t.Context(), "web"); err != nil {
		t.Fatal(err)
	}
	h.sync()
	want := []sent{{-pid, syscall.SIGTERM}, {-500, syscall.SIGTERM}, {501, syscall.SIGTERM}}
	if got := h.sig.sent(); !slices.Equal(got, want) {
		t.Fatalf("signals %v, want %v", got, want)
	}
	if e := h.waitFor(EventStrays, "web"); e.String() != "web: SIGTERM to what it left outside its group (pids 500, 501)" {
		t.Fatalf("event %q", e.String())
	}
	h.procs.setStrays("web", Stray{Pid: 501, Pgrp: 77, Start: 1}, Stray{Pid: 502, Pgrp: 502, Start: 2})
	h.exit(pid, 143, syscall.SIGTERM)
	h.wantState("web", Stopped)
	if got := h.sig.sent(); len(got) != 3 {
		t.Fatalf("signals %v: 501 got the stop signal twice", got)
	}
	h.advance(10 * time.Second) // StopWait
	want = append(want, sent{501, syscall.SIGKILL})
	if got := h.sig.sent(); !slices.Equal(got, want) {
		t.Fatalf("signals %v, want %v", got, want)
	}
}

// Before a restart, the strays of the process that ended get the stop
// signal, and SIGKILL StopWait later, while the next process runs: its own
// strays (its daemons) are left alone.
func TestRestartSweepsOnlyTheOldStrays(t *testing.T) {
	t.Parallel()
	h := newHarness(t, []Program{program("web"), program("other")})
	h.procs.setStrays("web", Stray{Pid: 500, Pgrp: 500, Start: 1})
	h.exit(h.lastPid("web"), 1, 0)
	if got := h.sig.sent(); !slices.Equal(got, []sent{{-500, syscall.SIGTERM}}) {
		t.Fatalf("signals %v, want SIGTERM to 500's group", got)
	}
	h.advance(RestartDelay(1))
	h.wantState("web", Starting)
	h.procs.setStrays("web", Stray{Pid: 500, Pgrp: 500, Start: 1}, Stray{Pid: 600, Pgrp: 600, Start: 2})
	h.advance(10 * time.Second)
	want := []sent{{-500, syscall.SIGTERM}, {-500, syscall.SIGKILL}}
	if got := h.sig.sent(); !slices.Equal(got, want) {
		t.Fatalf("signals %v, want %v", got, want)
	}
	h.wantState("web", Running)
}

// A one-shot that is done keeps what it started (a daemon it launched);
// `appstart stop` on it stops that too. A followed daemon is the program's
// process, signalled as the program, never as a stray.
func TestOneShotStraysStayUntilStopped(t *testing.T) {
	t.Parallel()
	setup := program("setup")
	setup.AutoRestart = spec.RestartNever
	h := newHarness(t, []Program{setup, program("other")})
	h.procs.setStrays("setup", Stray{Pid: 500, Pgrp: 500, Start: 1})
	h.exit(h.lastPid("setup"), 0, 0)
	h.wantState("setup", Exited)
	h.advance(time.Minute)
	if got := h.sig.sent(); len(got) != 0 {
		t.Fatalf("signals %v after a one-shot ended well, want none", got)
	}
	if err := h.sup.Stop(t.Context(), "setup"); err != nil {
		t.Fatal(err)
	}
	h.sync()
	if got := h.sig.sent(); !slices.Equal(got, []sent{{-500, syscall.SIGTERM}}) {
		t.Fatalf("signals %v, want SIGTERM to 500's group", got)
	}
}

func TestFollowedDaemonIsNotAStray(t *testing.T) {
	t.Parallel()
	d := program("apache")
	d.PidFile = "/run/apache.pid"
	h := newHarness(t, []Program{d, program("other")})
	h.procs.set("/run/apache.pid", 77, true)
	h.procs.setStrays("apache", Stray{Pid: 77, Pgrp: 77, Start: 1})
	h.exit(h.lastPid("apache"), 0, 0) // the launcher leaves: the daemon is followed
	h.waitFor(EventFollowing, "apache")
	if err := h.sup.Stop(t.Context(), "apache"); err != nil {
		t.Fatal(err)
	}
	h.sync()
	if got := h.sig.sent(); !slices.Equal(got, []sent{{77, syscall.SIGTERM}}) {
		t.Fatalf("signals %v, want one SIGTERM to the followed pid", got)
	}
}

func TestParseMarker(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]struct {
		name  string
		start int
		ok    bool
	}{
		"web.7": {"web", 7, true}, "web:2.13": {"web:2", 13, true}, "a.b.3": {"a.b", 3, true},
		"web": {}, ".3": {}, "web.0": {}, "web.x": {},
	} {
		name, start, ok := parseMarker(v)
		if name != want.name || start != want.start || ok != want.ok {
			t.Errorf("parseMarker(%q) = %q, %d, %v; want %+v", v, name, start, ok, want)
		}
	}
}

// The /proc walk finds appstart's live children that carry the program's
// marker, and only those.
func TestStraysWalk(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const self = 1
	put := func(pid, stat, environ string) {
		os.MkdirAll(filepath.Join(dir, pid), 0o755)
		os.WriteFile(filepath.Join(dir, pid, "stat"), []byte(stat), 0o644)
		if environ != "" {
			os.WriteFile(filepath.Join(dir, pid, "environ"), []byte(environ), 0o644)
		}
	}
	tail := " 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 12345 0 0\n"
	put("1", "1 (appstart) S 0 1 1"+tail, "APPSTART_PROGRAM_ID=web.1\x00")
	put("80", "80 (sleep (x)) S 1 80 80"+tail, "A=1\x00APPSTART_PROGRAM_ID=web.3\x00B=2\x00")
	put("81", "81 (sleep) Z 1 81 81"+tail, "APPSTART_PROGRAM_ID=web.3\x00")   // a zombie
	put("82", "82 (sleep) S 80 80 80"+tail, "APPSTART_PROGRAM_ID=web.3\x00")  // not appstart's child
	put("83", "83 (sleep) S 1 83 83"+tail, "APPSTART_PROGRAM_ID=web:1.3\x00") // another program's
	put("84", "84 (sleep) S 1 84 84"+tail, "")                                // environ unreadable
	put("85", "85 (sh) S 1 40 40"+tail, "APPSTART_PROGRAM_ID=web.4\x00")      // left a group it does not lead
	got := strays(dir, self, "web")
	want := []Stray{{Pid: 80, Pgrp: 80, Start: 3}, {Pid: 85, Pgrp: 40, Start: 4}}
	if !slices.Equal(got, want) {
		t.Fatalf("strays = %+v, want %+v", got, want)
	}
}

// A pid file the program replaced by a FIFO must not block the loop in
// open(2): it is refused at once.
func TestReadPidFileRefusesAFIFO(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "app.pid")
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := SystemProcesses{}.ReadPidFile(path)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Fatalf("err = %v, want not a regular file", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ReadPidFile blocked on a FIFO")
	}
	os.WriteFile(path+"2", []byte("77\n"), 0o644)
	if pid, err := (SystemProcesses{}).ReadPidFile(path + "2"); pid != 77 || err != nil {
		t.Fatalf("ReadPidFile = %d, %v", pid, err)
	}
}

// A stray reparented late (a daemon's intermediate process outlived the
// program by a moment) gets the stop signal first when the sweep timer
// finds it, and SIGKILL only a StopWait after that.
func TestLateStrayGetsTheStopSignalFirst(t *testing.T) {
	t.Parallel()
	h := newHarness(t, []Program{program("web"), program("other")})
	pid := h.lastPid("web")
	if err := h.sup.Stop(t.Context(), "web"); err != nil {
		t.Fatal(err)
	}
	h.exit(pid, 143, syscall.SIGTERM)
	h.wantState("web", Stopped)
	h.procs.setStrays("web", Stray{Pid: 700, Pgrp: 700, Start: 1}) // shows up now
	h.advance(10 * time.Second)
	want := []sent{{-pid, syscall.SIGTERM}, {-700, syscall.SIGTERM}}
	if got := h.sig.sent(); !slices.Equal(got, want) {
		t.Fatalf("signals %v, want %v", got, want)
	}
	h.advance(10 * time.Second)
	want = append(want, sent{-700, syscall.SIGKILL})
	if got := h.sig.sent(); !slices.Equal(got, want) {
		t.Fatalf("signals %v, want %v", got, want)
	}
	h.procs.setStrays("web")
	h.advance(time.Hour)
	if got := h.sig.sent(); len(got) != len(want) {
		t.Fatalf("signals %v after the stray was gone", got)
	}
}

// stuckProcs is a Processes whose walk of /proc hangs (a process in D state
// holding its memory map's lock) until the test ends.
type stuckProcs struct {
	fakeProcs
	release chan struct{}
}

func (s *stuckProcs) Strays(string) []Stray {
	<-s.release
	return nil
}

// A walk of /proc that hangs does not hang the loop: the sweep gives up
// after its bound, says so, and the stop goes on.
func TestHungStrayScanDoesNotHangTheLoop(t *testing.T) {
	t.Parallel()
	stuck := &stuckProcs{release: make(chan struct{})}
	defer close(stuck.release)
	h := newHarness(t, []Program{program("web"), program("other")}, func(h *harness, o *Options) {
		o.Processes, o.scanWait = stuck, time.Millisecond
	})
	pid := h.lastPid("web")
	if err := h.sup.Stop(t.Context(), "web"); err != nil {
		t.Fatal(err)
	}
	h.exit(pid, 143, syscall.SIGTERM)
	h.wantState("web", Stopped)
	if e := h.waitFor(EventError, "web"); !strings.Contains(e.String(), "cannot look for what it left outside its group") {
		t.Fatalf("event %q", e.String())
	}
}
