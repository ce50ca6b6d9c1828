package supervise

import (
	"appstart/runtime/spec"
	"fmt"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestBackoffGrowsThenResetsAfterStartSecs(t *testing.T) {
	t.Parallel()
	web := program("web")
	web.StartRetries = 10
	h := newHarness(t, []Program{web})
	for i, delay := range []time.Duration{100, 200, 400, 800, 1600} {
		h.advance(300 * time.Millisecond) // less than StartSecs: a failed start
		h.exit(h.lastPid("web"), 1, 0)
		h.wantState("web", Backoff)
		n := h.spawns("web")
		h.advance(delay*time.Millisecond - time.Nanosecond)
		if h.spawns("web") != n {
			t.Fatalf("attempt %d: restarted before %vms", i+1, delay)
		}
		h.advance(time.Nanosecond)
		if h.spawns("web") != n+1 {
			t.Fatalf("attempt %d: not restarted after %vms\n%s", i+1, delay, h.log())
		}
	}
	if got := h.status("web").Failures; got != 5 {
		t.Fatalf("failures = %d, want 5", got)
	}
	h.advance(time.Second) // ran StartSecs
	h.wantState("web", Running)
	if got := h.status("web").Failures; got != 0 {
		t.Fatalf("failures after StartSecs = %d, want 0", got)
	}
	h.exit(h.lastPid("web"), 1, 0)
	e := h.waitFor(EventExited, "web")
	for e.Next != NextRestart || e.Attempt != 0 {
		e = h.waitFor(EventExited, "web")
	}
	if e.Delay != BackoffBase {
		t.Fatalf("delay after a good run = %v, want %v", e.Delay, BackoffBase)
	}
	if got, want := e.String(), "web: exited 1 after 1s; restart in 100ms"; got != want {
		t.Fatalf("message %q, want %q", got, want)
	}
}

func TestBackoffCapsAt30s(t *testing.T) {
	t.Parallel()
	web := program("web")
	web.StartRetries = 20
	h := newHarness(t, []Program{web})
	for i := 1; i <= 12; i++ {
		h.exit(h.lastPid("web"), 1, 0)
		h.advance(RestartDelay(i))
	}
	h.exit(h.lastPid("web"), 1, 0)
	n := h.spawns("web")
	h.advance(30*time.Second - time.Nanosecond)
	if h.spawns("web") != n {
		t.Fatal("restarted before the 30s cap")
	}
	h.advance(time.Nanosecond)
	if h.spawns("web") != n+1 {
		t.Fatal("not restarted at the 30s cap")
	}
}

func TestGivingUpStopsEverythingWithTheCode(t *testing.T) {
	t.Parallel()
	web := program("web")
	web.StartRetries = 2
	h := newHarness(t, []Program{web, program("worker")})
	worker := h.lastPid("worker")
	for try := 1; try <= 3; try++ {
		h.advance(200 * time.Millisecond)
		h.exit(h.lastPid("web"), 3, 0)
		if try < 3 {
			h.wantState("web", Backoff)
			h.advance(RestartDelay(try))
		}
	}
	h.wantState("web", Fatal)
	if got := h.spawns("web"); got != 3 {
		t.Fatalf("web spawned %d times, want 1 + StartRetries = 3", got)
	}
	if !slices.Contains(h.sig.sent(), sent{-worker, syscall.SIGTERM}) {
		t.Fatalf("worker's group got no SIGTERM: %v", h.sig.sent())
	}
	h.exit(worker, 143, syscall.SIGTERM)
	r := h.wait()
	if r.Code != 3 || r.Program != "web" {
		t.Fatalf("result %+v, want code 3 from web", r)
	}
	for _, want := range []string{
		"web: exited 3 after 0.2s; restart 1/2 in 100ms",
		"web: exited 3 after 0.2s; restart 2/2 in 200ms",
		"web: exited 3 after 0.2s; not restarted",
		"web: gave up after 3 tries (FATAL)",
		"stopping all programs: web gave up",
		"stopping worker (SIGTERM, up to 10s)",
		"exiting 3: web gave up",
	} {
		if !slices.Contains(h.lines(), want) {
			t.Errorf("no line %q in\n%s", want, h.log())
		}
	}
}

func TestOnFatalIgnoreKeepsTheOthersRunning(t *testing.T) {
	t.Parallel()
	web := program("web")
	web.StartRetries = 0
	web.OnFatal = spec.FatalIgnore
	h := newHarness(t, []Program{web, program("worker")})
	h.exit(h.lastPid("web"), 2, 0)
	h.wantState("web", Fatal)
	h.wantState("worker", Starting)
	if len(h.sig.sent()) != 0 || !h.running() {
		t.Fatalf("a FATAL program with on_fatal=ignore stopped something: %v", h.sig.sent())
	}
}

func TestAutoRestartPolicies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		policy  spec.AutoRestart
		code    int
		sig     syscall.Signal
		want    State
		restart bool
	}{
		{spec.RestartAlways, 0, 0, Backoff, true},
		{spec.RestartAlways, 1, 0, Backoff, true},
		{spec.RestartUnexpected, 0, 0, Exited, false},
		{spec.RestartUnexpected, 2, 0, Exited, false}, // 2 is in ExitCodes
		{spec.RestartUnexpected, 1, 0, Backoff, true},
		{spec.RestartUnexpected, 137, syscall.SIGKILL, Backoff, true},
		{spec.RestartNever, 0, 0, Exited, false},
		{spec.RestartNever, 1, 0, Fatal, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d", tt.policy, tt.code), func(t *testing.T) {
			t.Parallel()
			web := program("web")
			web.AutoRestart, web.ExitCodes, web.OnFatal = tt.policy, []int{0, 2}, spec.FatalIgnore
			h := newHarness(t, []Program{web, program("other")})
			h.advance(5 * time.Second)
			h.exit(h.lastPid("web"), tt.code, tt.sig)
			h.wantState("web", tt.want)
			h.advance(time.Minute)
			if restarted := h.spawns("web") == 2; restarted != tt.restart {
				t.Fatalf("restarted = %v, want %v\n%s", restarted, tt.restart, h.log())
			}
		})
	}
}

