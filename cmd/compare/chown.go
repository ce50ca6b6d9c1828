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
// on the host, interleaved pair by pair with the first of each pair
// alternating: warm with nothing to change (a restart), warm with every
// entry changing (the owner flipped between 1000 and 1001 each run), and
// from a cold cache (sync, drop_caches before each run). Each run's growth
// of /proc/meminfo Dirty is the inode blocks it left to write back (the
// least of the runs is shown: other processes' writes only add to it).
//
//	| chown of 100,101 entries on ext4 (/dev/vda), warm, nothing to change: ... | 472 ms vs 993 ms: 2.11× faster (pairs 2.02–3.00); CPU 250 ms vs 450 ms; Dirty grew 232 KiB vs 33.3 MiB |
//
// The tree is on a real disk, -chown-tree (default under /var/tmp), built
// on the first run and kept: creating 100,000 files takes 20 s to minutes.
// appstart's spec lists the tree's parent as writable.
func (b *bench) measureChown(t *table) {
	const metric = "chown of 100,101 entries on %s, %s: `appstart run --until chown` vs `chown -R`, median of %d interleaved"
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
	appstart := func(uid int) []string { return []string{bin, "run", "--config", specs[uid], "--until", "chown"} }
	chownR := func(uid int) []string { return []string{"chown", "-R", fmt.Sprintf("%d:%d", uid, uid), tree} }
	if _, err := timeRun(appstart(1000)); err != nil {
		fail(err)
		return
	}
	b.progress("chown: %d entries in %s (%s)", total, tree, fsName)

	type series struct{ times, cpu, dirty []float64 }
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
				var d, cpu time.Duration
				var dirty int64
				if d, cpu, dirty, err = timeChownRun(argv, c.cold); err != nil {
					break
				}
				s.times = append(s.times, d.Seconds())
				s.cpu = append(s.cpu, cpu.Seconds())
				s.dirty = append(s.dirty, float64(dirty))
			}
		}
		if err != nil {
			t.add(fmt.Sprintf(metric, fsName, c.what, c.runs), c.target, map[peerKind]string{kindAppstart: failed(err)})
			continue
		}
		a, r := medianF(as.times), medianF(cr.times)
		// Other processes' writes only add to Dirty: the least growth seen
		// is the closest to a command's own.
		cell := fmt.Sprintf("%s vs %s: %s (pairs %s); CPU %s vs %s; Dirty grew %s vs %s", fmtSec(a), fmtSec(r), speedup(r/a),
			ratioRange(cr.times, as.times), fmtSec(medianF(as.cpu)), fmtSec(medianF(cr.cpu)),
			fmtKiB(slices.Min(as.dirty)), fmtKiB(slices.Min(cr.dirty)))
		b.progress("chown, %s: %s", c.what, cell)
		// Back to 1000:1000 for the next case.
		if _, err := timeRun(appstart(1000)); err != nil {
			cell = failed(err)
		}
		t.add(fmt.Sprintf(metric, fsName, c.what, c.runs), "appstart "+c.target+" than chown -R", map[peerKind]string{kindAppstart: cell})
	}
}

// timeChownRun runs argv after a sync (and drop_caches when cold) and
// returns its wall time, its CPU time (user and system: less moved by
// the machine's load than the wall time) and how much Dirty grew
// meanwhile, in KiB. The driver runs outside any container, so os/exec's
// Run is the right tool, as in timeRun.
func timeChownRun(argv []string, cold bool) (wall, cpu time.Duration, dirty int64, err error) {
	unix.Sync()
	if cold {
		if err := os.WriteFile("/proc/sys/vm/drop_caches", []byte("3\n"), 0o644); err != nil {
			return 0, 0, 0, fmt.Errorf("cannot drop caches: %w", err)
		}
	}
	before, err := meminfoKiB("Dirty")
	if err != nil {
		return 0, 0, 0, err
	}
	c := exec.Command(argv[0], argv[1:]...)
	start := time.Now()
	if err := c.Run(); err != nil {
		return 0, 0, 0, fmt.Errorf("cannot run %q: %w", argv, err)
	}
	wall = time.Since(start)
	cpu = c.ProcessState.UserTime() + c.ProcessState.SystemTime()
	after, err := meminfoKiB("Dirty")
	return wall, cpu, after - before, err
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

// ratioRange is the lowest and highest of the pairs' peer/appstart ratios
// (above 1: appstart was faster).
func ratioRange(peer, appstart []float64) string {
	lo, hi := 0.0, 0.0
	for i := range min(len(peer), len(appstart)) {
		r := peer[i] / appstart[i]
		if i == 0 || r < lo {
			lo = r
		}
		if i == 0 || r > hi {
			hi = r
		}
	}
	return fmt.Sprintf("%.2f–%.2f", lo, hi)
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
