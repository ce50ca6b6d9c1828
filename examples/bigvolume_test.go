package examples_test

import (
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"appstart/runtime/harness"
)

// benchDisk is a fresh directory for a benchmark's volumes on a real disk,
// removed at the end: APPSTART_BENCH_DIR, default /var/tmp. A platform's
// /app/data is a directory on the host's disk, and a walk of 100,000 inodes
// costs there what it never costs on tmpfs (TMPDIR often is one), so a
// tmpfs here skips the benchmark (fails it under CI=true).
func benchDisk(b *testing.B) string {
	b.Helper()
	base := os.Getenv("APPSTART_BENCH_DIR")
	if base == "" {
		base = "/var/tmp"
	}
	var st unix.Statfs_t
	if err := unix.Statfs(base, &st); err != nil {
		b.Fatalf("cannot stat the volumes' filesystem %s: %v", base, err)
	}
	if st.Type == unix.TMPFS_MAGIC || st.Type == unix.RAMFS_MAGIC {
		harness.SkipOrFail(b, "%s is in memory (tmpfs or ramfs), not a disk like a real volume: set APPSTART_BENCH_DIR", base)
	}
	dir, err := os.MkdirTemp(base, "appstart-bench-")
	if err != nil {
		b.Fatalf("cannot make the volumes' directory: %v", err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// bigTreeFiles is the size of the data a bigVolume benchmark restarts over:
// a site after years of uploads.
const bigTreeFiles = 100_000

// wpUploads is WordPress's uploads after years (wp-content/uploads/YYYY/MM):
// 20,000 images, each with the four sizes WordPress 6.1 makes of an upload
// (thumbnail, medium, medium_large, large), spread over 10 years of months.
func wpUploads() []string {
	sizes := []string{"", "-150x150", "-300x200", "-768x512", "-1024x683"}
	files := make([]string, 0, bigTreeFiles)
	for i := range bigTreeFiles / len(sizes) {
		month := i % 120
		dir := fmt.Sprintf("%d/%02d", 2015+month/12, 1+month%12)
		for _, s := range sizes {
			files = append(files, fmt.Sprintf("%s/img-%05d%s.jpg", dir, i, s))
		}
	}
	return files
}

// mwImages is MediaWiki's $wgUploadDirectory after years, in its hashed
// layout ($wgHashedUploadDirectory): 25,000 files at x/xy/Name (x, xy: the
// first hex digits of md5(Name)), each with three thumbnails at
// thumb/x/xy/Name/NNNpx-Name (a directory per file).
func mwImages() []string {
	widths := []string{"120px", "180px", "320px"}
	files := make([]string, 0, bigTreeFiles)
	for i := range bigTreeFiles / (1 + len(widths)) {
		name := fmt.Sprintf("Photo_%05d.jpg", i)
		sum := md5.Sum([]byte(name))
		h := hex.EncodeToString(sum[:1])
		files = append(files, fmt.Sprintf("%s/%s/%s", h[:1], h, name))
		for _, w := range widths {
			files = append(files, fmt.Sprintf("thumb/%s/%s/%s/%s-%s", h[:1], h, name, w, name))
		}
	}
	return files
}

// volumeTree is one generated tree of many files that the starters'
// volumes take turns holding, at the same place (rel) in each: built once,
// moved by a rename (untimed) into the volume of the next start. Every
// starter restarts over the very same inodes, and a rename stays within
// one filesystem, so the volumes and the tree share benchDisk.
type volumeTree struct {
	rel   string // its place in a volume: "wp-content/uploads"
	at    string // where it is now
	files int
}

// newVolumeTree adds files (empty, 0644, in 0755 directories) under rel in
// volume, beside what the install put there, all owned by owner: the
// volume of a site whose files are already right.
func newVolumeTree(b *testing.B, volume, rel, owner string, files []string) *volumeTree {
	b.Helper()
	u, err := user.Lookup(owner)
	if err != nil {
		b.Fatalf("cannot look up the data's owner: %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	root := filepath.Join(volume, rel)
	start := time.Now()
	made := map[string]bool{}
	for _, f := range files {
		p := filepath.Join(root, f)
		if dir := filepath.Dir(p); !made[dir] {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				b.Fatalf("cannot build the data tree: %v", err)
			}
			made[dir] = true
		}
		fd, err := unix.Open(p, unix.O_CREAT|unix.O_EXCL|unix.O_WRONLY|unix.O_CLOEXEC, 0o644)
		if err != nil {
			b.Fatalf("cannot build the data tree: %s: %v", p, err)
		}
		unix.Close(fd)
	}
	if out, err := exec.Command("chown", "-R", fmt.Sprintf("%d:%d", uid, gid), root).CombinedOutput(); err != nil {
		b.Fatalf("chown -R of the new data tree: %v\n%s", err, out)
	}
	unix.Sync()
	b.Logf("built %d files (%d directories) under %s in %s", len(files), len(made), root, time.Since(start).Round(time.Second))
	return &volumeTree{rel: rel, at: root, files: len(files)}
}

// moveInto puts the tree in volume at its place, where the volume's own
// directory (what its install left there: a few entries) gives way.
func (t *volumeTree) moveInto(b *testing.B, volume string) {
	b.Helper()
	dst := filepath.Join(volume, t.rel)
	if dst == t.at {
		return
	}
	n := 0
	err := filepath.WalkDir(dst, func(string, fs.DirEntry, error) error {
		if n++; n > 100 {
			return fs.SkipAll
		}
		return nil
	})
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		b.Fatalf("cannot look into %s: %v", dst, err)
	case n > 100:
		b.Fatalf("%s holds more than 100 entries: not the install's own directory, left alone", dst)
	default:
		if err := os.RemoveAll(dst); err != nil {
			b.Fatalf("cannot clear %s for the data tree: %v", dst, err)
		}
	}
	if err := os.Rename(t.at, dst); err != nil {
		b.Fatalf("cannot move the data tree into the volume: %v", err)
	}
	t.at = dst
}

// starterRun is one starter of a start benchmark with its options, whose
// DataDir is its installed volume ("": none yet), and fresh, which makes
// *o's next start an install (an empty database, a new DataDir).
type starterRun struct {
	name  string
	o     *harness.Options
	fresh func(b *testing.B)
}

// appstartChown finds in appstart's summary line the stages' time and the
// chown: "ready in 263ms: ..., chown 0/100135 changed in 262ms, ...".
var appstartChown = regexp.MustCompile(`ready in ([0-9.]+m?s):.*chown (\d+)/(\d+) changed in ([0-9.]+m?s)`)

// benchBigVolume runs sub-benchmarks restart-100k-files and, cold,
// restart-100k-files-cold: each starter restarts over its installed volume
// holding the files made by files (bigTreeFiles of them, owned by owner) at
// rel. The starters are interleaved in each iteration, their order swapped
// every other one, so the machine's load falls on both alike; before each
// start (untimed) the tree moves into the starter's volume and the disk is
// synced (the previous start's writes are not the next one's), and for the
// cold rows the page, dentry and inode caches are dropped too: the restart
// of an app after the host rebooted, everything read from the disk.
// <starter>-ms/ready is each one's mean; the log has every run, with
// appstart's own chown figure.
//
// The volumes are copies, on benchDisk, of the ones the starters' install
// sub-benchmarks left (cp -a: the data, the keys, appstart's and start.sh's
// markers); a starter whose install was filtered out installs first
// (fresh, then a start), untimed. The copies and the tree are made by the
// first sub-benchmark that runs.
func benchBigVolume(b *testing.B, runs []starterRun, ready readyAnswer, rel, owner string, files func() []string) {
	disk := benchDisk(b) // b's: the sub-benchmarks share it
	var tree *volumeTree
	var big []starterRun // runs, on volumes on disk
	prepare := func(b *testing.B) {
		if tree != nil {
			return
		}
		for _, r := range runs {
			if r.o.DataDir == "" {
				r.fresh(b)
				startToReady(b, *r.o, ready)
			}
			o := *r.o
			o.DataDir = filepath.Join(disk, r.name)
			if out, err := exec.Command("cp", "-a", r.o.DataDir, o.DataDir).CombinedOutput(); err != nil {
				b.Fatalf("cannot copy the installed volume: %v\n%s", err, out)
			}
			big = append(big, starterRun{r.name, &o, nil})
		}
		tree = newVolumeTree(b, big[0].o.DataDir, rel, owner, files())
	}
	for _, cold := range []bool{false, true} {
		name := "restart-100k-files"
		if cold {
			name += "-cold"
		}
		b.Run(name, func(b *testing.B) {
			prepare(b)
			took := map[string][]time.Duration{}
			for i := 0; b.Loop(); i++ {
				order := slices.Clone(big)
				if i%2 == 1 {
					slices.Reverse(order)
				}
				var line []string
				for _, r := range order {
					b.StopTimer()
					tree.moveInto(b, r.o.DataDir)
					unix.Sync()
					if cold {
						if err := os.WriteFile("/proc/sys/vm/drop_caches", []byte("3\n"), 0o644); err != nil {
							b.Fatalf("cannot drop the caches: %v", err)
						}
					}
					b.StartTimer()
					d, out := startToReadyOutput(b, *r.o, ready)
					took[r.name] = append(took[r.name], d)
					line = append(line, fmt.Sprintf("%s %d ms", r.name, d.Milliseconds()))
					if r.o.Argv[0] != "/app/bin/appstart" {
						continue
					}
					m := appstartChown.FindStringSubmatch(out)
					if m == nil {
						b.Fatalf("%s: no chown figure in its summary line\n%s", r.name, out)
					}
					if n, _ := strconv.Atoi(m[3]); n < tree.files {
						b.Fatalf("%s: its chown visited %d entries, fewer than the tree's %d: the tree is not in the volume\n%s", r.name, n, tree.files, out)
					}
					line[len(line)-1] += fmt.Sprintf(" (its stages %s, chown %s/%s changed in %s)", m[1], m[2], m[3], m[4])
				}
				// One line per iteration: a benchmark's log is cut at 10 lines.
				b.Logf("run %d: %s", i+1, strings.Join(line, ", "))
			}
			for _, r := range big {
				var sum time.Duration
				for _, d := range took[r.name] {
					sum += d
				}
				b.ReportMetric(float64(sum.Microseconds())/1000/float64(len(took[r.name])), r.name+"-ms/ready")
			}
			b.Logf("median: %s", medians(big, took))
		})
	}
}

// medians is "appstart 1234 ms, start.sh 2345 ms".
func medians(runs []starterRun, took map[string][]time.Duration) string {
	var parts []string
	for _, r := range runs {
		d := slices.Clone(took[r.name])
		slices.Sort(d)
		parts = append(parts, fmt.Sprintf("%s %d ms", r.name, d[len(d)/2].Milliseconds()))
	}
	return strings.Join(parts, ", ")
}
