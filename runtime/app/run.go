package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"appstart/runtime/control"
	"appstart/runtime/environ"
	"appstart/runtime/logfwd"
	"appstart/runtime/proc"
	"appstart/runtime/spec"
	"appstart/runtime/stage"
	"appstart/runtime/supervise"
	"appstart/runtime/sysx"
	"golang.org/x/sys/unix"
)

// leftoverGrace is how long daemons the programs left behind get between
// SIGTERM and SIGKILL once every program has stopped (tini #180).
const leftoverGrace = 2 * time.Second

// needsTimeout bounds the wait for first_run's needs to become ready.
const needsTimeout = 5 * time.Minute

// handled are the signals appstart takes: TERM and INT stop, the rest are
// forwarded. SIGCHLD belongs to the reaper; SIGURG (the Go runtime's
// preemption signal) is never listened for, so never forwarded. SIGPIPE is
// caught, not ignored, so children get the default disposition.
var handled = []os.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGUSR1,
	syscall.SIGUSR2, syscall.SIGWINCH, syscall.SIGQUIT, syscall.SIGPIPE}

// Run is `appstart run`: the stages, then the supervisor, until the
// programs end; it returns the container's exit code.
func Run(in Inputs, std IO) int {
	if !in.applyEnvFiles(&std) {
		return ExitProblems
	}
	// Signals are caught before anything forks, so none is lost while the
	// stages run.
	sigs := make(chan os.Signal, 64)
	// Never signal.Stop: this process exits right after run, and a SIGTERM
	// landing between Stop and exit would reach the Go runtime's default
	// action, which as PID 1 (the kernel drops its raise) ends in exit(2)
	// instead of 0 (TestFaultSIGTERMStorm caught it in CI). Unread signals
	// are dropped once the channel is full.
	signal.Notify(sigs, handled...)
	r := &runner{std: std, flags: in, log: newLogger(std.Stderr)}
	return r.run(sigs)
}

// runner is one `appstart run`: the stages, then the supervisor.
type runner struct {
	std    IO
	flags  Inputs
	log    *logger
	reaper *proc.Reaper
	spec   *spec.Spec
	env    *stage.Env
	sink   *logfwd.Sink
	spawn  *spawner

	srv     *control.Server
	sup     atomic.Pointer[supervise.Supervisor]
	result  chan supervise.Result
	done    chan struct{}
	orphans chan proc.Exit
	ctx     context.Context // the run's: cancelled once the programs have ended
}

func (r *runner) run(sigs <-chan os.Signal) int {
	// In the background: making 16 threads takes ~2.5 ms here, and the
	// limit they guard against is only ever hit by programs, which start
	// after the stages.
	go reserveThreads(spareThreads)
	r.orphans = make(chan proc.Exit, 256)
	reaper, err := proc.NewReaper(proc.Options{OnOrphan: func(e proc.Exit) {
		select {
		case r.orphans <- e: // a followed daemon's end reaches its program
		default:
		}
	}})
	if err == nil {
		err = reaper.Start()
	}
	if err != nil {
		r.log.printf("cannot start the reaper: %v", err)
		return ExitInternal
	}
	r.reaper = reaper

	s, path, ok := loadSpec(r.std, r.flags.Config)
	if !ok {
		return ExitProblems
	}
	r.spec = s
	// A typo in --only is said before any stage changes anything.
	if err := checkOnly(s, r.flags.Only); err != nil {
		r.log.printf("%v", err)
		return ExitUsage
	}
	// One appstart per spec: a second `appstart run` in a debug shell would
	// fight the first over ports, pid files and the control socket.
	release, _, err := control.Lock(control.LockPath(control.DefaultDir, path))
	if err != nil {
		r.log.printf("%v", err)
		return ExitProblems
	}
	defer release()
	// A local `docker run` without a volume has no /app/data (the platform
	// always mounts one); on a writable root, make it so the package works.
	if _, err := os.Stat("/app/data"); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll("/app/data", 0o755); err == nil {
			r.log.printf("created /app/data: no volume is mounted, so its data ends with the container")
		}
	}
	if err := missingVars(s, r.std.Env); err != nil {
		r.log.printf("%v", err)
		return ExitProblems
	}
	stdout, stderr := fileOf(r.std.Stdout, os.Stdout), fileOf(r.std.Stderr, os.Stderr)
	r.sink = logfwd.NewSink(stdout, logfwd.Options{})
	r.spawn = &spawner{reaper: reaper, sink: r.sink, exits: make(chan proc.Exit, 64), stdout: stdout, stderr: stderr}
	r.done = make(chan struct{})
	defer close(r.done)

	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	r.ctx = ctx
	stopped := make(chan syscall.Signal, 1)
	go r.intake(sigs, cancel, stopped)

	r.env = &stage.Env{Spec: s, Vars: environ.New(r.std.Env), Runner: reaper, Output: stderr,
		Log: r.log.printf, Needs: r.needs}
	sum, err := stage.Run(ctx, r.env, r.flags.Until)
	if err != nil {
		code := ExitProblems
		select {
		case sig := <-stopped:
			code = 128 + int(sig) // the start was cut off by a stop request
		default:
		}
		r.log.printf("%v", err)
		r.stopEarly()
		return code
	}
	r.log.printf("%s", sum)
	if r.flags.Until != "" && r.flags.Until != "programs" {
		r.log.printf("stopped after stage %s (--until)", r.flags.Until)
		r.stopEarly()
		return ExitOK
	}
	r.protectFromOOM()
	sup := r.sup.Load()
	if sup == nil {
		if sup, err = r.startSupervisor(ctx); err != nil {
			r.log.printf("%v", err)
			return ExitProblems
		}
	}
	if err := sup.StartAll(ctx); err != nil && !errors.Is(err, context.Canceled) {
		r.log.printf("%v", err)
	}
	res := <-r.result
	cancel(nil) // followers forward what is left of their files, then end
	r.finish()
	return res.Code
}

