package cgroup

import (
	"bufio"
	"fmt"
	"io"
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
// one (e.g. a tmpfs put over /sys/fs/cgroup), so those are dropped.
func parseMountinfo(r io.Reader) ([]mount, error) {
	var all []mount
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		sep := slices.Index(f, "-")
		if sep < 6 || len(f) < sep+4 {
			continue
		}
		m := mount{
			Root:   unescapeMountField(f[3]),
			Point:  unescapeMountField(f[4]),
			FSType: f[sep+1],
			Super:  strings.Split(f[sep+3], ","),
		}
		all = slices.DeleteFunc(all, func(old mount) bool { return under(old.Point, m.Point) })
		all = append(all, m)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("cannot read /proc/self/mountinfo: %w", err)
	}
	return slices.DeleteFunc(all, func(m mount) bool { return m.FSType != "cgroup" && m.FSType != "cgroup2" }), nil
}

// under reports whether p is dir or inside it (both clean absolute paths).
func under(p, dir string) bool {
	return p == dir || dir == "/" || strings.HasPrefix(p, dir+"/")
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
