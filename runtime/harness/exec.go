package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

// enterScript joins the cgroups whose cgroup.procs files precede "--", then
// execs the rest, so a command run by Exec is charged to the container's
// cgroup as `docker exec` does.
const enterScript = `for f; do [ "$f" = -- ] && break; echo $$ >"$f" || exit 125; shift; done; shift; exec "$@"`

// ExecResult is how a command run by Exec ended.
type ExecResult struct {
	ExitCode int // exit status, or 128+signal
	Stdout   string
	Stderr   string
}

// Exec runs argv inside the running container, as `docker exec` does: in
// its PID, mount (and network, cgroup) namespaces and its cgroup, as root,
// with the container's environment and / as working directory. A non-zero
// exit is not an error; failing to run nsenter, or ctx ending, is.
//
// Example: c.Exec(ctx, "/app/bin/appstart", "status") -> {ExitCode: 0, Stdout: "web RUNNING pid 12\n"}.
func (in *Instance) Exec(ctx context.Context, argv ...string) (ExecResult, error) {
	if len(argv) == 0 {
		return ExecResult{}, errors.New("cannot exec: empty argv")
	}
	select {
	case <-in.done:
		return ExecResult{}, fmt.Errorf("cannot exec %q: the container has exited", argv[0])
	default:
	}
	args := []string{"-c", enterScript, "harness-exec"}
	args = append(args, in.cgroup.procsFiles()...)
	args = append(args, "--", "nsenter", "--target", strconv.Itoa(in.Pid1()), "--mount", "--pid", "--wd=/")
	if !in.opts.HostNetwork {
		args = append(args, "--net")
	}
	if in.cgroup.Version == 2 {
		args = append(args, "--cgroup")
	}
	args = append(args, "--", "env", "-i")
	args = append(args, in.opts.Env...)
	args = append(args, argv...)

	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "/bin/sh", args...)
	cmd.Env = []string{hostPATH}
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// nsenter forks to enter the PID namespace; killing only nsenter would
	// leave its child running, so the whole process group goes.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second

	if err := startOnSpawner(cmd); err != nil {
		return ExecResult{}, fmt.Errorf("cannot exec %q in pid %d: %w", argv[0], in.Pid1(), err)
	}
	in.mu.Lock()
	in.execs[cmd] = true
	in.mu.Unlock()
	defer func() {
		in.mu.Lock()
		delete(in.execs, cmd)
		in.mu.Unlock()
	}()
	err := cmd.Wait() // the harness runs outside the container: see Instance.wait
	res := ExecResult{Stdout: stdout.String(), Stderr: stderr.String()}
	if ctx.Err() != nil {
		return res, fmt.Errorf("cannot exec %q in pid %d: %w", argv[0], in.Pid1(), ctx.Err())
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		return res, fmt.Errorf("cannot exec %q in pid %d: %w", argv[0], in.Pid1(), err)
	}
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		res.ExitCode = 128 + int(ws.Signal())
	} else {
		res.ExitCode = ws.ExitStatus()
	}
	return res, nil
}

// killExecs ends Exec commands still running when the container is closed.
func (in *Instance) killExecs() {
	in.mu.Lock()
	defer in.mu.Unlock()
	for cmd := range in.execs {
		if cmd.Process != nil {
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		}
	}
}
