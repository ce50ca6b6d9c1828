package stage

import (
	"fmt"
	"os"
	"sync"
	"testing"

	"appstart/runtime/proc"
)

// helperEnv makes the test binary, re-executed, play a role instead of
// running the tests (the crash test's victim: crash_test.go).
const helperEnv = "STAGE_TEST_HELPER"

var reaperOnce struct {
	sync.Once
	r   *proc.Reaper
	err error
}

// testReaper is the one Reaper of the test process, started on first use
// (a second one would steal its exits).
func testReaper(t testing.TB) *proc.Reaper {
	t.Helper()
	reaperOnce.Do(func() {
		r, err := proc.NewReaper(proc.Options{})
		if err == nil {
			err = r.Start()
		}
		reaperOnce.r, reaperOnce.err = r, err
	})
	if reaperOnce.err != nil {
		t.Fatalf("cannot start reaper: %v", reaperOnce.err)
	}
	return reaperOnce.r
}

func TestMain(m *testing.M) {
	if role := os.Getenv(helperEnv); role != "" {
		if err := runHelper(role, os.Args[1:]); err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}
