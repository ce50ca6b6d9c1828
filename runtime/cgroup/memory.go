package cgroup

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
)

// Memory is the memory limit of the container's own cgroup.
type Memory struct {
	// Limit is the RAM limit in bytes, 0 for none: the lowest of v1
	// memory.limit_in_bytes or v2 memory.max from this process's cgroup up
	// to the top of the mounted hierarchy.
	Limit int64
	// SwapLimit is RAM+swap in bytes, 0 for none or unknown: the lowest v1
	// memory.memsw.limit_in_bytes, or on v2 Limit plus the lowest
	// memory.swap.max (which counts swap alone). Cloudron on v1 sets Limit
	// to half of the app's memoryLimit and SwapLimit to all of it.
	SwapLimit int64
	// Version is the cgroup version the limit was read from, 1 or 2; 0
	// when no memory cgroup could be found.
	Version int
	// Source is the file Limit came from (for `appstart plan`), e.g.
	// "/sys/fs/cgroup/memory/memory.limit_in_bytes"; with no limit, the
	// file read at the process's own cgroup; with no memory cgroup at all,
	// the reason, e.g. "no /proc/self/cgroup: procfs not mounted".
	Source string
}

// v1Unlimited: cgroup v1 shows "no limit" as PAGE_COUNTER_MAX pages in
// bytes, 9223372036854771712 with 4 KiB pages (a bit less than 2^63 and
// page-size dependent), so any value at or above 2^62 counts as none.
const v1Unlimited = int64(1) << 62

// ReadMemory returns the memory limit of the cgroup this process runs in,
// reading proc/self/cgroup, proc/self/mountinfo and the cgroup files from
// fsys, a filesystem rooted at "/" (os.DirFS("/") in production).
//
// A missing procfs or cgroupfs is not an error: the result then has no
// limit and Source says why. A limit file that exists but cannot be read or
// parsed is an error naming it.
//
//	// cgroup v2, /proc/self/cgroup "0::/", memory.max "536870912",
//	// memory.swap.max "0":
//	m, _ := ReadMemory(os.DirFS("/"))
//	// m == Memory{Limit: 536870912, SwapLimit: 536870912, Version: 2,
//	//             Source: "/sys/fs/cgroup/memory.max"}
func ReadMemory(fsys fs.FS) (Memory, error) {
	return readMemory(fsys, os.Getpid())
}

// readMemory is ReadMemory for the process whose pid the cgroup files show
// as self (a fixture tree's own).
func readMemory(fsys fs.FS, self int) (Memory, error) {
	h, why, err := locate(fsys, self)
	if err != nil {
		return Memory{}, err
	}
	if why != "" {
		return Memory{Source: why}, nil
	}
	if h.Version == 1 {
		return readV1(fsys, h)
	}
	return readV2(fsys, h)
}

// lowest keeps the smallest limit seen and the file it came from.
type lowest struct {
	val     int64
	limited bool   // some level had a limit (0 is one: swap.max "0")
	source  string // the file val came from
	first   string // the first file that existed, for Source with no limit
}

func (l *lowest) add(file string, val int64, limited bool) {
	if l.first == "" {
		l.first = file
	}
	if limited && (!l.limited || val < l.val) {
		l.val, l.limited, l.source = val, true, file
	}
}

// readV1 walks up with use_hierarchy semantics (Documentation/admin-guide/
// cgroup-v1/memory.rst, 6. Hierarchy support): a parent's limit binds its
// children only when the parent has memory.use_hierarchy = 1. A parent with
// 0 also has 0 above it (the kernel refuses 0 under a hierarchical parent),
// so the walk stops there. Since Linux 5.16 the flag is always 1; an absent
// file means the same.
//
// First, though, the kernel's own answer: memory.stat's
// hierarchical_memory_limit is that lowest limit over every ancestor the
// cgroup is bound by, those above the container's view included, in one
// file where the walk reads three per level.
func readV1(fsys fs.FS, h hierarchy) (Memory, error) {
	if m, ok, err := readV1Stat(fsys, h.Dir); ok || err != nil {
		return m, err
	}
	var ram, total lowest
	lv := levels(h.Dir, h.Mount)
	for i, dir := range lv {
		if err := readLevel(fsys, dir, "memory.limit_in_bytes", 1, &ram); err != nil {
			return Memory{}, err
		}
		if err := readLevel(fsys, dir, "memory.memsw.limit_in_bytes", 1, &total); err != nil {
			return Memory{}, err
		}
		if i+1 < len(lv) {
			hier, err := fs.ReadFile(fsys, fsPath(path.Join(lv[i+1], "memory.use_hierarchy")))
			if err == nil && strings.TrimSpace(string(hier)) == "0" {
				break
			}
		}
	}
	m := Memory{Version: 1, Limit: ram.val, SwapLimit: total.val, Source: ram.source}
	switch {
	case ram.first == "":
		m.Source = "no memory.limit_in_bytes in " + h.Dir
	case !ram.limited:
		m.Source = ram.first
	}
	return m, nil
}

