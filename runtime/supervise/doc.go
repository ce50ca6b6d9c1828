// Package supervise is appstart's supervisor: supervisord's program
// semantics (autorestart, exitcodes, startsecs, startretries, stopsignal,
// stopwaitsecs) plus dependencies that wait for readiness, health checks,
// giving up with a meaningful exit code, pid-file daemons and schedules.
//
// One goroutine, the one in [Supervisor.Run], owns every program's state.
// Everything else (exits from the reaper, received signals, timers, probe
// results, control requests) is a message in one unbounded queue, so no
// sender waits and none is dropped, handled in
// arrival order by a handler that switches on the program's [State] and
// says which states it ignores; timers and probe results carry the
// program's generation, so a stale one is dropped by comparison (Pebble's
// servstate handlers, minus the lock). Processes, signals and time come
// through the [Spawner], [Signaler] and [Clock] interfaces, so the state
// machine is tested event by event with fakes and no sleeps. The loop never
// waits on I/O: events go to Options.Events from a queue of their own.
//
// Every process started carries [MarkerEnv] (program and start number) in
// its environment; when a program stops or is restarted, the processes it
// left outside its process group (setsid, daemons) that were reparented
// to appstart are found by that marker in /proc and stopped too.
//
// The wiring (runtime/app) adapts proc and logfwd:
//
//	sup, err := supervise.New(programs, supervise.Options{
//		Spawner:  spawner,        // proc.Reaper.Spawn with Setpgid, logs from logfwd
//		Signaler: sysxSignaler{}, // sysx.Kill
//		Events:   func(e supervise.Event) { fmt.Fprintln(os.Stderr, "appstart: "+e.String()) },
//	})
//	go func() { for x := range exits { sup.Exited(x.Pid, x.Code, x.Signal) } }()
//	go func() { for sig := range sigs { sup.Signal(sig.(syscall.Signal)) } }()
//	os.Exit(sup.Run(ctx).Code)
//
// With a crashing web and a worker, stderr then reads:
//
//	appstart: web: started pid 42
//	appstart: worker: started pid 43
//	appstart: web: exited 1 after 0.3s; restart 1/2 in 100ms
//	appstart: web: started pid 44
//	appstart: web: exited 1 after 0.2s; restart 2/2 in 200ms
//	appstart: web: started pid 45
//	appstart: web: exited 1 after 0.2s; not restarted
//	appstart: web: gave up after 3 tries (FATAL)
//	appstart: stopping all programs: web gave up
//	appstart: stopping worker (SIGTERM, up to 10s)
//	appstart: worker: stopped after 0s (exited 0)
//	appstart: exiting 1: web gave up
//
// The exit-code rules are on [Result].
package supervise
