package fsops

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"appstart/runtime/harness/skip"
)

// makeTree builds a small tree owned by root: dirs, files, an empty dir,
// a FIFO, and symlinks to a root-owned file and directory outside it.
// It returns the tree, the outside directory and the tree's entry count.
func makeTree(t *testing.T) (root, outside string, entries int) {
	t.Helper()
	base := t.TempDir()
	root, outside = filepath.Join(base, "data"), filepath.Join(base, "etc")
	writeFile(t, filepath.Join(outside, "shadow"), "root:*:")
	for _, f := range []string{"a", "d1/b", "d1/d2/c", "d1/d2/d3/d", "d4/e"} {
		writeFile(t, filepath.Join(root, f), f)
	}
	if err := os.Mkdir(filepath.Join(root, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mkfifo(filepath.Join(root, "d1/fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{
		"d1/shadow-link": filepath.Join(outside, "shadow"), // the attack of issue 4
		"etc-link":       outside,
		"dangling":       "/nonexistent",
	} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	// root, a, d1, d1/b, d1/d2, d1/d2/c, d1/d2/d3, d1/d2/d3/d, d4, d4/e,
	// empty, d1/fifo, d1/shadow-link, etc-link, dangling
	return root, outside, 15
}

// owners returns uid:gid of every entry under root (lstat, no following).
func owners(t *testing.T, root string) map[string][2]uint32 {
	t.Helper()
	out := map[string][2]uint32{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		st := lstat(t, p)
		out[p] = [2]uint32{st.Uid, st.Gid}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestChown(t *testing.T) {
	requireRoot(t)
	t.Parallel()
	root, outside, n := makeTree(t)
	st, err := Chown(root, 1000, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if st.Visited != n || st.Changed != n {
		t.Errorf("first run: %+v; want %d visited and changed", st, n)
	}
	for p, o := range owners(t, root) {
		if o != [2]uint32{1000, 1000} {
			t.Errorf("%s owned by %v", p, o)
		}
	}
	// Nothing followed: the link targets keep root as owner.
	for p, o := range owners(t, outside) {
		if o != [2]uint32{0, 0} {
			t.Errorf("symlink followed: %s outside the tree now owned by %v", p, o)
		}
	}
	// Idempotent, and the second run writes nothing.
	st, err = Chown(root, 1000, 1000)
	if err != nil || st.Visited != n || st.Changed != 0 {
		t.Errorf("second run: %+v, %v; want %d visited, 0 changed", st, err, n)
	}
	// -1 keeps that id.
	st, err = Chown(root, -1, 33)
	if err != nil || st.Changed != n {
		t.Errorf("gid only: %+v, %v", st, err)
	}
	if o := owners(t, root)[filepath.Join(root, "d1/d2/c")]; o != [2]uint32{1000, 33} {
		t.Errorf("gid only: owner %v; want 1000:33", o)
	}
}

func TestChownExcept(t *testing.T) {
	requireRoot(t)
	t.Parallel()
	root, _, n := makeTree(t)
	// d1 holds 8 entries (d1 itself included).
	st, err := ChownExcept(root, 1000, 1000, []string{filepath.Join(root, "d1") + "/"})
	if err != nil || st.Changed != n-8 {
		t.Errorf("ChownExcept: %+v, %v; want %d changed", st, err, n-8)
	}
	if o := owners(t, root)[filepath.Join(root, "d1/d2/c")]; o != [2]uint32{0, 0} {
		t.Errorf("excluded subtree changed: %v", o)
	}
	if o := owners(t, root)[filepath.Join(root, "d4/e")]; o != [2]uint32{1000, 1000} {
		t.Errorf("rest not changed: %v", o)
	}
}

// A root that is a symlink is changed itself, never its target; a root
// that is a file is just that file.
func TestChownRootLinkOrFile(t *testing.T) {
	requireRoot(t)
	t.Parallel()
	root, outside, _ := makeTree(t)
	st, err := Chown(filepath.Join(root, "etc-link"), 1000, 1000)
	if err != nil || st.Visited != 1 || st.Changed != 1 {
		t.Errorf("link root: %+v, %v", st, err)
	}
	for p, o := range owners(t, outside) {
		if o != [2]uint32{0, 0} {
			t.Errorf("link root followed: %s now %v", p, o)
		}
	}
	st, err = Chown(filepath.Join(root, "a"), 1000, 1000)
	if err != nil || st.Visited != 1 || st.Changed != 1 {
		t.Errorf("file root: %+v, %v", st, err)
	}
}

// A directory swapped for a symlink between the listing and the descent
// (the race an app user could try) is lchown'ed as a link, not entered.
func TestChownDirSwappedForLink(t *testing.T) {
	requireRoot(t)
	t.Parallel()
	root, outside, _ := makeTree(t)
	fd, err := openDirAt(unix.AT_FDCWD, root)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	w := chowner{uid: 1000, gid: 1000, buf: make([]byte, direntBufSize), dev: lstat(t, root).Dev}
	// "etc-link" stands for a directory the listing saw as DT_DIR.
	if err := w.subdir(fd, "etc-link", filepath.Join(root, "etc-link")); err != nil {
		t.Fatal(err)
	}
	if w.stats.Changed != 1 || owners(t, root)[filepath.Join(root, "etc-link")] != [2]uint32{1000, 1000} {
		t.Errorf("swapped link not lchown'ed: %+v", w.stats)
	}
	for p, o := range owners(t, outside) {
		if o != [2]uint32{0, 0} {
			t.Errorf("swapped link followed: %s now %v", p, o)
		}
	}
}

// A filesystem mounted inside the tree is not crossed; the negative control
// shows its entries could be changed when asked directly.
func TestChownStaysOnFilesystem(t *testing.T) {
	root, _, n := makeTree(t)
	mnt := filepath.Join(root, "d4", "mnt")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	mounted := tmpfsAt(t, mnt, "size=1m")
	writeFile(t, filepath.Join(mounted, "inner"), "x")
	st, err := Chown(root, 1000, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if st.Changed != n {
		t.Errorf("changed %d; want the %d entries of the tree's own filesystem", st.Changed, n)
	}
	for _, p := range []string{mnt, filepath.Join(mnt, "inner")} {
		if o := owners(t, p)[p]; o != [2]uint32{0, 0} {
			t.Errorf("crossed into the mount: %s now %v", p, o)
		}
	}
	st, err = Chown(mnt, 1000, 1000)
	if err != nil || st.Changed != 2 {
		t.Errorf("negative control: Chown of the mount itself: %+v, %v; want 2 changed", st, err)
	}
}

// A read-only tree gives an error naming the entry, with errno kept.
func TestChownReadOnly(t *testing.T) {
	dir := tmpfs(t, "size=1m")
	writeFile(t, filepath.Join(dir, "sub", "f"), "x")
	if err := unix.Mount("", dir, "", unix.MS_REMOUNT|unix.MS_RDONLY, ""); err != nil {
		t.Fatal(err)
	}
	_, err := Chown(dir, 1000, 1000)
	if !errors.Is(err, syscall.EROFS) || !strings.HasPrefix(err.Error(), "cannot chown "+dir+": fchown: ") {
		t.Errorf("error = %v; want EROFS naming %s", err, dir)
	}
	_, err = Chown(filepath.Join(dir, "missing"), 1000, 1000)
	if !errors.Is(err, syscall.ENOENT) {
		t.Errorf("missing root: error = %v", err)
	}
}

// tmpfsAt mounts a tmpfs on an existing directory (see tmpfs).
func tmpfsAt(t *testing.T, dir, options string) string {
	t.Helper()
	requireRoot(t)
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, options); err != nil {
		skip.OrFail(t, "cannot mount a tmpfs: %v", err)
	}
	t.Cleanup(func() {
		if err := unix.Unmount(dir, unix.MNT_DETACH); err != nil {
			t.Errorf("cannot unmount %s: %v", dir, err)
		}
	})
	return dir
}
