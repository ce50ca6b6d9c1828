package supervise

import (
	"slices"
	"syscall"
	"testing"
	"time"
)

func backup() Program {
	p := program("backup")
	p.Schedule = Every(5 * time.Minute)
	return p
}

func TestScheduledRunIsNeverStartedTwice(t *testing.T) {
	t.Parallel()
	h := newHarness(t, []Program{backup(), program("web")})
	if h.spawns("backup") != 0 {
		t.Fatal("a scheduled program started at boot")
	}
	h.advance(5 * time.Minute)
	if h.spawns("backup") != 1 {
		t.Fatal("not started when due")
	}
	h.advance(5 * time.Minute) // still running
	if h.spawns("backup") != 1 {
		t.Fatal("started a second run while the first was going")
	}
	if e := h.waitFor(EventSkipped, "backup"); e.Detail != "the previous run is still running (pid 102)" {
		t.Fatalf("detail %q", e.Detail)
	}
	h.exit(h.lastPid("backup"), 1, 0) // a failed run: not restarted, not fatal
	h.wantState("backup", Exited)
	// Its end says when the next run is: 5 minutes after the skipped one.
	if e := h.waitFor(EventExited, "backup"); e.Next != NextDone || !e.NextRun.Equal(h.clock.Now().Add(5*time.Minute)) {
		t.Fatalf("end of a scheduled run: next %v at %v, want done with the next run at %v", e.Next, e.NextRun, h.clock.Now().Add(5*time.Minute))
	}
	h.advance(4 * time.Minute)
	if h.spawns("backup") != 1 {
		t.Fatal("restarted outside its schedule")
	}
	h.advance(time.Minute)
	if h.spawns("backup") != 2 {
		t.Fatal("not started at the next due time")
	}
}

func TestScheduleAloneKeepsAppstartRunning(t *testing.T) {
	t.Parallel()
	h := newHarness(t, []Program{backup()})
	h.advance(5 * time.Minute)
	h.exit(h.lastPid("backup"), 0, 0)
	if !h.running() {
		t.Fatal("appstart ended between scheduled runs")
	}
	h.signal(syscall.SIGTERM)
	if r := h.wait(); r.Code != 0 {
		t.Fatalf("result %+v", r)
	}
}

func TestStoppedScheduleSkipsRuns(t *testing.T) {
	t.Parallel()
	h := newHarness(t, []Program{backup(), program("web")})
	if err := h.sup.Stop(t.Context(), "backup"); err != nil {
		t.Fatal(err)
	}
	h.advance(5 * time.Minute)
	if h.spawns("backup") != 0 || !slices.ContainsFunc(h.lines(), func(l string) bool { return l == "backup: run skipped: stopped by request" }) {
		t.Fatalf("a stopped schedule ran\n%s", h.log())
	}
}
