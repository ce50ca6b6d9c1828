package fsops

import (
	"appstart/runtime/harness/skip"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// BenchmarkChown100k compares Chown with `chown -R` over 100,101 entries
// (100 directories of 1,000 empty files), when nothing needs changing (a
// restart) and when everything does (owner flipped between 1000 and 1001
// each iteration), with filepath.WalkDir, with and without an lstat per
// entry, as the floor; workers-N runs both walks with N workers (1: the
// walk of one goroutine; appstart/ uses the default). Rows report
// cpu-ms/op and cores (CPU over wall time: what the load left the walk);
// the appstart and chown-R rows also dirty-KiB: how much /proc/meminfo
// Dirty grew over the row's iterations, after a sync (they dirty the same
// inode blocks again and again; noisy when other processes write).
//
// The tree is built in APPSTART_BENCH_DIR, default /dev/shm, and removed;
// APPSTART_BENCH_TREE names a tree to build once and keep (creating 100,000
// files on this development VM's ext4 takes 20 s to minutes).
//
//	go test -run '^$' -bench Chown100k -benchtime 5x ./runtime/fsops/
//	APPSTART_BENCH_TREE=/var/tmp/chown100k go test -run '^$' -bench Chown100k -benchtime 5x ./runtime/fsops/
//
// BenchmarkChown100kCold is the same walks from a cold cache (sync and
// drop_caches before each; needs APPSTART_BENCH_TREE on a real disk, and
// slows every other process on the machine for a moment).
func BenchmarkChown100k(b *testing.B) {
	root, total := chownBenchTree(b)
	if _, err := Chown(root, 1000, 1000); err != nil {
		b.Fatal(err)
	}
	chownR := func(b *testing.B, uid int) {
		if out, err := exec.Command("chown", "-R", fmt.Sprintf("%d:%d", uid, uid), root).CombinedOutput(); err != nil {
			b.Fatal(string(out), err)
		}
	}
	for _, n := range []int{1, 2, 4, 16} {
		b.Run(fmt.Sprintf("workers-%d/unchanged", n), func(b *testing.B) {
			defer func(old int) { chownWorkers = old }(chownWorkers)
			chownWorkers = n
			defer cpuPerOp(b, unix.RUSAGE_SELF)()
			for b.Loop() {
				if st, err := Chown(root, 1000, 1000); err != nil || st.Visited != total || st.Changed != 0 {
					b.Fatal(st, err)
				}
			}
		})
		b.Run(fmt.Sprintf("workers-%d/changed", n), func(b *testing.B) {
			defer func(old int) { chownWorkers = old }(chownWorkers)
			chownWorkers = n
			defer cpuPerOp(b, unix.RUSAGE_SELF)()
			for i := 0; b.Loop(); i++ {
				if st, err := Chown(root, 1001-i%2, 1001-i%2); err != nil || st.Changed != total {
					b.Fatal(st, err)
				}
			}
			if _, err := Chown(root, 1000, 1000); err != nil {
				b.Fatal(err)
			}
		})
	}
	b.Run("appstart/unchanged", func(b *testing.B) {
		defer dirtyPerOp(b)()
		defer cpuPerOp(b, unix.RUSAGE_SELF)()
		for b.Loop() {
			st, err := Chown(root, 1000, 1000)
			if err != nil || st.Visited != total || st.Changed != 0 {
				b.Fatal(st, err)
			}
		}
	})
	b.Run("chown-R/unchanged", func(b *testing.B) {
		defer dirtyPerOp(b)()
		defer cpuPerOp(b, unix.RUSAGE_CHILDREN)()
		for b.Loop() {
			chownR(b, 1000)
		}
	})
	b.Run("appstart/changed", func(b *testing.B) {
		defer dirtyPerOp(b)()
		defer cpuPerOp(b, unix.RUSAGE_SELF)()
		for i := 0; b.Loop(); i++ {
			st, err := Chown(root, 1001-i%2, 1001-i%2)
			if err != nil || st.Changed != total {
				b.Fatal(st, err)
			}
		}
	})
	b.Run("chown-R/changed", func(b *testing.B) {
		if _, err := Chown(root, 1000, 1000); err != nil {
			b.Fatal(err)
		}
		defer dirtyPerOp(b)()
		defer cpuPerOp(b, unix.RUSAGE_CHILDREN)()
		for i := 0; b.Loop(); i++ {
			chownR(b, 1001-i%2)
		}
	})
	b.Run("walk/filepath.WalkDir+Lstat", func(b *testing.B) {
		for b.Loop() {
			n := 0
			if err := filepath.WalkDir(root, func(_ string, d fs.DirEntry, _ error) error {
				_, err := d.Info()
				n++
				return err
			}); err != nil || n != total {
				b.Fatal(n, err)
			}
		}
	})
	b.Run("walk/filepath.WalkDir-no-stat", func(b *testing.B) {
		for b.Loop() {
			n := 0
			if err := filepath.WalkDir(root, func(string, fs.DirEntry, error) error { n++; return nil }); err != nil || n != total {
				b.Fatal(n, err)
			}
		}
	})
}

func BenchmarkChown100kCold(b *testing.B) {
	if os.Getenv("APPSTART_BENCH_TREE") == "" {
		skip.Optional(b, "APPSTART_BENCH_TREE unset: a cold cache means something only on a real disk")
	}
	root, total := chownBenchTree(b)
	if _, err := Chown(root, 1000, 1000); err != nil {
		b.Fatal(err)
	}
	// Dropping the caches is CPU of this process, so the CPU is counted
	// around each walk alone (cpuAround), not over the loop.
	cold := func(b *testing.B) {
		b.StopTimer()
		unix.Sync()
		if err := os.WriteFile("/proc/sys/vm/drop_caches", []byte("3\n"), 0o644); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	for _, n := range []int{1, 2, 8, 16, 32} {
		b.Run(fmt.Sprintf("appstart/workers-%d/unchanged", n), func(b *testing.B) {
			defer func(old int) { chownWorkers = old }(chownWorkers)
			chownWorkers = n
			var c cpuAround
			for b.Loop() {
				cold(b)
				c.start(b, unix.RUSAGE_SELF)
				st, err := Chown(root, 1000, 1000)
				c.stop(b)
				if err != nil || st.Visited != total || st.Changed != 0 {
					b.Fatal(st, err)
				}
			}
			c.report(b)
		})
	}
	b.Run("chown-R/unchanged", func(b *testing.B) {
		var c cpuAround
		for b.Loop() {
			cold(b)
			c.start(b, unix.RUSAGE_CHILDREN)
			out, err := exec.Command("chown", "-R", "1000:1000", root).CombinedOutput()
			c.stop(b)
			if err != nil {
				b.Fatal(string(out), err)
			}
		}
		c.report(b)
	})
}

// cpuAround adds up the CPU time (of this process, or of its children) and
// the wall time between start and stop, over a benchmark's iterations, and
// reports cpu-ms/op and cores as cpuPerOp does. From a cold cache the walk
// on this development VM is CPU-bound too (ext4_lookup: the directory leaf
// search and reading in each inode), so cores says whether the load left it
// the second core its lead over `chown -R` is made of.
type cpuAround struct {
	who       int
	c0        time.Duration
	t0        time.Time
	cpu, wall time.Duration
}

func (c *cpuAround) start(b *testing.B, who int) {
	c.who, c.c0, c.t0 = who, rusageCPU(b, who), time.Now()
}

func (c *cpuAround) stop(b *testing.B) {
	c.wall += time.Since(c.t0)
	c.cpu += rusageCPU(b, c.who) - c.c0
}

func (c *cpuAround) report(b *testing.B) {
	b.ReportMetric(float64(c.cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(c.cpu)/float64(c.wall), "cores")
}

func rusageCPU(b *testing.B, who int) time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(who, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// chownBenchTree returns a tree of 100 directories of 1,000 empty files and
// its entry count: APPSTART_BENCH_TREE, built there once and kept, or a
// new one in APPSTART_BENCH_DIR (default /dev/shm), removed at the end.
func chownBenchTree(b *testing.B) (string, int) {
	requireRoot(b)
	const dirs, files = 100, 1000
	root := os.Getenv("APPSTART_BENCH_TREE")
	if root == "" {
		base := os.Getenv("APPSTART_BENCH_DIR")
		if base == "" {
			base = "/dev/shm"
		}
		var err error
		if root, err = os.MkdirTemp(base, "chown-bench"); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { os.RemoveAll(root) })
	}
	for d := range dirs {
		dir := filepath.Join(root, fmt.Sprintf("d%03d", d))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		for f := range files {
			fd, err := unix.Open(filepath.Join(dir, fmt.Sprintf("f%04d", f)), unix.O_CREAT|unix.O_WRONLY|unix.O_CLOEXEC, 0o644)
			if err != nil {
				b.Fatal(err)
			}
			unix.Close(fd)
		}
	}
	return root, 1 + dirs + dirs*files
}

// cpuPerOp reports the CPU time per iteration (of this process, or of its
// children: `chown -R`) as cpu-ms/op, and CPU time over wall time as cores:
// on a loaded machine the walk gets fewer cores than its workers could use.
// It includes the benchmark's own overhead, which is small.
//
//	defer cpuPerOp(b, unix.RUSAGE_SELF)()
func cpuPerOp(b *testing.B, who int) func() {
	c0, t0 := rusageCPU(b, who), time.Now()
	return func() {
		c, wall := rusageCPU(b, who)-c0, time.Since(t0)
		b.ReportMetric(float64(c)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		b.ReportMetric(float64(c)/float64(wall), "cores")
	}
}

// dirtyPerOp syncs and reads /proc/meminfo Dirty; the function it returns
// reports the growth as dirty-KiB: the inode blocks the walks left for
// writeback (not per iteration: each dirties the same blocks).
//
//	defer dirtyPerOp(b)()
func dirtyPerOp(b *testing.B) func() {
	unix.Sync()
	before := meminfoKiB(b, "Dirty")
	return func() {
		b.ReportMetric(float64(meminfoKiB(b, "Dirty")-before), "dirty-KiB")
	}
}

func meminfoKiB(b *testing.B, key string) int64 {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, key+":"); ok {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				b.Fatal(line, err)
			}
			return n
		}
	}
	b.Fatalf("no %s in /proc/meminfo", key)
	return 0
}

// BenchmarkChownOneDir100k is one directory of 100,000 files, where the
// walk is shared only by handing getdents64 results to idle workers
// (chownPool.handOver). Built in APPSTART_BENCH_DIR, default /dev/shm.
//
//	go test -run '^$' -bench ChownOneDir100k -benchtime 5x ./runtime/fsops/
func BenchmarkChownOneDir100k(b *testing.B) {
	requireRoot(b)
	base := os.Getenv("APPSTART_BENCH_DIR")
	if base == "" {
		base = "/dev/shm"
	}
	root, err := os.MkdirTemp(base, "chown-bench-onedir")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(root) })
	for f := range 100000 {
		fd, err := unix.Open(filepath.Join(root, fmt.Sprintf("f%06d", f)), unix.O_CREAT|unix.O_WRONLY|unix.O_CLOEXEC, 0o644)
		if err != nil {
			b.Fatal(err)
		}
		unix.Close(fd)
	}
	for _, n := range []int{1, 16} {
		b.Run(fmt.Sprintf("workers-%d/unchanged", n), func(b *testing.B) {
			defer func(old int) { chownWorkers = old }(chownWorkers)
			chownWorkers = n
			for b.Loop() {
				if st, err := Chown(root, 0, 0); err != nil || st.Changed != 0 {
					b.Fatal(st, err)
				}
			}
		})
	}
}
