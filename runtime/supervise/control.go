package supervise

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Control requests: each is a message to the loop with a reply channel,
// so the control socket (and the stage runner) never touch program state.
type controlOp int

const (
	opStart controlOp = iota
	opStop
	opRestart
	opSignal
	opStartAll
)

var opNames = [...]string{"start", "stop", "restart", "signal", "start all"}

type (
	controlEvent struct {
		op    controlOp
		names []string
		sig   syscall.Signal
		reply chan error
	}
	statusEvent struct{ reply chan []Status }
	waitEvent   struct {
		names   []string
		timeout time.Duration
		reply   chan error
	}
	waiterTimeout struct{ w *waiter }
)

// errStopped is returned by requests made after Run has returned.
var errStopped = errors.New("supervisor has stopped")

// Start starts programs (a name is a program, "web:2", or a whole group,
// "web") and the groups they need that are not running; a program already
// running is left alone. With Options.Hold this is how the programs that
// first_run `needs` are started before everything else.
func (s *Supervisor) Start(ctx context.Context, names ...string) error {
	return s.control(ctx, controlEvent{op: opStart, names: names})
}

// Stop stops programs; dependents are not stopped with them. A program
// stopped this way stays stopped (and keeps appstart running) until
// started again.
func (s *Supervisor) Stop(ctx context.Context, names ...string) error {
	return s.control(ctx, controlEvent{op: opStop, names: names})
}

// Restart stops running programs and starts them again at once; programs
// that were not running are started.
func (s *Supervisor) Restart(ctx context.Context, names ...string) error {
	return s.control(ctx, controlEvent{op: opRestart, names: names})
}

// SignalProgram sends sig to the process group of each named program that
// has a process.
func (s *Supervisor) SignalProgram(ctx context.Context, sig syscall.Signal, names ...string) error {
	return s.control(ctx, controlEvent{op: opSignal, names: names, sig: sig})
}

// StartAll ends Options.Hold: every AutoStart program starts (after its
// dependencies) and schedules begin.
func (s *Supervisor) StartAll(ctx context.Context) error {
	return s.control(ctx, controlEvent{op: opStartAll})
}

// Status returns a snapshot of every program, in the order given to New.
func (s *Supervisor) Status(ctx context.Context) ([]Status, error) {
	reply := make(chan []Status, 1)
	if err := s.deliver(ctx, statusEvent{reply: reply}); err != nil {
		return nil, err
	}
	select {
	case st := <-reply:
		return st, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-s.done:
		return nil, errStopped
	}
}

// WaitReady waits until every named program is ready (or is a one-shot
// that is done), measured on the supervisor's Clock; it fails early when
// one of them goes FATAL or appstart stops. timeout 0 waits as long as ctx
// allows.
//
//	sup.Start(ctx, "mysql")
//	err := sup.WaitReady(ctx, []string{"mysql"}, 30*time.Second)
//	// cannot wait for mysql: not ready after 30s (mysql is starting)
func (s *Supervisor) WaitReady(ctx context.Context, names []string, timeout time.Duration) error {
	reply := make(chan error, 1)
	if err := s.deliver(ctx, waitEvent{names: names, timeout: timeout, reply: reply}); err != nil {
		return err
	}
	return s.await(ctx, reply)
}

func (s *Supervisor) control(ctx context.Context, ev controlEvent) error {
	ev.reply = make(chan error, 1)
	if err := s.deliver(ctx, ev); err != nil {
		return err
	}
	return s.await(ctx, ev.reply)
}

func (s *Supervisor) deliver(ctx context.Context, ev any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !s.in.put(ev) {
		return errStopped
	}
	return nil
}

func (s *Supervisor) await(ctx context.Context, reply chan error) error {
	select {
	case err := <-reply:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-s.done:
		// Run answers every pending waiter before closing done.
		select {
		case err := <-reply:
			return err
		default:
			return errStopped
		}
	}
}

// handleControl handles a request on the loop.
func (s *Supervisor) handleControl(ev controlEvent) error {
	op := opNames[ev.op]
	if s.shut != nil {
		return fmt.Errorf("cannot %s %s: appstart is stopping", op, strings.Join(ev.names, " "))
	}
	if ev.op == opStartAll {
		if s.holding { // once: a second call must not rerun finished one-shots
			s.startAll()
		}
		return nil
	}
	progs, err := s.resolve(ev.names)
	if err != nil {
		return fmt.Errorf("cannot %s: %w", op, err)
	}
	var errs []error
	for _, p := range progs {
		switch ev.op {
		case opStart:
			s.requestStart(p)
		case opStop:
			p.manual = true
			switch p.state {
			case Starting, Running:
				s.beginStop(p, intentStop)
			case Waiting, Backoff:
				s.transition(p, Stopped)
				s.sweepEnded(p)
			case Stopping:
				p.intent = intentStop
			default:
				// No process, but a one-shot done or a program given up
				// on may have left daemons: stopping it stops them.
				s.sweepEnded(p)
			}
		case opRestart:
			switch p.state {
			case Starting, Running:
				s.beginStop(p, intentRestart)
			default:
				s.requestStart(p)
			}
		case opSignal:
			if !p.state.alive() || p.pid == 0 {
				errs = append(errs, fmt.Errorf("cannot signal %s: %s, no process", p.Name, p.state))
				continue
			}
			s.kill(p, ev.sig)
		}
	}
	return errors.Join(errs...)
}

// resolve turns names into programs: a program's name, else a group's.
func (s *Supervisor) resolve(names []string) ([]*prog, error) {
	var out []*prog
	for _, n := range names {
		if p, ok := s.byName[n]; ok {
			out = append(out, p)
			continue
		}
		g, ok := s.groups[n]
		if !ok {
			return nil, fmt.Errorf("no program %q", n)
		}
		out = append(out, g...)
	}
	if len(out) == 0 {
		return nil, errors.New("no program named")
	}
	return slices.Compact(out), nil
}
