package supervise

import (
	"appstart/runtime/spec"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestDependentWaitsForReadyProbe(t *testing.T) {
	t.Parallel()
	probe := newFakeProbe()
	db := program("db")
	db.Ready = probe
	h := newHarness(t, []Program{program("web", "db"), db})
	if h.spawns("web") != 0 || h.spawns("db") != 1 {
		t.Fatalf("spawned %v, want only db", h.spawn.order())
	}
	if e := h.waitFor(EventWaiting, "web"); e.Detail != "db" {
		t.Fatalf("waiting for %q, want db", e.Detail)
	}
	probe.answer(t, errors.New("connection refused"))
	h.waitFor(EventCheck, "db")
	h.advance(5 * time.Second) // past StartSecs: running is not ready
	h.wantState("db", Running)
	if h.spawns("web") != 0 {
		t.Fatal("web started before db's probe passed")
	}
	probe.answer(t, nil)
	h.waitFor(EventReady, "db")
	h.sync()
	if h.spawns("web") != 1 {
		t.Fatalf("web not started once db was ready\n%s", h.log())
	}
	if got := h.spawn.order(); !slices.Equal(got, []string{"db", "web"}) {
		t.Fatalf("order %v", got)
	}
}

func TestDependentWaitsStartSecsWithoutProbe(t *testing.T) {
	t.Parallel()
	h := newHarness(t, []Program{program("db"), program("web", "db")})
	h.advance(time.Second - time.Nanosecond)
	if h.spawns("web") != 0 {
		t.Fatal("web started before db ran StartSecs")
	}
	h.advance(time.Nanosecond)
	if h.spawns("web") != 1 {
		t.Fatal("web not started once db ran StartSecs")
	}
}

func TestDependentStartsAfterOneShotIsDone(t *testing.T) {
	t.Parallel()
	migrate := program("migrate")
	migrate.AutoRestart = spec.RestartNever
	h := newHarness(t, []Program{migrate, program("web", "migrate")})
	h.advance(5 * time.Second) // running past StartSecs is not done
	h.wantState("migrate", Running)
	if h.spawns("web") != 0 {
		t.Fatal("web started while its one-shot dependency was still running")
	}
	h.exit(h.lastPid("migrate"), 0, 0)
	h.wantState("migrate", Exited)
	if h.spawns("web") != 1 {
		t.Fatalf("web not started after the one-shot exited 0\n%s", h.log())
	}
	if !h.running() {
		t.Fatal("appstart ended when the one-shot did")
	}
}

func TestFailedOneShotDoesNotReleaseDependents(t *testing.T) {
	t.Parallel()
	migrate := withStartSecs(program("migrate"), time.Hour)
	migrate.AutoRestart = spec.RestartNever
	h := newHarness(t, []Program{migrate, program("web", "migrate")})
	h.exit(h.lastPid("migrate"), 1, 0)
	if h.spawns("web") != 0 {
		t.Fatal("web started after its one-shot dependency failed")
	}
	if r := h.wait(); r.Code != 1 || r.Program != "migrate" {
		t.Fatalf("result %+v, want migrate's code 1", r)
	}
}

func TestInstancesAreOneGroupForAfter(t *testing.T) {
	t.Parallel()
	w1, w2 := program("worker:1"), program("worker:2")
	w1.Group, w2.Group = "worker", "worker"
	w2.StartSecs = 3 * time.Second
	h := newHarness(t, []Program{w1, w2, program("web", "worker")})
	h.advance(2 * time.Second)
	if h.spawns("web") != 0 {
		t.Fatal("web started with one instance of worker not yet running")
	}
	h.advance(time.Second)
	if h.spawns("web") != 1 {
		t.Fatal("web not started once every instance was running")
	}
}

func TestStartingAProgramStartsItsDependencies(t *testing.T) {
	t.Parallel()
	db := program("db")
	db.AutoStart = false
	h := newHarness(t, []Program{db, program("web", "db")})
	if h.spawns("db") != 1 {
		t.Fatalf("db (autostart false) not started for web: %v", h.spawn.order())
	}
}

func TestHoldStartWaitReadyStartAll(t *testing.T) {
	t.Parallel()
	probe := newFakeProbe()
	mysql := program("mysql")
	mysql.Ready = probe
	h := newHarness(t, []Program{mysql, program("web", "mysql"), program("cron")},
		func(_ *harness, o *Options) { o.Hold = true })
	if len(h.spawn.order()) != 0 {
		t.Fatalf("held supervisor spawned %v", h.spawn.order())
	}
	ctx := context.Background()
	if err := h.sup.Start(ctx, "mysql"); err != nil {
		t.Fatal(err)
	}
	ready := make(chan error, 1)
	go func() { ready <- h.sup.WaitReady(ctx, []string{"mysql"}, 30*time.Second) }()
	probe.answer(t, nil)
	select {
	case err := <-ready:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("WaitReady did not return after mysql was ready")
	}
	if got := h.spawn.order(); !slices.Equal(got, []string{"mysql"}) {
		t.Fatalf("during first_run only mysql may run, got %v", got)
	}
	if err := h.sup.StartAll(ctx); err != nil {
		t.Fatal(err)
	}
	h.sync()
	if got := h.spawn.order(); !slices.Equal(got, []string{"mysql", "web", "cron"}) {
		t.Fatalf("after StartAll: %v", got)
	}
	if h.spawns("mysql") != 1 {
		t.Fatal("mysql was started twice")
	}
	if err := h.sup.StartAll(ctx); err != nil { // a second call changes nothing
		t.Fatal(err)
	}
	h.sync()
	if got := len(h.spawn.order()); got != 3 {
		t.Fatalf("second StartAll spawned again: %v", h.spawn.order())
	}
}

func TestWaitReadyTimesOutOnTheClock(t *testing.T) {
	t.Parallel()
	mysql := program("mysql")
	mysql.Ready = newFakeProbe() // never answers
	h := newHarness(t, []Program{mysql}, func(_ *harness, o *Options) { o.Hold = true })
	ctx := context.Background()
	if err := h.sup.Start(ctx, "mysql"); err != nil {
		t.Fatal(err)
	}
	res := make(chan error, 1)
	go func() { res <- h.sup.WaitReady(ctx, []string{"mysql"}, 30*time.Second) }()
	// WaitReady arms its timer on the loop; wait until it is pending.
	deadline := time.Now().Add(5 * time.Second)
	for !h.clockHasTimerAt(epoch.Add(30 * time.Second)) {
		if time.Now().After(deadline) {
			t.Fatal("WaitReady armed no timer")
		}
		h.sync()
	}
	h.advance(30 * time.Second)
	select {
	case err := <-res:
		if err == nil || !strings.Contains(err.Error(), "not ready after 30s (mysql is running)") {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("WaitReady did not time out")
	}
}

func TestWaitReadyFailsWhenTheProgramGoesFatal(t *testing.T) {
	t.Parallel()
	mysql := program("mysql")
	mysql.StartRetries, mysql.OnFatal = 0, spec.FatalIgnore
	h := newHarness(t, []Program{mysql}, func(_ *harness, o *Options) { o.Hold = true })
	ctx := context.Background()
	h.sup.Start(ctx, "mysql")
	res := make(chan error, 1)
	go func() { res <- h.sup.WaitReady(ctx, []string{"mysql"}, 0) }()
	h.sync()
	h.exit(h.lastPid("mysql"), 1, 0)
	select {
	case err := <-res:
		if err == nil || !strings.Contains(err.Error(), "mysql is FATAL") {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("WaitReady did not fail")
	}
}

func (h *harness) clockHasTimerAt(at time.Time) bool {
	h.clock.mu.Lock()
	defer h.clock.mu.Unlock()
	for _, t := range h.clock.timers {
		if t.at.Equal(at) {
			return true
		}
	}
	return false
}

func withStartSecs(p Program, d time.Duration) Program {
	p.StartSecs = d
	return p
}
