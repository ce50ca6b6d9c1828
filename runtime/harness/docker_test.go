package harness_test

import (
	"strings"
	"testing"
	"time"

	"appstart/runtime/harness"
)

// A scratch image holding only a static busybox runs the way the platform
// runs apps: read-only root, tmpfs /run and /tmp, a named volume, a memory
// limit. `docker stop` ends it with its TERM trap (exit 0, not Docker's
// SIGKILL 137), writes to / fail, and the volume keeps data for a second run.
func TestDockerScratchBusybox(t *testing.T) {
	t.Parallel()
	requireBusybox(t)
	d := harness.Docker(t)
	img := d.BuildScratchImage("busybox", harness.BusyboxFiles(),
		[]string{"/bin/sh", "-c", `trap "exit 0" TERM; echo up; while :; do sleep 0.1; done`})
	vol := d.Volume()
	opts := harness.RunOptions{Image: img, ReadOnly: true, Tmpfs: []string{"/run", "/tmp"},
		Volumes: []string{vol + ":/app/data"}, Memory: "256m"}

	c := d.RunContainer(opts)
	c.WaitForOutput("up", wait)
	if r := c.Exec("/bin/sh", "-c", "echo x >/probe"); r.ExitCode == 0 || !strings.Contains(r.Stderr, "Read-only file system") {
		t.Errorf("a write to / succeeded or failed for another reason: %+v", r)
	}
	if r := c.Exec("/bin/sh", "-c", "echo kept >/app/data/f && echo x >/run/f && echo x >/tmp/f"); r.ExitCode != 0 {
		t.Errorf("writes to /app/data, /run and /tmp: %+v", r)
	}
	stop := c.Stop(10 * time.Second)
	t.Logf("docker stop took %v", stop.Duration)
	if stop.ExitCode != 0 {
		t.Errorf("docker stop: exit %d, want 0 from the TERM trap (137 means it was SIGKILLed)", stop.ExitCode)
	}

	opts.Args = []string{"/bin/sh", "-c", "cat /app/data/f"}
	again := d.RunContainer(opts)
	if code := again.Wait(wait); code != 0 {
		t.Fatalf("second run: exit %d", code)
	}
	again.WaitForOutput("kept", wait)
}

func TestPlatformRunOptions(t *testing.T) {
	t.Parallel()
	o := harness.PlatformRunOptions("img", "vol")
	if !o.ReadOnly || o.Memory != "128m" || o.MemorySwap != "256m" || o.Volumes[0] != "vol:/app/data" ||
		strings.Join(o.Tmpfs, ",") != "/run,/tmp" {
		t.Errorf("%+v", o)
	}
}
