package main

import (
	"testing"
	"time"

	"appstart/runtime/harness"
)

// The go-floor peer does the jobs it is measured on: as PID 1 it reaps a
// burst of orphans, and SIGTERM ends it with its program's 143 (it
// forwards, it does not translate a requested stop into 0 as appstart does).
func TestGoFloorInHarness(t *testing.T) {
	t.Parallel()
	b := testBench(t, config{orphans: 200, zombieWait: 3 * time.Second})
	harness.RequireCommands(t, "busybox") // the orphans are /bin/busybox true
	path, err := buildGoFloor()
	if err != nil {
		t.Fatal(err)
	}
	p := peer{kind: kindGoFloor, path: path}
	z, err := b.zombiesOnce(p)
	if err != nil {
		t.Fatal(err)
	}
	if !z.ok || z.leftAt1s != 0 {
		t.Errorf("go-floor as PID 1: %+v; want cleared, 0 left", z)
	}
	j := job{programs: sleepers(2)}
	r, err := b.stopOnce(p, j, "sleep", 2, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !r.exited || r.code != 143 {
		t.Errorf("go-floor after SIGTERM: %+v; want exited with 143", r)
	}
}
