package fsops

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"appstart/runtime/harness/skip"
)

// Issue 14 item 10: a hard link the app user made inside the tree to a
// root-owned file outside it (possible where fs.protected_hardlinks=0) is
// not chowned, so the file outside keeps root; a file with two links that
// already has the target owner is fine and counted as nothing to do; a
// plain file next to them is changed, so the walk did run.
func TestChownLeavesForeignHardLinksAlone(t *testing.T) {
	requireRoot(t)
	t.Parallel()
	base := t.TempDir()
	root, outside := filepath.Join(base, "data"), filepath.Join(base, "etc")
	writeFile(t, filepath.Join(outside, "shadow"), "root:*:")
	writeFile(t, filepath.Join(root, "plain"), "x")
	if err := os.MkdirAll(filepath.Join(root, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(filepath.Join(outside, "shadow"), filepath.Join(root, "sub", "shadow")); err != nil {
		t.Fatal(err)
	}
	// Two links, both in the tree, already the target's.
	writeFile(t, filepath.Join(root, "mine"), "m")
	if err := os.Lchown(filepath.Join(root, "mine"), 1000, 1000); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(filepath.Join(root, "mine"), filepath.Join(root, "mine2")); err != nil {
		t.Fatal(err)
	}

	st, err := Chown(root, 1000, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if got := lstat(t, filepath.Join(outside, "shadow")); got.Uid != 0 || got.Gid != 0 {
		t.Errorf("the root-owned file outside the tree is now %d:%d: chowned through a hard link", got.Uid, got.Gid)
	}
	if st.Linked != 1 || st.LinkedPath != filepath.Join(root, "sub", "shadow") {
		t.Errorf("Linked %d (%q), want 1 (%s)", st.Linked, st.LinkedPath, filepath.Join(root, "sub", "shadow"))
	}
	for _, p := range []string{"plain", "mine", "mine2", "sub"} {
		if got := lstat(t, filepath.Join(root, p)); got.Uid != 1000 || got.Gid != 1000 {
			t.Errorf("%s is %d:%d, want 1000:1000", p, got.Uid, got.Gid)
		}
	}
	// The second run has nothing left to change, and says the same.
	st, err = Chown(root, 1000, 1000)
	if err != nil || st.Changed != 0 || st.Linked != 1 {
		t.Errorf("second run: %+v, %v; want nothing changed and the link still left", st, err)
	}
}

// Issue 14 item 1: a directory in Keep (by identity) is neither changed
// nor entered, whether the walk meets it by its own name, through a bind
// mount of it elsewhere in the tree, or as the root given; the rest of the
// tree is changed, and KeepRoot leaves the parent walked from as it was.
// Seeding into the tree adds nothing to it either.
func TestChownAndSeedLeaveKeptDirectoryAlone(t *testing.T) {
	requireRoot(t)
	t.Parallel()
	run := tmpfs(t, "mode=0755")
	own := filepath.Join(run, "appstart")
	writeFile(t, filepath.Join(own, "x.lock"), "1\n")
	if err := os.Chmod(own, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(run, "app", "a"), "a")
	id, err := IDOf(own)
	if err != nil {
		t.Fatal(err)
	}
	keep := []FileID{id}
	check := func(when string) {
		t.Helper()
		for _, p := range []string{own, filepath.Join(own, "x.lock")} {
			if got := lstat(t, p); got.Uid != 0 || got.Gid != 0 {
				t.Errorf("%s: %s is %d:%d, want root's", when, p, got.Uid, got.Gid)
			}
		}
		if fi, _ := os.Lstat(own); fi.Mode().Perm() != 0o700 {
			t.Errorf("%s: %s mode %v, want 0700", when, own, fi.Mode())
		}
	}

	st, err := ChownWith(run, 1000, 1000, ChownOptions{Keep: keep, KeepRoot: true})
	if err != nil {
		t.Fatal(err)
	}
	check("chown of the parent")
	if got := lstat(t, run); got.Uid != 0 {
		t.Errorf("with KeepRoot the parent became uid %d: its owner could rename the kept directory away", got.Uid)
	}
	if got := lstat(t, filepath.Join(run, "app", "a")); got.Uid != 1000 || st.Kept != 1 {
		t.Errorf("app/a uid %d, Kept %d: want 1000 and 1 (the walk ran and met the kept directory)", got.Uid, st.Kept)
	}
	// Negative control: without Keep the same walk does change it.
	other := tmpfs(t, "mode=0755")
	writeFile(t, filepath.Join(other, "appstart", "x.lock"), "1\n")
	if _, err := Chown(other, 1000, 1000); err != nil {
		t.Fatal(err)
	}
	if got := lstat(t, filepath.Join(other, "appstart", "x.lock")); got.Uid != 1000 {
		t.Fatalf("without Keep the lock stays uid %d: the check above cannot fail", got.Uid)
	}

	// A bind mount of it inside the tree, and the directory as the root.
	bind := filepath.Join(run, "app", "bound")
	if err := os.Mkdir(bind, 0o755); err != nil {
		t.Fatal(err)
	}
	mountBind(t, own, bind)
	if _, err := ChownWith(filepath.Join(run, "app"), 1000, 1000, ChownOptions{Keep: keep}); err != nil {
		t.Fatal(err)
	}
	check("chown through a bind mount")
	if _, err := ChownWith(own, 1000, 1000, ChownOptions{Keep: keep}); err != nil {
		t.Fatal(err)
	}
	check("chown of the directory itself")

	// Seeding the parent adds nothing inside.
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "appstart", "planted"), "p")
	writeFile(t, filepath.Join(src, "app", "new"), "n")
	if _, err := CopyIfMissingKeep(src, run, 1000, 1000, keep); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(own, "planted")); err == nil {
		t.Error("seed added a file to the kept directory")
	}
	if _, err := os.Lstat(filepath.Join(run, "app", "new")); err != nil {
		t.Errorf("seed did not copy the rest: %v", err)
	}
	check("seed")
}

// mountBind binds src on dst until the test ends.
func mountBind(t *testing.T, src, dst string) {
	t.Helper()
	if err := unix.Mount(src, dst, "", unix.MS_BIND, ""); err != nil {
		skip.OrFail(t, "cannot bind-mount: %v", err)
	}
	t.Cleanup(func() {
		if err := unix.Unmount(dst, unix.MNT_DETACH); err != nil {
			t.Errorf("cannot unmount %s: %v", dst, err)
		}
	})
}
