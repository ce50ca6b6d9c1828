package proc

import (
	"bytes"
	"fmt"
	"io/fs"
	"strconv"
)

// procStat is what KillAll and the tests need from /proc/PID/stat.
type procStat struct {
	Pid, PPid int
	State     byte   // R, S, D, Z, T...
	Start     uint64 // start time in clock ticks after boot: tells a recycled pid apart
}

// parseStat parses /proc/PID/stat (proc(5)). The command name, field 2, is
// in parentheses and may itself contain spaces and ")", so fields are
// counted from the LAST ")".
//
//	parseStat([]byte("42 (my (odd) name) S 1 42 42 0 -1 ... 22nd=1234 ..."))
//	// procStat{Pid: 42, PPid: 1, State: 'S', Start: 1234}
func parseStat(b []byte) (procStat, error) {
	open := bytes.IndexByte(b, '(')
	end := bytes.LastIndexByte(b, ')')
	if open < 1 || end < open {
		return procStat{}, fmt.Errorf("cannot parse stat %.40q: no (comm)", b)
	}
	pid, err := strconv.Atoi(string(bytes.TrimSpace(b[:open])))
	if err != nil {
		return procStat{}, fmt.Errorf("cannot parse stat pid: %w", err)
	}
	f := bytes.Fields(b[end+1:])
	// f[0] is field 3 (state), f[1] field 4 (ppid), f[19] field 22 (starttime).
	if len(f) < 20 || len(f[0]) != 1 {
		return procStat{}, fmt.Errorf("cannot parse stat of pid %d: %d fields after comm", pid, len(f))
	}
	ppid, err := strconv.Atoi(string(f[1]))
	if err != nil {
		return procStat{}, fmt.Errorf("cannot parse stat ppid of pid %d: %w", pid, err)
	}
	start, err := strconv.ParseUint(string(f[19]), 10, 64)
	if err != nil {
		return procStat{}, fmt.Errorf("cannot parse stat starttime of pid %d: %w", pid, err)
	}
	return procStat{Pid: pid, PPid: ppid, State: f[0][0], Start: start}, nil
}

// readStat reads and parses PID/stat from a proc filesystem.
func readStat(proc fs.FS, pid int) (procStat, error) {
	b, err := fs.ReadFile(proc, strconv.Itoa(pid)+"/stat")
	if err != nil {
		return procStat{}, err
	}
	return parseStat(b)
}

// descendants lists every process below root in the process tree, zombies
// included, from one walk of /proc. Processes that vanish during the walk
// are skipped. Only thread-group leaders are listed in /proc, which is what
// kill(2) addresses.
func descendants(proc fs.FS, root int) ([]procStat, error) {
	entries, err := fs.ReadDir(proc, ".")
	if err != nil {
		return nil, fmt.Errorf("cannot list processes: %w", err)
	}
	children := make(map[int][]procStat)
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == root {
			continue
		}
		st, err := readStat(proc, pid)
		if err != nil {
			continue // gone since the listing
		}
		children[st.PPid] = append(children[st.PPid], st)
	}
	var out []procStat
	queue := []int{root}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c.Pid)
		}
	}
	return out, nil
}
