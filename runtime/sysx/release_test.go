package sysx

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestReadOnlyMappingTakesOnlyTheExecutablesUnwritablePrivateSegments(t *testing.T) {
	const exe = "/app/bin/appstart"
	cases := []struct {
		line   string
		ok     bool
		lo, hi uintptr
	}{
		{"00400000-0067a000 r-xp 00000000 08:01 131 /app/bin/appstart", true, 0x400000, 0x67a000},
		{"0067a000-008f6000 r--p 0027a000 08:01 131 /app/bin/appstart", true, 0x67a000, 0x8f6000},
		{"008f6000-0090f000 rw-p 004f6000 08:01 131 /app/bin/appstart", false, 0, 0}, // data: its pages may be ours
		{"00400000-0067a000 r-xs 00000000 08:01 131 /app/bin/appstart", false, 0, 0}, // shared
		{"00400000-0067a000 r-xp 00000000 08:01 131 /usr/bin/other", false, 0, 0},
		{"00400000-0067a000 r-xp 00000000 08:01 131 /app/bin/appstart (deleted)", false, 0, 0},
		{"c000000000-c000400000 rw-p 00000000 00:00 0", false, 0, 0},
		{"0067a000-00400000 r--p 0027a000 08:01 131 /app/bin/appstart", false, 0, 0}, // inverted
		{"zz-0067a000 r--p 0027a000 08:01 131 /app/bin/appstart", false, 0, 0},
	}
	for _, c := range cases {
		lo, hi, ok := readOnlyMapping([]byte(c.line), exe)
		if ok != c.ok || lo != c.lo || hi != c.hi {
			t.Errorf("%q: got %#x-%#x %v, want %#x-%#x %v", c.line, lo, hi, ok, c.lo, c.hi, c.ok)
		}
	}
}

// The test binary is itself a Go executable of several MiB whose start
// touched most of its code: releasing must leave fewer of its file pages
// resident (the test then runs on from pages mapped back on use).
func TestReleaseCodeUnmapsTheExecutablesPagesAndTheProcessRunsOn(t *testing.T) {
	before := rssFileKiB(t)
	released := ReleaseCode()
	after := rssFileKiB(t)
	if released <= 0 {
		t.Fatalf("released %d bytes of mappings, want the executable's read-only segments", released)
	}
	if after >= before {
		t.Fatalf("RssFile %d KiB after the release, %d KiB before: nothing was unmapped", after, before)
	}
	t.Logf("released %d KiB of mappings; RssFile %d -> %d KiB", released>>10, before, after)
}

func rssFileKiB(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "RssFile:"); ok {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no RssFile in /proc/self/status")
	return 0
}
