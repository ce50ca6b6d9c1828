package fsops

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

func TestWriteFileAtomicNewAndReplace(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "secret")
	if err := WriteFileAtomic(p, []byte("one"), 0o600, -1, -1); err != nil {
		t.Fatal(err)
	}
	old := lstat(t, p)
	if err := WriteFileAtomic(p, []byte("two, longer"), 0o640, -1, -1); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, p); got != "two, longer" {
		t.Errorf("content %q", got)
	}
	st := lstat(t, p)
	if st.Mode&0o7777 != 0o640 {
		t.Errorf("mode %o; want 640 exactly (umask must not apply)", st.Mode&0o7777)
	}
	if st.Ino == old.Ino {
		t.Errorf("same inode: the file was rewritten in place, not replaced")
	}
	assertOnly(t, dir, "secret")
}

func TestWriteFileAtomicOwnerAndSetID(t *testing.T) {
	requireRoot(t)
	t.Parallel()
	p := filepath.Join(t.TempDir(), "tool")
	if err := WriteFileAtomic(p, []byte("#!/bin/sh\n"), 0o4750|fs.ModeSetuid, 1000, 1001); err != nil {
		t.Fatal(err)
	}
	st := lstat(t, p)
	if st.Uid != 1000 || st.Gid != 1001 {
		t.Errorf("owner %d:%d; want 1000:1001", st.Uid, st.Gid)
	}
	if st.Mode&0o7777 != 0o4750 {
		t.Errorf("mode %o; want 4750 (set-id bit kept: chmod after chown)", st.Mode&0o7777)
	}
	// -1 leaves the owner: a file written by root stays root's.
	if err := WriteFileAtomic(p, []byte("x"), 0o644, -1, 1002); err != nil {
		t.Fatal(err)
	}
	if st := lstat(t, p); st.Uid != 0 || st.Gid != 1002 {
		t.Errorf("owner %d:%d; want 0:1002", st.Uid, st.Gid)
	}
}

// A link planted at the target name is replaced, not written through.
func TestWriteFileAtomicDoesNotFollowLink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	writeFile(t, victim, "precious")
	p := filepath.Join(dir, "secret")
	if err := os.Symlink(victim, p); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(p, []byte("s3cret"), 0o600, -1, -1); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, victim); got != "precious" {
		t.Errorf("link target rewritten: %q", got)
	}
	if st := lstat(t, p); st.Mode&unix.S_IFMT != unix.S_IFREG {
		t.Errorf("%s is not a regular file now", p)
	}
}

func TestWriteFileAtomicErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	err := WriteFileAtomic(filepath.Join(dir, "nodir", "f"), []byte("x"), 0o600, -1, -1)
	if err == nil || !strings.HasPrefix(err.Error(), "cannot write "+filepath.Join(dir, "nodir", "f")+": ") || !errors.Is(err, syscall.ENOENT) {
		t.Errorf("missing directory: error = %v", err)
	}
	if err := WriteFileAtomic(dir+"/", []byte("x"), 0o600, -1, -1); err == nil {
		t.Errorf("no file name: no error")
	}
}

// A full filesystem fails the write cleanly: the old file is intact and no
// temp file is left (issue 4: "a full /app/data ... leave what was there
// intact").
func TestWriteFileAtomicFullFilesystem(t *testing.T) {
	dir := tmpfs(t, "size=64k")
	p := filepath.Join(dir, "secret")
	if err := WriteFileAtomic(p, []byte("old"), 0o600, -1, -1); err != nil {
		t.Fatal(err)
	}
	err := WriteFileAtomic(p, bytes.Repeat([]byte("x"), 1<<20), 0o600, -1, -1)
	if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "cannot write "+p) {
		t.Fatalf("error = %v; want ENOSPC naming %s", err, p)
	}
	if got := readFile(t, p); got != "old" {
		t.Errorf("old content lost: %q", got)
	}
	assertOnly(t, dir, "secret")
}

func TestWriteFileAtomicReadOnly(t *testing.T) {
	dir := tmpfs(t, "size=64k")
	p := filepath.Join(dir, "secret")
	writeFile(t, p, "old")
	if err := unix.Mount("", dir, "", unix.MS_REMOUNT|unix.MS_RDONLY, ""); err != nil {
		t.Fatal(err)
	}
	err := WriteFileAtomic(p, []byte("new"), 0o600, -1, -1)
	if !errors.Is(err, syscall.EROFS) || !strings.Contains(err.Error(), "cannot write "+p) {
		t.Fatalf("error = %v; want EROFS naming %s", err, p)
	}
	if got := readFile(t, p); got != "old" {
		t.Errorf("old content lost: %q", got)
	}
}

func TestTempNameFitsNameMax(t *testing.T) {
	t.Parallel()
	if n := len(tempName(strings.Repeat("a", 255))); n > 255 {
		t.Errorf("temp name of a 255-byte name is %d bytes", n)
	}
	// Two calls, not one expression twice: tempName is random.
	if a, b := tempName("x"), tempName("x"); a == b {
		t.Errorf("temp names repeat: %s", a)
	}
}

// FileMode and UnixMode are inverses over the bits chmod(2) takes.
func TestFileModeInvertsUnixMode(t *testing.T) {
	t.Parallel()
	for _, u := range []uint32{0, 0o640, 0o755, 0o2750, 0o4755, 0o1777, 0o7777} {
		if got := UnixMode(FileMode(u)); got != u {
			t.Errorf("UnixMode(FileMode(%#o)) = %#o", u, got)
		}
	}
	if got := FileMode(0o100640); got != 0o640 {
		t.Errorf("FileMode of a regular file's st_mode = %v, want -rw-r-----", got)
	}
}