// readV1Stat reads hierarchical_memory_limit and hierarchical_memsw_limit
// from dir's memory.stat; ok is false when it has no such line (or no
// memory.stat: a fixture tree, an odd kernel), and the walk then decides.
func readV1Stat(fsys fs.FS, dir string) (m Memory, ok bool, err error) {
	file := path.Join(dir, "memory.stat")
	b, err := fs.ReadFile(fsys, fsPath(file))
	if err != nil {
		return Memory{}, false, nil
	}
	var ram, total string
	for line := range strings.Lines(string(b)) {
		switch k, v, _ := strings.Cut(strings.TrimSpace(line), " "); k {
		case "hierarchical_memory_limit":
			ram = v
		case "hierarchical_memsw_limit":
			total = v
		}
	}
	if ram == "" {
		return Memory{}, false, nil
	}
	m = Memory{Version: 1, Source: file}
	val, limited, err := parseLimit(ram, 1)
	if err != nil {
		return Memory{}, false, fmt.Errorf("cannot parse hierarchical_memory_limit in %s: %w", file, err)
	}
	if limited {
		m.Limit, m.Source = val, file+" (hierarchical_memory_limit)"
	}
	if total != "" {
		val, limited, err := parseLimit(total, 1)
		if err != nil {
			return Memory{}, false, fmt.Errorf("cannot parse hierarchical_memsw_limit in %s: %w", file, err)
		}
		if limited {
			m.SwapLimit = val
		}
	}
	return m, true, nil
}

// readV2 takes the lowest memory.max, "max" meaning none, and adds the
// lowest memory.swap.max (cgroup-v2.rst: swap usage alone, not RAM+swap).
// A cgroup whose parent does not delegate the memory controller has no
// memory.max; that level is skipped.
func readV2(fsys fs.FS, h hierarchy) (Memory, error) {
	var ram, swap lowest
	for _, dir := range levels(h.Dir, h.Mount) {
		if err := readLevel(fsys, dir, "memory.max", 2, &ram); err != nil {
			return Memory{}, err
		}
		if err := readLevel(fsys, dir, "memory.swap.max", 2, &swap); err != nil {
			return Memory{}, err
		}
	}
	m := Memory{Version: 2, Source: ram.source}
	switch {
	case ram.first == "":
		m.Source = "no memory.max in " + h.Dir + ": memory controller not enabled for this cgroup"
	case !ram.limited:
		m.Source = ram.first
	default:
		m.Limit = ram.val
		if swap.limited {
			m.SwapLimit = ram.val + swap.val
		}
	}
	return m, nil
}

// readLevel reads one limit file of one cgroup directory into l; a missing
// file is skipped.
func readLevel(fsys fs.FS, dir, name string, version int, l *lowest) error {
	file := path.Join(dir, name)
	b, err := fs.ReadFile(fsys, fsPath(file))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot read memory limit %s: %w", file, err)
	}
	val, limited, err := parseLimit(strings.TrimSpace(string(b)), version)
	if err != nil {
		return fmt.Errorf("cannot parse memory limit %s: %w", file, err)
	}
	l.add(file, val, limited)
	return nil
}

// parseLimit reads one limit value: v2 writes "max" for none, v1 a huge
// number (or, for a value written as -1 on old kernels, -1).
func parseLimit(s string, version int) (val int64, limited bool, err error) {
	if version == 2 && s == "max" {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("%q is not a number of bytes", s)
	}
	if n < 0 || (version == 1 && n >= v1Unlimited) {
		return 0, false, nil
	}
	return n, true, nil
}
