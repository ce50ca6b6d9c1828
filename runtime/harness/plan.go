package harness

import (
	"fmt"
	"strings"
)

// planLine is one step setup.sh performs after the fixed skeleton (root
// tmpfs, host binds, /proc, /sys, /dev). Paths are container paths except src.
type planLine struct {
	kind string // bind | tmpfs | cgroup2 | dir | remount-ro
	src  string // host path for bind, else "-"
	dst  string
	opt  string // ro|rw for bind, mount options for tmpfs, uid:gid:mode for dir
}

// mountPlan decides what setup.sh mounts, in order. The shell only executes
// it, so the decisions stay in Go where they are tested.
//
// Example for a default container on cgroup v1 (abridged):
//
//	tmpfs  -                       /run              mode=0755,nosuid,nodev
//	tmpfs  -                       /tmp              mode=1777,nosuid,nodev
//	dir    -                       /home/cloudron    1000:1000:0755
//	bind   /tmp/TestX/001          /app/data         rw
//	bind   /tmp/TestX/002/pkg      /app/pkg          ro
//	bind   /tmp/TestX/002/passwd   /etc/passwd       ro
//	bind   /tmp/TestX/002/group    /etc/group        ro
//	tmpfs  -                       /sys/fs/cgroup    mode=0755
//	bind   /sys/fs/cgroup/memory/… /sys/fs/cgroup/memory ro
//	remount-ro -                   /sys/fs/cgroup    -
func mountPlan(o Options, cg *Cgroup, pkgDir, passwd, group string) []planLine {
	// The platform uses Docker volumes for /run and /tmp (exec allowed), not
	// Docker's noexec --tmpfs default; s6's read-only-root mode needs exec /run.
	plan := []planLine{
		{"tmpfs", "-", "/run", "mode=0755,nosuid,nodev"},
		{"tmpfs", "-", "/tmp", "mode=1777,nosuid,nodev"},
		{"dir", "-", "/home/cloudron", fmt.Sprintf("%d:%d:0755", o.UID, o.GID)},
		{"bind", o.DataDir, "/app/data", "rw"},
		{"bind", pkgDir, "/app/pkg", "ro"},
	}
	for _, m := range o.Mounts {
		opt := "ro"
		if m.Writable {
			opt = "rw"
		}
		plan = append(plan, planLine{"bind", m.Source, m.Target, opt})
	}
	plan = append(plan,
		planLine{"bind", passwd, "/etc/passwd", "ro"},
		planLine{"bind", group, "/etc/group", "ro"},
	)
	// Docker on a v1 host bind-mounts the container's own cgroup directory
	// per controller under a tmpfs /sys/fs/cgroup, so /proc/self/cgroup shows
	// the full host path and mountinfo names it as the mount's root; on v2 it
	// uses a cgroup namespace and a fresh cgroup2 mount. The harness does the same.
	if cg.Version == 2 {
		plan = append(plan, planLine{"cgroup2", "-", "/sys/fs/cgroup", "-"})
	} else {
		plan = append(plan,
			planLine{"tmpfs", "-", "/sys/fs/cgroup", "mode=0755,nosuid,nodev,noexec"},
			planLine{"bind", cg.Memory, "/sys/fs/cgroup/memory", "ro"})
		if cg.Pids != "" {
			plan = append(plan, planLine{"bind", cg.Pids, "/sys/fs/cgroup/pids", "ro"})
		}
		plan = append(plan, planLine{"remount-ro", "-", "/sys/fs/cgroup", "-"})
	}
	return plan
}

func formatPlan(plan []planLine) string {
	var b strings.Builder
	for _, l := range plan {
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\n", l.kind, l.src, l.dst, l.opt)
	}
	return b.String()
}
