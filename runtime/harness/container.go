// Package harness runs a program the way the platform runs an app
// container, so integration tests can put the real appstart binary at PID 1:
// a fresh PID, mount and network namespace, a read-only root built from the
// host's own directories (node, nginx, php are there), tmpfs /run and /tmp, a
// host directory as /app/data, the test's files as /app/pkg, a cloudron user,
// and a memory cgroup with the platform's limits. It also drives Docker for
// the end-to-end tests (docker.go).
//
// The harness is the test driver and runs outside the container, so unlike
// appstart it uses os/exec's Wait freely.
//
// Example (as root; without root the test skips, or fails under CI=true):
//
//	c := harness.New(t, harness.Options{
//		Argv: []string{"/bin/busybox", "sh", "-c", `trap "exit 3" TERM; echo up; while :; do sleep 1; done`},
//	})
//	c.Start()
//	c.WaitForOutput("up", 10*time.Second)
//	c.Signal(syscall.SIGTERM)
//	r := c.Wait(10 * time.Second) // r.ExitCode == 3
package harness

import (
	"context"
	"net/http"
	"syscall"
	"testing"
	"time"
)

// ExecTimeout bounds one Container.Exec.
const ExecTimeout = 60 * time.Second

// Container is a harness container bound to a test: every harness failure
// fails the test, and t.Cleanup tears it down (logging its output when the
// test failed).
type Container struct {
	t    testing.TB
	opts Options
	in   *Instance
}

// New checks the machine (skipping, or failing under CI=true, when it
// cannot run containers) and prepares a container; Start runs it. DataDir
// defaults to a fresh t.TempDir().
func New(t testing.TB, opts Options) *Container {
	t.Helper()
	Require(t)
	if opts.DataDir == "" {
		opts.DataDir = t.TempDir()
	}
	if opts.StateDir == "" {
		opts.StateDir = t.TempDir()
	}
	if _, err := opts.resolve(); err != nil {
		t.Fatal(err)
	}
	return &Container{t: t, opts: opts}
}

// Run is New followed by Start.
func Run(t testing.TB, opts Options) *Container {
	t.Helper()
	c := New(t, opts)
	c.Start()
	return c
}

// Start builds the container and execs Argv as its PID 1; it returns once
// Argv is being exec'd.
func (c *Container) Start() {
	c.t.Helper()
	if c.in != nil {
		c.t.Fatal("harness: Start called twice")
	}
	in, err := Launch(c.opts)
	if err != nil {
		c.t.Fatal(err)
	}
	c.in = in
	c.t.Cleanup(func() {
		if err := in.Close(); err != nil {
			c.t.Errorf("harness cleanup: %v", err)
		}
		if c.t.Failed() {
			c.t.Logf("container stdout:\n%s", in.Stdout())
			c.t.Logf("container stderr:\n%s", in.Stderr())
		}
	})
}

func (c *Container) started() *Instance {
	c.t.Helper()
	if c.in == nil {
		c.t.Fatal("harness: the container has not been started")
	}
	return c.in
}

// Signal sends sig to the container's PID 1.
func (c *Container) Signal(sig syscall.Signal) {
	c.t.Helper()
	if err := c.started().Signal(sig); err != nil {
		c.t.Fatal(err)
	}
}

// Wait waits up to timeout for PID 1 to end; a timeout fails the test.
func (c *Container) Wait(timeout time.Duration) Result {
	c.t.Helper()
	r, err := c.started().Wait(timeout)
	if err != nil {
		c.t.Fatalf("%v\nstdout:\n%s\nstderr:\n%s", err, c.in.Stdout(), c.in.Stderr())
	}
	return r
}

// WaitForOutput waits up to timeout for substr in stdout or stderr; a
// timeout, or the container exiting first, fails the test.
func (c *Container) WaitForOutput(substr string, timeout time.Duration) {
	c.t.Helper()
	if err := c.started().WaitForOutput(substr, timeout); err != nil {
		c.t.Fatalf("%v\nstdout:\n%s\nstderr:\n%s", err, c.in.Stdout(), c.in.Stderr())
	}
}

// Exec runs argv inside the container as root (see Instance.Exec), failing
// the test if it cannot run at all or takes longer than ExecTimeout.
func (c *Container) Exec(argv ...string) ExecResult {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), ExecTimeout)
	defer cancel()
	r, err := c.started().Exec(ctx, argv...)
	if err != nil {
		c.t.Fatalf("%v\nstdout: %s\nstderr: %s", err, r.Stdout, r.Stderr)
	}
	return r
}

// HostPath maps a container path to the host (see Instance.HostPath).
func (c *Container) HostPath(p string) string {
	c.t.Helper()
	if c.in != nil {
		return c.in.HostPath(p)
	}
	if rel, ok := dataRel(p); ok {
		return c.opts.DataDir + rel
	}
	c.t.Fatalf("harness: HostPath(%q) needs a started container", p)
	return ""
}

// HTTPClient reaches the container's network (see Instance.HTTPClient).
func (c *Container) HTTPClient() *http.Client { return c.started().HTTPClient() }

// Pid1 is the host pid of the container's PID 1.
func (c *Container) Pid1() int { return c.started().Pid1() }

// Stdout and Stderr return the output so far.
func (c *Container) Stdout() string { return c.started().Stdout() }
func (c *Container) Stderr() string { return c.started().Stderr() }

// DataDir is the host directory mounted as /app/data.
func (c *Container) DataDir() string { return c.opts.DataDir }

// Cgroup describes the container's cgroups.
func (c *Container) Cgroup() Cgroup { return c.started().Cgroup() }

// UID and GID are the cloudron user's ids inside the container.
func (c *Container) UID() int { return c.started().UID() }
func (c *Container) GID() int { return c.started().GID() }

// Instance is the underlying error-returning handle.
func (c *Container) Instance() *Instance { return c.started() }
