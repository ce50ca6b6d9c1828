package fsops

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// makeSeed builds an image-side defaults tree with varied modes.
func makeSeed(t *testing.T) string {
	t.Helper()
	src := filepath.Join(t.TempDir(), "defaults")
	files := map[string]os.FileMode{
		"config.json":        0o644,
		"run.sh":             0o755,
		"private/key.pem":    0o600,
		"private/sub/a.txt":  0o640,
		"themes/default.css": 0o644,
	}
	for f, mode := range files {
		writeFile(t, filepath.Join(src, f), "seed "+f)
		if err := os.Chmod(filepath.Join(src, f), mode); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(filepath.Join(src, "private"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(src, "empty"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("themes/default.css", filepath.Join(src, "current.css")); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mkfifo(filepath.Join(src, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	return src
}

func TestCopyIfMissingFresh(t *testing.T) {
	t.Parallel()
	src := makeSeed(t)
	dst := filepath.Join(t.TempDir(), "data", "app") // parents missing too
	uid, gid := -1, -1
	if os.Geteuid() == 0 {
		uid, gid = 1000, 1000
	}
	st, err := CopyIfMissing(src, dst, uid, gid)
	if err != nil {
		t.Fatal(err)
	}
	// app, config.json, run.sh, private, private/key.pem, private/sub,
	// private/sub/a.txt, themes, themes/default.css, empty, current.css
	if st.Changed != 11 || st.Visited != 12 {
		t.Errorf("stats %+v; want 11 copied (the FIFO skipped)", st)
	}
	for _, rel := range []string{"", "config.json", "run.sh", "private", "private/key.pem", "private/sub", "private/sub/a.txt", "themes", "themes/default.css", "empty"} {
		s, d := lstat(t, filepath.Join(src, rel)), lstat(t, filepath.Join(dst, rel))
		if s.Mode != d.Mode {
			t.Errorf("%s: mode %o; want %o", rel, d.Mode, s.Mode)
		}
		if uid == 1000 && (d.Uid != 1000 || d.Gid != 1000) {
			t.Errorf("%s: owner %d:%d", rel, d.Uid, d.Gid)
		}
		if s.Mode&unix.S_IFMT == unix.S_IFREG && readFile(t, filepath.Join(dst, rel)) != "seed "+rel {
			t.Errorf("%s: content differs", rel)
		}
	}
	if target, err := os.Readlink(filepath.Join(dst, "current.css")); err != nil || target != "themes/default.css" {
		t.Errorf("symlink: %q, %v", target, err)
	}
	if uid == 1000 {
		if d := lstat(t, filepath.Join(dst, "current.css")); d.Uid != 1000 {
			t.Errorf("symlink owner %d", d.Uid)
		}
		if d := lstat(t, filepath.Dir(dst)); d.Uid != 1000 || d.Mode&0o7777 != 0o755 {
			t.Errorf("created parent: owner %d mode %o", d.Uid, d.Mode&0o7777)
		}
	}
	if _, err := os.Lstat(filepath.Join(dst, "fifo")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("FIFO copied: %v", err)
	}
	// Second run: everything exists, nothing is written.
	st, err = CopyIfMissing(src, dst, uid, gid)
	if err != nil || st.Changed != 0 || st.Visited != 12 {
		t.Errorf("second run: %+v, %v; want 12 visited, 0 copied", st, err)
	}
}

// What the user has is never overwritten or entered through a link, and
// only what is missing is added.
func TestCopyIfMissingKeepsExisting(t *testing.T) {
	t.Parallel()
	src := makeSeed(t)
	base := t.TempDir()
	dst, elsewhere := filepath.Join(base, "data"), filepath.Join(base, "elsewhere")
	writeFile(t, filepath.Join(dst, "config.json"), "user edited")
	writeFile(t, filepath.Join(dst, "private", "key.pem"), "user key")
	writeFile(t, filepath.Join(dst, "run.sh", "x"), "a directory where src has a file")
	writeFile(t, filepath.Join(elsewhere, "keep"), "outside")
	if err := os.Symlink(elsewhere, filepath.Join(dst, "themes")); err != nil {
		t.Fatal(err)
	}
	st, err := CopyIfMissing(src, dst, -1, -1)
	if err != nil {
		t.Fatal(err)
	}
	// copied: private/sub, private/sub/a.txt, empty, current.css
	if st.Changed != 4 {
		t.Errorf("copied %d; want 4 (%+v)", st.Changed, st)
	}
	for p, want := range map[string]string{
		"config.json": "user edited", "private/key.pem": "user key", "run.sh/x": "a directory where src has a file",
		"private/sub/a.txt": "seed private/sub/a.txt",
	} {
		if got := readFile(t, filepath.Join(dst, p)); got != want {
			t.Errorf("%s = %q; want %q", p, got, want)
		}
	}
	assertOnly(t, elsewhere, "keep")
}

// A single file, into a missing directory; an existing file is kept.
func TestCopyIfMissingFile(t *testing.T) {
	t.Parallel()
	src := makeSeed(t)
	dst := filepath.Join(t.TempDir(), "conf", "config.json")
	st, err := CopyIfMissing(filepath.Join(src, "config.json"), dst, -1, -1)
	if err != nil || st.Changed != 1 || readFile(t, dst) != "seed config.json" {
		t.Fatalf("%+v, %v", st, err)
	}
	writeFile(t, dst, "changed")
	st, err = CopyIfMissing(filepath.Join(src, "config.json"), dst, -1, -1)
	if err != nil || st.Changed != 0 || readFile(t, dst) != "changed" {
		t.Errorf("existing file: %+v, %v, %q", st, err, readFile(t, dst))
	}
	if _, err := CopyIfMissing(filepath.Join(src, "nope"), dst, -1, -1); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing source: %v", err)
	}
	writeFile(t, filepath.Join(filepath.Dir(dst), "file"), "x")
	if _, err := CopyIfMissing(src, filepath.Join(filepath.Dir(dst), "file", "sub"), -1, -1); err == nil {
		t.Errorf("parent is a file: no error")
	}
}

// Leftovers of a killed copy (a temp file, an empty temp dir) are removed
// by the next call, which then completes the tree.
func TestCopyIfMissingRemovesStaleTemps(t *testing.T) {
	t.Parallel()
	src := makeSeed(t)
	dst := filepath.Join(t.TempDir(), "data")
	writeFile(t, filepath.Join(dst, tempName("config.json")), "half")
	if err := os.Mkdir(filepath.Join(dst, tempName("themes")), 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dst, ".notes.tmp-user-file"), "the user's own")
	if _, err := CopyIfMissing(src, dst, -1, -1); err != nil {
		t.Fatal(err)
	}
	assertOnly(t, dst, ".notes.tmp-user-file", "config.json", "current.css", "empty", "private", "run.sh", "themes")
}

func TestCopyIfMissingFullFilesystem(t *testing.T) {
	src := makeSeed(t)
	writeFile(t, filepath.Join(src, "big"), string(make([]byte, 1<<20)))
	dst := tmpfs(t, "size=256k")
	writeFile(t, filepath.Join(dst, "config.json"), "user edited")
	_, err := CopyIfMissing(src, dst, -1, -1)
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("error = %v; want ENOSPC", err)
	}
	t.Log(err)
	if got := readFile(t, filepath.Join(dst, "config.json")); got != "user edited" {
		t.Errorf("existing file changed: %q", got)
	}
	if _, err := os.Lstat(filepath.Join(dst, "big")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("half-copied file under its real name: %v", err)
	}
}
