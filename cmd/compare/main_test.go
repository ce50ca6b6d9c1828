package main

import (
	"io"
	"os"
	"strings"
	"testing"

	"appstart/runtime/harness"
)

func TestParseFlags(t *testing.T) {
	t.Parallel()
	c, err := parseFlags([]string{"-only", "rss,zombies", "-orphans", "100"}, io.Discard)
	if err != nil || c.only != "rss,zombies" || c.orphans != 100 || c.latencyRuns != 300 {
		t.Fatalf("parseFlags = %+v, %v", c, err)
	}
	for _, bad := range [][]string{
		{"-only", "rss,speed"},
		{"-log-modes", "line,8k"},
		{"-log-line-size", "10"},
		{"extra"},
	} {
		if _, err := parseFlags(bad, io.Discard); err == nil {
			t.Errorf("parseFlags(%q) accepted", bad)
		}
	}
	if code := run([]string{"-only", "nope"}, io.Discard, io.Discard); code != 2 {
		t.Errorf("run with a bad flag = %d, want 2", code)
	}
	var stderr strings.Builder
	if code := run([]string{"-peers", "s6"}, io.Discard, &stderr); code != 2 || !strings.Contains(stderr.String(), "s6") {
		t.Errorf("run -peers s6 = %d, %q", code, stderr.String())
	}
}

// TestMain lets the test binary serve as the helper, as the compare
// executable does: it is what the containers below run.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == helperArg {
		os.Exit(runHelper(os.Args[2:]))
	}
	code := m.Run()
	removeGoFloor()
	os.Exit(code)
}

func testBench(t *testing.T, c config) *bench {
	t.Helper()
	harness.Require(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return &bench{cfg: c, helper: exe, proc: procFS{os.DirFS("/proc")}, log: io.Discard}
}
