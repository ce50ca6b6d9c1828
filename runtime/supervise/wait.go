package supervise

import (
	"fmt"
	"slices"
	"strings"
)

// waiter is a pending WaitReady.
type waiter struct {
	progs []*prog
	label string
	wait  string // the timeout, for the message
	reply chan error
	timer Timer
}

// answer replies to the WaitReady call: nil when ready.
func (w *waiter) answer(err error) {
	if w.timer != nil {
		w.timer.Stop()
	}
	w.reply <- err
}

func (s *Supervisor) addWaiter(ev waitEvent) {
	progs, err := s.resolve(ev.names)
	if err != nil {
		ev.reply <- fmt.Errorf("cannot wait: %w", err)
		return
	}
	w := &waiter{progs: progs, label: strings.Join(ev.names, ", "), reply: ev.reply}
	if s.shut != nil {
		w.answer(fmt.Errorf("cannot wait for %s: appstart is stopping", w.label))
		return
	}
	if ev.timeout > 0 {
		w.timer = s.clock.AfterFunc(ev.timeout, func() { s.send(waiterTimeout{w: w}) })
	}
	w.wait = seconds(ev.timeout)
	s.waiters = append(s.waiters, w) // checkWaiters runs in settle, after this message
}

// checkWaiters answers the waiters whose programs are all ready, and fails
// those waiting for a FATAL program.
func (s *Supervisor) checkWaiters() {
	s.waiters = slices.DeleteFunc(s.waiters, func(w *waiter) bool {
		ready := true
		for _, p := range w.progs {
			if p.state == Fatal {
				w.answer(fmt.Errorf("cannot wait for %s: %s is FATAL", w.label, p.Name))
				return true
			}
			ready = ready && p.satisfies()
		}
		if ready {
			w.answer(nil)
		}
		return ready
	})
}

func (s *Supervisor) waiterTimedOut(w *waiter) {
	if !slices.Contains(s.waiters, w) {
		return // answered already
	}
	s.waiters = slices.DeleteFunc(s.waiters, func(x *waiter) bool { return x == w })
	var states []string
	for _, p := range w.progs {
		if !p.satisfies() {
			states = append(states, p.Name+" is "+p.state.String())
		}
	}
	w.answer(fmt.Errorf("cannot wait for %s: not ready after %s (%s)", w.label, w.wait, strings.Join(states, ", ")))
}
