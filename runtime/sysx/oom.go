package sysx

import (
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// WriteOOMScoreAdj sets /proc/PID/oom_score_adj (proc(5)) for pid, or for
// the calling process when pid is 0. adj runs from -1000 (never chosen by
// the OOM killer) to 1000 (chosen first); lowering it needs
// CAP_SYS_RESOURCE. An init keeps itself low and its programs at the
// default so that, at the cgroup's memory limit, the kernel kills a
// program the supervisor can restart rather than the supervisor.
//
//	sysx.WriteOOMScoreAdj(0, -900)
func WriteOOMScoreAdj(pid, adj int) error {
	if adj < -1000 || adj > 1000 {
		return fmt.Errorf("cannot set oom_score_adj to %d: out of range -1000..1000", adj)
	}
	path := "/proc/self/oom_score_adj"
	if pid != 0 {
		path = "/proc/" + strconv.Itoa(pid) + "/oom_score_adj"
	}
	// O_WRONLY without O_CREAT or O_TRUNC: /proc files exist or the pid is
	// gone. Raw calls: this runs for every program a start launches.
	fd, err := IgnoringEINTR2(func() (int, error) { return unix.Open(path, unix.O_WRONLY|unix.O_CLOEXEC, 0) })
	if err != nil {
		return &os.PathError{Op: "open", Path: path, Err: err}
	}
	_, werr := IgnoringEINTR2(func() (int, error) { return unix.Write(fd, []byte(strconv.Itoa(adj))) })
	cerr := unix.Close(fd)
	if werr != nil {
		return &os.PathError{Op: "write", Path: path, Err: werr}
	}
	if cerr != nil {
		return &os.PathError{Op: "close", Path: path, Err: cerr}
	}
	return nil
}
