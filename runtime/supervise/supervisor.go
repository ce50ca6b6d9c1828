package supervise

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Options are the supervisor's collaborators and tunables. Only Spawner is
// required; the zero value of everything else is the production choice.
type Options struct {
	Spawner   Spawner
	Signaler  Signaler  // nil: SystemSignaler (kill(2))
	Clock     Clock     // nil: SystemClock
	Processes Processes // nil: SystemProcesses (pid files, /proc)
	// Events receives every event, in order, on a goroutine of its own:
	// the loop queues events and never waits for it, so a write that blocks
	// (appstart's stdout a full pipe) delays the log, never a stop. The
	// queue is bounded (maxQueuedEvents; past it events are dropped and
	// counted in one EventLogDropped). Run waits up to EventFlushWait for
	// the queue to be written before it returns.
	Events func(Event)
	// Hold starts nothing until Start or StartAll: the stage runner starts
	// the programs first_run `needs`, waits with WaitReady, runs first_run,
	// then calls StartAll.
	Hold bool

	ReadyPoll    time.Duration // between failed ready checks; 0: 100ms
	CheckTimeout time.Duration // one ready check (real time); 0: 1s
	PidPoll      time.Duration // liveness poll of a followed daemon; 0: 100ms
	PidFileWait  time.Duration // for the daemon's pid file to name a live pid; 0: 10s
	KillWait     time.Duration // for an exit after SIGKILL before giving up; 0: 5s
	// StopBudget is how long a stop of everything may take in all (the
	// platform's ~10 s between SIGTERM and SIGKILL): the programs that
	// ShareStopBudget share it along the stop order. 0: no budget, each
	// program waits its StopWait.
	StopBudget time.Duration
	// EventFlushWait bounds how long Run waits, once everything has
	// stopped, for the queued events to be written; 0: 2s.
	EventFlushWait time.Duration

	scanWait time.Duration // tests: strayScanWait
}

// Result is how the supervisor ended: Code is appstart's exit status.
//
//	SIGTERM or SIGINT, everything stopped       -> 0 (even if a program had to be SIGKILLed)
//	a program gave up (on_fatal = "stop")       -> its code: status, or 128+signal (never 0)
//	a program unhealthy (on_unhealthy = "stop") -> its code when it ended (never 0)
//	nothing left running and nothing will run  -> the code of the last program to end (tini)
type Result struct {
	Code    int
	Program string // whose end decided the code; "" after a requested stop
	Reason  string
}

// Supervisor runs programs. One goroutine, the one in Run, owns all their
// state; every other method sends it a message.
type Supervisor struct {
	opts    Options
	spawner Spawner
	signals Signaler
	clock   Clock
	procs   Processes

	progs  []*prog // in the order given, which is the start order among equals
	byName map[string]*prog
	groups map[string][]*prog
	byPid  map[int]*prog

	in     *mailbox
	events *eventLog
	done   chan struct{}
	ctx    context.Context // parent of probe checks; cancelled when Run ends
	cancel context.CancelFunc
	probes sync.WaitGroup
	ran    atomic.Bool

	// Owned by the Run goroutine.
	holding  bool
	shut     *shutdown
	lastEnd  *prog // the program that ended last, for the tini rule
	waiters  []*waiter
	finished bool
	result   Result
}

// prog is a Program with its live state, owned by the Run goroutine.
type prog struct {
	Program
	state State
	gen   uint64 // bumped by transition; stamps timers and probe results
	since time.Time

	pid       int // the process, or the followed daemon; 0 when none
	startedAt time.Time
	// spawnedWall is the wall clock at the spawn, for probes that compare
	// it with file times (FileProbe.CheckSince); startedAt is the Clock's.
	spawnedWall  time.Time
	following    bool // pid was read from PidFile
	pidDeadline  time.Time
	probeOK      bool // the Ready probe passed for this process
	up           bool // ready for dependents and forwarded signals
	health       HealthState
	healthFails  int
	failures     int          // failed starts in a row
	quick        int          // with StartSecs 0: runs shorter than minResetWindow in a row, for the delay
	skipNoted    string       // the reason last logged for a skip
	stopSentTo   map[int]bool // strays sent the stop signal during this stop
	starts       int
	intent       stopIntent
	stopSent     time.Time
	held         []syscall.Signal // forwarded while no process could take them
	manual       bool             // stopped by a request: keeps appstart up
	waitNoted    bool
	ended        bool
	lastEnd      end
	lastCheckErr error

	timers   [numTimerKinds]Timer
	schedGen uint64
	nextRun  time.Time
}

// stopIntent is what follows a stop: Stopped, or a start again.
type stopIntent int

const (
	intentStop          stopIntent = iota
	intentRestart                  // requested, or unhealthy: start again at once
	intentRestartFailed            // not ready in time: a failed start
)

// shutdown records why everything is stopping, and so the result.
type shutdown struct {
	sig    syscall.Signal
	reason string
	prog   *prog // whose failure caused it; nil for a request
	code   int
	// fromExit: take the code from prog's end once it is stopped (an
	// unhealthy program that the stop itself ends).
	fromExit bool
	// deadline is when Options.StopBudget runs out; zero without one.
	deadline time.Time
}

// New checks the programs and returns a supervisor for them; Run starts it.
// The errors name the program and the key:
//
//	_, err := supervise.New([]supervise.Program{{Name: "web", After: []string{"dbb"}}}, opts)
//	// program web: after: no program or group "dbb"
func New(programs []Program, opts Options) (*Supervisor, error) {
	if opts.Spawner == nil {
		return nil, errors.New("cannot create supervisor: no Spawner")
	}
	if err := validate(programs); err != nil {
		return nil, err
	}
	if opts.Signaler == nil {
		opts.Signaler = SystemSignaler{}
	}
	if opts.Clock == nil {
		opts.Clock = SystemClock{}
	}
	if opts.Processes == nil {
		opts.Processes = SystemProcesses{}
	}
	opts.ReadyPoll = orDefault(opts.ReadyPoll, 100*time.Millisecond)
	opts.CheckTimeout = orDefault(opts.CheckTimeout, time.Second)
	opts.PidPoll = orDefault(opts.PidPoll, 100*time.Millisecond)
	opts.PidFileWait = orDefault(opts.PidFileWait, 10*time.Second)
	opts.KillWait = orDefault(opts.KillWait, 5*time.Second)
	opts.EventFlushWait = orDefault(opts.EventFlushWait, 2*time.Second)

	s := &Supervisor{
		opts: opts, spawner: opts.Spawner, signals: opts.Signaler, clock: opts.Clock, procs: opts.Processes,
		byName: map[string]*prog{}, groups: map[string][]*prog{}, byPid: map[int]*prog{},
		in:     newMailbox(),
		events: newEventLog(opts.Events),
		done:   make(chan struct{}),
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	for _, p := range programs {
		q := &prog{Program: p}
		q.ExitCodes = append([]int(nil), p.ExitCodes...)
		q.After = append([]string(nil), p.After...)
		q.Forward = append([]syscall.Signal(nil), p.Forward...)
		if q.Health != nil {
			h := *q.Health
			q.Health = &h
			q.health = HealthStarting
		}
		s.progs = append(s.progs, q)
		s.byName[q.Name] = q
		s.groups[q.group()] = append(s.groups[q.group()], q)
	}
	return s, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// emit queues an event for the wiring; it never blocks (eventLog).
func (s *Supervisor) emit(e Event) {
	s.events.add(e)
}

// send delivers a message to the loop without ever blocking, or drops it
// once Run has returned.
func (s *Supervisor) send(ev any) {
	s.in.put(ev)
}
