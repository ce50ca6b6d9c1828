package harness_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"appstart/runtime/harness"
)

// What a program inside sees: its cgroup path, the root of the memory mount
// (Docker on v1 mounts the container's own directory there), and the limits.
const readCgroupScript = `
if [ -e /sys/fs/cgroup/cgroup.controllers ]; then
	echo "v2 $(cat /proc/self/cgroup)"
	echo "ram $(cat /sys/fs/cgroup/memory.max)"
	echo "swap $(cat /sys/fs/cgroup/memory.swap.max 2>/dev/null || echo none)"
else
	echo "path $(grep ':memory:' /proc/self/cgroup | cut -d: -f3)"
	echo "root $(awk '$5 == "/sys/fs/cgroup/memory" {print $4}' /proc/self/mountinfo)"
	echo "ram $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)"
	echo "total $(cat /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes 2>/dev/null || echo none)"
fi`

func TestMemoryLimitReadsBackInside(t *testing.T) {
	t.Parallel()
	requireBusybox(t)
	c := harness.Run(t, harness.Options{Argv: sh(readCgroupScript), MemoryLimit: 200 << 20})
	r := c.Wait(wait)
	cg := c.Cgroup()
	var want []string
	if cg.Version == 2 {
		want = []string{"v2 0::/", "ram 104857600"}
		if cg.Swap {
			want = append(want, "swap 104857600")
		}
	} else {
		want = []string{"path " + cg.Path, "root " + cg.Path, "ram 104857600"}
		if cg.Swap {
			want = append(want, "total 209715200")
		}
	}
	for _, w := range want {
		if !strings.Contains(r.Stdout, w+"\n") {
			t.Errorf("want %q inside, got:\n%s%s", w, r.Stdout, r.Stderr)
		}
	}
	if cg.Version == 1 && !strings.Contains(cg.Memory, cg.Path) {
		t.Errorf("cgroup path %s inside is not the host directory %s", cg.Path, cg.Memory)
	}
}

// The default is the platform's: a 256 MiB manifest limit, half of it RAM.
func TestDefaultMemoryLimitIsThePlatforms(t *testing.T) {
	t.Parallel()
	requireBusybox(t)
	c := harness.Run(t, harness.Options{Argv: sh(readCgroupScript)})
	r := c.Wait(wait)
	if cg := c.Cgroup(); cg.RAM != 128<<20 || cg.Total != 256<<20 {
		t.Errorf("limits %d/%d, want 128 MiB RAM of 256 MiB", cg.RAM, cg.Total)
	}
	if !strings.Contains(r.Stdout, "ram 134217728\n") {
		t.Errorf("inside: %s", r.Stdout)
	}
}

// The limit is real: filling tmpfs past it gets the writer OOM-killed
// (tmpfs pages are charged to the writer's cgroup, and RAM = RAM+swap leaves
// nothing to swap to), while the same write in an unlimited container succeeds.
func TestMemoryLimitIsEnforced(t *testing.T) {
	t.Parallel()
	requireBusybox(t)
	const fill = `dd if=/dev/zero of=/run/fill bs=1M count=64 2>/dev/null; echo "dd=$?"`
	limited := harness.Run(t, harness.Options{Argv: sh(fill), MemoryLimit: 32 << 20, RAMLimit: 32 << 20})
	r := limited.Wait(wait)
	if strings.Contains(r.Stdout, "dd=0") {
		t.Errorf("64 MiB fitted into a 32 MiB container: %+v", r)
	}
	// The kernel's own count: the OOM killer ran inside the cgroup.
	cg := limited.Cgroup()
	file := "memory.oom_control" // v1
	if cg.Version == 2 {
		file = "memory.events"
	}
	text, err := os.ReadFile(filepath.Join(cg.Memory, file))
	if err != nil {
		t.Fatal(err)
	}
	if kills := oomKills(string(text)); kills == 0 {
		t.Errorf("%s reports no OOM kill:\n%s", file, text)
	}
	unlimited := harness.Run(t, harness.Options{Argv: sh(fill), MemoryLimit: harness.Unlimited})
	if r := unlimited.Wait(wait); r.Stdout != "dd=0\n" {
		t.Errorf("negative control: without a limit the write should succeed: %+v", r)
	}
}

func TestPidsLimit(t *testing.T) {
	t.Parallel()
	requireBusybox(t)
	c := harness.Run(t, harness.Options{PidsLimit: 8, Argv: sh(
		`cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max; i=0; while [ $i -lt 12 ]; do sleep 1000 & i=$((i+1)); done`)})
	r := c.Wait(wait)
	if !strings.HasPrefix(r.Stdout, "8\n") {
		t.Errorf("pids.max inside: %q", r.Stdout)
	}
	if !strings.Contains(r.Stderr, "can't fork") {
		t.Errorf("12 children under pids.max 8 should fail to fork, stderr %q", r.Stderr)
	}
}

// oomKills reads the "oom_kill N" line of memory.oom_control (v1) or
// memory.events (v2).
func oomKills(text string) int {
	for _, line := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(line, "oom_kill "); ok {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	return 0
}
