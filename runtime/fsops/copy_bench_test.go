package fsops

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// seedTree makes dirs*files small files (1 KiB) under a new directory in base.
func seedTree(b *testing.B, base string, dirs, files int) string {
	b.Helper()
	src, err := os.MkdirTemp(base, "seed-src")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(src) })
	data := make([]byte, 1024)
	for d := range dirs {
		dir := filepath.Join(src, fmt.Sprintf("d%03d", d))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		for f := range files {
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%04d", f)), data, 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	return src
}

// BenchmarkCopyIfMissing seeds 1,000 files of 1 KiB in 10 directories
// into an empty directory and over a complete copy (the every-restart
// case), against `cp -rn` (no fsync, no temp names), on the disk-backed
// temp dir and on tmpfs (/dev/shm), which separates the code's cost from
// the filesystem's.
//
//	go test -run '^$' -bench CopyIfMissing -benchtime 5x ./runtime/fsops/
func BenchmarkCopyIfMissing(b *testing.B) {
	for _, base := range []string{os.TempDir(), "/dev/shm"} {
		if _, err := os.Stat(base); err != nil {
			continue
		}
		src := seedTree(b, base, 10, 100)
		name := map[bool]string{true: "disk", false: "tmpfs"}[base == os.TempDir()]
		fresh := func(b *testing.B, copy func(dst string)) {
			for b.Loop() {
				b.StopTimer()
				dst, err := os.MkdirTemp(base, "seed-dst")
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				copy(filepath.Join(dst, "data"))
				b.StopTimer()
				os.RemoveAll(dst)
				b.StartTimer()
			}
		}
		for _, workers := range []int{1, copyWorkers} {
			b.Run(fmt.Sprintf("%s/fresh/appstart-%dworkers", name, workers), func(b *testing.B) {
				fresh(b, func(dst string) {
					if st, err := copyIfMissing(src, dst, -1, -1, workers); err != nil || st.Changed != 1011 {
						b.Fatal(st, err)
					}
				})
			})
		}
		b.Run(name+"/fresh/cp-rn", func(b *testing.B) {
			fresh(b, func(dst string) {
				if out, err := exec.Command("cp", "-rn", src, dst).CombinedOutput(); err != nil {
					b.Fatal(string(out), err)
				}
			})
		})
		dst, err := os.MkdirTemp(base, "seed-dst")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { os.RemoveAll(dst) })
		if _, err := CopyIfMissing(src, filepath.Join(dst, "data"), -1, -1); err != nil {
			b.Fatal(err)
		}
		b.Run(name+"/complete/appstart", func(b *testing.B) {
			for b.Loop() {
				if st, err := CopyIfMissing(src, filepath.Join(dst, "data"), -1, -1); err != nil || st.Changed != 0 {
					b.Fatal(st, err)
				}
			}
		})
		b.Run(name+"/complete/cp-rn", func(b *testing.B) {
			for b.Loop() {
				if out, err := exec.Command("cp", "-rnT", src, filepath.Join(dst, "data")).CombinedOutput(); err != nil {
					b.Fatal(string(out), err)
				}
			}
		})
	}
}