// startSupervisor builds the programs from the environment the stages made
// and runs the supervisor in Hold mode: nothing starts until Start/StartAll.
func (r *runner) startSupervisor(ctx context.Context) (*supervise.Supervisor, error) {
	progs, err := programs(r.spec, r.env.Vars, systemUsers(), commandProbe(r.reaper))
	if err != nil {
		return nil, err
	}
	if r.flags.Only != "" {
		if progs, err = onlyProgram(progs, r.flags.Only); err != nil {
			return nil, err
		}
	}
	sup, err := supervise.New(progs, supervise.Options{Spawner: r.spawn, Signaler: reaperSignaler{r.reaper}, Events: r.log.event, Hold: true})
	if err != nil {
		return nil, err
	}
	r.result = make(chan supervise.Result, 1)
	go r.spawn.forward(sup, r.done)
	go routeOrphans(sup, r.orphans, r.done)
	go func() { r.result <- sup.Run(ctx) }()
	r.sup.Store(sup)
	// Before any program starts, first_run's `needs` included.
	r.sink.SetMasker(r.env.Vars.Masker()) // stdout and `appstart logs` alike (issue 14)
	follow(r.ctx, r.spec, r.env.Vars, r.sink, r.log)
	srv, err := control.Listen(control.DefaultSocket, backend{sup: sup, sink: r.sink, mask: r.env.Vars.Masker(), orphans: r.reaper.Orphans})
	if err != nil {
		// The programs still run; only `appstart status` and friends are lost.
		r.log.printf("no control socket: %v", err)
	} else {
		r.srv = srv
		go srv.Serve(ctx)
	}
	return sup, nil
}

// needs is first_run's `needs`: start those programs now and wait until they
// are ready; they then keep running as normal programs.
func (r *runner) needs(ctx context.Context, names []string) error {
	sup := r.sup.Load()
	if sup == nil {
		var err error
		if sup, err = r.startSupervisor(ctx); err != nil {
			return err
		}
	}
	if err := sup.Start(ctx, names...); err != nil {
		return err
	}
	return sup.WaitReady(ctx, names, needsTimeout)
}

// stopEarly stops programs a failed or --until start had already begun
// (first_run's needs), then anything left in the container.
func (r *runner) stopEarly() {
	if sup := r.sup.Load(); sup != nil {
		sup.Signal(syscall.SIGTERM)
		<-r.result
	}
	r.finish()
}

