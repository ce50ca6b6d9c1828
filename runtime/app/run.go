package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"appstart/runtime/cgroup"
	"appstart/runtime/control"
	"appstart/runtime/environ"
	"appstart/runtime/logfwd"
	"appstart/runtime/proc"
	"appstart/runtime/resolve"
	"appstart/runtime/spec"
	"appstart/runtime/stack"
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
// forwarded. SIGCHLD (the reaper waits in waitid instead) and SIGURG (the
// Go runtime's preemption signal) are never listened for, so never
// forwarded. SIGPIPE is
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
	// stages run. Each takes a ~0.04 ms round trip to the runtime's signal
	// thread; registering them in the background while the spec is read
	// was measured no faster (the two compete for the machine's cores).
	// The memory limit, a few file reads and no round trip, is read on a
	// goroutine of its own meanwhile: 0.03-0.14 ms less in three A/B runs
	// (the workers stage takes it).
	memory := cgroup.ReadAhead(sysx.NewRoot())
	sigs := make(chan os.Signal, 64)
	// Never signal.Stop: this process exits right after run, and a SIGTERM
	// landing between Stop and exit would reach the Go runtime's default
	// action, which as PID 1 (the kernel drops its raise) ends in exit(2)
	// instead of 0 (TestFaultSIGTERMStorm caught it in CI). Unread signals
	// are dropped once the channel is full.
	signal.Notify(sigs, handled...)
	r := &runner{std: std, flags: in, log: newLogger(std.Stderr), memory: memory}
	return r.run(sigs)
}

// runner is one `appstart run`. Its lifecycle is fixed, and reads in
// order in run: reaper, spec, resolve (every problem a start could hit,
// before anything changes), the env stages, bind the programs to the
// environment they made, build the supervisor (held), the hook stages with
// a handle to it (first_run's needs), then start and wait.
type runner struct {
	std    IO
	flags  Inputs
	log    *logger
	memory func() (cgroup.Memory, error) // the cgroup's limit, read ahead
	reaper *proc.Reaper
	spec   *spec.Spec
	env    *stage.Env
	sink   *logfwd.Sink
	spawn  *spawner

	sup       *supervise.Supervisor // nil until built, then never changed
	autostart []string              // the programs StartAll starts
	srv       *control.Server       // set before listened is closed, nil if Listen failed
	listened  chan struct{}         // closed once the control socket is bound, or failed to be
	result    chan supervise.Result
	done      chan struct{}
	// built hands the supervisor to dispatch, the one goroutine that
	// routes signals and orphans' exits to it.
	built   chan *supervise.Supervisor
	orphans chan []proc.Exit
	// started is set when StartAll begins: only from then on is the
	// supervisor's own "exiting N" line how appstart ends. early is set
	// when a start cut short stops the held supervisor itself, no signal
	// having asked for it. Both are read by event on the supervisor's goroutine.
	started, early atomic.Bool
}

