// Package proc starts processes and is the ONLY caller of wait4 in appstart
// (ARCHITECTURE.md, "One owner of wait4"; rules_test.go enforces it).
//
// One [Reaper] per process owns the pid table and the reap loop. Between
// passes it blocks in waitid(WNOWAIT), which returns when a child has ended
// and reaps nothing; with no child at all it waits for a Spawn or a
// one-second ticker (tini's safety net), which also catches a process
// adopted then (SIGCHLD is not listened for: see [Reaper.Start]). A pass
// drains wait4(-1, WNOHANG) until it returns 0 or ECHILD. Every exit goes
// to the sink channel that was given to [Reaper.Spawn] for that pid (or to
// the function given to [Reaper.SpawnNotify]); exits of pids nobody
// spawned through the Reaper (orphans re-parented to PID 1 or to the
// subreaper) are counted and passed to [Options.OnOrphans], a batch per
// pass.
//
// Why not github.com/hashicorp/go-reap: it reaps every pid and leaves os/exec
// to Wait for the same children, so the two race (its README's caveat). Its
// cure is a caller-held RWMutex: read-locked from before Start until Wait
// returns, it stops ALL orphan reaping for as long as any long-lived child is
// waited on, i.e. for the life of a supervised server (coder/coder #22866,
// #22881 moved to a single owner for this reason). It also sends pids while
// holding the lock. The loop here is the same forty lines on x/sys/unix with
// the ownership inverted: nobody else waits, so nothing needs that lock.
//
// Ordering rules that make the table race-free:
//   - Spawn holds the table lock across the fork AND the insertion, and the
//     reaper holds it across wait4 and the lookup, so an exit can never be
//     looked up before its pid is registered (containerd's subscribe before
//     start, pebble's StartCommand).
//   - Because a pid stays in the table until the reaper has both reaped and
//     removed it under that lock, [Reaper.Signal] can promise never to hit a
//     recycled pid.
//   - Sends happen after unlocking. Buffering contract: the reaper first
//     tries a non-blocking send; if the sink is full it hands the send to a
//     new goroutine, so a slow or absent receiver never stalls reaping and no
//     exit is lost. A sink with room for every exit that may be pending (one
//     per live child sent to it) keeps exits in reap order and costs no
//     goroutine; an overflowing sink may see exits out of order.
//
// Children are started with syscall.ForkExec (never exec.Cmd.Wait, Run,
// Output or CombinedOutput, never os.Process.Wait) and get: *os.File stdio
// (nil is /dev/null), only the descriptors they are given, an explicit
// supplementary group list, an empty signal mask and default dispositions
// (see hygiene.go for what Go would otherwise leak).
//
// A worked example, the shape of a one-shot stage command:
//
//	r, err := proc.NewReaper(proc.Options{})
//	if err != nil { ... }
//	if err := r.Start(); err != nil { ... } // before anything forks
//	e, err := r.Run(ctx, proc.Cmd{
//		Path: "sh", Args: []string{"sh", "-c", "exit 3"},
//		Env:  []string{"PATH=/usr/bin:/bin"},
//	})
//	// e.Code == 3, e.String() == "exited 3", err == nil
package proc
