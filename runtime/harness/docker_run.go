package harness

import (
	"context"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// RunOptions are the `docker run` flags the tests use.
type RunOptions struct {
	Image      string
	Args       []string // replaces the image's CMD when set
	ReadOnly   bool     // --read-only
	Tmpfs      []string // --tmpfs, e.g. "/run"
	Volumes    []string // -v, e.g. "VOL:/app/data"
	Memory     string   // --memory, e.g. "256m"
	MemorySwap string   // --memory-swap (RAM+swap)
	Env        []string // -e NAME=VALUE
	Flags      []string // anything else, passed before the image
}

// PlatformRunOptions are the flags the platform gives an app container
// with the default 256 MiB memoryLimit: a read-only root, /run and /tmp
// writable, the data volume, and Docker's Memory = memoryLimit/2 with
// MemorySwap = memoryLimit.
func PlatformRunOptions(image, volume string) RunOptions {
	return RunOptions{
		Image:      image,
		ReadOnly:   true,
		Tmpfs:      []string{"/run", "/tmp"},
		Volumes:    []string{volume + ":/app/data"},
		Memory:     "128m",
		MemorySwap: "256m",
	}
}

func (o RunOptions) args(name string) []string {
	args := []string{"run", "--detach", "--name", name}
	if o.ReadOnly {
		args = append(args, "--read-only")
	}
	for _, t := range o.Tmpfs {
		args = append(args, "--tmpfs", t)
	}
	for _, v := range o.Volumes {
		args = append(args, "--volume", v)
	}
	if o.Memory != "" {
		args = append(args, "--memory", o.Memory)
	}
	if o.MemorySwap != "" {
		args = append(args, "--memory-swap", o.MemorySwap)
	}
	for _, e := range o.Env {
		args = append(args, "--env", e)
	}
	args = append(args, o.Flags...)
	args = append(args, o.Image)
	return append(args, o.Args...)
}

// DockerContainer is a running (or ended) container started by RunContainer.
type DockerContainer struct {
	d      *DockerClient
	Name   string
	stdout *stream
	stderr *stream
	logs   *exec.Cmd
	logsOK chan struct{} // closed when `docker logs --follow` has ended
}

// StopResult is how `docker stop` ended a container.
type StopResult struct {
	ExitCode int           // the container's exit code: 137 means SIGKILL after the grace period
	Duration time.Duration // how long `docker stop` took
}

// RunContainer starts a container and follows its output; t.Cleanup
// removes it.
//
// Example:
//
//	c := d.RunContainer(harness.PlatformRunOptions(img, d.Volume()))
//	c.WaitForOutput("listening", 30*time.Second)
//	r := c.Stop(10 * time.Second) // r.ExitCode == 0 for a clean SIGTERM stop
func (d *DockerClient) RunContainer(o RunOptions) *DockerContainer {
	d.t.Helper()
	c := &DockerContainer{d: d, Name: uniqueName("ctr"), stdout: newStream(nil), stderr: newStream(nil),
		logsOK: make(chan struct{})}
	d.t.Cleanup(func() {
		d.run("rm", "--force", c.Name)
		if c.logs != nil {
			c.logs.Process.Kill()
			<-c.logsOK
		}
		if d.t.Failed() {
			d.t.Logf("container %s stdout:\n%s\nstderr:\n%s", c.Name, c.stdout.String(), c.stderr.String())
		}
	})
	d.Run(o.args(c.Name)...)
	// `docker logs --follow` keeps the streams apart and ends with the container.
	c.logs = exec.Command(d.bin, "logs", "--follow", c.Name)
	c.logs.Stdout, c.logs.Stderr = c.stdout, c.stderr
	c.logs.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := c.logs.Start(); err != nil {
		d.t.Fatalf("cannot follow the logs of %s: %v", c.Name, err)
	}
	go func() {
		c.logs.Wait()
		close(c.logsOK)
	}()
	return c
}

// Logs returns the container's output so far.
func (c *DockerContainer) Logs() (stdout, stderr string) {
	return c.stdout.String(), c.stderr.String()
}

// WaitForOutput waits up to timeout for substr in the container's output;
// a timeout, or the output ending first, fails the test.
func (c *DockerContainer) WaitForOutput(substr string, timeout time.Duration) {
	c.d.t.Helper()
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		out, outChanged := c.stdout.snapshot()
		errText, errChanged := c.stderr.snapshot()
		if containsAny(substr, out, errText) {
			return
		}
		select {
		case <-outChanged:
		case <-errChanged:
		case <-c.logsOK:
			if containsAny(substr, c.stdout.String(), c.stderr.String()) {
				return
			}
			c.d.t.Fatalf("container %s ended without printing %q\nstdout:\n%s\nstderr:\n%s", c.Name, substr, c.stdout.String(), c.stderr.String())
		case <-t.C:
			c.d.t.Fatalf("container %s did not print %q within %v\nstdout:\n%s\nstderr:\n%s", c.Name, substr, timeout, c.stdout.String(), c.stderr.String())
		}
	}
}

// Exec runs argv in the container with `docker exec`.
func (c *DockerContainer) Exec(argv ...string) ExecResult {
	c.d.t.Helper()
	stdout, stderr, err := c.d.run(append([]string{"exec", c.Name}, argv...)...)
	r := ExecResult{Stdout: stdout, Stderr: stderr}
	if ee, ok := err.(*exec.ExitError); ok {
		r.ExitCode = ee.ExitCode()
	} else if err != nil {
		c.d.t.Fatalf("docker exec %s: %v", c.Name, err)
	}
	return r
}

// Stop runs `docker stop` with the given grace period (SIGTERM, then SIGKILL
// when it expires) and reports the exit code and how long the stop took.
func (c *DockerContainer) Stop(grace time.Duration) StopResult {
	c.d.t.Helper()
	start := time.Now()
	c.d.Run("stop", "--time", strconv.Itoa(int(grace.Round(time.Second)/time.Second)), c.Name)
	r := StopResult{Duration: time.Since(start)}
	r.ExitCode = c.exitCode()
	return r
}

// Wait waits up to timeout for the container to end by itself and returns
// its exit code.
func (c *DockerContainer) Wait(timeout time.Duration) int {
	c.d.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, c.d.bin, "wait", c.Name).Output()
	if err != nil {
		c.d.t.Fatalf("docker wait %s: %v", c.Name, err)
	}
	code, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		c.d.t.Fatalf("docker wait %s printed %q", c.Name, out)
	}
	return code
}

func (c *DockerContainer) exitCode() int {
	c.d.t.Helper()
	out := strings.TrimSpace(c.d.Run("inspect", "--format", "{{.State.ExitCode}}", c.Name))
	code, err := strconv.Atoi(out)
	if err != nil {
		c.d.t.Fatalf("docker inspect %s: exit code %q", c.Name, out)
	}
	return code
}
