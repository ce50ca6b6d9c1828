package fsops

import (
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// chownWorkers is how many goroutines walk a tree at once. Warm, the walk
// is CPU in the kernel (path lookups, getattr, the journal when owners
// change), so the two cores of a small host give up to twice the speed;
// cold, each worker waits on its own directory and inode-table reads, so
// more workers keep more reads in flight. 100,101 entries on ext4 from a
// cold cache, under load: 1 worker 2.16 s, 8 1.31 s, 16 1.10 s, 32 1.23 s
// (BenchmarkChown100kCold). Sixteen also stays within the spare threads
// appstart keeps (runtime/app/threads.go), since a worker blocked on a
// read holds a thread.
//
// On the development VM (a virtio disk the host caches) a cold walk is CPU
// too, not reads: one worker took 767 ms for 756 ms of CPU, two thirds of
// it in ext4_lookup (the leaf search of the directory block, reading in the
// inode), the same per entry as `chown -R`'s fchownat pays; so there, from
// a cold cache as warm, the lead over `chown -R` is the second core, and
// where the load takes it, the walks are even. Handling each getdents64
// result in inode order (inode-table blocks read in sequence, as fts does
// for big directories) was measured: the same CPU and time, warm and cold.
var chownWorkers = 16

// chownMaxQueued bounds the directories opened and waiting for a worker
// (each holds a descriptor); past it a worker walks the directory itself,
// depth first, as the one-goroutine walk does.
const chownMaxQueued = 64

// chownPool shares one walk among chownWorkers goroutines. A job holds a
// descriptor of its own, fd, of a directory: the subdirectory name of it to
// open, check and walk (so that, from a cold cache, the reads of sibling
// directories' inodes are in flight at once rather than one after the
// other), the directory itself to list (the root), or one getdents64
// result of it (batch) that a worker busy listing a big directory handed
// over because another worker sat idle.
type chownPool struct {
	mu     sync.Mutex
	cond   sync.Cond
	queue  []chownJob
	busy   int // workers running a job
	idle   int // workers waiting for one
	failed error
	stop   atomic.Bool // set with failed: busy workers give up
	bufs   sync.Pool   // spare batch buffers
}

type chownJob struct {
	fd    int
	path  string
	name  string // a subdirectory to open, or ""
	batch []byte
	buf   *[]byte // batch's backing buffer, back to bufs when done
}

// walk runs the pool over the directory open at fd (path p) with copies of
// w as workers, and adds their counts to w.stats.
func (w *chowner) walk(fd int, p string) error {
	n := chownWorkers
	if n <= 1 {
		return w.dir(fd, p)
	}
	dup, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return w.dir(fd, p) // out of descriptors: the one-goroutine walk needs none more
	}
	w.report() // root itself; the workers report their own
	pl := &chownPool{queue: []chownJob{{fd: dup, path: p}}}
	pl.cond.L = &pl.mu
	pl.bufs.New = func() any { b := make([]byte, direntBufSize); return &b }
	workers := make([]chowner, n)
	var wg sync.WaitGroup
	for i := range workers {
		cw := &workers[i]
		*cw = chowner{uid: w.uid, gid: w.gid, dev: w.dev, except: w.except, keep: w.keep,
			buf: make([]byte, direntBufSize), progress: w.progress, pool: pl, dryRun: w.dryRun}
		if i == 0 {
			cw.buf = w.buf
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			pl.run(cw)
		}()
	}
	wg.Wait()
	for _, j := range pl.queue { // left by a failure
		unix.Close(j.fd)
	}
	for i := range workers {
		w.stats.Visited += workers[i].stats.Visited
		w.stats.Changed += workers[i].stats.Changed
		w.stats.Kept += workers[i].stats.Kept
		w.stats.Linked += workers[i].stats.Linked
		if w.stats.LinkedPath == "" {
			w.stats.LinkedPath = workers[i].stats.LinkedPath
		}
	}
	w.reported = w.stats.Visited // the workers reported their own
	return pl.failed
}

func (pl *chownPool) run(w *chowner) {
	for {
		j, ok := pl.take()
		if !ok {
			return
		}
		var err error
		switch {
		case j.name != "":
			err = w.subdir(j.fd, j.name, j.path)
		case j.batch != nil:
			err = w.batch(j.fd, j.path, j.batch)
			pl.bufs.Put(j.buf)
		default:
			err = w.dir(j.fd, j.path)
		}
		unix.Close(j.fd)
		pl.done(err)
	}
}

// take waits for a job; false once the walk is over (nothing queued and
// nobody busy who could queue more) or failed.
func (pl *chownPool) take() (chownJob, bool) {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	for len(pl.queue) == 0 && pl.busy > 0 && pl.failed == nil {
		pl.idle++
		pl.cond.Wait()
		pl.idle--
	}
	if pl.failed != nil || len(pl.queue) == 0 {
		return chownJob{}, false
	}
	j := pl.queue[len(pl.queue)-1]
	pl.queue = pl.queue[:len(pl.queue)-1]
	pl.busy++
	return j, true
}

func (pl *chownPool) done(err error) {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	pl.busy--
	if err != nil && pl.failed == nil {
		pl.failed = err
		pl.stop.Store(true)
	}
	if pl.failed != nil || pl.busy == 0 && len(pl.queue) == 0 {
		pl.cond.Broadcast()
	}
}

// push queues j, false when the queue is full or the walk failed: the
// caller keeps j (and its descriptor) and does it itself.
func (pl *chownPool) push(j chownJob) bool {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if pl.failed != nil || len(pl.queue) >= chownMaxQueued {
		return false
	}
	pl.queue = append(pl.queue, j)
	pl.cond.Signal()
	return true
}

// hungry reports whether a worker waits with nothing queued: the moment
// to hand over part of a big directory.
func (pl *chownPool) hungry() bool {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	return pl.idle > 0 && len(pl.queue) == 0 && pl.failed == nil
}

// openLater queues the subdirectory name of the directory open at fd for
// another worker to open and walk; false if it did not.
func (pl *chownPool) openLater(fd int, name, p string) bool {
	if pl.full() {
		return false
	}
	dup, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return false
	}
	if pl.push(chownJob{fd: dup, path: p, name: name}) {
		return true
	}
	unix.Close(dup)
	return false
}

func (pl *chownPool) full() bool {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	return len(pl.queue) >= chownMaxQueued
}

// handOver queues a copy of the getdents64 result b of the directory open
// at fd for another worker, with its own descriptor; false if it did not.
func (pl *chownPool) handOver(fd int, p string, b []byte) bool {
	// A descriptor of its own, not a dup: two threads' system calls on one
	// open file would share (and bounce between cores) its reference
	// count; "." is the very directory fd is, renamed or not.
	dup, err := unix.Openat(fd, ".", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	buf := pl.bufs.Get().(*[]byte)
	c := (*buf)[:copy(*buf, b)]
	if pl.push(chownJob{fd: dup, path: p, batch: c, buf: buf}) {
		return true
	}
	pl.bufs.Put(buf)
	unix.Close(dup)
	return false
}
