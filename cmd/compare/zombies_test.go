package main

import (
	"os/exec"
	"testing"
	"time"

	"appstart/runtime/harness"
)

// The zombie measurement sees zombies where PID 1 never reaps (the
// no-reap helper: the negative control) and none where it does (tini).
func TestZombiesInHarness(t *testing.T) {
	t.Parallel()
	b := testBench(t, config{orphans: 200, zombieWait: 1500 * time.Millisecond})
	harness.RequireCommands(t, "busybox") // the orphans are /bin/busybox true
	r, err := b.zombiesOnce(peer{kind: kindNoReap})
	if err != nil {
		t.Fatal(err)
	}
	if r.ok || r.leftAt1s != 200 || r.left != 200 {
		t.Errorf("no reaper as PID 1: %+v; want all 200 zombies left, never cleared", r)
	}
	tini, err := exec.LookPath("tini")
	if err != nil {
		harness.SkipOrFail(t, "tini is not installed: %v", err)
	}
	r, err = b.zombiesOnce(peer{kind: kindTini, path: tini})
	if err != nil {
		t.Fatal(err)
	}
	if !r.ok || r.leftAt1s != 0 {
		t.Errorf("tini as PID 1: %+v; want cleared, 0 left", r)
	}
}