func TestSpawnFailureCountsAsFailedStart(t *testing.T) {
	t.Parallel()
	web := program("web")
	web.StartRetries = 1
	h := newHarness(t, []Program{web}, func(h *harness, _ *Options) {
		h.spawn.fail = map[string]error{"web": fmt.Errorf("cannot start web: %w", syscall.ENOENT)}
	})
	h.advance(RestartDelay(1))
	r := h.wait()
	if r.Code != 127 {
		t.Fatalf("result %+v, want 127 (not found)", r)
	}
	if want := "web: cannot start web: no such file or directory (exit 127); restart 1/1 in 100ms"; !slices.Contains(h.lines(), want) {
		t.Fatalf("no line %q in\n%s", want, h.log())
	}
}

// TestResultCode is the exit-status table of the README: Docker and tini
// conventions.
func TestResultCode(t *testing.T) {
	t.Parallel()
	oneshot := func(name string) Program {
		p := program(name)
		p.AutoRestart, p.StartSecs = spec.RestartNever, 0
		return p
	}
	tests := []struct {
		name  string
		progs func() []Program
		drive func(h *harness)
		want  int
	}{
		{"single one-shot exits 0", func() []Program { return []Program{oneshot("job")} },
			func(h *harness) { h.exit(h.lastPid("job"), 0, 0) }, 0},
		{"single one-shot exits 3: FATAL, its code", func() []Program { return []Program{oneshot("job")} },
			func(h *harness) { h.exit(h.lastPid("job"), 3, 0) }, 3},
		{"single one-shot killed by SIGSEGV: 128+11", func() []Program { return []Program{oneshot("job")} },
			func(h *harness) { h.exit(h.lastPid("job"), 139, syscall.SIGSEGV) }, 139},
		{"on_fatal ignore, last to end decides (tini)", func() []Program {
			a, b := oneshot("a"), oneshot("b")
			a.OnFatal, b.OnFatal = spec.FatalIgnore, spec.FatalIgnore
			return []Program{a, b}
		}, func(h *harness) { h.exit(h.lastPid("a"), 4, 0); h.exit(h.lastPid("b"), 5, 0) }, 5},
		{"SIGTERM, program dies of it: 0", func() []Program { return []Program{program("web")} },
			func(h *harness) { h.signal(syscall.SIGTERM); h.exit(h.lastPid("web"), 143, syscall.SIGTERM) }, 0},
		{"SIGINT, program needs SIGKILL: still 0", func() []Program { return []Program{program("web")} },
			func(h *harness) {
				h.signal(syscall.SIGINT)
				h.advance(10 * time.Second)
				h.exit(h.lastPid("web"), 137, syscall.SIGKILL)
			}, 0},
		{"always-restarted exiting 0 gives up: never 0", func() []Program {
			p := program("web")
			p.AutoRestart, p.StartRetries = spec.RestartAlways, 0
			return []Program{p}
		}, func(h *harness) { h.exit(h.lastPid("web"), 0, 0) }, 1},
		{"one-shot done, server runs on, SIGTERM: 0", func() []Program { return []Program{oneshot("migrate"), program("web")} },
			func(h *harness) {
				h.exit(h.lastPid("migrate"), 0, 0)
				if !h.running() {
					h.t.Fatal("appstart ended with a server still running")
				}
				h.signal(syscall.SIGTERM)
				h.exit(h.lastPid("web"), 0, 0)
			}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, tt.progs())
			tt.drive(h)
			if r := h.wait(); r.Code != tt.want {
				t.Fatalf("code %d (%s), want %d\n%s", r.Code, r.Reason, tt.want, h.log())
			}
		})
	}
}

