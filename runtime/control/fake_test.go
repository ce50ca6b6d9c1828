package control

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"syscall"
)

// fakeBackend records calls and serves canned programs and lines. A name
// starting with "nope" is unknown, as the supervisor would say.
type fakeBackend struct {
	programs []ProgramStatus
	logs     []LogLine
	subs     chan *fakeSub // each Follow announces itself here: the test's barrier
	// hold, when set, keeps Start from returning until it is closed (or
	// ctx ends); each held Start first announces itself on held.
	hold, held chan struct{}

	mu    sync.Mutex
	calls []string // guarded by mu
}

// fakeSub is one follower: the test sends on ch (and may close it, as a
// stopping appstart would); ctx ends when the server lets go.
type fakeSub struct {
	ctx  context.Context
	name string
	n    int
	ch   chan LogLine
}

func newFake() *fakeBackend {
	return &fakeBackend{subs: make(chan *fakeSub, 32)}
}

func (f *fakeBackend) record(format string, a ...any) {
	f.mu.Lock()
	f.calls = append(f.calls, fmt.Sprintf(format, a...))
	f.mu.Unlock()
}

func (f *fakeBackend) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func unknown(names []string) error {
	for _, n := range names {
		if strings.HasPrefix(n, "nope") {
			return fmt.Errorf("no program called %s", n)
		}
	}
	return nil
}

func (f *fakeBackend) Status(ctx context.Context) ([]ProgramStatus, error) {
	f.record("status")
	return f.programs, nil
}

func (f *fakeBackend) Start(ctx context.Context, names []string) error {
	f.record("start %s", strings.Join(names, " "))
	if f.hold != nil {
		f.held <- struct{}{}
		select {
		case <-f.hold:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return unknown(names)
}

func (f *fakeBackend) Stop(ctx context.Context, names []string) error {
	f.record("stop %s", strings.Join(names, " "))
	if err := unknown(names); err != nil {
		return fmt.Errorf("cannot stop: %w", err)
	}
	return nil
}

func (f *fakeBackend) Restart(ctx context.Context, names []string) error {
	f.record("restart %s", strings.Join(names, " "))
	return unknown(names)
}

func (f *fakeBackend) Signal(ctx context.Context, names []string, sig syscall.Signal) error {
	f.record("signal %d %s", int(sig), strings.Join(names, " "))
	return unknown(names)
}

func (f *fakeBackend) lastLines(name string, n int) []LogLine {
	var out []LogLine
	for _, l := range f.logs {
		if name == "" || l.Name == name {
			out = append(out, l)
		}
	}
	return out[max(0, len(out)-n):]
}

func (f *fakeBackend) Logs(ctx context.Context, q LogQuery) ([]LogLine, error) {
	name, n := q.Name, q.N
	f.record("logs %q %d", name, n)
	if err := unknown([]string{name}); err != nil {
		return nil, err
	}
	return f.lastLines(name, n), nil
}

func (f *fakeBackend) Follow(ctx context.Context, q LogQuery) ([]LogLine, <-chan LogLine, error) {
	name, n := q.Name, q.N
	f.record("follow %q %d", name, n)
	if err := unknown([]string{name}); err != nil {
		return nil, nil, err
	}
	s := &fakeSub{ctx: ctx, name: name, n: n, ch: make(chan LogLine, 1024)}
	f.subs <- s
	return f.lastLines(name, n), s.ch, nil
}
