package supervise

import (
	"appstart/runtime/spec"
	"context"
	"syscall"
	"testing"
	"time"
)

// BenchmarkRestartCycle measures one crash handled by the loop: the exit
// message, the restart verdict, the backoff timer and the new spawn.
func BenchmarkRestartCycle(b *testing.B) {
	clock, spawner := newFakeClock(), &fakeSpawner{}
	web := Program{Name: "web", AutoStart: true, AutoRestart: spec.RestartAlways, StartSecs: 0,
		OnUnhealthy: spec.UnhealthyRestart, OnFatal: spec.FatalStop,
		StopSignal: syscall.SIGTERM, StopWait: time.Second}
	sup, err := New([]Program{web}, Options{Spawner: spawner, Signaler: &fakeSignaler{}, Clock: clock})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan Result)
	go func() { done <- sup.Run(ctx) }()
	sup.Status(ctx)
	pid := 101
	b.ResetTimer()
	for range b.N {
		clock.Advance(2 * time.Second) // a good run: delay stays at 100ms
		sup.Exited(pid, 1, 0)
		sup.Status(ctx)
		clock.Advance(BackoffBase)
		sup.Status(ctx)
		pid++
	}
	b.StopTimer()
	if got := len(spawner.pids("web")); got != b.N+1 {
		b.Fatalf("%d spawns for %d crashes", got, b.N)
	}
	cancel()
	sup.Exited(pid, 143, syscall.SIGTERM)
	<-done
}

// BenchmarkStatusRoundTrip is the latency of one request through the loop.
func BenchmarkStatusRoundTrip(b *testing.B) {
	progs := []Program{program("a"), program("b"), program("c")}
	sup, err := New(progs, Options{Spawner: &fakeSpawner{}, Signaler: &fakeSignaler{}, Clock: newFakeClock()})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan Result)
	go func() { done <- sup.Run(ctx) }()
	for range b.N {
		sup.Status(ctx)
	}
	b.StopTimer()
	cancel()
	for pid := 101; pid <= 103; pid++ {
		sup.Exited(pid, 0, 0)
	}
	<-done
}
