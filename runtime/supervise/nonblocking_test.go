package supervise

import (
	"appstart/runtime/spec"
	"context"
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"
)

// gateSpawner is a fakeSpawner whose Spawn of one program waits for the
// test: the loop is then busy, reading nothing.
type gateSpawner struct {
	fakeSpawner
	name    string
	entered chan struct{}
	release chan struct{}
}

func (g *gateSpawner) Spawn(p *Program) (int, error) {
	if p.Name == g.name {
		close(g.entered)
		<-g.release
	}
	return g.fakeSpawner.Spawn(p)
}

// Exits reach the supervisor through a queue without bound: with the loop
// busy, 20,000 orphan exits and then the exits of 300 programs are taken
// at once by Exited, none blocks its caller (the reaper), and none is
// lost: every program ends up Exited. The old channel of 1024 + 2 x
// programs made the reaper's goroutine wait on the loop past that.
func TestExitedNeverBlocksNorDrops(t *testing.T) {
	t.Parallel()
	const n, orphans = 300, 20000
	var progs []Program
	for i := range n {
		p := program(fmt.Sprintf("p%d", i))
		p.AutoRestart, p.StartSecs = spec.RestartNever, 0
		progs = append(progs, p)
	}
	progs = append(progs, program("gate")) // spawned last: the loop waits in it
	g := &gateSpawner{name: "gate", entered: make(chan struct{}), release: make(chan struct{})}
	sup, err := New(progs, Options{Spawner: g, Signaler: &fakeSignaler{}, Clock: newFakeClock(), Processes: &fakeProcs{}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	result := make(chan Result, 1)
	go func() { result <- sup.Run(ctx) }()
	defer func() {
		cancel()
		select {
		case <-g.release:
		default:
			close(g.release)
		}
		for _, pid := range g.pids("gate") {
			sup.Exited(pid, 0, 0)
		}
		<-result
	}()
	select {
	case <-g.entered:
	case <-time.After(5 * time.Second):
		t.Fatal("the gate program was never spawned")
	}

	sent := make(chan struct{})
	go func() {
		defer close(sent)
		for i := range orphans {
			sup.Exited(100000+i, 0, 0) // not a program's: the reaper's orphans
		}
		for i := range n {
			sup.Exited(g.pids(fmt.Sprintf("p%d", i))[0], 0, 0)
		}
	}()
	select {
	case <-sent:
	case <-time.After(10 * time.Second):
		close(g.release)
		t.Fatal("Exited blocked while the loop was busy")
	}
	close(g.release)

	st, err := sup.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range st {
		if s.Name != "gate" && (s.State != Exited || s.Pid != 0) {
			t.Fatalf("%s is %s (pid %d): its exit was lost", s.Name, s.State, s.Pid)
		}
	}
}

// The loop never waits for the event log: with the writer of events stuck
// (appstart's stdout a full pipe nobody reads), status still answers and
// SIGTERM still stops everything; the events are all written, in order,
// once the writer moves again. On the old code the loop itself was stuck
// in the first write and Run never returned.
func TestStuckEventLogDoesNotStopTheLoop(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var lines []string
	stuck := make(chan struct{})
	events := func(e Event) {
		<-stuck
		mu.Lock()
		lines = append(lines, e.String())
		mu.Unlock()
	}
	spawner, sig := &fakeSpawner{}, &fakeSignaler{}
	sup, err := New([]Program{program("db"), program("web", "db")}, Options{
		Spawner: spawner, Signaler: sig, Clock: newFakeClock(), Processes: &fakeProcs{},
		Events: events, EventFlushWait: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	result := make(chan Result, 1)
	go func() { result <- sup.Run(context.Background()) }()
	defer close(stuck) // lets the event goroutine end

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for range 100 {
		if _, err := sup.Status(ctx); err != nil {
			t.Fatalf("status with the event log stuck: %v", err)
		}
	}
	sup.Signal(syscall.SIGTERM)
	db := spawner.pids("db")[0]
	sup.Exited(db, 143, syscall.SIGTERM) // it ended as the stop began
	select {
	case r := <-result:
		if r.Code != 0 {
			t.Fatalf("result %+v, want 0", r)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return with the event log stuck")
	}
	if got := sig.sent(); len(got) == 0 || got[0] != (sent{-db, syscall.SIGTERM}) {
		t.Fatalf("signals %v, want SIGTERM to db's group first", got)
	}
}

// The log is bounded: past maxQueuedEvents, events are counted, not kept,
// and one line says how many were dropped once the log moves again.
func TestEventLogDropsPastItsBoundAndSaysSo(t *testing.T) {
	t.Parallel()
	var got []Event
	l := newEventLog(func(e Event) { got = append(got, e) })
	for i := range maxQueuedEvents + 50 { // nobody writes yet: as with a stuck writer
		l.add(Event{Kind: EventStarted, Program: "web", Pid: i})
	}
	l.start()
	l.flush()
	l.close(5 * time.Second)
	if len(got) != maxQueuedEvents+1 {
		t.Fatalf("%d events written, want %d and the count", len(got), maxQueuedEvents)
	}
	last := got[len(got)-1]
	if last.Kind != EventLogDropped || last.Attempt != 50 || last.String() != "50 log events dropped: appstart's output is not being read" {
		t.Fatalf("last event %q, want the count of dropped events", last.String())
	}
	for i, e := range got[:len(got)-1] {
		if e.Pid != i {
			t.Fatalf("event %d is pid %d: out of order", i, e.Pid)
		}
	}
}
