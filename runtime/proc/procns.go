package proc

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"syscall"
	"time"

	"appstart/runtime/sysx"
)

// ForeignProcMsg is what appstart says at start when its /proc shows
// another PID namespace than its own.
const ForeignProcMsg = "/proc belongs to another PID namespace (mount a new proc: unshare --mount-proc); leftover processes will not be found"

// procProblem says why proc cannot be trusted to list this process's
// descendants, or "" when it can (issue 14). After `unshare --pid --fork`
// without --mount-proc, /proc still shows the parent namespace: its pid 1
// is the host's init, and "descendants of pid 1" there are the host's
// processes, which KillAll would then wait for (and, not as PID 1, signal
// by numbers that mean other processes in our namespace).
//
// A procfs shows pids in the namespace it was mounted in, so
// /proc/self/status's NSpid line (Linux 4.1+) lists one pid when that is
// our namespace and more when it is an ancestor's; without NSpid, the pid
// in /proc/self/stat must be getpid(). No /proc/self at all (a procfs of
// an unrelated namespace has none for us) is foreign too.
//
// As PID 1 one readlink says it: /proc/self names 1 exactly when the procfs
// is of our namespace, since in an ancestor's our pid is another (its own
// init holds 1 there). A fresh procfs makes a status read cost ~40 µs.
func procProblem(proc fs.FS, self int) string {
	if self == 1 {
		if target, err := fs.ReadLink(proc, "self"); err == nil {
			if target == "1" {
				return ""
			}
			return ForeignProcMsg
		}
	}
	status, _ := fs.ReadFile(proc, "self/status") // unreadable: self/stat decides
	for _, line := range bytes.Split(status, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte("NSpid:")); ok {
			if f := bytes.Fields(v); len(f) != 1 || string(f[0]) != strconv.Itoa(self) {
				return ForeignProcMsg
			}
			return ""
		}
	}
	b, err := fs.ReadFile(proc, "self/stat")
	var st procStat
	if err == nil {
		st, err = parseStat(b)
	}
	if err != nil {
		if entries, lerr := fs.ReadDir(proc, "."); lerr != nil || len(entries) == 0 {
			return fmt.Sprintf("/proc cannot be read (%v); leftover processes will not be found", err)
		}
		return ForeignProcMsg
	}
	if st.Pid != self {
		return ForeignProcMsg
	}
	return ""
}

// killAllBlind is KillAll without a usable /proc: nothing read from it is
// signalled or waited for. As PID 1, kill(-1) still reaches exactly our
// namespace, and kill(-1, 0) failing with ESRCH says nobody is left
// (kill(2): -1 is every process but init and the caller), so leftovers are
// stopped as usual; it returns 1 when something needed SIGKILL (the count
// is unknown). Otherwise there is no way to find them: nothing is done.
func (r *Reaper) killAllBlind(grace time.Duration) (int, error) {
	if os.Getpid() != 1 {
		return 0, nil
	}
	anyone := func() bool { return !errors.Is(sysx.Kill(-1, 0), syscall.ESRCH) }
	if err := killEveryone(syscall.SIGTERM); err != nil {
		return 0, err
	}
	_ = killEveryone(syscall.SIGCONT)
	deadline := time.Now().Add(grace)
	for anyone() {
		if !r.waitReap(deadline) {
			if err := killEveryone(syscall.SIGKILL); err != nil {
				return 1, err
			}
			deadline = time.Now().Add(killAllAfterKill)
			for anyone() {
				if !r.waitReap(deadline) {
					return 1, errors.New("cannot kill remaining processes: some still alive after SIGKILL")
				}
			}
			return 1, nil
		}
	}
	return 0, nil
}
