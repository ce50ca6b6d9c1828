package supervise

import (
	"appstart/runtime/spec"
	"syscall"
	"time"
)

// Program is one resolved program instance, every value concrete: the
// wiring expands `instances = N` into N Programs named "web:1".."web:N"
// that share Group "web" (each with APPSTART_INSTANCE in Env), and applies
// the spec's defaults before the supervisor sees it.
//
//	supervise.Program{
//		Name: "web", Argv: []string{"node", "server.js"},
//		AutoStart: true, AutoRestart: supervise.RestartUnexpected, ExitCodes: []int{0},
//		StartSecs: time.Second, StartRetries: 3,
//		StopSignal: syscall.SIGTERM, StopWait: 10 * time.Second,
//		After: []string{"db"}, Ready: supervise.TCPProbe{Addr: "127.0.0.1:3000"},
//	}
type Program struct {
	// Name is unique among the programs: "web", or "web:2" for an instance.
	Name string
	// Group is the name other programs' After lists refer to; all instances
	// of `instances = N` share it. "" means Name.
	Group string
	// Instance is 1..N for an instance of `instances = N`, else 0.
	Instance int

	// How the process is made (argv, environment, user) is the Spawner's
	// business, looked up by Name: the supervisor decides when, never how.
	// Marker is set by the supervisor on the copy of the Program it hands
	// to Spawn, and is also in that copy's Env: MarkerEnv=<name>.<start>.
	// A Spawner that builds the environment itself must add it
	// (MarkEnv), or what the process leaves outside its group is not
	// stopped with it.
	Marker string

	// Skip, when set, is asked right before every start of the program
	// (the first and each later one, scheduled runs included), on the
	// supervisor's goroutine, so it must return quickly (read the
	// environment, stat a file). skip = true puts the program in Skipped
	// instead, logged once with why: `when` and `unless` evaluated when
	// the program is about to start, after first_run and its dependencies.
	// nil never skips.
	Skip func() (skip bool, why string)

	// AutoStart starts the program when the supervisor starts. Programs
	// without it start only on request, or when a started program needs
	// them (After).
	AutoStart bool
	// AutoRestart and ExitCodes decide what a program that ended by itself
	// does next; see [decide] for the table.
	AutoRestart spec.AutoRestart
	ExitCodes   []int
	// StartSecs is how long a process must run to count as started
	// (supervisord's startsecs); an end before that is a failed start.
	// 0 counts every spawned process as started at once, as supervisord:
	// it is RUNNING when spawned, so an immediate exit is an ordinary end
	// (autorestart applies, with a growing delay) and never makes it FATAL.
	//lint:ignore ST1011 named after supervisord's startsecs, as the spec key
	StartSecs time.Duration
	// StartRetries is how many failed starts in a row are retried before
	// the program is FATAL: 1 + StartRetries tries in all, as supervisord.
	StartRetries int

	// StopSignal goes to the program's process group first; SIGKILL to the
	// group follows StopWait later.
	StopSignal syscall.Signal
	StopWait   time.Duration
	// ShareStopBudget: StopWait is nobody's choice (the spec has no
	// stopwaitsecs for the program), so in a stop of everything its
	// SIGKILL comes when its share of what is left of Options.StopBudget
	// runs out (stop.go), and StopWait only bounds a stop of it alone.
	ShareStopBudget bool

	// After names the groups that must be ready (or, for a one-shot, done)
	// before this program starts, and that stop only after it has stopped.
	After []string
	// Ready, when set, says when the program is ready for its dependents;
	// nil means ready once it has run StartSecs. ReadyTimeout 0 waits
	// forever; otherwise a program not ready in time is stopped and its
	// start counts as failed.
	Ready        Probe
	ReadyTimeout time.Duration

	// Health, when set, is checked periodically once the program is ready.
	Health      *HealthCheck
	OnUnhealthy spec.OnUnhealthy
	OnFatal     spec.OnFatal

	// Forward lists the signals appstart passes on to the program's process
	// group (SIGHUP, SIGUSR1...). SIGTERM and SIGINT stop appstart instead,
	// and SIGURG is never forwarded.
	Forward []syscall.Signal

	// PidFile makes the supervisor follow a daemon that forks into the
	// background: once the launched process exits 0, the pid in this file
	// is the program (supervisord's pidproxy, built in).
	PidFile string

	// Schedule, when set, runs the program at each due time instead of
	// keeping it running: never restarted when it ends, and never started
	// twice (a run still going when the next is due is skipped). AutoStart
	// is ignored.
	Schedule Schedule
}

// group is the name After lists use for p.
func (p *Program) group() string {
	if p.Group != "" {
		return p.Group
	}
	return p.Name
}

// HealthCheck is a periodic check of a ready program (Docker's
// HEALTHCHECK options): Retries failures in a row make it unhealthy;
// failures within StartPeriod of the start do not count.
type HealthCheck struct {
	Probe       Probe
	Interval    time.Duration
	Timeout     time.Duration
	Retries     int
	StartPeriod time.Duration
}

// Schedule gives the next due time strictly after a time; the zero time
// means never again. The wiring adapts the spec's cron expression.
type Schedule interface {
	Next(after time.Time) time.Time
}
