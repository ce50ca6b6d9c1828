package cgroup

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// MachineMemory returns the machine's RAM in bytes, MemTotal of
// proc/meminfo in fsys (a filesystem rooted at "/"). The workers stage uses
// it on a fixture tree when the cgroup has no limit and the spec gives no
// `unlimited` size; on the real root it asks sysinfo(2) (sysx.TotalRAM).
//
//	// proc/meminfo: "MemTotal:       24684096 kB"
//	n, _ := MachineMemory(os.DirFS("/")) // 25276514304
func MachineMemory(fsys fs.FS) (int64, error) {
	b, err := fs.ReadFile(fsys, "proc/meminfo")
	if err != nil {
		return 0, fmt.Errorf("cannot read /proc/meminfo: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("cannot parse /proc/meminfo: MemTotal line %q", sc.Text())
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || kb <= 0 || kb > 1<<53 {
			return 0, fmt.Errorf("cannot parse /proc/meminfo: MemTotal line %q", sc.Text())
		}
		return kb << 10, nil
	}
	return 0, fmt.Errorf("cannot parse /proc/meminfo: no MemTotal line")
}
