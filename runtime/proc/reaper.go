package proc

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"appstart/runtime/sysx"
)

// DefaultTick is the reaper's safety-net interval with no child to wait on:
// tini waits for signals with a one-second timeout so that a lost SIGCHLD
// costs at most a second, and here it bounds how long an adopted process's
// end waits to be reaped when nothing else wakes the loop.
const DefaultTick = time.Second

// Options configure a Reaper. The zero value is ready to use.
type Options struct {
	// Tick is the safety-net interval between reap passes while the reaper
	// has no child to wait on; 0 means DefaultTick.
	Tick time.Duration
	// OnOrphans, if set, is called from the reaper goroutine with the exits
	// of pids that were not started through Spawn (orphans, and children
	// whose exec failed, see Spawn), in reap order and in batches of at most
	// OrphanBatch: a burst of 10,000 orphans is ~80 calls, not 10,000 (one
	// hand-over to another goroutine per exit cost appstart as PID 1 about
	// twice tini's time to clear them). The slice is the callee's to keep;
	// the reaper never touches it again. It must not block for long: no
	// wait4 happens until it returns.
	OnOrphans func([]Exit)
	// Proc is the proc filesystem KillAll walks; nil means os.DirFS("/proc").
	Proc fs.FS
}

// OrphanBatch is the most exits one OnOrphans call carries: enough to make
// the per-call hand-over negligible, few enough that a followed daemon's
// exit is not held while a long burst drains (a batch reaps in ~1 ms).
const OrphanBatch = 128

// Reaper owns wait4 for the whole process. Create one with NewReaper and
// Start it before anything forks.
type Reaper struct {
	opts    Options
	devNull *os.File
	spawned chan struct{}  // a Spawn made a child: there is one to wait for
	discard chan os.Signal // absorbs signals un-ignored around a fork (hygiene.go)

	// mu guards table. Spawn holds it across fork and insertion, the reap
	// pass across wait4 and the lookup, Signal across the lookup and kill.
	mu    sync.Mutex
	table map[int]func(Exit) // pid -> who is told of its exit (nil: nobody listens)

	orphans atomic.Uint64

	// reapedMu guards reaped, which is closed and replaced after every pass
	// that reaped something: KillAll's wake-up (a broadcast without a list
	// of subscribers for the reaper to block on).
	reapedMu sync.Mutex
	reaped   chan struct{}

	// procProblem says why opts.Proc cannot list our processes (another
	// PID namespace's /proc), or ""; KillAll and Signal then read nothing
	// from it (procns.go).
	procProblem string
}

// running is set by the Reaper that owns wait4 in this process: a second one
// would steal the first one's exits. It guards an invariant of the process,
// not a test seam.
var running atomic.Bool

// ErrReaperRunning is returned by Start when this process already has a
// running Reaper.
var ErrReaperRunning = errors.New("another reaper owns wait4 in this process")

// NewReaper prepares a Reaper. When the process is not PID 1 it becomes a
// child subreaper (prctl(2), PR_SET_CHILD_SUBREAPER) so that orphaned
// descendants come back to it rather than to the real init.
func NewReaper(opts Options) (*Reaper, error) {
	if opts.Tick <= 0 {
		opts.Tick = DefaultTick
	}
	if opts.Proc == nil {
		opts.Proc = os.DirFS("/proc")
	}
	// Children must not inherit an ignore that os/signal cannot see (hygiene.go).
	if _, err := sysx.ResetIgnoredRealtime(); err != nil {
		return nil, fmt.Errorf("cannot reset inherited signal dispositions: %w", err)
	}
	// The loop waits in waitid, never on SIGCHLD: no handler needs to run
	// at each child's end (sysx.DefaultSIGCHLD).
	if err := sysx.DefaultSIGCHLD(); err != nil {
		return nil, fmt.Errorf("cannot set SIGCHLD to its default: %w", err)
	}
	if os.Getpid() != 1 {
		if err := sysx.PrctlSetChildSubreaper(); err != nil {
			return nil, fmt.Errorf("cannot become a subreaper: %w", err)
		}
	}
	// Raw open: a child's stdin is all it is for, so it needs none of the
	// poller set-up os.OpenFile makes for a character device (five calls).
	fd, err := sysx.IgnoringEINTR2(func() (int, error) { return unix.Open(os.DevNull, unix.O_RDWR|unix.O_CLOEXEC, 0) })
	if err != nil {
		return nil, fmt.Errorf("cannot open %s: %w", os.DevNull, err)
	}
	devNull := os.NewFile(uintptr(fd), os.DevNull)
	return &Reaper{
		opts:    opts,
		devNull: devNull,
		// One slot is enough: signals coalesce and every wake-up drains.
		spawned: make(chan struct{}, 1),
		discard: make(chan os.Signal, 1),
		table:   make(map[int]func(Exit)),
		reaped:  make(chan struct{}),

		procProblem: procProblem(opts.Proc, os.Getpid()),
	}, nil
}

