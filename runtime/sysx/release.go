package sysx

import (
	"bufio"
	"bytes"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// ReleaseCode unmaps the pages of the running executable's read-only
// segments (code and read-only data) from the process, and returns how many
// bytes of mappings it released. Those pages are clean file pages: they stay
// in the page cache (shared, and reclaimable under the container's memory
// limit) and the kernel maps back, on first use, the pages the process still
// runs. Called once a start is over, it leaves resident what the idle init
// uses rather than everything its start-up touched (spec, resolution,
// stages, templates), which the kernel's fault-around had mapped nearly
// whole. Writable segments are never touched: their pages may be the
// process's own.
func ReleaseCode() int64 {
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		return 0
	}
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return 0
	}
	var released int64
	sc := bufio.NewScanner(bytes.NewReader(maps))
	for sc.Scan() {
		lo, hi, ok := readOnlyMapping(sc.Bytes(), exe)
		if !ok {
			continue
		}
		// The raw call: these addresses are no Go memory, so no slice over them.
		if _, _, errno := unix.Syscall(unix.SYS_MADVISE, lo, hi-lo, unix.MADV_DONTNEED); errno == 0 {
			released += int64(hi - lo)
		}
	}
	return released
}

// readOnlyMapping parses a /proc/self/maps line ("lo-hi perms offset dev
// inode path") and says whether it is a private mapping of exe that cannot
// be written: such a mapping holds no page of the process's own.
func readOnlyMapping(line []byte, exe string) (lo, hi uintptr, ok bool) {
	f := bytes.Fields(line)
	if len(f) != 6 || string(f[5]) != exe || len(f[1]) != 4 || f[1][1] != '-' || f[1][3] != 'p' {
		return 0, 0, false
	}
	a, b, found := bytes.Cut(f[0], []byte("-"))
	if !found {
		return 0, 0, false
	}
	l, err1 := strconv.ParseUint(string(a), 16, 64)
	h, err2 := strconv.ParseUint(string(b), 16, 64)
	if err1 != nil || err2 != nil || h <= l {
		return 0, 0, false
	}
	return uintptr(l), uintptr(h), true
}
