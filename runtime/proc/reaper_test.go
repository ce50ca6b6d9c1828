package proc

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"appstart/runtime/sysx"
)

// TestFastExitsNeverLost spawns 1000 children that exit at once (true and
// false alternating, from 4 goroutines) and requires exactly one exit with
// the right pid and code for each. A lost or misrouted exit hangs or fails.
func TestFastExitsNeverLost(t *testing.T) {
	t.Parallel()
	const workers, each = 4, 250
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				path, want := "/bin/true", 0
				if i%2 == 1 {
					path, want = "/bin/false", 1
				}
				sink := make(chan Exit, 1)
				pid, err := testReaper.Spawn(Cmd{Path: path}, sink)
				if err != nil {
					errs <- err
					return
				}
				select {
				case e := <-sink:
					if e.Pid != pid || e.Code != want || e.Signal != 0 {
						errs <- fmt.Errorf("%s pid %d: got %+v, want code %d", path, pid, e, want)
						return
					}
				case <-time.After(30 * time.Second):
					errs <- fmt.Errorf("%s pid %d: exit lost", path, pid)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestOverflowingSinkLosesNothing shares one UNBUFFERED sink between 200
// children and reads only after all have started: every delivery takes the
// reaper's overflow path, and every exit must still arrive exactly once.
func TestOverflowingSinkLosesNothing(t *testing.T) {
	t.Parallel()
	const n = 200
	sink := make(chan Exit)
	want := make(map[int]bool)
	for i := 0; i < n; i++ {
		pid, err := testReaper.Spawn(Cmd{Path: "/bin/true"}, sink)
		if err != nil {
			t.Fatal(err)
		}
		want[pid] = true
	}
	for i := 0; i < n; i++ {
		e := receive(t, sink, "shared sink")
		if !want[e.Pid] || e.Code != 0 {
			t.Fatalf("unexpected or duplicate exit %+v", e)
		}
		delete(want, e.Pid)
	}
}

// TestOrphansAreReaped double-forks 100 cats that block on a pipe, checks
// that they were re-parented to this subreaper, releases them and requires
// each to be reaped as an orphan and to vanish from /proc.
func TestOrphansAreReaped(t *testing.T) {
	t.Parallel()
	const n = 100
	c := helperCmd("doublefork", strconv.Itoa(n), "/bin/cat")
	out, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	c.Stdout = w
	_, sink, release := blocked(t, c) // the cats inherit the blocking stdin
	w.Close()
	pids := readPids(t, out)
	if len(pids) != n {
		t.Fatalf("got %d pids, want %d", len(pids), n)
	}
	if e := receive(t, sink, "middle"); e.Code != 0 {
		t.Fatalf("middle: %v", e)
	}
	starts := make(map[int]uint64)
	for _, pid := range pids {
		st, err := readStat(os.DirFS("/proc"), pid)
		if err != nil {
			t.Fatalf("orphan %d gone before release: %v", pid, err)
		}
		if st.PPid != os.Getpid() {
			t.Fatalf("orphan %d has parent %d, want this subreaper %d", pid, st.PPid, os.Getpid())
		}
		starts[pid] = st.Start
	}
	release()
	for _, pid := range pids {
		waitFor(t, fmt.Sprintf("orphan %d to be reaped", pid), func() bool {
			orphanLog.Lock()
			_, seen := orphanLog.m[pid]
			orphanLog.Unlock()
			return seen && gone(pid, starts[pid])
		})
	}
}

// TestOrphanBurstIsHandedInBatches: 1,000 orphans that are all zombies when
// their parent exits reach OnOrphans in a few calls of at most OrphanBatch
// exits, each pid once with its status. One call per exit (a goroutine
// hand-over each, as run.go does) made appstart as PID 1 about twice as
// slow as tini to clear such a burst (issue 19).
func TestOrphanBurstIsHandedInBatches(t *testing.T) {
	t.Parallel()
	const n = 1000
	before := orphanMark() // an earlier orphan may have had one of these pids
	c := helperCmd("doublefork-dead", strconv.Itoa(n), "/bin/false")
	out, sink := spawnReading(t, c)
	pids := readPids(t, out)
	if e := receive(t, sink, "middle"); e.Code != 0 || len(pids) != n {
		t.Fatalf("middle: %v with %d pids, want exited 0 with %d", e, len(pids), n)
	}
	waitFor(t, fmt.Sprintf("%d orphans reported", n), func() bool {
		orphanLog.Lock()
		defer orphanLog.Unlock()
		for _, pid := range pids {
			if orphanLog.batchOf[pid] <= before {
				return false
			}
		}
		return true
	})
	orphanLog.Lock()
	defer orphanLog.Unlock()
	calls := map[int]bool{}
	for _, pid := range pids {
		if e := orphanLog.m[pid]; e.Code != 1 || e.Signal != 0 {
			t.Errorf("orphan %d: %v, want exited 1", pid, e)
		}
		calls[orphanLog.batchOf[pid]] = true
	}
	// They are reaped in one pass, so they span at most one batch more
	// than they fill (other tests' orphans may share the first and last);
	// and a call must carry dozens of exits for its hand-over to be cheap.
	if want := min((n+OrphanBatch-1)/OrphanBatch+1, n/50); len(calls) > want {
		t.Errorf("%d orphans came in %d OnOrphans calls, want at most %d", n, len(calls), want)
	}
	if orphanLog.largest > OrphanBatch {
		t.Errorf("a batch of %d orphans, want at most OrphanBatch (%d)", orphanLog.largest, OrphanBatch)
	}
}

// TestZombiesPersistWithoutReaper is the negative control the reaping tests
// need (tini's): in a helper that is a subreaper but runs NO Reaper, 100
// double-forked orphans and their parent must all be observed as zombies
// (state Z, parent = the helper). Then the helper starts a Reaper and every
// one of them must vanish.
func TestZombiesPersistWithoutReaper(t *testing.T) {
	t.Parallel()
	const n = 100
	c := helperCmd("zombies", strconv.Itoa(n))
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer inW.Close()
	out, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	c.Stdin, c.Stdout = inR, w
	sink := make(chan Exit, 1)
	helper, err := testReaper.Spawn(c, sink)
	inR.Close()
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	var pids []int
	for sc.Scan() && sc.Text() != "ready" {
		f := strings.Fields(sc.Text())
		pid, err := strconv.Atoi(f[len(f)-1])
		if err != nil {
			t.Fatalf("bad helper line %q", sc.Text())
		}
		pids = append(pids, pid)
	}
	if len(pids) != n+1 {
		t.Fatalf("got %d pids, want %d", len(pids), n+1)
	}
	starts := make(map[int]uint64)
	for _, pid := range pids {
		waitFor(t, fmt.Sprintf("pid %d to be a zombie of the helper", pid), func() bool {
			st, err := readStat(os.DirFS("/proc"), pid)
			if err != nil {
				t.Fatalf("pid %d vanished with no reaper running: %v", pid, err)
			}
			starts[pid] = st.Start
			return st.State == 'Z' && st.PPid == helper
		})
	}
	fmt.Fprintln(inW, "reap")
	if !sc.Scan() || sc.Text() != fmt.Sprintf("reaped %d", n+1) {
		t.Fatalf("helper says %q, want \"reaped %d\"", sc.Text(), n+1)
	}
	for _, pid := range pids {
		waitFor(t, fmt.Sprintf("zombie %d to vanish", pid), func() bool { return gone(pid, starts[pid]) })
	}
	inW.Close()
	if e := receive(t, sink, "zombies helper"); e.Code != 0 {
		t.Fatalf("helper: %v", e)
	}
}

func TestSignalOnlyReachesRunningChildren(t *testing.T) {
	t.Parallel()
	pid, sink, _ := blocked(t, Cmd{})
	if err := testReaper.Signal(pid, syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	e := receive(t, sink, "cat")
	if e.Signal != syscall.SIGUSR1 {
		t.Fatalf("got %v, want killed by SIGUSR1", e)
	}
	if err := testReaper.Signal(pid, syscall.SIGUSR1); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("signal after exit: got %v, want ErrNotRunning", err)
	}
}

func TestSecondReaperRefused(t *testing.T) {
	t.Parallel()
	r, err := NewReaper(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(); !errors.Is(err, ErrReaperRunning) {
		t.Fatalf("second Start: got %v, want ErrReaperRunning", err)
	}
}

func readPids(t testing.TB, r io.ReadCloser) []int {
	t.Helper()
	defer r.Close()
	var pids []int
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		pid, err := strconv.Atoi(sc.Text())
		if err != nil {
			t.Fatalf("bad pid line %q", sc.Text())
		}
		pids = append(pids, pid)
	}
	return pids
}

// BenchmarkSpawnExit is the cost of one fork+exec of /bin/true through Spawn
// until its exit is delivered.
func BenchmarkSpawnExit(b *testing.B) {
	sink := make(chan Exit, 1)
	for b.Loop() {
		if _, err := testReaper.Spawn(Cmd{Path: "/bin/true"}, sink); err != nil {
			b.Fatal(err)
		}
		<-sink
	}
}

// BenchmarkOrphanReaping double-forks 10,000 orphans of /bin/true and
// measures how long after their parent's exit the last one is reaped, and
// checks none is left as a zombie. An orphan counts as reaped only by an
// OnOrphans call made after its helper started: with pid_max at 32,768 a
// fourth run's pids are the first run's numbers again, and their old
// entries ended the wait early (351 zombies left in one such run).
//
//	go test -run '^$' -bench OrphanReaping -benchtime 1x ./runtime/proc
func BenchmarkOrphanReaping(b *testing.B) {
	const n = 10000
	for b.Loop() {
		before := orphanMark()
		c := helperCmd("doublefork", strconv.Itoa(n), "/bin/true")
		out, sink := spawnReading(b, c)
		pids := readPids(b, out)
		<-sink
		parentExit := time.Now()
		var last time.Time
		waitFor(b, "all orphans reaped", func() bool {
			orphanLog.Lock()
			defer orphanLog.Unlock()
			for len(pids) > 0 {
				if orphanLog.batchOf[pids[len(pids)-1]] <= before {
					return false
				}
				pids = pids[:len(pids)-1]
			}
			last = time.Now()
			return true
		})
		b.ReportMetric(float64(last.Sub(parentExit).Microseconds())/1000, "ms-after-parent-exit")
		zombies := 0
		left, _ := descendants(os.DirFS("/proc"), os.Getpid())
		for _, p := range left {
			if p.State == 'Z' {
				zombies++
			}
		}
		b.ReportMetric(float64(zombies), "zombies-left")
	}
}

// A daemon that forked away from its launcher is adopted by the reaper
// (subreaper here, PID 1 in a container): Signal reaches it while it is
// unreaped, its end arrives as an orphan's, and then Signal refuses it.
// A process that is not a child of ours is never signalled.
func TestSignalReachesAnAdoptedDaemon(t *testing.T) {
	t.Parallel()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	sink := make(chan Exit, 1)
	_, err = testReaper.Spawn(Cmd{Path: "/bin/sh", Args: []string{"sh", "-c", "sleep 30 >/dev/null & echo $!"}, Stdout: w}, sink)
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	pids := readPids(t, r)
	if e := receive(t, sink, "launcher"); e.Code != 0 || len(pids) != 1 {
		t.Fatalf("launcher: %v, pids %v", e, pids)
	}
	daemon := pids[0]
	if err := testReaper.Signal(daemon, syscall.SIGTERM); err != nil {
		t.Fatalf("signal to the adopted daemon: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		orphanLog.Lock()
		e, ok := orphanLog.m[daemon]
		orphanLog.Unlock()
		if ok {
			if e.Signal != syscall.SIGTERM {
				t.Fatalf("daemon ended %v, want killed by SIGTERM", e)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the daemon's end never arrived as an orphan's")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := testReaper.Signal(daemon, syscall.SIGTERM); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("signal after the daemon's end: got %v, want ErrNotRunning", err)
	}
	if err := testReaper.Signal(os.Getppid(), 0); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("signal to our parent: got %v, want ErrNotRunning", err)
	}
}

// The reaper waits in waitid, so once it exists no handler runs at a
// child's end: SIGCHLD is back at its default (which the kernel discards),
// not the Go runtime's handler and never SIG_IGN (TestMain's reaper).
func TestReaperLeavesSIGCHLDUnhandled(t *testing.T) {
	handled, err := sysx.SIGCHLDHandled()
	if err != nil {
		t.Fatal(err)
	}
	if handled {
		t.Error("a handler runs for SIGCHLD at every child's end: want SIG_DFL once the reaper exists")
	}
	// And exits are still collected: the kernel did not reap this one.
	sink := make(chan Exit, 1)
	if _, err := testReaper.Spawn(Cmd{Path: "/bin/sh", Args: []string{"sh", "-c", "exit 7"}}, sink); err != nil {
		t.Fatal(err)
	}
	if e := <-sink; e.Code != 7 {
		t.Errorf("exit %+v, want code 7", e)
	}
}
