package cgroup

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// hierarchy is where this process's memory cgroup is visible.
type hierarchy struct {
	Version int    // 1 or 2
	Mount   string // absolute mount point, the top of what can be walked
	Dir     string // absolute directory of this process's own cgroup
}

// locate finds the memory controller's hierarchy for process self (its pid
// as the cgroup files show it). The v1 memory controller wins when
// /proc/self/cgroup lists it: on a hybrid host (v1 controllers plus an
// empty v2 mount at /sys/fs/cgroup/unified, systemd's default before v247)
// the v2 side has no memory.max at all. When nothing usable is mounted, why
// says so and err is nil: a start without a cgroupfs (chroot, some
// sandboxes) must still run, with no limit.
func locate(fsys fs.FS, self int) (h hierarchy, why string, err error) {
	cg, err := fs.ReadFile(fsys, "proc/self/cgroup")
	if errors.Is(err, fs.ErrNotExist) {
		return hierarchy{}, "no /proc/self/cgroup: procfs not mounted", nil
	}
	if err != nil {
		return hierarchy{}, "", fmt.Errorf("cannot read /proc/self/cgroup: %w", err)
	}
	member := parseProcCgroup(string(cg))
	if h, ok := locateAtUsualMount(fsys, member, self); ok {
		return h, "", nil
	}
	return locateByMountinfo(fsys, member)
}

// locateByMountinfo finds the hierarchy among the mounts /proc/self/mountinfo lists.
func locateByMountinfo(fsys fs.FS, member membership) (h hierarchy, why string, err error) {
	mi, err := fs.ReadFile(fsys, "proc/self/mountinfo")
	if errors.Is(err, fs.ErrNotExist) {
		return hierarchy{}, "no /proc/self/mountinfo: procfs not mounted", nil
	}
	if err != nil {
		return hierarchy{}, "", fmt.Errorf("cannot read /proc/self/mountinfo: %w", err)
	}
	mounts := parseMountinfo(string(mi))
	if p, ok := member.v1["memory"]; ok {
		if m, ok := pick(mounts, "cgroup", "memory", p); ok {
			return hierarchy{Version: 1, Mount: m.Point, Dir: ownDir(fsys, m, p)}, "", nil
		}
	}
	if member.hasV2 {
		if m, ok := pick(mounts, "cgroup2", "", member.v2); ok {
			return hierarchy{Version: 2, Mount: m.Point, Dir: ownDir(fsys, m, member.v2)}, "", nil
		}
	}
	return hierarchy{}, "no memory cgroup mounted (neither a v1 memory nor a cgroup2 mount in /proc/self/mountinfo)", nil
}

// usualMount is where container runtimes and systemd mount each hierarchy
// (by version, 1 or 2), and a file that only a directory of that hierarchy
// has. An array, not a map: a map literal costs package init at every start.
var usualMount = [3]struct{ point, marker string }{
	1: {"/sys/fs/cgroup/memory", "memory.limit_in_bytes"},
	2: {"/sys/fs/cgroup", "cgroup.controllers"},
}

// locateAtUsualMount finds the hierarchy without /proc/self/mountinfo (the
// costliest file a start reads: the kernel writes out every mount) when it
// is mounted at its usual place, and proves it: the hierarchy's marker file
// is there, and the directory taken as the process's own cgroup lists self
// in cgroup.procs (a process is in exactly one cgroup of a hierarchy). The
// candidates are the mount point plus the cgroup path (a mount of the whole
// hierarchy) and the mount point itself (a container's own cgroup mounted
// there, or a cgroup namespace). Anything else, ok false: mountinfo decides.
func locateAtUsualMount(fsys fs.FS, member membership, self int) (h hierarchy, ok bool) {
	cgPath, v1 := member.v1["memory"]
	switch {
	case v1:
		h.Version = 1
	case member.hasV2:
		h.Version, cgPath = 2, member.v2
	default:
		return hierarchy{}, false
	}
	usual := usualMount[h.Version]
	if _, err := fs.Stat(fsys, fsPath(path.Join(usual.point, usual.marker))); err != nil {
		return hierarchy{}, false
	}
	h.Mount = usual.point
	for _, dir := range []string{path.Join(usual.point, cgPath), usual.point} {
		if under(dir, usual.point) && lists(fsys, path.Join(dir, "cgroup.procs"), self) {
			h.Dir = dir
			return h, true
		}
	}
	return hierarchy{}, false
}

// lists reports whether file (a cgroup.procs) holds pid on a line of its own.
func lists(fsys fs.FS, file string, pid int) bool {
	b, err := fs.ReadFile(fsys, fsPath(file))
	if err != nil {
		return false
	}
	want := strconv.Itoa(pid)
	for line := range strings.Lines(string(b)) {
		if strings.TrimSpace(line) == want {
			return true
		}
	}
	return false
}

// pick chooses, among the mounts of the hierarchy holding ctrl (v1) or of
// cgroup2, the one whose root contains the process's cgroup path, the most
// specific first. Failing that (a cgroup namespace whose mount root lies
// outside it shows as "/.."), the first mount stands in: its mount point is
// then taken as the process's own cgroup.
func pick(mounts []mount, fstype, ctrl, cgPath string) (mount, bool) {
	var found []mount
	for _, m := range mounts {
		if m.FSType == fstype && (ctrl == "" || slices.Contains(m.Super, ctrl)) {
			found = append(found, m)
		}
	}
	if len(found) == 0 {
		return mount{}, false
	}
	best, bestLen := found[0], -1
	for _, m := range found {
		if under(cgPath, m.Root) && len(m.Root) > bestLen {
			best, bestLen = m, len(m.Root)
		}
	}
	return best, true
}

// ownDir maps the process's cgroup path onto the mount: the part below the
// mount's root is appended to the mount point. With docker's bind mount of
// the container's own sub-hierarchy (root "/docker/<id>", cgroup path
// "/docker/<id>") that is the mount point itself; with a cgroup namespace
// both are "/". If the computed directory does not exist, the mount point is
// the best remaining guess (runc and cAdvisor fall back the same way).
func ownDir(fsys fs.FS, m mount, cgPath string) string {
	if !under(cgPath, m.Root) {
		return m.Point
	}
	dir := path.Join(m.Point, strings.TrimPrefix(cgPath, m.Root))
	if !under(dir, m.Point) {
		return m.Point
	}
	if st, err := fs.Stat(fsys, fsPath(dir)); err != nil || !st.IsDir() {
		return m.Point
	}
	return dir
}

// levels lists dir and its parents up to and including top.
func levels(dir, top string) []string {
	out := []string{dir}
	for dir != top && under(dir, top) {
		dir = path.Dir(dir)
		out = append(out, dir)
	}
	return out
}

// fsPath turns an absolute path into an fs.FS path of a filesystem rooted at "/".
func fsPath(abs string) string {
	p := strings.TrimPrefix(path.Clean(abs), "/")
	if p == "" {
		return "."
	}
	return p
}
