package fsops

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// makeWideTree adds to makeTree's tree what makes the walk parallel: 30
// directories three deep with files, and one directory of 2,500 files with
// long names, which takes several getdents64 results (handed to idle
// workers). Inside it are the things each worker must leave alone: a
// mount, a kept directory, an excepted one and a hard link to a root-owned
// file outside. It returns the tree, the outside directory, the paths left
// alone and the number of entries the walk changes.
func makeWideTree(t *testing.T) (root, outside string, alone []string, changed int, keep FileID) {
	t.Helper()
	root, outside, changed = makeTree(t)
	for i := range 30 {
		writeFile(t, filepath.Join(root, fmt.Sprintf("w%02d/x/y/f", i)), "f")
		writeFile(t, filepath.Join(root, fmt.Sprintf("w%02d/g", i)), "g")
		changed += 5 // w, x, y, f, g
	}
	big := filepath.Join(root, "big")
	if err := os.Mkdir(big, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range 2500 {
		fd, err := unix.Open(filepath.Join(big, fmt.Sprintf("%04d-%s", i, strings.Repeat("n", 100))), unix.O_CREAT|unix.O_WRONLY|unix.O_CLOEXEC, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		unix.Close(fd)
	}
	changed += 2501
	kept := filepath.Join(big, "w07", "kept")
	writeFile(t, filepath.Join(kept, "lock"), "1")
	mnt := filepath.Join(root, "w11", "x", "mnt")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	tmpfsAt(t, mnt, "size=1m")
	writeFile(t, filepath.Join(mnt, "inner"), "i")
	writeFile(t, filepath.Join(root, "w12", "except", "e"), "e")
	if err := os.Link(filepath.Join(outside, "shadow"), filepath.Join(root, "w13", "x", "shadow")); err != nil {
		t.Fatal(err)
	}
	changed++ // big/w07 (its kept directory is not)
	id, err := IDOf(kept)
	if err != nil {
		t.Fatal(err)
	}
	return root, outside, []string{kept, filepath.Join(kept, "lock"), mnt, filepath.Join(mnt, "inner"),
		filepath.Join(root, "w12", "except"), filepath.Join(root, "w12", "except", "e"),
		filepath.Join(root, "w13", "x", "shadow")}, changed, id
}

// The parallel walk keeps every rule of the one-goroutine walk on a tree
// wide and big enough to be shared among workers: each entry changed once
// (the counts add up), no link followed, no mount entered, the kept and
// excepted directories and the foreign hard link left alone; and it gives
// the same counts as the walk of one worker on the same tree, and as the
// walk with fstatat where statx is missing (chown_sys.go); a DryRun first
// counts the same and changes nothing.
func TestChownParallelKeepsTheRules(t *testing.T) {
	requireRoot(t)
	for _, workers := range []int{16, 1, -16} {
		name := fmt.Sprintf("workers-%d", workers)
		if workers < 0 {
			name = fmt.Sprintf("workers-%d-fstatat", -workers)
		}
		t.Run(name, func(t *testing.T) {
			defer func(old int) { chownWorkers = old }(chownWorkers)
			chownWorkers = workers
			if workers < 0 {
				chownWorkers = -workers
				noStatx.Store(true)
				defer noStatx.Store(false)
			}
			root, outside, alone, changed, keep := makeWideTree(t)
			except := []string{filepath.Join(root, "w12", "except")}
			// DryRun counts what the walk below changes, and changes nothing.
			dry, err := ChownWith(root, 1000, 1000, ChownOptions{Except: except, Keep: []FileID{keep}, DryRun: true})
			if err != nil || dry.Changed != changed || dry.Linked != 1 {
				t.Errorf("dry run: %+v, %v; want %d would change, 1 linked", dry, err, changed)
			}
			if got := lstat(t, filepath.Join(root, "big")); got.Uid != 0 {
				t.Fatalf("dry run changed %s/big to uid %d", root, got.Uid)
			}
			st, err := ChownWith(root, 1000, 1000, ChownOptions{Except: except, Keep: []FileID{keep}})
			if err != nil {
				t.Fatal(err)
			}
			if st.Changed != changed || st.Kept != 1 || st.Linked != 1 {
				t.Errorf("%+v; want %d changed, 1 kept, 1 linked", st, changed)
			}
			left := map[string]bool{}
			for _, p := range alone {
				left[p] = true
				if got := lstat(t, p); got.Uid != 0 {
					t.Errorf("%s is uid %d; want it left alone", p, got.Uid)
				}
			}
			n := 0
			for p, o := range owners(t, root) {
				if !left[p] && !strings.HasPrefix(p, filepath.Join(root, "w11", "x", "mnt")+"/") {
					n++
					if o != [2]uint32{1000, 1000} {
						t.Errorf("%s owned by %v", p, o)
					}
				}
			}
			if n != changed {
				t.Errorf("%d entries owned by 1000; want %d", n, changed)
			}
			for p, o := range owners(t, outside) {
				if o != [2]uint32{0, 0} {
					t.Errorf("followed out of the tree: %s now %v", p, o)
				}
			}
			again, err := ChownWith(root, 1000, 1000, ChownOptions{Except: except, Keep: []FileID{keep}})
			if err != nil || again.Changed != 0 || again.Visited != st.Visited {
				t.Errorf("second run: %+v, %v; want 0 changed of %d", again, err, st.Visited)
			}
		})
	}
}

// A failure deep in a shared walk (a read-only bind mount of the same
// filesystem, so the walk enters it) stops the walk with that entry's
// error, and every descriptor the workers had queued is closed.
func TestChownParallelFailureClosesDescriptors(t *testing.T) {
	root := tmpfs(t, "size=8m")
	for i := range 40 {
		writeFile(t, filepath.Join(root, fmt.Sprintf("d%02d/e/f", i)), "f")
	}
	ro := filepath.Join(root, "d17", "e")
	mountBind(t, ro, ro)
	if err := unix.Mount("", ro, "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY, ""); err != nil {
		t.Fatal(err)
	}
	before := openFDs(t)
	_, err := Chown(root, 1000, 1000)
	if !errors.Is(err, syscall.EROFS) || !strings.Contains(err.Error(), ro) {
		t.Errorf("error = %v; want EROFS naming %s", err, ro)
	}
	if after := openFDs(t); after != before {
		t.Errorf("%d descriptors open after the failed walk; %d before", after, before)
	}
}

func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}
