package supervise

import "time"

// HealthState is a program's health check state, Docker's vocabulary.
type HealthState int

const (
	HealthNone      HealthState = iota // no healthcheck
	HealthStarting                     // no check has passed yet
	HealthHealthy                      // the last check passed
	HealthUnhealthy                    // Retries checks failed in a row
)

func (h HealthState) String() string {
	switch h {
	case HealthNone:
		return "none"
	case HealthStarting:
		return "starting"
	case HealthHealthy:
		return "healthy"
	case HealthUnhealthy:
		return "unhealthy"
	}
	return "invalid"
}

// Status is a snapshot of one program.
type Status struct {
	Name, Group string
	State       State
	Since       time.Time
	Pid         int
	Ready       bool // up: dependents may start, signals are forwarded
	Health      HealthState
	Starts      int // processes started so far
	Failures    int // failed starts in a row
	Ended       bool
	LastCode    int  // how the last process ended, when Ended
	Scheduled   bool // runs on a schedule
	AutoStart   bool // meant to run without a request
}

// OK reports whether the program is as it should be, for `appstart
// health` (the one-line Docker HEALTHCHECK): running, ready and healthy;
// or a one-shot done; or not meant to run (autostart off and stopped, or
// a schedule between runs). FATAL, restarting, starting or unhealthy are not OK.
func (st Status) OK() bool {
	if st.Scheduled && st.State != Fatal {
		return true
	}
	switch st.State {
	case Running:
		return st.Ready && (st.Health == HealthNone || st.Health == HealthHealthy)
	case Exited, Skipped:
		return true
	case Stopped:
		// Stopped by request is not what the spec asked for; a program
		// that is not meant to start by itself is fine stopped.
		return !st.AutoStart
	}
	return false
}

func (s *Supervisor) snapshot() []Status {
	out := make([]Status, 0, len(s.progs))
	for _, p := range s.progs {
		out = append(out, Status{
			Name: p.Name, Group: p.group(), State: p.state, Since: p.since, Pid: p.pid,
			Ready: p.up, Health: p.health, Starts: p.starts, Failures: p.failures,
			Ended: p.ended, LastCode: p.lastEnd.code, Scheduled: p.Schedule != nil, AutoStart: p.AutoStart,
		})
	}
	return out
}
