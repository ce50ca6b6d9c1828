package cgroup

import "strings"

// membership is what /proc/self/cgroup says about this process.
//
// Example (this package's development machine, cgroup v1 with a v2 mount
// that holds no controllers):
//
//	4:memory:/process_api/7a72
//	0::/
//
// gives v1["memory"] = "/process_api/7a72", v2 = "/", hasV2 = true.
type membership struct {
	v1    map[string]string // v1 controller (or "name=systemd") -> cgroup path
	v2    string            // path in the unified hierarchy
	hasV2 bool
}

// parseProcCgroup reads the format of cgroups(7), "/proc/[pid]/cgroup":
// hierarchy-ID:controller-list:cgroup-path, where ID 0 with an empty
// controller list is the v2 hierarchy. Malformed lines are skipped rather
// than failing: a kernel adding a field must not stop a container start.
func parseProcCgroup(text string) membership {
	m := membership{v1: map[string]string{}}
	for line := range strings.Lines(text) {
		id, rest, ok := strings.Cut(strings.TrimSuffix(line, "\n"), ":")
		if !ok {
			continue
		}
		ctrls, p, ok := strings.Cut(rest, ":") // the path may itself hold ':'
		if !ok {
			continue
		}
		if id == "0" && ctrls == "" {
			m.v2, m.hasV2 = p, true
			continue
		}
		for _, c := range strings.Split(ctrls, ",") {
			if c != "" {
				m.v1[c] = p
			}
		}
	}
	return m
}
