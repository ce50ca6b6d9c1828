package proc

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestLookPath(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	other := filepath.Join(dir, "other")
	for _, d := range []string{bin, other, filepath.Join(bin, "subdir")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p string, mode os.FileMode) {
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), mode); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(bin, "tool"), 0o755)
	write(filepath.Join(other, "tool"), 0o755)
	write(filepath.Join(bin, "noexec"), 0o644)
	write(filepath.Join(other, "noexec"), 0o755)
	write(filepath.Join(bin, "only-noexec"), 0o644)

	for _, tc := range []struct {
		doc  string
		name string
		env  []string
		dir  string
		want string
		err  error
	}{
		{"first PATH match wins", "tool", []string{"PATH=" + bin + ":" + other}, "", filepath.Join(bin, "tool"), nil},
		{"non-executable candidates are skipped", "noexec", []string{"PATH=" + bin + ":" + other}, "", filepath.Join(other, "noexec"), nil},
		{"only a non-executable match is EACCES (126)", "only-noexec", []string{"PATH=" + bin}, "", "", syscall.EACCES},
		{"a directory is not a match", "subdir", []string{"PATH=" + bin}, "", "", syscall.EACCES},
		{"missing is ENOENT (127)", "nothere", []string{"PATH=" + bin}, "", "", syscall.ENOENT},
		{"last PATH in env wins", "tool", []string{"PATH=/nonexistent", "PATH=" + other}, "", filepath.Join(other, "tool"), nil},
		{"empty element is the working directory", "tool", []string{"PATH=:/nonexistent"}, bin, "./tool", nil},
		{"a name with a slash is used as given", "./x/y", []string{"PATH=" + bin}, "", "./x/y", nil},
		{"no PATH uses DefaultPath", "sh", nil, "", "/usr/bin/sh", nil},
		{"empty name", "", nil, "", "", syscall.ENOENT},
	} {
		got, err := lookPath(tc.name, tc.env, tc.dir)
		if got != tc.want || !errors.Is(err, tc.err) || (tc.err == nil && err != nil) {
			t.Errorf("%s: lookPath(%q) = %q, %v; want %q, %v", tc.doc, tc.name, got, err, tc.want, tc.err)
		}
	}
}
