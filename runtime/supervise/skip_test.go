package supervise

import (
	"sync"
	"testing"
	"time"
)

// cond is a when/unless condition the test flips: Skip reads it at the
// moment of the start, and counts how often it was asked.
type cond struct {
	mu    sync.Mutex
	skip  bool
	why   string
	asked int
}

func (c *cond) set(skip bool, why string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.skip, c.why = skip, why
}

func (c *cond) Skip() (bool, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.asked++
	return c.skip, c.why
}

func (c *cond) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.asked
}

// Skip is asked when the program is about to start, not when the
// supervisor is built: a condition that changes after New (first_run
// creating the file `when = "exists:..."` names) is seen. A skipped program
// is SKIPPED, says why once, satisfies its dependents like a one-shot
// done, is OK for `appstart health`, and does not keep appstart up alone.
func TestSkipAskedAtStartAndReleasesDependents(t *testing.T) {
	t.Parallel()
	c := &cond{}
	worker := program("worker")
	worker.Skip = c.Skip
	h := newHarness(t, []Program{worker, program("web", "worker")}, func(_ *harness, o *Options) { o.Hold = true })
	if c.count() != 0 {
		t.Fatal("Skip asked before any start")
	}
	c.set(true, `when = "exists:/app/data/.ready" is false`) // as first_run would decide it
	if err := h.sup.StartAll(t.Context()); err != nil {
		t.Fatal(err)
	}
	h.sync()
	h.wantState("worker", Skipped)
	if h.spawns("worker") != 0 || h.spawns("web") != 1 {
		t.Fatalf("worker spawned %d times, web %d: want 0 and 1\n%s", h.spawns("worker"), h.spawns("web"), h.log())
	}
	e := h.waitFor(EventNotStarted, "worker")
	if got, want := e.String(), `worker: not started: when = "exists:/app/data/.ready" is false (SKIPPED)`; got != want {
		t.Fatalf("event %q, want %q", got, want)
	}
	if st := h.status("worker"); !st.OK() || st.State.String() != "skipped" {
		t.Fatalf("status %+v: want skipped and OK", st)
	}
	h.exit(h.lastPid("web"), 0, 0) // web done: nothing left to run
	if r := h.wait(); r.Code != 0 {
		t.Fatalf("result %+v", r)
	}
}

// Asked before every start: a program whose condition turns false while
// it runs is not restarted after its next exit (and never FATAL), and a
// start request asks again.
func TestSkipAskedBeforeEveryStart(t *testing.T) {
	t.Parallel()
	c := &cond{}
	web := program("web")
	web.Skip = c.Skip
	h := newHarness(t, []Program{web, program("other")})
	if h.spawns("web") != 1 || c.count() != 1 {
		t.Fatalf("web spawned %d times, Skip asked %d times: want 1 and 1", h.spawns("web"), c.count())
	}
	c.set(true, "unless = \"${MAINTENANCE}\" is set")
	h.advance(2 * time.Second)
	h.exit(h.lastPid("web"), 1, 0) // a crash after a good run: restart due
	h.advance(RestartDelay(1))
	h.wantState("web", Skipped)
	if h.spawns("web") != 1 || c.count() != 2 {
		t.Fatalf("web spawned %d times, Skip asked %d times: want 1 and 2", h.spawns("web"), c.count())
	}
	h.advance(time.Hour)
	h.wantState("web", Skipped) // not restarted

	c.set(false, "")
	if err := h.sup.Start(t.Context(), "web"); err != nil {
		t.Fatal(err)
	}
	h.sync()
	h.wantState("web", Starting)
	if h.spawns("web") != 2 {
		t.Fatalf("web spawned %d times after a start request, want 2", h.spawns("web"))
	}
}

// A scheduled program is asked at every due time and logs a skip for the
// same reason once, not at every run.
func TestSkippedScheduleLogsOnce(t *testing.T) {
	t.Parallel()
	c := &cond{skip: true, why: "when = \"${BACKUPS}\" is empty"}
	b := backup()
	b.Skip = c.Skip
	h := newHarness(t, []Program{b, program("web")})
	for range 3 {
		h.advance(5 * time.Minute)
	}
	if c.count() != 3 || h.spawns("backup") != 0 {
		t.Fatalf("Skip asked %d times, backup spawned %d: want 3 and 0", c.count(), h.spawns("backup"))
	}
	n := 0
	for _, l := range h.lines() {
		if l == "backup: not started: when = \"${BACKUPS}\" is empty (SKIPPED)" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("the skip was logged %d times, want once:\n%s", n, h.log())
	}
}
