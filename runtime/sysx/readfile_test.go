package sysx

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestReadFileReadsWhatOsReadFileReads(t *testing.T) {
	dir := t.TempDir()
	big := bytes.Repeat([]byte("0123456789abcdef"), 10000) // past the first buffer, several growths
	files := map[string][]byte{"empty": nil, "small": []byte("256\n"), "big": big,
		"page": big[:4096], "page+1": big[:4097]} // the first read's stack buffer, full and overflowing
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := ReadFile(p)
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s: got %d bytes, %v; want %d bytes", name, len(got), err, len(data))
		}
	}
	// procfs reports size 0: only reading to the end gets it all.
	want, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile("/proc/self/maps")
	if err != nil || len(got) < len(want)/2 {
		t.Errorf("/proc/self/maps: %d bytes, %v; os.ReadFile read %d", len(got), err, len(want))
	}
}

func TestReadFileErrorsAsOsDoes(t *testing.T) {
	_, err := ReadFile("/nonexistent/appstart")
	var pe *fs.PathError
	if !errors.Is(err, fs.ErrNotExist) || !errors.As(err, &pe) || pe.Path != "/nonexistent/appstart" {
		t.Errorf("missing file: %v", err)
	}
	if _, err := ReadFile(t.TempDir()); err == nil {
		t.Error("read a directory without an error")
	}
	if _, err := NewRoot().ReadFile("/etc/passwd"); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("Root.ReadFile of a rooted name: %v, want fs.ErrInvalid (fs.FS names are relative)", err)
	}
	if b, err := fs.ReadFile(NewRoot(), "proc/self/status"); err != nil || !bytes.Contains(b, []byte("Name:")) {
		t.Errorf("fs.ReadFile through Root: %v", err)
	}
}

func TestReadHeadReadsAtMostN(t *testing.T) {
	p := filepath.Join(t.TempDir(), "script")
	if err := os.WriteFile(p, []byte("#!/bin/sh\necho hi\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for n, want := range map[int]string{2: "#!", 10: "#!/bin/sh\n", 100: "#!/bin/sh\necho hi\n"} {
		if got, err := ReadHead(p, n); err != nil || string(got) != want {
			t.Errorf("ReadHead(%d) = %q, %v; want %q", n, got, err, want)
		}
	}
	big := filepath.Join(t.TempDir(), "big")
	if err := os.WriteFile(big, bytes.Repeat([]byte("x"), 20000), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{4095, 4096, 4097, 9000, 20000, 30000} {
		if got, err := ReadHead(big, n); err != nil || len(got) != min(n, 20000) {
			t.Errorf("ReadHead(%d) of 20000 bytes = %d bytes, %v", n, len(got), err)
		}
	}
	if _, err := ReadHead(p+".missing", 2); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
}

func TestRootStatsAsDirFSDoes(t *testing.T) {
	root := NewRoot()
	for _, name := range []string{"proc/self", "etc/passwd", "no/such/file"} {
		got, gerr := fs.Stat(root, name)
		want, werr := fs.Stat(os.DirFS("/"), name)
		if (gerr == nil) != (werr == nil) || gerr == nil && (got.IsDir() != want.IsDir() || got.Mode() != want.Mode()) {
			t.Errorf("Stat(%q) = %v, %v; os.DirFS gives %v, %v", name, got, gerr, want, werr)
		}
	}
	if _, err := fs.Stat(root, "/etc"); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("Stat of an absolute name: %v, want fs.ErrInvalid", err)
	}
}

// sysinfo's total RAM is meminfo's MemTotal, to the byte.
func TestTotalRAMIsMemTotal(t *testing.T) {
	got, err := TotalRAM()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			f := strings.Fields(rest)
			kb, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil || len(f) != 2 || f[1] != "kB" {
				t.Fatalf("cannot parse %q", line)
			}
			if got != kb<<10 {
				t.Errorf("TotalRAM = %d, MemTotal = %d", got, kb<<10)
			}
			return
		}
	}
	t.Fatal("no MemTotal in /proc/meminfo")
}

// OpenFile's file reads, writes and fails as os.OpenFile's does.
func TestOpenFileActsAsOsOpenFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	f, err := OpenFile(p, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("pid\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, %v; want 0600", fi.Mode(), err)
	}
	if b, err := os.ReadFile(p); err != nil || string(b) != "pid\n" {
		t.Errorf("content %q, %v", b, err)
	}
	_, err = OpenFile(p+".missing", os.O_RDONLY, 0)
	_, werr := os.OpenFile(p+".missing", os.O_RDONLY, 0)
	if !errors.Is(err, fs.ErrNotExist) || err.Error() != werr.Error() {
		t.Errorf("missing file: %v; os.OpenFile says %v", err, werr)
	}
}
