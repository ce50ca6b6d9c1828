package supervise

import (
	"appstart/runtime/spec"
	"context"
	"fmt"
	"syscall"
	"time"
)

// The package documentation's example, run over the fakes: a web program
// that keeps crashing gives up, and takes the worker and appstart down
// with its code.
func Example() {
	clock := newFakeClock()
	spawner := &fakeSpawner{next: 41}
	program := func(name string) Program {
		return Program{Name: name, AutoStart: true, ExitCodes: []int{0}, StartSecs: time.Second,
			AutoRestart: spec.RestartUnexpected, OnUnhealthy: spec.UnhealthyRestart, OnFatal: spec.FatalStop,
			StartRetries: 2, StopSignal: syscall.SIGTERM, StopWait: 10 * time.Second}
	}
	sup, err := New([]Program{program("web"), program("worker")}, Options{
		Spawner: spawner, Signaler: &fakeSignaler{}, Clock: clock,
		Events: func(e Event) {
			if e.Kind != EventRunning && e.Kind != EventSignalForwarded {
				fmt.Println("appstart: " + e.String())
			}
		},
	})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	result := make(chan Result)
	go func() { result <- sup.Run(ctx) }()
	step := func(f func()) { f(); sup.Status(ctx) } // Status: a barrier through the loop

	step(func() {})
	step(func() { clock.Advance(300 * time.Millisecond); sup.Exited(42, 1, 0) })
	step(func() { clock.Advance(100 * time.Millisecond) })
	step(func() { clock.Advance(200 * time.Millisecond); sup.Exited(44, 1, 0) })
	step(func() { clock.Advance(200 * time.Millisecond) })
	step(func() { clock.Advance(200 * time.Millisecond); sup.Exited(45, 1, 0) })
	sup.Exited(43, 0, 0)
	fmt.Println("exit status", (<-result).Code)
	// Output:
	// appstart: web: started pid 42
	// appstart: worker: started pid 43
	// appstart: web: exited 1 after 0.3s; restart 1/2 in 100ms
	// appstart: web: started pid 44
	// appstart: web: exited 1 after 0.2s; restart 2/2 in 200ms
	// appstart: web: started pid 45
	// appstart: web: exited 1 after 0.2s; not restarted
	// appstart: web: gave up after 3 tries (FATAL)
	// appstart: stopping all programs: web gave up
	// appstart: stopping worker (SIGTERM, up to 10s)
	// appstart: worker: stopped after 0s (exited 0)
	// appstart: exiting 1: web gave up
	// exit status 1
}