func TestExitOfUnknownPidIsIgnored(t *testing.T) {
	t.Parallel()
	h := newHarness(t, []Program{program("web")})
	h.exit(99999, 0, 0) // an orphan the reaper collected
	h.wantState("web", Starting)
	for _, l := range h.lines() {
		if strings.Contains(l, "internal error") {
			t.Fatal(l)
		}
	}
}

func TestCrashedProgramsLeftoversAreKilledBeforeRestart(t *testing.T) {
	t.Parallel()
	h := newHarness(t, []Program{program("web")})
	pid := h.lastPid("web")
	h.sig.mu.Lock()
	h.sig.occupied[-pid] = true // a worker of the dead master is still in its group
	h.sig.mu.Unlock()
	h.advance(5 * time.Second)
	h.exit(pid, 1, 0)
	if !slices.Contains(h.sig.sent(), sent{-pid, syscall.SIGKILL}) {
		t.Fatalf("leftover group not killed: %v", h.sig.sent())
	}
	// Negative control: an empty group is not signalled.
	h.advance(time.Second)
	next := h.lastPid("web")
	h.advance(5 * time.Second)
	h.exit(next, 1, 0)
	if slices.Contains(h.sig.sent(), sent{-next, syscall.SIGKILL}) {
		t.Fatalf("empty group %d was SIGKILLed", next)
	}
}

// TestExitedAllIsOneMessage: a batch of the reaper's exits reaches the
// loop as one message, and each exit in it is handled as Exited would:
// the program's pid ends it, pids that are no program's are ignored. A
// message per exit made PID 1 use up to a fifth more CPU clearing 10,000
// orphans than a build that handed none over (ExitedAll).
func TestExitedAllIsOneMessage(t *testing.T) {
	t.Parallel()
	sup, err := New([]Program{program("web")}, Options{Spawner: &fakeSpawner{}, Signaler: &fakeSignaler{occupied: map[int]bool{}}, Clock: newFakeClock()})
	if err != nil {
		t.Fatal(err)
	}
	batch := make([]PidExit, 128)
	for i := range batch {
		batch[i] = PidExit{Pid: 1000 + i}
	}
	sup.ExitedAll(batch)
	sup.ExitedAll(nil) // nothing to say: no message
	if q := sup.in.take(); len(q) != 1 {
		t.Fatalf("%d messages queued for a batch of %d exits, want 1", len(q), len(batch))
	}

	h := newHarness(t, []Program{program("web")})
	web := h.lastPid("web")
	h.sup.ExitedAll([]PidExit{{Pid: web + 100}, {Pid: web, Code: 3}, {Pid: web + 101, Code: 1}})
	h.sync()
	if e := h.waitFor(EventExited, "web"); e.Code != 3 {
		t.Fatalf("web's exit in the batch: code %d, want 3\n%s", e.Code, h.log())
	}
}
