package fsops

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// readDirents must return every entry of a directory that takes several
// getdents64 calls, with the right d_type, and never "." or "..".
func TestReadDirents(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var want []string
	for i := range 600 { // ~600 * 220 bytes: several 32 KiB reads
		name := fmt.Sprintf("%03d-%s", i, strings.Repeat("n", 200))
		want = append(want, name)
		if i%100 == 0 {
			if err := os.Mkdir(filepath.Join(dir, name), 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fd, err := openDirAt(unix.AT_FDCWD, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	var got []string
	calls := 0
	err = readDirents(fd, make([]byte, direntBufSize), func(name string, typ byte) error {
		got = append(got, name)
		wantType := byte(unix.DT_REG)
		if strings.HasPrefix(name, "000") || name[1:3] == "00" {
			wantType = unix.DT_DIR
		}
		if typ != wantType && typ != unix.DT_UNKNOWN {
			t.Errorf("%s: d_type %d; want %d", name[:3], typ, wantType)
		}
		calls++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("readDirents returned %d names; want %d", len(got), len(want))
	}
}

func TestTempBase(t *testing.T) {
	t.Parallel()
	name := tempName("config.json")
	if b, ok := tempBase(name); !ok || b != "config.json" {
		t.Errorf("tempBase(%q) = %q, %v", name, b, ok)
	}
	if !isTempOf(name, "config.json") || isTempOf(name, "config.jso") {
		t.Errorf("isTempOf wrong for %q", name)
	}
	long := strings.Repeat("x", 250)
	if !isTempOf(tempName(long), long) {
		t.Errorf("isTempOf fails for a shortened temp name")
	}
	for _, s := range []string{"config.json", ".config.json.tmp-", ".a.tmp-0123456789abcdeg", "a.tmp-0123456789abcdef", ".tmp-0123456789abcdef"} {
		if _, ok := tempBase(s); ok {
			t.Errorf("tempBase(%q) accepted a user's name", s)
		}
	}
}
