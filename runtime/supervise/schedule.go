package supervise

import (
	"fmt"
	"time"
)

// armSchedule sets p's timer for its next due time; a zero time ends the
// schedule.
func (s *Supervisor) armSchedule(p *prog) {
	now := s.clock.Now()
	next := p.Schedule.Next(now)
	p.schedGen++
	p.nextRun = next
	if next.IsZero() {
		return
	}
	s.after(p, timerSchedule, next.Sub(now))
}

// scheduleDue starts a scheduled program unless its previous run is still
// going (cron's overlap problem: never two runs at once) or it was
// stopped by request, then arms the next due time.
//
//	backup: started pid 50          (12:00)
//	backup: run skipped: the previous run is still running (pid 50)   (12:05)
//	backup: exited 0 after 7m2s; next run 2026-11-26 12:10
//	backup: started pid 61          (12:10)
func (s *Supervisor) scheduleDue(p *prog, gen uint64) {
	if gen != p.schedGen || s.shut != nil {
		return // re-armed since, or everything is stopping
	}
	switch p.state {
	case Starting, Running, Stopping, Waiting, Backoff:
		s.emit(Event{Kind: EventSkipped, Program: p.Name, Pid: p.pid, Detail: fmt.Sprintf("the previous run is still %s (pid %d)", p.state, p.pid)})
	default: // Stopped, Exited, Fatal
		if p.manual {
			s.emit(Event{Kind: EventSkipped, Program: p.Name, Detail: "stopped by request"})
		} else if missing := s.unready(p); missing != "" {
			s.emit(Event{Kind: EventSkipped, Program: p.Name, Detail: "waiting for " + missing})
		} else {
			s.transition(p, Waiting) // startWaiting spawns it in this settle
		}
	}
	s.armSchedule(p)
}

// Every is a fixed-interval Schedule, mostly for tests and examples; the
// wiring adapts cron expressions.
//
//	Every(5*time.Minute).Next(12:03:10) == 12:08:10
type Every time.Duration

func (e Every) Next(after time.Time) time.Time { return after.Add(time.Duration(e)) }
