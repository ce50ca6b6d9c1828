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
