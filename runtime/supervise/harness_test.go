package supervise

import (
	"appstart/runtime/spec"
	"context"
	"errors"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// harness runs a Supervisor over the fakes. Messages are handled in order,
// so after sync() returns everything the test sent before has been
// handled; probe results come from goroutines, so tests wait for their
// events with waitFor.
type harness struct {
	t      *testing.T
	clock  *fakeClock
	spawn  *fakeSpawner
	sig    *fakeSignaler
	procs  *fakeProcs
	sup    *Supervisor
	cancel context.CancelFunc
	result chan Result

	mu     sync.Mutex
	events []Event
	seen   int // waitFor's cursor
	notify chan struct{}
}

// newHarness starts a supervisor for progs over fresh fakes; setup
// functions may preset the fakes or change the options before Run.
func newHarness(t *testing.T, progs []Program, setup ...func(*harness, *Options)) *harness {
	t.Helper()
	h := &harness{
		t: t, clock: newFakeClock(), spawn: &fakeSpawner{}, sig: &fakeSignaler{occupied: map[int]bool{}},
		procs:  &fakeProcs{files: map[string]int{}, alive: map[int]bool{}, strays: map[string][]Stray{}},
		result: make(chan Result, 1), notify: make(chan struct{}, 1),
	}
	opts := Options{Spawner: h.spawn, Signaler: h.sig, Clock: h.clock, Processes: h.procs, Events: h.record}
	for _, f := range setup {
		f(h, &opts)
	}
	sup, err := New(progs, opts)
	if err != nil {
		t.Fatal(err)
	}
	h.sup = sup
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.result <- sup.Run(ctx) }()
	t.Cleanup(h.cleanup)
	h.sync()
	return h
}

func (h *harness) record(e Event) {
	h.mu.Lock()
	h.events = append(h.events, e)
	h.mu.Unlock()
	select {
	case h.notify <- struct{}{}:
	default:
	}
}

// cleanup makes sure Run returns: it asks for a stop, then ends every
// process the fakes know and runs the clock until Run is done.
func (h *harness) cleanup() {
	h.cancel()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		for _, s := range h.spawn.order() {
			for _, pid := range h.spawn.pids(s) {
				h.sup.Exited(pid, 143, syscall.SIGTERM)
			}
		}
		h.clock.Advance(time.Hour)
		select {
		case <-h.result:
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
	h.t.Error("Run did not return after cleanup")
}

// sync returns once the loop has handled everything sent before it and
// the events it emitted meanwhile have been recorded (they are written on
// the event log's goroutine).
func (h *harness) sync() {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := h.sup.Status(ctx); err != nil && !errors.Is(err, errStopped) {
		h.t.Fatalf("sync: %v", err)
	}
	h.sup.events.flush()
}

func (h *harness) exit(pid, code int, sig syscall.Signal) {
	h.sup.Exited(pid, code, sig)
	h.sync()
}

func (h *harness) advance(d time.Duration) {
	h.clock.Advance(d)
	h.sync()
}

func (h *harness) signal(sig syscall.Signal) {
	h.sup.Signal(sig)
	h.sync()
}

// lastPid is the pid of name's latest process.
func (h *harness) lastPid(name string) int {
	h.t.Helper()
	pids := h.spawn.pids(name)
	if len(pids) == 0 {
		h.t.Fatalf("%s was never spawned", name)
	}
	return pids[len(pids)-1]
}

func (h *harness) spawns(name string) int { return len(h.spawn.pids(name)) }

func (h *harness) status(name string) Status {
	h.t.Helper()
	st, err := h.sup.Status(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	for _, s := range st {
		if s.Name == name {
			return s
		}
	}
	h.t.Fatalf("no program %s", name)
	return Status{}
}

func (h *harness) wantState(name string, want State) {
	h.t.Helper()
	if got := h.status(name).State; got != want {
		h.t.Fatalf("%s is %s, want %s\nevents:\n%s", name, got, want, h.log())
	}
}

// waitFor waits (with a deadline) for the next event of kind for program
// after the previous one found, and returns it.
func (h *harness) waitFor(kind EventKind, program string) Event {
	h.t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		h.mu.Lock()
		for i := h.seen; i < len(h.events); i++ {
			if e := h.events[i]; e.Kind == kind && e.Program == program {
				h.seen = i + 1
				h.mu.Unlock()
				return e
			}
		}
		h.mu.Unlock()
		select {
		case <-h.notify:
		case <-deadline:
			h.t.Fatalf("no event %d for %q; events:\n%s", kind, program, h.log())
		}
	}
}

// has reports whether an event of kind for program was emitted at all.
func (h *harness) has(kind EventKind, program string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, e := range h.events {
		if e.Kind == kind && e.Program == program {
			return true
		}
	}
	return false
}

func (h *harness) lines() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, e := range h.events {
		if e.Kind != EventRunning && e.Kind != EventCheck && e.Kind != EventSignalForwarded {
			out = append(out, e.String())
		}
	}
	return out
}

func (h *harness) log() string { return "\t" + strings.Join(h.lines(), "\n\t") }

// wait returns Run's result, failing after a deadline.
func (h *harness) wait() Result {
	h.t.Helper()
	select {
	case r := <-h.result:
		h.result <- r // for cleanup
		return r
	case <-time.After(5 * time.Second):
		h.t.Fatalf("Run did not return; events:\n%s", h.log())
	}
	return Result{}
}

// running reports whether Run is still going, after a sync.
func (h *harness) running() bool {
	h.sync()
	select {
	case <-h.sup.done: // closed by Run once it has finished
		return false
	default:
		return true
	}
}

// prog returns a long-running program with supervisord's defaults.
func program(name string, after ...string) Program {
	return Program{
		Name: name, AutoStart: true, AutoRestart: spec.RestartUnexpected,
		OnUnhealthy: spec.UnhealthyRestart, OnFatal: spec.FatalStop,
		ExitCodes: []int{0}, StartSecs: time.Second, StartRetries: 3,
		StopSignal: syscall.SIGTERM, StopWait: 10 * time.Second, After: after,
	}
}