// Start starts the reap loop, which runs for the life of the process.
// Children spawned before Start are reaped by its first pass.
//
// SIGCHLD is not listened for. While the process has a child, the loop
// waits in waitid, which the kernel ends the moment one ends; with no child
// at all, a child can only come from Spawn, which wakes the loop, or be
// adopted from a process that entered the PID namespace from outside (a
// `docker exec` shell's orphan): the tick reaps that one within a second.
// Listening would cost a round trip to the runtime's signal thread at
// start, and on every child's end a wake-up of the runtime's signal
// goroutine (often a new thread) for a signal the loop no longer needs.
func (r *Reaper) Start() error {
	if !running.CompareAndSwap(false, true) {
		return fmt.Errorf("cannot start reaper: %w", ErrReaperRunning)
	}
	go r.loop()
	return nil
}

// ProcProblem says, once at start, why /proc cannot be used to find
// leftover processes ("" when it can): ForeignProcMsg after
// `unshare --pid --fork` without --mount-proc.
func (r *Reaper) ProcProblem() string { return r.procProblem }

// Orphans is the number of exits reaped for pids not started through Spawn.
func (r *Reaper) Orphans() uint64 { return r.orphans.Load() }

func (r *Reaper) loop() {
	tick := time.NewTicker(r.opts.Tick)
	defer tick.Stop()
	for {
		r.reapAll()
		if r.awaitChild() {
			continue
		}
		select {
		case <-r.spawned:
		case <-tick.C:
		}
	}
}

// awaitChild blocks until a child has ended, without reaping it:
// waitid(P_ALL, WEXITED|WNOWAIT) leaves the zombie for the reap pass, which
// takes mu first (so a child that ends before Spawn has recorded it is
// still handed to its starter). The kernel wakes this thread the moment a
// child ends, where SIGCHLD would reach the loop only through the Go
// runtime's signal goroutine (two hand-overs between threads), and while
// children run the loop never wakes for the tick. It returns false
// at once when there is no child to wait for (ECHILD): the loop then waits
// for a Spawn or the tick, as it does with no waitid at all (any other
// error).
func (r *Reaper) awaitChild() bool {
	var info unix.Siginfo
	err := sysx.IgnoringEINTR(func() error {
		return unix.Waitid(unix.P_ALL, 0, &info, unix.WEXITED|unix.WNOWAIT, nil)
	})
	return err == nil
}

// noChildren reports whether this process has no child at all, running or
// ended. Then nothing is left to end: orphans are re-parented to it (PID 1
// or subreaper), so every descendant has a living ancestor among its
// children. It is the usual end of a container, and one wait that reaps
// nothing (so it may sit beside the reaper's) where listing /proc would
// read a directory and parse each entry.
func noChildren() bool {
	var info unix.Siginfo
	err := sysx.IgnoringEINTR(func() error {
		return unix.Waitid(unix.P_ALL, 0, &info, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, nil)
	})
	return errors.Is(err, unix.ECHILD)
}

