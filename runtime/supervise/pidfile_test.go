package supervise

import (
	"slices"
	"syscall"
	"testing"
	"time"
)

const apachePid = "/run/apache2/apache2.pid"

func apache() Program {
	p := program("apache")
	p.PidFile = apachePid
	return p
}

func TestPidFileDaemonIsFollowedAndStoppedByPid(t *testing.T) {
	t.Parallel()
	h := newHarness(t, []Program{apache(), program("web", "apache")})
	launcher := h.lastPid("apache")
	h.exit(launcher, 0, 0) // apache2ctl forked the daemon and left
	h.wantState("apache", Starting)
	h.procs.set(apachePid, 777, true) // the daemon writes its pid file a little later
	h.advance(100 * time.Millisecond)
	if e := h.waitFor(EventFollowing, "apache"); e.Pid != 777 {
		t.Fatalf("following %d", e.Pid)
	}
	if st := h.status("apache"); st.Pid != 777 {
		t.Fatalf("status pid %d", st.Pid)
	}
	h.advance(time.Second) // StartSecs from the launch: up, so web starts
	if h.spawns("web") != 1 {
		t.Fatal("web did not start after the followed daemon was up")
	}
	h.advance(time.Second)
	h.signal(syscall.SIGTERM)
	h.exit(h.lastPid("web"), 0, 0)
	if got := h.sig.sent(); !slices.Contains(got, sent{777, syscall.SIGTERM}) {
		t.Fatalf("sent %v, want SIGTERM to daemon pid 777 itself", got)
	}
	h.procs.set(apachePid, 777, false) // it ends; its status went to the orphan reaper
	h.advance(100 * time.Millisecond)
	if r := h.wait(); r.Code != 0 {
		t.Fatalf("result %+v", r)
	}
}

func TestVanishedDaemonIsRestarted(t *testing.T) {
	t.Parallel()
	h := newHarness(t, []Program{apache()})
	h.procs.set(apachePid, 777, true)
	h.exit(h.lastPid("apache"), 0, 0)
	h.advance(5 * time.Second)
	h.procs.set(apachePid, 777, false)
	h.advance(100 * time.Millisecond)
	e := h.waitFor(EventExited, "apache")
	if e.String() != "apache: pid 777 vanished (status unknown) after 5.1s; restart in 100ms" {
		t.Fatalf("message %q", e)
	}
	h.advance(100 * time.Millisecond)
	if h.spawns("apache") != 2 {
		t.Fatal("launcher not run again")
	}
}

func TestDaemonExitReportedByReaperUsesItsStatus(t *testing.T) {
	t.Parallel()
	h := newHarness(t, []Program{apache()})
	h.procs.set(apachePid, 777, true)
	h.exit(h.lastPid("apache"), 0, 0)
	h.exit(777, 139, syscall.SIGSEGV) // the wiring routes the orphan's exit
	if e := h.waitFor(EventExited, "apache"); e.String() != "apache: killed by SIGSEGV after 0s; restart 1/3 in 100ms" {
		t.Fatalf("message %q", e)
	}
}

func TestMissingPidFileIsAFailedStart(t *testing.T) {
	t.Parallel()
	h := newHarness(t, []Program{apache()})
	h.procs.set(apachePid, 666, false) // a stale file from an earlier daemon
	h.exit(h.lastPid("apache"), 0, 0)
	h.advance(10 * time.Second)
	e := h.waitFor(EventSpawnFailed, "apache")
	want := "apache: cannot follow daemon: no live pid in /run/apache2/apache2.pid after 10s: pid 666 is not alive (exit 1); restart 1/3 in 100ms"
	if e.String() != want {
		t.Fatalf("message %q\nwant      %q", e, want)
	}
	h.wantState("apache", Backoff)
}

func TestLauncherFailureIsNotFollowed(t *testing.T) {
	t.Parallel()
	h := newHarness(t, []Program{apache()})
	h.procs.set(apachePid, 777, true)
	h.exit(h.lastPid("apache"), 1, 0)
	h.wantState("apache", Backoff)
	if h.has(EventFollowing, "apache") {
		t.Fatal("followed the pid file after the launcher failed")
	}
}
