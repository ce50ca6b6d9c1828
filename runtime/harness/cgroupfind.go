package harness

import (
	"bufio"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
)

// hierarchy is where one cgroup controller of this process lives on the host.
type hierarchy struct {
	Version int    // 1 or 2
	Mount   string // where the hierarchy is mounted, e.g. /sys/fs/cgroup/memory
	Own     string // host directory of this process's own cgroup in it
}

// cgroupLayout is what findCgroups learned about the host.
type cgroupLayout struct {
	Memory *hierarchy // nil: no memory controller reachable
	Pids   *hierarchy // nil: no pids controller reachable
}

// findCgroups locates the memory and pids controllers of the calling process
// from the texts of /proc/self/cgroup and /proc/self/mountinfo. A v1
// controller wins over v2 (on a hybrid host like Debian's with
// systemd.unified_cgroup_hierarchy=0 the v2 mount has no controllers).
//
// Example (the cgroup v1 host this package was written on):
//
//	/proc/self/cgroup:    4:memory:/process_api/2d73
//	/proc/self/mountinfo: 35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
//	result: Memory = {Version: 1, Mount: /sys/fs/cgroup/memory, Own: /sys/fs/cgroup/memory/process_api/2d73}
//
// v2 controllers are only reported when v2Controllers (the text of the v2
// mount's cgroup.controllers, read by the caller) lists them.
func findCgroups(procCgroup, mountinfo io.Reader, v2Controllers func(mount string) string) (cgroupLayout, error) {
	own := map[string]string{} // controller, or "" for v2, -> path
	sc := bufio.NewScanner(procCgroup)
	for sc.Scan() {
		// hierarchy-ID:controller-list:cgroup-path (cgroups(7))
		f := strings.SplitN(sc.Text(), ":", 3)
		if len(f) != 3 {
			continue
		}
		if f[0] == "0" && f[1] == "" {
			own[""] = f[2]
			continue
		}
		for _, c := range strings.Split(f[1], ",") {
			own[c] = f[2]
		}
	}
	if err := sc.Err(); err != nil {
		return cgroupLayout{}, fmt.Errorf("cannot read /proc/self/cgroup: %w", err)
	}
	mounts, err := parseCgroupMounts(mountinfo)
	if err != nil {
		return cgroupLayout{}, err
	}
	var layout cgroupLayout
	for _, want := range []string{"memory", "pids"} {
		h := v1Hierarchy(want, own, mounts)
		if h == nil {
			h = v2Hierarchy(want, own, mounts, v2Controllers)
		}
		if want == "memory" {
			layout.Memory = h
		} else {
			layout.Pids = h
		}
	}
	return layout, nil
}

type cgroupMount struct {
	root, point, fstype string
	opts                []string // super options
}

func parseCgroupMounts(mountinfo io.Reader) ([]cgroupMount, error) {
	var out []cgroupMount
	sc := bufio.NewScanner(mountinfo)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		// proc(5): ID parent major:minor root point options [optional...] - fstype source superoptions
		f := strings.Fields(sc.Text())
		sep := -1
		for i, s := range f {
			if s == "-" {
				sep = i
				break
			}
		}
		if sep < 5 || sep+3 > len(f) {
			continue
		}
		fstype := f[sep+1]
		if fstype != "cgroup" && fstype != "cgroup2" {
			continue
		}
		out = append(out, cgroupMount{
			root:   unescapeMountinfo(f[3]),
			point:  unescapeMountinfo(f[4]),
			fstype: fstype,
			opts:   strings.Split(f[sep+3], ","),
		})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("cannot read /proc/self/mountinfo: %w", err)
	}
	return out, nil
}

func v1Hierarchy(controller string, own map[string]string, mounts []cgroupMount) *hierarchy {
	p, ok := own[controller]
	if !ok {
		return nil
	}
	for _, m := range mounts {
		if m.fstype != "cgroup" || !slices.Contains(m.opts, controller) {
			continue
		}
		if dir, ok := hostDir(m, p); ok {
			return &hierarchy{Version: 1, Mount: m.point, Own: dir}
		}
	}
	return nil
}

func v2Hierarchy(controller string, own map[string]string, mounts []cgroupMount, v2Controllers func(string) string) *hierarchy {
	p, ok := own[""]
	if !ok || v2Controllers == nil {
		return nil
	}
	for _, m := range mounts {
		if m.fstype != "cgroup2" || !slices.Contains(strings.Fields(v2Controllers(m.point)), controller) {
			continue
		}
		if dir, ok := hostDir(m, p); ok {
			return &hierarchy{Version: 2, Mount: m.point, Own: dir}
		}
	}
	return nil
}

// hostDir maps a cgroup path to a directory under mount m. The mount's root
// is not always "/": inside a container the hierarchy is often mounted from
// the container's own cgroup (Docker on v1 does exactly this).
func hostDir(m cgroupMount, p string) (string, bool) {
	if m.root == "/" {
		return path.Join(m.point, p), true
	}
	rel, ok := strings.CutPrefix(p, m.root)
	if !ok || (rel != "" && !strings.HasPrefix(rel, "/")) {
		return "", false // our cgroup is outside what this mount shows
	}
	return path.Join(m.point, rel), true
}

// unescapeMountinfo undoes the octal escapes proc(5) uses for space, tab,
// newline and backslash in mountinfo paths.
func unescapeMountinfo(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) && isOctal(s[i+1:i+4]) {
			b.WriteByte((s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isOctal(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < '0' || s[i] > '7' {
			return false
		}
	}
	return true
}
