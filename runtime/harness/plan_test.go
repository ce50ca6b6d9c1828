package harness

import (
	"strings"
	"testing"
)

func TestMountPlanV1(t *testing.T) {
	t.Parallel()
	o := Options{UID: 1000, GID: 1000, DataDir: "/d", Mounts: []Mount{{Source: "/src/code", Target: "/app/code"}, {Source: "/src/w", Target: "/app/w", Writable: true}}}
	cg := &Cgroup{Version: 1, Memory: "/sys/fs/cgroup/memory/x", Pids: "/sys/fs/cgroup/pids/x"}
	got := formatPlan(mountPlan(o, cg, "/s/pkg", "/s/passwd", "/s/group"))
	want := strings.Join([]string{
		"tmpfs\t-\t/run\tmode=0755,nosuid,nodev",
		"tmpfs\t-\t/tmp\tmode=1777,nosuid,nodev",
		"dir\t-\t/home/cloudron\t1000:1000:0755",
		"bind\t/d\t/app/data\trw",
		"bind\t/s/pkg\t/app/pkg\tro",
		"bind\t/src/code\t/app/code\tro",
		"bind\t/src/w\t/app/w\trw",
		"bind\t/s/passwd\t/etc/passwd\tro",
		"bind\t/s/group\t/etc/group\tro",
		"tmpfs\t-\t/sys/fs/cgroup\tmode=0755,nosuid,nodev,noexec",
		"bind\t/sys/fs/cgroup/memory/x\t/sys/fs/cgroup/memory\tro",
		"bind\t/sys/fs/cgroup/pids/x\t/sys/fs/cgroup/pids\tro",
		"remount-ro\t-\t/sys/fs/cgroup\t-",
	}, "\n") + "\n"
	if got != want {
		t.Errorf("plan:\n%s\nwant:\n%s", got, want)
	}
}

func TestMountPlanV2(t *testing.T) {
	t.Parallel()
	got := formatPlan(mountPlan(Options{UID: 1, GID: 2, DataDir: "/d"}, &Cgroup{Version: 2, Memory: "/x"}, "/p", "/pw", "/gr"))
	if !strings.HasSuffix(got, "bind\t/gr\t/etc/group\tro\ncgroup2\t-\t/sys/fs/cgroup\t-\n") {
		t.Errorf("v2 plan should end with a fresh cgroup2 mount:\n%s", got)
	}
}
