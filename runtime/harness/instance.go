package harness

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"
)

// Result is how a container's PID 1 ended.
type Result struct {
	// ExitCode is PID 1's exit status, or 128+signal when a signal killed it
	// (Docker's and the shells' convention).
	ExitCode int
	// Signal is the signal that killed PID 1, or 0 when it exited.
	Signal syscall.Signal
	// Stdout and Stderr are everything the container wrote.
	Stdout, Stderr string
	// Duration runs from the exec of Argv to the end of PID 1.
	Duration time.Duration
}

// Pid1 is the host pid of the container's PID 1.
func (in *Instance) Pid1() int { return in.cmd.Process.Pid }

// Cgroup describes the container's cgroups.
func (in *Instance) Cgroup() Cgroup { return *in.cgroup }

// DataDir is the host directory mounted as /app/data.
func (in *Instance) DataDir() string { return in.opts.DataDir }

// UID and GID are the cloudron user's ids inside.
func (in *Instance) UID() int { return in.opts.UID }
func (in *Instance) GID() int { return in.opts.GID }

// StateDir is the host directory holding the harness's own files for this
// container (setup.sh, the mount plan, the passwd copy, the root mount point).
func (in *Instance) StateDir() string { return in.state }

// Displaced names host passwd/group entries left out of the container's
// copies because they held the cloudron ids (see userDB).
func (in *Instance) Displaced() []string { return in.displaced }

// Stdout and Stderr return the output so far.
func (in *Instance) Stdout() string { return in.stdout.String() }
func (in *Instance) Stderr() string { return in.stderr.String() }

// Done is closed when PID 1 has ended.
func (in *Instance) Done() <-chan struct{} { return in.done }

// Signal sends sig to PID 1. As for any PID namespace's init, the kernel
// drops signals PID 1 has no handler for, except SIGKILL and SIGSTOP
// (pid_namespaces(7)), exactly as in a Docker container.
func (in *Instance) Signal(sig syscall.Signal) error {
	select {
	case <-in.done:
		return fmt.Errorf("cannot signal pid %d: the container has exited", in.Pid1())
	default:
	}
	// os.Process signals through a pidfd where the kernel has them, so a
	// recycled pid is never hit.
	if err := in.cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("cannot signal pid %d: %w", in.Pid1(), err)
	}
	return nil
}

// Wait waits up to timeout for PID 1 to end.
func (in *Instance) Wait(timeout time.Duration) (Result, error) {
	select {
	case <-in.done: // first, so that a zero timeout still sees an exit
		return in.result(), nil
	default:
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-in.done:
		return in.result(), nil
	case <-t.C:
		return Result{}, fmt.Errorf("cannot wait for pid %d: still running after %v", in.Pid1(), timeout)
	}
}

func (in *Instance) result() Result {
	r := Result{Stdout: in.stdout.String(), Stderr: in.stderr.String(), Duration: in.exitedAt.Sub(in.execAt)}
	ws := in.cmd.ProcessState.Sys().(syscall.WaitStatus)
	// unshare(1) re-raises the signal that killed its child on itself, so
	// its own wait status is PID 1's.
	if ws.Signaled() {
		r.Signal = ws.Signal()
		r.ExitCode = 128 + int(r.Signal)
	} else {
		r.ExitCode = ws.ExitStatus()
	}
	return r
}

// WaitForOutput waits up to timeout for substr to appear in stdout or
// stderr. It wakes on every write (no polling) and gives up early when the
// container exits without printing it.
func (in *Instance) WaitForOutput(substr string, timeout time.Duration) error {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		out, outChanged := in.stdout.snapshot()
		errText, errChanged := in.stderr.snapshot()
		if containsAny(substr, out, errText) {
			return nil
		}
		select {
		case <-outChanged:
		case <-errChanged:
		case <-in.done:
			if containsAny(substr, in.stdout.String(), in.stderr.String()) {
				return nil
			}
			return fmt.Errorf("cannot find %q in the output: the container exited first", substr)
		case <-t.C:
			return fmt.Errorf("cannot find %q in the output after %v", substr, timeout)
		}
	}
}

// HostPath maps a container path to a host path: /app/data/... to the data
// directory (valid after the container exits too), anything else to
// /proc/PID1/root/... (valid while it runs, tmpfs /run and /tmp included).
func (in *Instance) HostPath(p string) string {
	if rel, ok := dataRel(p); ok {
		return in.opts.DataDir + rel
	}
	return fmt.Sprintf("/proc/%d/root%s", in.Pid1(), p)
}

// dataRel returns the part of p after /app/data.
func dataRel(p string) (string, bool) {
	rel, ok := strings.CutPrefix(p, "/app/data")
	return rel, ok && (rel == "" || rel[0] == '/')
}

// Close kills whatever still runs in the container (SIGKILL to PID 1 ends
// the whole PID namespace), waits for it, removes the cgroup and the
// harness's own files. The mounts lived only in the container's mount
// namespace and vanished with it.
func (in *Instance) Close() error {
	in.closeOnce.Do(func() {
		var errs []error
		if in.cmd != nil {
			select {
			case <-in.done:
			default:
				in.cmd.Process.Kill() // PID 1's death kills its whole namespace
			}
			t := time.NewTimer(30 * time.Second)
			select {
			case <-in.done:
			case <-t.C:
				errs = append(errs, fmt.Errorf("cannot stop the container (pid %d): still running after 30s", in.Pid1()))
			}
			t.Stop()
		}
		in.killExecs()
		if in.cgroup != nil {
			if err := in.cgroup.remove(10 * time.Second); err != nil {
				errs = append(errs, err)
			}
		}
		if in.ownState {
			if err := os.RemoveAll(in.state); err != nil {
				errs = append(errs, fmt.Errorf("cannot remove %s: %w", in.state, err))
			}
		}
		in.closeErr = errors.Join(errs...)
	})
	return in.closeErr
}
