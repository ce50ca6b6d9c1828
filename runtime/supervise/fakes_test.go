package supervise

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"
)

// fakeClock fires timers only when the test calls Advance, on the test's
// goroutine, in due order.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	c       *fakeClock
	at      time.Time
	f       func()
	stopped bool
}

var epoch = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

func newFakeClock() *fakeClock { return &fakeClock{now: epoch} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{c: c, at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	return t
}

func (t *fakeTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := !t.stopped
	t.stopped = true
	t.c.timers = slices.DeleteFunc(t.c.timers, func(x *fakeTimer) bool { return x == t })
	return was
}

// Advance moves time forward by d, firing every timer due by then.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	target := c.now.Add(d)
	c.mu.Unlock()
	for {
		c.mu.Lock()
		var next *fakeTimer
		for _, t := range c.timers {
			if !t.at.After(target) && (next == nil || t.at.Before(next.at)) {
				next = t
			}
		}
		if next == nil {
			c.now = target
			c.mu.Unlock()
			return
		}
		c.timers = slices.DeleteFunc(c.timers, func(x *fakeTimer) bool { return x == next })
		next.stopped = true
		c.now = next.at
		c.mu.Unlock()
		next.f()
	}
}

// fakeSpawner hands out pids from 100 and records every spawn.
type fakeSpawner struct {
	mu     sync.Mutex
	next   int
	spawns []spawned
	fail   map[string]error
}

type spawned struct {
	name string
	pid  int
	mark string
}

func (f *fakeSpawner) Spawn(p *Program) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.fail[p.Name]; err != nil {
		return 0, err
	}
	if f.next == 0 {
		f.next = 100
	}
	f.next++
	f.spawns = append(f.spawns, spawned{p.Name, f.next, p.Marker})
	return f.next, nil
}

// pids returns the pids spawned for name, oldest first.
func (f *fakeSpawner) pids(name string) []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []int
	for _, s := range f.spawns {
		if s.name == name {
			out = append(out, s.pid)
		}
	}
	return out
}

// markers returns the Marker of every spawn, in order.
func (f *fakeSpawner) markers() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, s := range f.spawns {
		out = append(out, s.mark)
	}
	return out
}

// env returns the environment pid was spawned with.
func (f *fakeSpawner) order() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, s := range f.spawns {
		out = append(out, s.name)
	}
	return out
}

// fakeSignaler records signals. Probing a group with signal 0 finds it
// empty (ESRCH) unless the test put it in occupied.
type fakeSignaler struct {
	mu       sync.Mutex
	kills    []sent
	occupied map[int]bool
}

type sent struct {
	pid int
	sig syscall.Signal
}

func (f *fakeSignaler) Kill(pid int, sig syscall.Signal) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if sig == 0 {
		if f.occupied[pid] {
			return nil
		}
		return syscall.ESRCH
	}
	f.kills = append(f.kills, sent{pid, sig})
	return nil
}

func (f *fakeSignaler) sent() []sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.kills)
}

// fakeProcs serves pid files, liveness and strays from maps.
type fakeProcs struct {
	mu     sync.Mutex
	files  map[string]int
	alive  map[int]bool
	strays map[string][]Stray
}

func (f *fakeProcs) Strays(program string) []Stray {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.strays[program])
}

func (f *fakeProcs) setStrays(program string, s ...Stray) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.strays[program] = s
}

func (f *fakeProcs) ReadPidFile(path string) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	pid, ok := f.files[path]
	if !ok {
		return 0, fmt.Errorf("cannot read pid file: open %s: %w", path, syscall.ENOENT)
	}
	return pid, nil
}

func (f *fakeProcs) Alive(pid int) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.alive[pid]
}

func (f *fakeProcs) set(path string, pid int, alive bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.files[path] = pid
	f.alive[pid] = alive
}

// fakeProbe answers each Check with the next result the test sends.
type fakeProbe struct{ results chan error }

func newFakeProbe() *fakeProbe { return &fakeProbe{results: make(chan error)} }

func (f *fakeProbe) Check(ctx context.Context) error {
	select {
	case err := <-f.results:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// answer hands err to the next Check, waiting for one with a deadline.
func (f *fakeProbe) answer(t *testing.T, err error) {
	t.Helper()
	select {
	case f.results <- err:
	case <-time.After(5 * time.Second):
		t.Fatal("no probe check was made")
	}
}
