package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// measureChown times `appstart run --until chown` over a 100,101-entry tree
// (100 directories of 1,000 empty files) against `chown -R`, whole processes
// on the host, each PID 1 of its own PID namespace with its own /proc (a
// container's view), interleaved pair by pair with the first of each pair
// alternating: warm with nothing to change (a restart), warm with every
// entry changing (the owner flipped between 1000 and 1001 each run), and
// from a cold cache (sync, drop_caches before each run). Each run's growth
// of /proc/meminfo Dirty is the inode blocks it left to write back (the
// least of the runs is shown: other processes' writes only add to it).
//
// The walk's work is CPU in the kernel (ext4_lookup, even from a cold
// cache on this VM's disk), and appstart's lead over the single-threaded
// `chown -R` is its second core: so each cell also gives the CPU the rest
// of the machine used while the runs went (median, in cores, from
// /proc/stat). Beside 1 core of others, the ratio is near the CPU ratio.
//
//	| chown of 100,101 entries on ext4 (/dev/vda), warm, nothing to change: ... | 98 ms vs 312 ms: 3.17× faster (pairs 2.86–3.41, median 3.10); CPU 164 ms vs 297 ms; others used 0.4 cores; Dirty grew 0 KiB vs 24.3 MiB |
//
// The tree is on a real disk, -chown-tree (default under /var/tmp), built
// on the first run and kept: creating 100,000 files takes 20 s to minutes.
// appstart's spec lists the tree's parent as writable.
func (b *bench) measureChown(t *table) {
	const metric = "chown of 100,101 entries on %s, %s: `appstart run --until chown` vs `chown -R`, each PID 1 under `unshare --pid --fork --mount-proc`, median of %d interleaved"
	var bin string
	for _, p := range b.peers {
		if p.kind == kindAppstart && p.missing == "" {
			bin = p.path
		}
	}
	fail := func(err error) {
		t.add(fmt.Sprintf(metric, "disk", "all", b.cfg.chownRuns), "", map[peerKind]string{kindAppstart: failed(err)})
	}
	if bin == "" {
		return
	}
	tree := b.cfg.chownTree
	total, err := chownTree(tree)
	if err != nil {
		fail(err)
		return
	}
	fsName := fsType(tree)
	specs := map[int]string{}
	for _, uid := range []int{1000, 1001} {
		spec := filepath.Join(filepath.Dir(tree), fmt.Sprintf("chown-%d.toml", uid))
		body := fmt.Sprintf("user = \"root\"\nwritable = [%q]\n\n[[chown]]\npath = %q\nowner = \"%d:%d\"\n\n[programs.t]\ncommand = [\"/bin/true\"]\n",
			filepath.Dir(tree), tree, uid, uid)
		if err := os.WriteFile(spec, []byte(body), 0o644); err != nil {
			fail(err)
			return
		}
		specs[uid] = spec
	}
	defer b.leaveHostAsFound(specs[1000], specs[1001])()
	// Both run as PID 1 of a PID namespace of their own, as in a container:
	// on the host appstart's exit sweep would read the stat of every
	// process on the machine (KillAll; 60 ms of CPU beside ~8,000 threads).
	appstart := func(uid int) []string {
		return unshareArgv(bin, "run", "--config", specs[uid], "--until", "chown")
	}
	chownR := func(uid int) []string { return unshareArgv("chown", "-R", fmt.Sprintf("%d:%d", uid, uid), tree) }
	if _, err := timeRun(appstart(1000)); err != nil {
		fail(err)
		return
	}
	b.progress("chown: %d entries in %s (%s)", total, tree, fsName)

	type series struct{ times, cpu, dirty, others []float64 }
	cases := []struct {
		what, target string
		cold         bool
		runs         int
		uid          func(run int) int // the owner each run of a pair gives
	}{
		{"warm, nothing to change", "≥ 2× faster", false, b.cfg.chownRuns, func(int) int { return 1000 }},
		{"warm, every entry changes", "not slower", false, b.cfg.chownRuns, func(r int) int { return 1001 - r%2 }},
		{"cold cache (drop_caches), nothing to change", "≥ 2× faster", true, b.cfg.chownColdRuns, func(int) int { return 1000 }},
	}
	for _, c := range cases {
		if c.runs == 0 {
			continue
		}
		var as, cr series
		var err error
		for r := 0; r < c.runs && err == nil; r++ {
			// Every entry changes: each process flips the whole tree, so
			// the two take turns and each run is a full flip.
			order := []bool{r%2 == 0, r%2 != 0} // true: appstart
			for k, isAppstart := range order {
				uid := c.uid(2*r + k)
				argv := chownR(uid)
				s := &cr
				if isAppstart {
					argv, s = appstart(uid), &as
				}
				var run chownRun
				if run, err = timeChownRun(argv, c.cold); err != nil {
					break
				}
				s.times = append(s.times, run.wall.Seconds())
				s.cpu = append(s.cpu, run.cpu.Seconds())
				s.dirty = append(s.dirty, float64(run.dirty))
				s.others = append(s.others, run.others)
			}
		}
		if err != nil {
			t.add(fmt.Sprintf(metric, fsName, c.what, c.runs), c.target, map[peerKind]string{kindAppstart: failed(err)})
			continue
		}
		a, r := medianF(as.times), medianF(cr.times)
		// Other processes' writes only add to Dirty: the least growth seen
		// is the closest to a command's own.
		cell := fmt.Sprintf("%s vs %s: %s (pairs %s); CPU %s vs %s; others used %.1f cores; Dirty grew %s vs %s", fmtSec(a), fmtSec(r), speedup(r/a),
			ratioRange(cr.times, as.times), fmtSec(medianF(as.cpu)), fmtSec(medianF(cr.cpu)),
			medianF(append(as.others, cr.others...)), fmtKiB(slices.Min(as.dirty)), fmtKiB(slices.Min(cr.dirty)))
		b.progress("chown, %s: %s (load %s)", c.what, cell, loadAvg())
		// Back to 1000:1000 for the next case.
		if _, err := timeRun(appstart(1000)); err != nil {
			cell = failed(err)
		}
		t.add(fmt.Sprintf(metric, fsName, c.what, c.runs), "appstart "+c.target+" than chown -R", map[peerKind]string{kindAppstart: cell})
	}
}

