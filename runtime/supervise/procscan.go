package supervise

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Strays walks /proc for appstart's children that carry program's marker:
// orphans reparented to it (PID 1, or a subreaper), which the supervisor
// did not start itself (its own processes are its children too; the
// caller leaves out the pids it knows). Zombies are left out: they are
// dead already and the reaper collects them.
func (SystemProcesses) Strays(program string) []Stray {
	return strays("/proc", os.Getpid(), program)
}

func strays(procDir string, self int, program string) []Stray {
	ents, err := os.ReadDir(procDir)
	if err != nil {
		return nil
	}
	var out []Stray
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		b, err := os.ReadFile(procDir + "/" + e.Name() + "/stat")
		if err != nil {
			continue // gone since the listing
		}
		state, ppid, pgrp, ok := statFields(b)
		if !ok || ppid != self || state == 'Z' || state == 'X' {
			continue
		}
		env, err := readEnviron(procDir, pid)
		if err != nil {
			continue
		}
		if start, ok := markerIn(env, program); ok {
			out = append(out, Stray{Pid: pid, Pgrp: pgrp, Start: start})
		}
	}
	return out
}

// statFields reads the state, ppid and pgrp of a /proc/PID/stat line,
// counting from the last ')' as the command name may hold anything.
//
//	statFields([]byte("80 (sleep) S 1 80 80 0 ...")) == 'S', 1, 80, true
func statFields(stat []byte) (state byte, ppid, pgrp int, ok bool) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, 0, 0, false
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 3 || len(f[0]) != 1 {
		return 0, 0, 0, false
	}
	ppid, err1 := strconv.Atoi(f[1])
	pgrp, err2 := strconv.Atoi(f[2])
	if err1 != nil || err2 != nil {
		return 0, 0, 0, false
	}
	return f[0][0], ppid, pgrp, true
}

// markerIn finds program's marker in a NUL-separated environment.
func markerIn(env []byte, program string) (int, bool) {
	prefix := []byte(MarkerEnv + "=")
	for kv := range bytes.SplitSeq(env, []byte{0}) {
		v, ok := bytes.CutPrefix(kv, prefix)
		if !ok {
			continue
		}
		if name, start, ok := parseMarker(string(v)); ok && name == program {
			return start, true
		}
	}
	return 0, false
}

// readEnviron reads /proc/PID/environ. Reading another user's environ takes
// CAP_SYS_PTRACE, which Docker does not grant, unless the reader's
// filesystem ids are the target's own ids (ptrace(2), "Ptrace access mode
// checking", PTRACE_MODE_FSCREDS). So when root is refused, it reads again
// as the process's own user, with setfsuid(2) on one thread.
func readEnviron(procDir string, pid int) ([]byte, error) {
	path := procDir + "/" + strconv.Itoa(pid) + "/environ"
	b, err := os.ReadFile(path)
	if err == nil || !errors.Is(err, fs.ErrPermission) || os.Geteuid() != 0 {
		return b, err
	}
	uid, gid, ok := soleIDs(procDir, pid)
	if !ok {
		return nil, err
	}
	return readFileAs(path, uid, gid)
}

// soleIDs returns the uid and gid of pid when its real, effective, saved
// and filesystem ids are one uid and one gid, the only case the ptrace
// check lets a reader with those ids through.
func soleIDs(procDir string, pid int) (uid, gid int, ok bool) {
	b, err := os.ReadFile(procDir + "/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0, false
	}
	one := func(key string) (int, bool) {
		for line := range strings.SplitSeq(string(b), "\n") {
			v, found := strings.CutPrefix(line, key+":")
			if !found {
				continue
			}
			f := strings.Fields(v)
			if len(f) != 4 || f[0] != f[1] || f[0] != f[2] || f[0] != f[3] {
				return 0, false
			}
			n, err := strconv.Atoi(f[0])
			return n, err == nil
		}
		return 0, false
	}
	uid, ok1 := one("Uid")
	gid, ok2 := one("Gid")
	return uid, gid, ok1 && ok2 && uid != 0
}

// readFileAs opens path with filesystem ids uid and gid and reads it.
// setfsuid(2) changes only the calling thread, so it runs on a goroutine
// locked to its thread; should the ids not come back to root's, the
// goroutine ends still locked and the Go runtime ends the thread with it.
func readFileAs(path string, uid, gid int) ([]byte, error) {
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		prevGid, _ := unix.SetfsgidRetGid(gid)
		prevUid, _ := unix.SetfsuidRetUid(uid)
		f, err := os.Open(path)
		unix.SetfsuidRetUid(prevUid)
		unix.SetfsgidRetGid(prevGid)
		// An invalid id changes nothing and returns the current one.
		u, _ := unix.SetfsuidRetUid(-1)
		g, _ := unix.SetfsgidRetGid(-1)
		if u == prevUid && g == prevGid {
			runtime.UnlockOSThread()
		}
		if err != nil {
			done <- result{nil, err}
			return
		}
		defer f.Close()
		var buf bytes.Buffer
		_, err = buf.ReadFrom(f)
		done <- result{buf.Bytes(), err}
	}()
	r := <-done
	return r.b, r.err
}
