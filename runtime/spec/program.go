package spec

//lint:file-ignore ST1011 StartSecs and StopWaitSecs are named after their keys, supervisord's startsecs and stopwaitsecs

import (
	"io/fs"
	"syscall"
	"time"
)

// Program is one [programs.NAME] table, supervised with supervisord's
// semantics.
//
//	[programs.web]
//	command = ["node", "/app/code/server.js"]
//	after = ["redis"]
//	ready = "tcp://127.0.0.1:3000"
//	// Program{Name: "web", Command: Command{Argv: ...}, User: "cloudron", AutoStart: true,
//	//   AutoRestart: RestartUnexpected, ExitCodes: []int{0}, StartSecs: time.Second,
//	//   StartRetries: 3, StopSignal: syscall.SIGTERM, StopWaitSecs: 10 * time.Second,
//	//   After: []string{"redis"}, Ready: Probe{Kind: ProbeTCP, Target: "127.0.0.1:3000"},
//	//   ReadyTimeout: time.Minute, Instances: "1", OnUnhealthy: UnhealthyRestart,
//	//   OnFatal: FatalStop, Forward: [SIGHUP SIGUSR1 SIGUSR2 SIGWINCH SIGQUIT], LogPrefix: "web"}
type Program struct {
	Name    string
	Command Command
	// Directory "" is appstart's own working directory.
	Directory   string
	Environment []Pair
	User        string // default: the top-level user
	// NoNewPrivs sets PR_SET_NO_NEW_PRIVS for the program (prctl(2)), so
	// neither it nor anything it execs gains privileges through setuid
	// bits or file capabilities.
	NoNewPrivs   bool
	AutoStart    bool
	AutoRestart  AutoRestart
	ExitCodes    []int
	StartSecs    time.Duration
	StartRetries int
	StopSignal   syscall.Signal
	StopWaitSecs time.Duration
	// StopWaitShared: stopwaitsecs is not written, so StopWaitSecs is the
	// spec's StopTimeout, and in a stop of everything the program gets a
	// share of that budget along the stop order instead.
	StopWaitShared bool
	// After names programs (by their Name) started and ready before this
	// one; they stop after it.
	After []string
	// Ready is the zero Probe when the program is ready once it has run
	// StartSecs.
	Ready        Probe
	ReadyTimeout time.Duration
	LogFiles     []string
	// Instances is a positive number or a ${VAR} expression (expanded at
	// run time, e.g. to the worker count).
	Instances string
	// HealthCheck is nil when the program has none.
	HealthCheck *HealthCheck
	OnUnhealthy OnUnhealthy
	OnFatal     OnFatal
	Forward     []syscall.Signal
	// PidFile "" means the program does not daemonise.
	PidFile string
	// Socket "" means none; else "tcp://host:port" or "unix:/path", bound
	// by appstart once and handed to every start of every instance as
	// SocketFD says (see ParseSocket). SocketMode and SocketOwner apply to
	// a unix socket's file; SocketOwner defaults to the program's user.
	Socket      string
	SocketFD    SocketFD
	SocketMode  fs.FileMode
	SocketOwner string
	// Schedule is nil unless the program runs periodically.
	Schedule  *Cron
	LogPrefix string
	When      Cond
	Unless    Cond
}

// scheduledIgnores are keys that mean nothing for a scheduled program.
var scheduledIgnores = []string{"autostart", "autorestart", "startretries", "ready", "healthcheck", "on_unhealthy"}

func (p *Program) check(c *checker, at string, s *Spec) {
	c.owner(&p.User)
	if !c.written[at+".log_prefix"] {
		p.LogPrefix = p.Name
	}
	if !c.written[at+".stopwaitsecs"] {
		p.StopWaitSecs, p.StopWaitShared = s.StopTimeout, true
	}
	c.checkEnvironment(at+".environment", p.Environment)
	if p.HealthCheck != nil {
		p.HealthCheck.check(c, at+".healthcheck")
	}
	for i, dep := range p.After {
		key := indexKey(at+".after", i+1)
		d := s.Program(dep)
		switch {
		case dep == p.Name:
			c.errorf(key, "%s cannot come after itself: remove it", dep)
		case d == nil:
			c.errorf(key, "no program %q%s", dep, programHint(dep, s))
		case d.Schedule != nil:
			c.errorf(key, "%s is scheduled, so it is never ready for %s to start after: remove it", dep, p.Name)
		}
	}
	if p.PidFile != "" && p.Instances != "1" {
		c.errorf(at+".pidfile", "one pid file cannot follow %s instances: remove pidfile or instances", p.Instances)
	}
	if p.Schedule != nil {
		for _, k := range scheduledIgnores {
			if c.written[at+"."+k] {
				c.warnf(at+"."+k, "ignored for a scheduled program, which runs at each due time and is never restarted: remove it")
			}
		}
	}
	p.checkSocket(c, at, s)
	if p.Ready.Kind != ProbeNone && p.ReadyTimeout > 0 && p.ReadyTimeout < p.StartSecs {
		c.warnf(at+".ready_timeout", "shorter than startsecs (%v): the program can never be ready in time", p.StartSecs)
	}
}
