package harness

import (
	"appstart/runtime/sysx"

	"os"
	"os/exec"
	"runtime"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"
)

// The harness starts its processes with Pdeathsig = SIGKILL so that a test
// binary killed by go test's -timeout takes its containers with it. But
// prctl(2) PR_SET_PDEATHSIG fires when the *thread* that forked the child
// exits, and the Go runtime retires a thread whose goroutine ends while
// locked with runtime.LockOSThread (golang/go#27505): a test that locks a
// thread to enter a namespace could then kill an unrelated container. All
// starts therefore happen on one thread that is locked forever and never
// exits.
var (
	spawnOnce sync.Once
	spawnReqs chan spawnReq
)

type spawnReq struct {
	cmd  *exec.Cmd
	done chan error
}

// startOnSpawner runs cmd.Start on the dedicated spawner thread.
func startOnSpawner(cmd *exec.Cmd) error {
	spawnOnce.Do(func() {
		cloexecInherited()
		// A container's PID 1 starts with default dispositions, as under
		// Docker, even when `make` or a shell left a real-time signal ignored.
		_, _ = sysx.ResetIgnoredRealtime()
		spawnReqs = make(chan spawnReq)
		go func() {
			runtime.LockOSThread() // never unlocked: this thread must outlive every child
			for req := range spawnReqs {
				req.done <- req.cmd.Start()
			}
		}()
	})
	done := make(chan error, 1)
	spawnReqs <- spawnReq{cmd, done}
	return <-done
}

// cloexecInherited marks the descriptors this process inherited from its
// parent close-on-exec. Go opens its own files with O_CLOEXEC, but it leaves
// inherited ones alone, and os/exec passes every descriptor without the flag
// to children: a test run from a shell that holds, say, fd 10 and 255 would
// hand them to the container's PID 1, where Docker would give stdio only
// (and appstart's descriptor-hygiene tests would see the harness's leak).
// runc's CloseExecFrom does the same for the same reason.
func cloexecInherited() {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return
	}
	for _, e := range entries {
		if fd, err := strconv.Atoi(e.Name()); err == nil && fd > 2 {
			unix.CloseOnExec(fd) // fails harmlessly for the ReadDir's own, closed, fd
		}
	}
}
