package supervise

import "fmt"

// State is where a program is in its life. Every change goes through
// [Supervisor.transition], which checks it against [allowed]:
//
//	Stopped ─start─> Waiting ─deps ready─> Starting ─StartSecs─> Running
//	                    ^                   │  │                   │
//	                    └──── Backoff <─────┘  └──> Exited/Fatal <─┘
//	Starting/Running ─stop─> Stopping ─exit─> Stopped (or Waiting/Backoff on restart)
//	Waiting ─Skip says so─> Skipped ─start─> Waiting
type State int

const (
	// Stopped: not running and not asked to run (the initial state).
	Stopped State = iota
	// Waiting: asked to run, waiting for the groups in After to be ready.
	Waiting
	// Starting: a process runs but has not yet run StartSecs.
	Starting
	// Running: the process has run StartSecs (ready or not: see Status.Ready).
	Running
	// Backoff: the process ended and a restart is due after a delay.
	Backoff
	// Stopping: the stop signal was sent; waiting for the process to end.
	Stopping
	// Exited: ended by itself and not restarted: a one-shot done, a
	// scheduled run finished, or anything that ended during a stop.
	Exited
	// Fatal: gave up (start retries exhausted, or a one-shot failed).
	Fatal
	// Skipped: its Skip said no when it was about to start (`when` or
	// `unless`). Like a one-shot done, it satisfies its dependents and
	// is not restarted; a request to start it asks Skip again.
	Skipped
	numStates
)

var stateNames = [numStates]string{"stopped", "waiting", "starting", "running", "backoff", "stopping", "exited", "fatal", "skipped"}

func (s State) String() string {
	if s >= 0 && s < numStates {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", int(s))
}

// alive reports whether a process exists (or is about to) in state s.
func (s State) alive() bool {
	return s == Starting || s == Running || s == Stopping
}

// allowed lists, for each state, the states a program may go to next.
var allowed = [numStates][]State{
	Stopped:  {Waiting},
	Waiting:  {Starting, Backoff, Exited, Fatal, Stopped, Skipped},
	Starting: {Running, Stopping, Backoff, Exited, Fatal},
	Running:  {Stopping, Backoff, Exited, Fatal},
	Backoff:  {Waiting, Stopped},
	Stopping: {Stopped, Waiting, Backoff, Fatal},
	Exited:   {Waiting},
	Fatal:    {Waiting},
	Skipped:  {Waiting},
}

func transitionAllowed(from, to State) bool {
	if from < 0 || from >= numStates {
		return false
	}
	for _, s := range allowed[from] {
		if s == to {
			return true
		}
	}
	return false
}

// transition moves p to state to. Every change except Starting -> Running
// bumps p.gen, so a timer or probe result stamped with the old generation
// is recognised as stale by comparison; Starting -> Running keeps it, as
// the ready probe and its timeout span both states. A change the table
// does not allow is reported as an internal error and made anyway: the
// state must follow what the processes did, and PID 1 must not panic.
func (s *Supervisor) transition(p *prog, to State) {
	from := p.state
	if !transitionAllowed(from, to) {
		s.emit(Event{Kind: EventInternalError, Program: p.Name,
			Err: fmt.Errorf("unexpected transition %s -> %s", from, to)})
	}
	p.state = to
	p.since = s.clock.Now()
	if from == Starting && to == Running {
		return
	}
	p.gen++
	p.stopTimers()
	p.probeOK, p.up = false, false
	p.healthFails = 0
	p.health = HealthNone
	if p.Health != nil {
		p.health = HealthStarting
	}
}