// chownRun is one timed run: its wall time, its CPU time (user and system:
// less moved by the machine's load than the wall time), how much Dirty grew
// meanwhile in KiB, and the CPU every other process used meanwhile, in
// cores (what the load left it).
type chownRun struct {
	wall, cpu time.Duration
	dirty     int64
	others    float64
}

// timeChownRun runs argv after a sync (and drop_caches when cold). The
// driver runs outside any container, so os/exec's Run is the right tool,
// as in timeRun.
func timeChownRun(argv []string, cold bool) (chownRun, error) {
	unix.Sync()
	if cold {
		if err := os.WriteFile("/proc/sys/vm/drop_caches", []byte("3\n"), 0o644); err != nil {
			return chownRun{}, fmt.Errorf("cannot drop caches: %w", err)
		}
	}
	before, err := meminfoKiB("Dirty")
	if err != nil {
		return chownRun{}, err
	}
	busy0, err := cpuBusy()
	if err != nil {
		return chownRun{}, err
	}
	c := exec.Command(argv[0], argv[1:]...)
	start := time.Now()
	if err := c.Run(); err != nil {
		return chownRun{}, fmt.Errorf("cannot run %q: %w", argv, err)
	}
	r := chownRun{wall: time.Since(start), cpu: c.ProcessState.UserTime() + c.ProcessState.SystemTime()}
	busy1, err := cpuBusy()
	if err != nil {
		return chownRun{}, err
	}
	// /proc/stat counts in 10 ms ticks: a short run's share is rough.
	r.others = max(0, (busy1-busy0-r.cpu).Seconds()/r.wall.Seconds())
	after, err := meminfoKiB("Dirty")
	r.dirty = after - before
	return r, err
}

// cpuBusy is the CPU time all processors spent on anything but idle and
// I/O wait since boot, from /proc/stat's "cpu" line (in USER_HZ ticks,
// 100 a second on Linux).
func cpuBusy() (time.Duration, error) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	line, _, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, fmt.Errorf("unexpected /proc/stat line %q", line)
	}
	var ticks int64
	for i, v := range f[1:9] { // user nice system idle iowait irq softirq steal
		if i == 3 || i == 4 {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("unexpected /proc/stat line %q: %w", line, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}

// chownTree makes the tree at dir unless it is complete, and returns its
// entry count.
func chownTree(dir string) (int, error) {
	const dirs, files = 100, 1000
	total := 1 + dirs + dirs*files
	done := filepath.Join(filepath.Dir(dir), filepath.Base(dir)+".complete")
	if _, err := os.Stat(done); err == nil {
		return total, nil
	}
	for d := range dirs {
		sub := filepath.Join(dir, fmt.Sprintf("d%03d", d))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return 0, err
		}
		for f := range files {
			fd, err := unix.Open(filepath.Join(sub, fmt.Sprintf("f%04d", f)), unix.O_CREAT|unix.O_WRONLY|unix.O_CLOEXEC, 0o644)
			if err != nil {
				return 0, fmt.Errorf("cannot build the chown tree: %w", err)
			}
			unix.Close(fd)
		}
	}
	return total, os.WriteFile(done, nil, 0o644)
}

// fsType names the filesystem dir is on, e.g. "ext4 (/dev/vda)".
func fsType(dir string) string {
	data, err := os.ReadFile("/proc/self/mounts")
	if err != nil {
		return "?"
	}
	best, name := "", "?"
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 && (dir == f[1] || strings.HasPrefix(dir, strings.TrimSuffix(f[1], "/")+"/")) && len(f[1]) >= len(best) {
			best, name = f[1], fmt.Sprintf("%s (%s)", f[2], f[0])
		}
	}
	return name
}

func meminfoKiB(key string) (int64, error) {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, key+":"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("no %s in /proc/meminfo", key)
}

func medianF(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// ratioRange is the lowest, highest and median of the pairs'
// peer/appstart ratios (above 1: appstart was faster).
func ratioRange(peer, appstart []float64) string {
	var rs []float64
	for i := range min(len(peer), len(appstart)) {
		rs = append(rs, peer[i]/appstart[i])
	}
	if len(rs) == 0 {
		return "none"
	}
	return fmt.Sprintf("%.2f–%.2f, median %.2f", slices.Min(rs), slices.Max(rs), medianF(rs))
}

func speedup(r float64) string {
	if r >= 1 {
		return fmt.Sprintf("%.2f× faster", r)
	}
	return fmt.Sprintf("%.2f× slower", 1/r)
}

func fmtSec(s float64) string { return fmtDur(time.Duration(s * float64(time.Second))) }

func fmtKiB(k float64) string {
	if k >= 1024 || k <= -1024 {
		return fmt.Sprintf("%.1f MiB", k/1024)
	}
	return fmt.Sprintf("%.0f KiB", k)
}
