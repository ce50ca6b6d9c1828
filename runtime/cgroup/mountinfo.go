package cgroup

import (
	"slices"
	"strconv"
	"strings"
)

// mount is one line of /proc/self/mountinfo that matters here.
type mount struct {
	Root   string   // the directory of the mounted filesystem shown at Point
	Point  string   // absolute mount point
	FSType string   // "cgroup" (v1) or "cgroup2"
	Super  []string // super options, e.g. ["rw", "memory"]
}

// parseMountinfo returns the cgroup mounts still visible, in mountinfo
// order. The format is proc(5) "/proc/[pid]/mountinfo":
//
//	35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
//	id parent dev root point options [optional...] - fstype source super
//
// A later mount on the same point, or on a parent of it, hides the earlier
// one (e.g. a tmpfs put over /sys/fs/cgroup), so those are dropped. Only
// cgroup lines are taken apart: a host has dozens of other mounts, which
// matter only for what they hide.
func parseMountinfo(text string) []mount {
	var found []mount
	for line := range strings.Lines(text) {
		head, tail, ok := strings.Cut(strings.TrimSuffix(line, "\n"), " - ") // paths are escaped: no " - " in them
		if !ok {
			continue
		}
		f := strings.SplitN(head, " ", 6)
		if len(f) < 6 {
			continue
		}
		point := unescapeMountField(f[4])
		found = slices.DeleteFunc(found, func(old mount) bool { return under(old.Point, point) })
		t := strings.SplitN(tail, " ", 4)
		if len(t) < 3 || (t[0] != "cgroup" && t[0] != "cgroup2") {
			continue
		}
		found = append(found, mount{
			Root:   unescapeMountField(f[3]),
			Point:  point,
			FSType: t[0],
			Super:  strings.Split(t[2], ","),
		})
	}
	return found
}

// under reports whether p is dir or inside it (both clean absolute paths).
func under(p, dir string) bool {
	return p == dir || dir == "/" || (strings.HasPrefix(p, dir) && p[len(dir)] == '/')
}

// unescapeMountField undoes the octal escapes the kernel writes for space,
// tab, newline and backslash in mountinfo paths (show_mountinfo, "\040").
func unescapeMountField(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
