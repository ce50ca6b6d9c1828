package proc

import (
	"os"
	"runtime"
	"syscall"
)

// Spawn starts c and registers sink to receive its Exit; it returns the pid.
// sink may be nil when nobody cares how the child ends (it is still reaped,
// and not counted as an orphan). See the package doc for the buffering
// contract; a sink of capacity 1 per child is always enough.
//
// A start failure is a *StartError; [ExitForStartError] maps it to the
// shell's 127 or 126. When exec fails in the child, syscall.ForkExec waits
// for that child itself; if the reaper gets there first it counts the
// child as an orphan, so Orphans may include failed starts.
//
//	sink := make(chan proc.Exit, 1)
//	pid, err := r.Spawn(proc.Cmd{Path: "/usr/sbin/nginx", Args: []string{"nginx", "-g", "daemon off;"},
//		Setpgid: true, Stdout: w, Stderr: w}, sink)
//	e := <-sink // proc.Exit{Pid: pid, Code: 0}
func (r *Reaper) Spawn(c Cmd, sink chan<- Exit) (int, error) {
	var notify func(Exit)
	if sink != nil {
		notify = func(e Exit) { deliver(sink, e) }
	}
	return r.SpawnNotify(c, notify)
}

// SpawnNotify is [Reaper.Spawn] with a function in place of the sink:
// notify (nil: nobody cares) is called once with the child's Exit, on the
// reaper's goroutine, so it must hand the exit on and return at once, never
// wait. It saves the hop through a channel and a goroutine that a receiver
// which only passes exits on (to a queue of its own) would cost.
func (r *Reaper) SpawnNotify(c Cmd, notify func(Exit)) (int, error) {
	path, err := lookPath(c.Path, c.Env, c.Dir)
	if err != nil {
		return 0, &StartError{Path: c.Path, Err: err}
	}
	argv := c.Args
	if len(argv) == 0 {
		argv = []string{c.Path}
	}
	if c.ListenPID {
		if path, argv, err = listenExec(path, argv); err != nil {
			return 0, &StartError{Path: c.Path, Err: err}
		}
	}
	env := c.Env
	if env == nil {
		env = []string{}
	}
	stdio := []*os.File{c.Stdin, c.Stdout, c.Stderr}
	for i, f := range stdio {
		if f == nil {
			stdio[i] = r.devNull
		}
	}
	all := append(stdio, c.ExtraFiles...)
	// Fd puts each file in blocking mode, which the child needs: O_NONBLOCK
	// lives on the shared open file description, and a program that gets
	// EAGAIN from write(2) on its stdout usually dies (os/exec does the same).
	fds := make([]uintptr, len(all))
	for i, f := range all {
		fds[i] = f.Fd()
	}
	sys := &syscall.SysProcAttr{Setpgid: c.Setpgid}
	if c.Cred != nil {
		// Groups always set (possibly empty): Go then calls setgroups with
		// exactly this list. NoSetGroups stays false, or root's groups leak.
		groups := append([]uint32{}, c.Cred.Groups...)
		sys.Credential = &syscall.Credential{Uid: c.Cred.Uid, Gid: c.Cred.Gid, Groups: groups}
	}
	attr := &syscall.ProcAttr{Dir: c.Dir, Env: env, Files: fds, Sys: sys}

	r.mu.Lock()
	pid, err := r.forkClean(path, argv, attr, c.NoNewPrivs)
	if err == nil {
		r.table[pid] = notify
	}
	r.mu.Unlock()
	runtime.KeepAlive(all) // the fds must stay open until the child has them
	if err != nil {
		return 0, &StartError{Path: c.Path, Err: err}
	}
	select { // wake a loop that had no child to wait for
	case r.spawned <- struct{}{}:
	default:
	}
	return pid, nil
}