func (r *runner) run(sigs <-chan os.Signal) int {
	r.orphans = make(chan []proc.Exit)
	r.done = make(chan struct{})
	defer close(r.done)
	// The reaper waits for dispatch to take each batch of orphans (never
	// dropped); dispatch never blocks, so neither does the reaper for long.
	reaper, err := proc.NewReaper(proc.Options{OnOrphans: func(es []proc.Exit) {
		select {
		case r.orphans <- es:
		case <-r.done:
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
	if p := reaper.ProcProblem(); p != "" {
		r.log.printf("%s", p) // issue 14: a foreign /proc is never read for leftovers
	}

	s, path, ok := loadSpec(r.std, r.flags.Config)
	if !ok {
		return ExitProblems
	}
	r.spec = s
	plan, probs := resolve.Resolve(s, resolve.System(r.std.Env).WithManifest(s.Manifest), r.flags.resolveInput(resolve.Run))
	if probs != nil {
		reportProblems(r.std.Stderr, path, probs)
		return problemsCode(probs)
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
	stdout, stderr := fileOf(r.std.Stdout, os.Stdout), fileOf(r.std.Stderr, os.Stderr)
	r.sink = logfwd.NewSink(stdout, logfwd.Options{})
	r.spawn = &spawner{reaper: reaper, sink: r.sink, stdout: stdout, stderr: stderr}
	r.log.keepIn(r.sink, r.spawn.lastOutput) // appstart's own lines in `appstart logs` (issue 16)

	// TERM or INT during the stages cancels them (the start is cut short);
	// the run's own context ends only once the programs have.
	runCtx, endRun := context.WithCancel(context.Background())
	defer endRun()
	stagesCtx, cancelStages := context.WithCancelCause(runCtx)
	defer cancelStages(nil)
	stopped := make(chan syscall.Signal, 1)
	r.built = make(chan *supervise.Supervisor)
	go r.dispatch(sigs, cancelStages, stopped)

	r.env = &stage.Env{Spec: s, Vars: environ.New(r.std.Env), Runner: reaper, Output: stderr,
		Log: r.log.printf, Needs: r.needs, Users: plan.User, Memory: r.memory}
	r.env.Report, r.env.ReportAfter, r.env.ReportEvery = r.log.progress, progressAfter(r.std.Env), progressEvery(r.log.tty)
	until := r.flags.Until
	if _, err := stage.RunFrom(stagesCtx, r.env, "", envUntil(until)); err != nil {
		return r.cutShort(err, stopped)
	}
	if envUntil(until) != stage.LastEnvStage {
		return r.stopAt(until)
	}
	progs, probs := plan.Bind(r.env.Vars, commandProbe(reaper))
	if probs != nil {
		reportProblems(r.std.Stderr, path, probs)
		r.stopEarly()
		return ExitProblems
	}
	if err := r.buildSupervisor(runCtx, progs); err != nil {
		r.log.printf("%v", err)
		r.stopEarly()
		return ExitProblems
	}
	sum, err := stage.RunFrom(stagesCtx, r.env, stage.LastEnvStage, until)
	if err != nil {
		return r.cutShort(err, stopped)
	}
	r.log.printf("%s", sum)
	if until != "" && until != "programs" {
		return r.stopAt(until)
	}
	r.started.Store(true)
	if err := r.sup.StartAll(runCtx); err != nil && !errors.Is(err, context.Canceled) {
		r.log.printf("%v", err)
	}
	go r.settle(runCtx)
	res := <-r.result
	endRun() // followers forward what is left of their files, then end
	r.finish()
	return res.Code
}

// envUntil is the last env stage to run for --until: LastEnvStage, or an
// earlier stage --until names.
func envUntil(until string) string {
	for _, name := range spec.Stages {
		if name == until {
			return until
		}
		if name == stage.LastEnvStage {
			break
		}
	}
	return stage.LastEnvStage
}

// cutShort ends a start whose stages failed or were stopped by a signal
// (128+signal, as a shell reports it).
func (r *runner) cutShort(err error, stopped <-chan syscall.Signal) int {
	code := ExitProblems
	select {
	case sig := <-stopped:
		code = 128 + int(sig)
	default:
	}
	r.log.printf("%v", err)
	r.stopEarly()
	if code == ExitProblems {
		r.log.printf("exiting %d: the start failed", code)
	} else {
		r.log.printf("exiting %d: stopped by %s during the start", code, sigName(syscall.Signal(code-128)))
	}
	return code
}

func (r *runner) stopAt(until string) int {
	r.log.printf("stopped after stage %s (--until)", until)
	r.stopEarly()
	return ExitOK
}

// buildSupervisor makes the supervisor from the bound programs, held:
// nothing starts until first_run's needs or StartAll. The logfiles
// followers start with it, and its control socket is bound beside the
// steps that follow (serveControl).
func (r *runner) buildSupervisor(ctx context.Context, progs []resolve.Program) error {
	socks, err := bindSockets(r.spec, "/")
	if err != nil {
		return err
	}
	r.spawn.sockets = socks
	r.spawn.launches = make(map[string]resolve.Launch, len(progs))
	sps := make([]supervise.Program, len(progs))
	for i, p := range progs {
		r.spawn.launches[p.Name] = p.Launch
		sps[i] = p.Program
		if p.AutoStart {
			r.autostart = append(r.autostart, p.Name)
		}
	}
	sup, err := supervise.New(sps, supervise.Options{Spawner: r.spawn, Signaler: reaperSignaler{r.reaper}, Events: r.event, Hold: true,
		StopBudget: r.spec.StopTimeout}) // one budget for the whole stop, shared along the stop order (issue 16)
	if err != nil {
		return err
	}
	r.sup = sup
	r.spawn.sup = sup
	r.result = make(chan supervise.Result, 1)
	r.built <- sup
	r.sink.SetMasker(r.env.Vars.Masker()) // stdout and `appstart logs` alike (issue 14)
	follow(ctx, r.spec, r.env.Vars, r.sink, r.log)
	r.listened = make(chan struct{})
	go r.serveControl(ctx, backend{sup: sup, sink: r.sink, mask: r.env.Vars.Masker(), orphans: r.reaper.Orphans})
	// The supervisor's goroutine is started last: the Go scheduler runs the
	// goroutine made last first when this one next waits (StartAll, or a
	// hook stage's command), so the first fork does not queue behind the
	// control socket's binding (0.07-0.15 ms; 0.14 and 0.16 ms less to the
	// exit of `appstart run` with one `true`, two A/Bs of 600 runs).
	go func() {
		stack.To8K() // the fork deep in its first spawn needs 8 KiB
		r.result <- sup.Run(ctx)
	}()
	return nil
}

// serveControl binds the control socket and serves it until ctx ends. It
// runs beside the hook stages and the programs' start, off the way to the
// first exec (binding a unix socket through package net takes ~0.1 ms): a
// client asking in the first moments of a start can find no socket yet, as
// it can before appstart has started at all.
func (r *runner) serveControl(ctx context.Context, b backend) {
	srv, err := control.Listen(control.DefaultSocket, b)
	if err != nil {
		// The programs still run; only `appstart status` and friends are lost.
		r.log.printf("no control socket: %v", err)
		close(r.listened)
		return
	}
	r.srv = srv
	close(r.listened)
	_ = srv.Serve(ctx)
}

// settleDelay is how long the programs run before appstart settles: a
// program that ends at once (a one-shot, a failed start) ends appstart
// before it spends anything on settling.
const settleDelay = 100 * time.Millisecond

// settle runs once the programs are launched. It protects appstart from
// the OOM killer (protectFromOOM), makes the spare threads
// (threads.go; they guard against a pids limit that only programs reach,
// and making 16 takes ~2.5 ms, so never on the way to the first exec),
// then, once the programs that start by themselves are ready (or one is
// FATAL, or a minute passed), unmaps the start-up code from PID 1, so what
// stays resident is what supervising uses, not the spec, resolution and
// stages code that ran once (sysx.ReleaseCode: idle RSS 6.0 -> 3.0 MiB).
func (r *runner) settle(ctx context.Context) {
	select {
	case <-ctx.Done():
		return
	case <-time.After(settleDelay):
	}
	r.protectFromOOM()
	reserveThreads(spareThreads)
	// Not ready, FATAL or timed out, the supervisor has said so: either
	// way the start is over.
	_ = r.sup.WaitReady(ctx, r.autostart, time.Minute)
	if ctx.Err() == nil {
		sysx.ReleaseCode()
	}
}

// event logs the supervisor's events, except its own account of an end that
// is not appstart's: before StartAll its "exiting 0: stopped by SIGTERM" is
// not how a start cut short ends (cutShort says that), and stopEarly's
// "stopping all programs (SIGTERM)" names a signal nobody sent. MediaWiki's
// failing install.php showed both, above an exit status of 1.
func (r *runner) event(e supervise.Event) {
	switch {
	case e.Kind == supervise.EventFinished && !r.started.Load():
		return
	case e.Kind == supervise.EventShutdown && r.early.Load():
		return
	}
	r.log.event(e)
}

// needs is first_run's `needs`: start those programs now and wait until they
// are ready; they then keep running as normal programs.
func (r *runner) needs(ctx context.Context, names []string) error {
	if err := r.sup.Start(ctx, names...); err != nil {
		return err
	}
	return r.sup.WaitReady(ctx, names, needsTimeout)
}

// stopEarly stops programs a failed or --until start had already begun
// (first_run's needs), then anything left in the container.
func (r *runner) stopEarly() {
	if r.sup != nil {
		r.early.Store(true)
		r.sup.Signal(syscall.SIGTERM)
		<-r.result
	}
	r.finish()
}

func (r *runner) finish() {
	if r.listened != nil {
		<-r.listened
	}
	if r.srv != nil {
		// The exit that follows closes the listener and the connections;
		// only the socket file would outlive it.
		_ = r.srv.RemoveSocket()
	}
	if n, _ := r.reaper.KillAll(leftoverGrace); n > 0 {
		r.log.printf("stopped %d leftover processes", n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = r.sink.Drain(ctx)
}

// dispatch is the one goroutine that hands the supervisor, once built,
// what other goroutines receive: signals (TERM and INT stop, the rest are
// forwarded) and the reaper's orphans (a followed daemon's end reaches its
// program). TERM and INT also cut the stages short while they run. Before
// the supervisor exists no program does, so an orphan concerns no one.
// SIGPIPE is appstart's own.
func (r *runner) dispatch(sigs <-chan os.Signal, cancelStages context.CancelCauseFunc, stopped chan<- syscall.Signal) {
	var sup *supervise.Supervisor
	for {
		select {
		case sup = <-r.built:
		case es := <-r.orphans:
			if sup != nil {
				batch := make([]supervise.PidExit, len(es))
				for i, e := range es {
					batch[i] = supervise.PidExit{Pid: e.Pid, Code: e.Code, Signal: e.Signal}
				}
				sup.ExitedAll(batch)
			}
		case sig := <-sigs:
			s, ok := sig.(syscall.Signal)
			if !ok || s == syscall.SIGPIPE {
				continue
			}
			if s == syscall.SIGTERM || s == syscall.SIGINT {
				select {
				case stopped <- s:
				default:
				}
				cancelStages(fmt.Errorf("stopped by %s during the start", sigName(s)))
			}
			if sup != nil {
				sup.Signal(s)
			}
		case <-r.done:
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

// commandProbe runs a command check through the reaper as the program's
// user, with the program's environment: exit 0 passes.
func commandProbe(r *proc.Reaper) resolve.CommandProbe {
	return func(argv, env []string, l resolve.Launch) supervise.Probe {
		c := proc.Cmd{Path: argv[0], Args: argv, Env: env}
		if !l.KeepIdentity {
			c.Cred = &proc.Cred{Uid: l.User.Uid, Gid: l.User.Gid, Groups: l.User.Groups}
		}
		return supervise.ProbeFunc(func(ctx context.Context) error {
			e, err := r.Run(ctx, c)
			if err != nil {
				return err
			}
			if e.Code != 0 {
				return fmt.Errorf("%s: %s", strings.Join(argv, " "), e)
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
// (Docker's default set lacks it; then nothing changes). It runs once the
// programs are launched (settle): the stages' commands and the first
// programs never inherit the protection, and those started later are set
// back to 0 (spawner.resetOOM), which is asked for before the protection
// lands so that no program starts between the two at -999.
func (r *runner) protectFromOOM() {
	r.spawn.resetOOM.Store(true)
	if err := sysx.WriteOOMScoreAdj(0, -999); err != nil {
		r.spawn.resetOOM.Store(false)
	}
}
