package proc

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"slices"
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
// included. Processes that vanish during the walk are skipped. Only
// thread-group leaders are listed, which is what kill(2) addresses.
//
// Where the kernel lists each task's children (/proc/PID/task/TID/children,
// CONFIG_PROC_CHILDREN, Debian's and most kernels) it walks down from root,
// reading only the processes below it; otherwise it reads the stat of every
// process in /proc. Outside a PID namespace of its own (a debug shell) that
// is every process of the host: ~60 ms of CPU on a host with 8,000 threads,
// at every stop.
func descendants(proc fs.FS, root int) ([]procStat, error) {
	if kids, ok := childPids(proc, root); ok {
		return walkChildren(proc, kids), nil
	}
	return scanDescendants(proc, root)
}

// walkChildren lists the processes below the given children, breadth first.
func walkChildren(proc fs.FS, kids []int) []procStat {
	var out []procStat
	seen := make(map[int]bool)
	for len(kids) > 0 {
		pid := kids[0]
		kids = kids[1:]
		if seen[pid] {
			continue
		}
		seen[pid] = true
		st, err := readStat(proc, pid)
		if err != nil {
			continue // gone since its parent listed it
		}
		out = append(out, st)
		more, _ := childPids(proc, pid) // none when it is gone
		kids = append(kids, more...)
	}
	return out
}

// childPids reads pid's children from every one of its tasks' children
// files (a child is listed under the thread that forked it, an adopted
// orphan under the thread that adopted it). ok is false when the files
// cannot be read: no such process, or a kernel without them.
func childPids(proc fs.FS, pid int) (kids []int, ok bool) {
	dir := strconv.Itoa(pid) + "/task"
	tasks, err := fs.ReadDir(proc, dir)
	if err != nil || len(tasks) == 0 {
		return nil, false
	}
	for i, t := range tasks {
		b, err := fs.ReadFile(proc, dir+"/"+t.Name()+"/children")
		if err != nil {
			if i == 0 && errors.Is(err, fs.ErrNotExist) {
				return nil, false // no children files in this kernel
			}
			continue // the thread ended since the listing
		}
		for _, f := range bytes.Fields(b) {
			if n, err := strconv.Atoi(string(f)); err == nil {
				kids = append(kids, n)
			}
		}
	}
	return kids, true
}

// scanDescendants is descendants from one walk of all of /proc.
func scanDescendants(proc fs.FS, root int) ([]procStat, error) {
	pids, err := listPids(proc)
	if err != nil {
		return nil, err
	}
	children := make(map[int][]procStat)
	for _, pid := range pids {
		if pid == root {
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

// alone reports whether /proc lists no process but self: as PID 1 of its
// namespace, nothing is left to stop. kill(-1) would find that out too, but
// by visiting every task of the host.
func alone(proc fs.FS, self int) bool {
	pids, err := listPids(proc)
	return err == nil && !slices.ContainsFunc(pids, func(pid int) bool { return pid != self })
}

// listPids lists the processes in /proc (its numeric entries).
func listPids(proc fs.FS) ([]int, error) {
	entries, err := fs.ReadDir(proc, ".")
	if err != nil {
		return nil, fmt.Errorf("cannot list processes: %w", err)
	}
	pids := make([]int, 0, len(entries))
	for _, e := range entries {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}
