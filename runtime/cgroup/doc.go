// Package cgroup finds the memory limit of the container appstart runs in
// and sizes worker pools from it (issue 4, "workers").
//
// Everything is read through an fs.FS rooted at "/", so tests point it at
// fixture trees and production passes the real root (sysx.NewRoot, which
// reads whole files in fewer calls; os.DirFS("/") reads the same):
//
//	m, err := cgroup.ReadMemory(os.DirFS("/"))
//	// cgroup v1 Cloudron container with memoryLimit 512 MiB:
//	// m.Limit = 268435456 (memory.limit_in_bytes, half: the platform's split)
//	// m.SwapLimit = 536870912 (memory.memsw.limit_in_bytes, RAM+swap)
//	// m.Version = 1, m.Source = "/sys/fs/cgroup/memory/memory.limit_in_bytes"
//	n := cgroup.Workers(m.Limit, 150<<20, 1, 8) // 256 MiB / 150 MiB = 1
//
// The container's own cgroup is located the way the kernel describes it
// (cgroups(7), proc(5)): /proc/self/cgroup gives this process's path in each
// hierarchy, /proc/self/mountinfo gives where each hierarchy is mounted and
// which of its directories the mount shows (the "root" field, which is not
// "/" when a runtime bind-mounts only the container's sub-hierarchy). Limits
// are taken as the lowest one from the process's cgroup up to the top of
// the visible mount, since a parent's limit binds its children.
//
// The package does not use github.com/containerd/cgroups/v3, measured
// with static builds (CGO_ENABLED=0, -trimpath -ldflags="-s -w", Go 1.26):
// a bare main is 1.67 MB; calling cgroups.Mode() makes it 1.78 MB (it pulls
// moby/sys/userns), cgroup1 5.69 MB, cgroup2 6.58 MB, both 6.84 MB
// (protobuf, dbus, ebpf, logrus; 0.68 ms of package init against 0.22 ms).
// Mode() itself cannot serve: it statfs's the fixed path /sys/fs/cgroup
// behind a process-wide sync.Once, so neither a fixture fs.FS nor a test
// can point it elsewhere, and it calls this machine's layout "Hybrid"
// without saying which side holds the memory controller. Its one reusable
// piece, ParseCgroupFromReaderUnified, rejects lines it does not know and
// is thirty lines; leaves import only the standard library (ARCHITECTURE.md).
package cgroup
