package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// procFS reads the host's /proc (os.DirFS("/proc")), from outside the
// containers: every pid here is a host pid, because /proc/PID/task/TID/children
// prints pids in the namespace of the /proc mount that is read (proc(5)).
//
// Example: procFS{os.DirFS("/proc")}.descendants(in.Pid1()) ->
// [{Pid: 4242, Comm: "sleep", State: 'S'}, ...].
type procFS struct{ fsys fs.FS }

// A proc is one line of /proc/PID/stat, the fields this program needs.
type proc struct {
	Pid   int
	Comm  string
	State byte // R, S, D, Z...
}

// children lists the children of every thread of pid: a child belongs to
// the thread that forked it, and orphans go to whichever thread of the
// reaper the kernel picks (find_new_reaper), so a Go init's children are
// spread over its threads. Zombies not yet reaped are still children.
func (p procFS) children(pid int) ([]int, error) {
	tasks, err := fs.ReadDir(p.fsys, fmt.Sprintf("%d/task", pid))
	if err != nil {
		return nil, fmt.Errorf("cannot list the threads of pid %d: %w", pid, err)
	}
	var kids []int
	for _, t := range tasks {
		data, err := fs.ReadFile(p.fsys, fmt.Sprintf("%d/task/%s/children", pid, t.Name()))
		if err != nil {
			continue // the thread ended meanwhile
		}
		for _, f := range strings.Fields(string(data)) {
			if k, err := strconv.Atoi(f); err == nil {
				kids = append(kids, k)
			}
		}
	}
	return kids, nil
}

// stat reads /proc/PID/stat. comm may hold spaces and parentheses, so the
// state is found after the LAST ')' (proc(5)).
func (p procFS) stat(pid int) (proc, error) {
	data, err := fs.ReadFile(p.fsys, fmt.Sprintf("%d/stat", pid))
	if err != nil {
		return proc{}, fmt.Errorf("cannot read the stat of pid %d: %w", pid, err)
	}
	open, close := bytes.IndexByte(data, '('), bytes.LastIndexByte(data, ')')
	if open < 0 || close < open || close+2 >= len(data) {
		return proc{}, fmt.Errorf("cannot parse the stat of pid %d: %q", pid, data)
	}
	return proc{Pid: pid, Comm: string(data[open+1 : close]), State: data[close+2]}, nil
}

// descendants walks the process tree below pid (pid itself excluded),
// skipping processes that end during the walk.
func (p procFS) descendants(pid int) ([]proc, error) {
	kids, err := p.children(pid)
	if err != nil {
		return nil, err
	}
	var out []proc
	for len(kids) > 0 {
		k := kids[0]
		kids = kids[1:]
		st, err := p.stat(k)
		if err != nil {
			continue
		}
		out = append(out, st)
		if st.State == 'Z' {
			continue // a zombie has no threads left to list
		}
		if more, err := p.children(k); err == nil {
			kids = append(kids, more...)
		}
	}
	return out, nil
}

// hasArg tells whether arg is one of pid's command-line arguments.
func (p procFS) hasArg(pid int, arg string) bool {
	data, err := fs.ReadFile(p.fsys, fmt.Sprintf("%d/cmdline", pid))
	if err != nil {
		return false
	}
	for _, a := range strings.Split(string(data), "\x00") {
		if a == arg {
			return true
		}
	}
	return false
}

// zombieChildren counts pid's children in state Z.
func (p procFS) zombieChildren(pid int) (int, error) {
	kids, err := p.children(pid)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, k := range kids {
		if st, err := p.stat(k); err == nil && st.State == 'Z' {
			n++
		}
	}
	return n, nil
}

// vmRSS is VmRSS from /proc/PID/status, in bytes.
func (p procFS) vmRSS(pid int) (int64, error) {
	v, err := p.statusBytes(pid, "VmRSS")
	return v[0], err
}

// rssParts is VmRSS split into its anonymous and file-backed pages
// (RssAnon, RssFile; RssShmem is the rest).
func (p procFS) rssParts(pid int) (anon, file int64, err error) {
	v, err := p.statusBytes(pid, "RssAnon", "RssFile")
	return v[0], v[1], err
}

// statusBytes reads the named "N kB" fields of /proc/PID/status, in bytes.
func (p procFS) statusBytes(pid int, keys ...string) ([]int64, error) {
	out := make([]int64, len(keys))
	f, err := p.fsys.Open(fmt.Sprintf("%d/status", pid))
	if err != nil {
		return out, fmt.Errorf("cannot open the status of pid %d: %w", pid, err)
	}
	defer f.Close()
	found := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		for i, key := range keys {
			rest, ok := strings.CutPrefix(sc.Text(), key+":")
			if !ok {
				continue
			}
			fields := strings.Fields(rest) // "2896", "kB"
			if len(fields) != 2 || fields[1] != "kB" {
				return out, fmt.Errorf("cannot parse %s of pid %d: %q", key, pid, rest)
			}
			kb, err := strconv.ParseInt(fields[0], 10, 64)
			if err != nil {
				return out, fmt.Errorf("cannot parse %s of pid %d: %w", key, pid, err)
			}
			out[i] = kb << 10
			found++
		}
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("cannot read the status of pid %d: %w", pid, err)
	}
	if found != len(keys) {
		return out, fmt.Errorf("cannot find %s of pid %d (a kernel thread or a zombie?)", strings.Join(keys, ", "), pid)
	}
	return out, nil
}

// exited reports whether every thread of pid has exited, so its children
// have reached their new parent. A thread's children pass first to another
// live thread of its process (find_alive_thread in kernel/exit.c), and a
// Go process has several: the leader alone being a zombie is not enough,
// the thread list must be down to it (or the pid reaped).
func (p procFS) exited(pid int) bool {
	st, err := p.stat(pid)
	if err != nil {
		return true
	}
	if st.State != 'Z' {
		return false
	}
	tasks, err := fs.ReadDir(p.fsys, fmt.Sprintf("%d/task", pid))
	return err != nil || len(tasks) <= 1
}

// countComm counts the processes named comm among ps that are not zombies.
func countComm(ps []proc, comm string) int {
	n := 0
	for _, p := range ps {
		if p.Comm == comm && p.State != 'Z' {
			n++
		}
	}
	return n
}
