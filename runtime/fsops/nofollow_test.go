package fsops

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// A link planted in a parent directory is refused, by every writer that
// goes through OpenDirNoFollow; the same path without the link works
// (control).
func TestParentLinksAreNotFollowed(t *testing.T) {
	dir := t.TempDir() // under /tmp, a trusted root
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.MkdirAll(filepath.Join(victim, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(dir, "conf")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "real"), 0o755); err != nil {
		t.Fatal(err)
	}

	_, err := OpenDirNoFollow(filepath.Join(dir, "conf"))
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "conf")+" is a symbolic link") {
		t.Fatalf("OpenDirNoFollow through a link: %v", err)
	}
	if err := WriteFileAtomic(filepath.Join(dir, "conf", "x"), []byte("pwned"), 0o644, -1, -1); err == nil {
		t.Fatal("WriteFileAtomic wrote through a linked parent")
	}
	if _, err := os.Stat(filepath.Join(victim, "x")); !os.IsNotExist(err) {
		t.Fatalf("the victim directory got the file: %v", err)
	}
	if _, err := Chown(filepath.Join(dir, "conf", "sub"), 4242, 4242); err == nil {
		t.Fatal("Chown walked through a linked parent")
	}
	if st, err := os.Stat(filepath.Join(victim, "sub")); err != nil || st.Sys().(*syscall.Stat_t).Uid == 4242 {
		t.Fatalf("the victim directory was chowned: %v", err)
	}
	if err := CheckNoSymlinks(filepath.Join(dir, "conf", "y")); err == nil {
		t.Fatal("CheckNoSymlinks passed a linked parent")
	}

	// Control: a real directory works for all of them.
	fd, err := OpenDirNoFollow(filepath.Join(dir, "real"))
	if err != nil {
		t.Fatal(err)
	}
	unix.Close(fd)
	if err := WriteFileAtomic(filepath.Join(dir, "real", "x"), []byte("ok"), 0o644, -1, -1); err != nil {
		t.Fatal(err)
	}
	if err := CheckNoSymlinks(filepath.Join(dir, "real", "x")); err != nil {
		t.Fatal(err)
	}
}

// A trusted root that is itself a link (an image that points a persistent
// directory elsewhere) is followed once listed by SetTrustedRoots, and
// refused before; a link below it is refused either way (issue 15 item 1:
// the roots are the spec's, passed in).
func TestSetTrustedRoots(t *testing.T) {
	old := TrustedRoots()
	t.Cleanup(func() { SetTrustedRoots(old) })
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	if err := os.MkdirAll(filepath.Join(real, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	pg := filepath.Join(dir, "pgdata")
	if err := os.Symlink(real, pg); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(real, "sub"), filepath.Join(real, "planted")); err != nil {
		t.Fatal(err)
	}

	SetTrustedRoots(nil)
	if err := WriteFileAtomic(filepath.Join(pg, "sub", "x"), []byte("1"), 0o644, -1, -1); err == nil ||
		!strings.Contains(err.Error(), pg+" is a symbolic link") {
		t.Fatalf("not a root yet: %v", err)
	}
	SetTrustedRoots([]string{"/app/data", "/run", "/tmp", pg})
	if got := TrustedRoots(); len(got) != 4 || got[3] != pg {
		t.Fatalf("TrustedRoots = %q", got)
	}
	if err := WriteFileAtomic(filepath.Join(pg, "sub", "x"), []byte("1"), 0o644, -1, -1); err != nil {
		t.Fatalf("a listed root: %v", err)
	}
	if _, err := os.Stat(filepath.Join(real, "sub", "x")); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(filepath.Join(pg, "planted", "y"), []byte("1"), 0o644, -1, -1); err == nil {
		t.Fatal("a link below a root was followed")
	}
}
