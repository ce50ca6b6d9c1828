package fsops

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCopyIfMissingCrash kills a seeding process with SIGKILL at 100
// random instants and checks that every file under its real name is a
// complete copy, and that the next call completes the tree and leaves no
// temp files. (10 in -short mode.)
func TestCopyIfMissingCrash(t *testing.T) {
	runs := 100
	if testing.Short() {
		runs = 10
	}
	src := filepath.Join(t.TempDir(), "defaults")
	want := map[string][]byte{}
	for d := range 3 {
		for f := range 10 {
			rel := fmt.Sprintf("dir%d/file%02d", d, f)
			data := bytes.Repeat([]byte(rel+"\n"), (1+f*f)*1000)
			want[rel] = data
			writeFile(t, filepath.Join(src, rel), string(data))
		}
	}
	dsts := t.TempDir()
	outcome := map[string]int{}
	for i := range runs {
		dst := filepath.Join(dsts, fmt.Sprint(i), "data")
		cmd, out := startHelper(t, "seed", src, dst)
		time.Sleep(time.Duration(rand.IntN(30000)) * time.Microsecond) // the kill point, not a wait
		killHelper(t, cmd)
		rest, _ := io.ReadAll(out)
		if strings.Contains(string(rest), "done") {
			outcome["finished before the kill"]++
		} else {
			outcome["killed mid-copy"]++
		}
		// Whatever exists under a real name is whole.
		partial := 0
		_ = filepath.WalkDir(dst, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return nil
			}
			rel, _ := filepath.Rel(dst, p)
			if _, ok := tempBase(d.Name()); ok {
				partial++
				return nil
			}
			if got, _ := os.ReadFile(p); !bytes.Equal(got, want[rel]) {
				t.Errorf("run %d: %s is %d bytes under its real name; want %d", i, rel, len(got), len(want[rel]))
			}
			return nil
		})
		outcome["temp files left by the kill"] += partial
		// The next start finishes the job and cleans up.
		if _, err := CopyIfMissing(src, dst, -1, -1); err != nil {
			t.Fatalf("run %d: completing: %v", i, err)
		}
		n := 0
		_ = filepath.WalkDir(dst, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if _, ok := tempBase(d.Name()); ok {
				t.Errorf("run %d: %s left after completing", i, p)
			}
			if d.Type().IsRegular() {
				n++
				rel, _ := filepath.Rel(dst, p)
				if got, _ := os.ReadFile(p); !bytes.Equal(got, want[rel]) {
					t.Errorf("run %d: %s differs after completing", i, rel)
				}
			}
			return nil
		})
		if n != len(want) {
			t.Errorf("run %d: %d files after completing; want %d", i, n, len(want))
		}
	}
	t.Logf("%d SIGKILLs of CopyIfMissing: %v", runs, outcome)
	if outcome["killed mid-copy"] == 0 {
		t.Errorf("no kill landed mid-copy: %v", outcome)
	}
}