// reapAll drains every child that has ended. wait4 with WNOHANG never
// blocks: it returns a pid, 0 when children remain but none has ended, or
// ECHILD when there are no children at all (wait4(2)). Orphans' exits are
// collected and handed over in batches (Options.OnOrphans).
func (r *Reaper) reapAll() {
	reapedAny := false
	var orphans []Exit
	for {
		e, notify, known, ok := r.reapOne()
		if !ok {
			break
		}
		reapedAny = true
		switch {
		case !known:
			r.orphans.Add(1)
			if r.opts.OnOrphans == nil {
				continue
			}
			if orphans == nil {
				orphans = make([]Exit, 0, OrphanBatch)
			}
			orphans = append(orphans, e)
			if len(orphans) == OrphanBatch {
				r.opts.OnOrphans(orphans)
				orphans = nil
			}
		case notify != nil:
			notify(e)
		}
	}
	if len(orphans) > 0 {
		r.opts.OnOrphans(orphans)
	}
	if reapedAny {
		r.reapedMu.Lock()
		close(r.reaped)
		r.reaped = make(chan struct{})
		r.reapedMu.Unlock()
	}
}

// reapOne reaps at most one child and takes its table entry, both under mu.
func (r *Reaper) reapOne() (e Exit, notify func(Exit), known, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ws unix.WaitStatus
	pid, err := sysx.IgnoringEINTR2(func() (int, error) { return unix.Wait4(-1, &ws, unix.WNOHANG, nil) })
	if err != nil || pid <= 0 {
		// ECHILD or 0: nothing more now. No other errno is possible for
		// these arguments (wait4(2)); the next wake-up retries anyway.
		return Exit{}, nil, false, false
	}
	notify, known = r.table[pid]
	delete(r.table, pid)
	return exitOf(pid, ws), notify, known, true
}

// deliver sends without ever blocking the reaper (see the buffering
// contract in the package doc).
func deliver(sink chan<- Exit, e Exit) {
	select {
	case sink <- e:
	default:
		go func() { sink <- e }()
	}
}

// reapedSignal returns a channel closed after the next pass that reaps.
func (r *Reaper) reapedSignal() <-chan struct{} {
	r.reapedMu.Lock()
	defer r.reapedMu.Unlock()
	return r.reaped
}

// ErrNotRunning is returned by Signal for a pid that is not, or no longer,
// an unreaped child of this process.
var ErrNotRunning = errors.New("process is not running")

// Signal sends sig to pid only while pid is an unreaped child: one started
// by Spawn, or one adopted as PID 1 or subreaper (a daemon that forked away
// from its launcher, followed through its pid file). The table lock keeps
// the reaper from reaping it meanwhile, and an unreaped pid cannot be
// recycled by the kernel, so a late signal can never reach an unrelated
// process that inherited the number.
//
//	err := r.Signal(pid, syscall.SIGHUP) // errors.Is(err, proc.ErrNotRunning) once it ended
func (r *Reaper) Signal(pid int, sig syscall.Signal) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.table[pid]; !ok && !r.adopted(pid) {
		return fmt.Errorf("cannot signal pid %d: %w", pid, ErrNotRunning)
	}
	if err := sysx.Kill(pid, sig); err != nil {
		return fmt.Errorf("cannot signal pid %d: %w", pid, err)
	}
	return nil
}

// adopted reports whether pid is a child of this process that Spawn did
// not start. The caller holds r.mu, so the child cannot be reaped (and its
// pid reused) before the caller has signalled it.
func (r *Reaper) adopted(pid int) bool {
	if r.procProblem != "" {
		return false // a foreign /proc's pid numbers are not ours
	}
	st, err := readStat(r.opts.Proc, pid)
	return err == nil && st.PPid == os.Getpid()
}

// SignalGroup sends sig to the process group pgid (a child started with
// Setpgid has pgid == pid). Members may outlive the leader, so unlike Signal
// it does not require the leader to be unreaped; a group id stays allocated
// while any member is alive.
func (r *Reaper) SignalGroup(pgid int, sig syscall.Signal) error {
	if err := sysx.KillGroup(pgid, sig); err != nil {
		return fmt.Errorf("cannot signal process group %d: %w", pgid, err)
	}
	return nil
}
