package app

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"appstart/runtime/environ"
	"appstart/runtime/fsops"
	"appstart/runtime/logfwd"
	"appstart/runtime/proc"
	"appstart/runtime/spec"
	"appstart/runtime/supervise"
	"appstart/runtime/sysx"
)

// leftoverGrace is how long daemons the programs left behind get between
// SIGTERM and SIGKILL once every program has stopped (tini #180).
const leftoverGrace = 2 * time.Second

// handled are the signals appstart takes: TERM and INT stop, the rest are
// forwarded. SIGCHLD belongs to the reaper; SIGURG (the Go runtime's
// preemption signal) is never listened for, so never forwarded.
var handled = []os.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGUSR1,
	syscall.SIGUSR2, syscall.SIGWINCH, syscall.SIGQUIT, syscall.SIGPIPE}

func cmdRun(std IO, args []string) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(std.Stderr)
	config := fs.String("config", "", "spec file (default: $APPSTART_CONFIG, /app/pkg/appstart.toml, /app/code/appstart.toml)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	// Signals are caught before anything forks, so none is lost while the
	// stages run; SIGPIPE is caught (not ignored) so children get the default.
	sigs := make(chan os.Signal, 64)
	signal.Notify(sigs, handled...)
	defer signal.Stop(sigs)

	logger := newLogger(std.Stderr)
	orphans := make(chan proc.Exit, 256)
	reaper, err := proc.NewReaper(proc.Options{OnOrphan: func(e proc.Exit) {
		select {
		case orphans <- e: // a followed daemon's end reaches its program
		default:
		}
	}})
	if err == nil {
		err = reaper.Start()
	}
	if err != nil {
		logger.printf("cannot start the reaper: %v", err)
		return exitInternal
	}
	_ = sysx.WriteOOMScoreAdj(0, -999) // the init outlives an OOM in its programs

	s, _, ok := loadSpec(std, *config)
	if !ok {
		return exitProblems
	}
	started := time.Now()
	env, err := composeEnv(s, std.Env)
	if err != nil {
		logger.printf("%v", err)
		return exitProblems
	}
	if err := chownAll(s, env, logger); err != nil {
		logger.printf("%v", err)
		return exitProblems
	}
	stdout, stderr := fileOf(std.Stdout, os.Stdout), fileOf(std.Stderr, os.Stderr)
	sink := logfwd.NewSink(stdout, logfwd.Options{})
	sp := &spawner{reaper: reaper, sink: sink, exits: make(chan proc.Exit, 64), stdout: stdout, stderr: stderr}
	progs, err := programs(s, env, systemUsers(), commandProbe(reaper))
	if err != nil {
		logger.printf("%v", err)
		return exitProblems
	}
	sup, err := supervise.New(progs, supervise.Options{Spawner: sp, Signaler: reaperSignaler{reaper}, Events: logger.event})
	if err != nil {
		logger.printf("%v", err)
		return exitProblems
	}
	logger.printf("ready in %s: %d programs", time.Since(started).Round(time.Millisecond), len(progs))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go sp.forward(sup, done)
	go routeOrphans(sup, orphans, done)
	go intake(sup, sigs, done)
	follow(ctx, s, env, sink, logger)
	res := sup.Run(ctx)
	close(done)
	cancel() // followers forward what is left of their files, then end

	if n, _ := reaper.KillAll(leftoverGrace); n > 0 {
		logger.printf("stopped %d leftover processes", n)
	}
	drainCtx, drainCancel := context.WithTimeout(context.Background(), 2*time.Second)
	_ = sink.Drain(drainCtx)
	drainCancel()
	return res.Code
}

// composeEnv builds the environment every command and program gets: the
// container's, then [env_defaults] where unset, then [env] in written order.
func composeEnv(s *spec.Spec, base []string) (*environ.Env, error) {
	env := environ.New(base)
	if err := env.AddDefaults("env_defaults", toPairs(s.EnvDefaults)); err != nil {
		return nil, err
	}
	if err := env.AddEntries("env", toPairs(s.Env), environ.Spec); err != nil {
		return nil, err
	}
	return env, nil
}

// intake turns caught signals into supervisor input: TERM/INT stop, the rest
// are forwarded; SIGPIPE is appstart's own and dropped.
func intake(sup *supervise.Supervisor, sigs <-chan os.Signal, done <-chan struct{}) {
	for {
		select {
		case sig := <-sigs:
			if s, ok := sig.(syscall.Signal); ok && s != syscall.SIGPIPE {
				sup.Signal(s)
			}
		case <-done:
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

func fileOf(w any, fallback *os.File) *os.File {
	if f, ok := w.(*os.File); ok {
		return f
	}
	return fallback
}

// chownAll runs the [[chown]] entries. Interim: the full stage pipeline
// (runtime/stage) replaces it.
func chownAll(s *spec.Spec, env *environ.Env, log *logger) error {
	users := systemUsers()
	for _, c := range s.Chown {
		if skip, _ := spec.Skip(c.When, c.Unless, env.Lookup, fileExists); skip {
			continue
		}
		u, err := users.lookup(c.Owner)
		if err != nil {
			return fmt.Errorf("chown %s: %w", c.Path, err)
		}
		st, err := fsops.Chown(c.Path, int(u.Uid), int(u.Gid))
		if err != nil {
			return err
		}
		log.printf("chown %s: %d/%d changed in %s", c.Path, st.Changed, st.Visited, st.Elapsed.Round(time.Millisecond))
	}
	return nil
}

// follow tails every program's logfiles to stdout for the container's life,
// prefixed with the program's name (the answer to servers that only log to
// files). A file may appear later; it is waited for.
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
			go func() {
				if err := sink.Follow(ctx, path, p.Name, prefix); err != nil && ctx.Err() == nil {
					log.printf("%s: cannot follow %s: %v", p.Name, path, err)
				}
			}()
		}
	}
}