func (r *runner) finish() {
	if r.srv != nil {
		r.srv.Close()
	}
	if n, _ := r.reaper.KillAll(leftoverGrace); n > 0 {
		r.log.printf("stopped %d leftover processes", n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = r.sink.Drain(ctx)
}

// intake turns caught signals into action: before the supervisor exists,
// TERM/INT cancel the stages; after, every signal goes to the supervisor
// (TERM/INT stop, the rest are forwarded). SIGPIPE is appstart's own.
func (r *runner) intake(sigs <-chan os.Signal, cancel context.CancelCauseFunc, stopped chan<- syscall.Signal) {
	for {
		select {
		case sig := <-sigs:
			s, ok := sig.(syscall.Signal)
			if !ok || s == syscall.SIGPIPE {
				continue
			}
			if sup := r.sup.Load(); sup != nil {
				sup.Signal(s)
				continue
			}
			if s == syscall.SIGTERM || s == syscall.SIGINT {
				select {
				case stopped <- s:
				default:
				}
				cancel(fmt.Errorf("stopped by %s during the start", sigName(s)))
			}
		case <-r.done:
			return
		}
	}
}

func routeOrphans(sup *supervise.Supervisor, orphans <-chan proc.Exit, done <-chan struct{}) {
	for {
		select {
		case e := <-orphans:
			sup.Exited(e.Pid, e.Code, e.Signal)
		case <-done:
			return
		}
	}
}

type reaperSignaler struct{ r *proc.Reaper }

func (s reaperSignaler) Kill(pid int, sig syscall.Signal) error {
	if pid < 0 {
		return s.r.SignalGroup(-pid, sig)
	}
	return s.r.Signal(pid, sig)
}

// commandProbe runs a command check through the reaper with the program's
// environment: exit 0 passes.
func commandProbe(r *proc.Reaper) func(spec.Command, []string) supervise.Probe {
	return func(c spec.Command, env []string) supervise.Probe {
		argv := c.Argv
		if c.Shell != "" {
			argv = []string{"/bin/sh", "-c", c.Shell}
		}
		return supervise.ProbeFunc(func(ctx context.Context) error {
			e, err := r.Run(ctx, proc.Cmd{Path: argv[0], Args: argv, Env: env})
			if err != nil {
				return err
			}
			if e.Code != 0 {
				return fmt.Errorf("%s: %s", c.String(), e)
			}
			return nil
		})
	}
}

// follow tails every program's logfiles to stdout for the container's life,
// prefixed with the program's name (the answer to servers that only log to
// files). A file may appear later; it is waited for. Called before the
// programs start: what a file holds then is an earlier run's.
func follow(ctx context.Context, s *spec.Spec, env *environ.Env, sink *logfwd.Sink, log *logger) {
	for _, p := range s.Programs {
		if skip, _ := spec.Skip(p.When, p.Unless, env.Lookup, fileExists); skip {
			continue
		}
		for _, path := range p.LogFiles {
			prefix := ""
			if p.LogPrefix != "" {
				prefix = logfwd.FormatPrefix(logfwd.DefaultFormat, p.LogPrefix)
			}
			fl, err := sink.StartFollow(path, p.Name, prefix)
			if err != nil {
				log.printf("%s: cannot follow %s: %v", p.Name, path, err)
				continue
			}
			fl.Refused = func(msg string) { log.printf("%s: %s", p.Name, msg) } // issue 14: a link, FIFO, device
			go func() {
				if err := fl.Run(ctx); err != nil && ctx.Err() == nil {
					log.printf("%s: cannot follow %s: %v", p.Name, path, err)
				}
			}()
		}
	}
}

func fileOf(w any, fallback *os.File) *os.File {
	if f, ok := w.(*os.File); ok {
		return f
	}
	return fallback
}

func sigName(s syscall.Signal) string {
	if n := unix.SignalName(s); n != "" {
		return n
	}
	return fmt.Sprintf("signal %d", int(s))
}

// withEnvFiles adds the variables of Docker-format env files to env, as
// `docker run --env-file` would: a file's value wins over the inherited one.
func withEnvFiles(env []string, files []string) ([]string, error) {
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return nil, fmt.Errorf("cannot read env file: %w", err)
		}
		entries, err := environ.ParseDockerEnvFile(f, fh, environ.New(env).Lookup)
		fh.Close()
		if err != nil {
			return nil, err
		}
		over := make([]string, len(entries))
		for i, e := range entries {
			over[i] = e.Name + "=" + e.Value
		}
		env = mergeEnv(env, over)
	}
	return env, nil
}

// protectFromOOM makes the kernel's OOM killer pick a program before
// appstart, which must outlive it to restart it. It needs CAP_SYS_RESOURCE
// (Docker's default set lacks it; then nothing changes). It runs after the
// stages, whose commands must not inherit the protection, and every program
// is set back to 0 as it starts (spawner.resetOOM).
func (r *runner) protectFromOOM() {
	if err := sysx.WriteOOMScoreAdj(0, -999); err == nil {
		r.spawn.resetOOM = true
	}
}
