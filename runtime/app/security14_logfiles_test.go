package app_test

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"appstart/runtime/harness"
)

// logfilesSpec follows four files in /run/app, which the app user owns.
const logfilesSpec = `user = "cloudron"
[[dirs]]
path = "/run/app"
[programs.web]
command = ["sleep", "infinity"]
logfiles = ["/run/app/secret.log", "/run/app/fifo.log", "/run/app/zero.log", "/run/app/good.log"]
`

// counter counts the bytes of a stream without keeping them: a flood of
// NULs is measured without holding gigabytes.
type counter struct{ n atomic.Int64 }

func (c *counter) Write(p []byte) (int, error) { c.n.Add(int64(len(p))); return len(p), nil }

// Issue 14 item 2: the app user (uid 1000, owner of /run/app) replaces two
// followed logfiles with a link to a root-only file and a FIFO. appstart
// says once for each that it does not follow it, the secret never reaches
// stdout, the good logfile keeps streaming, and SIGTERM still ends the
// container at once. On the old code the secret was streamed and no
// refusal was said.
func TestSecurity14LogfilesLinkAndFIFO(t *testing.T) {
	c := container(t, logfilesSpec, nil)
	c.WaitForOutput("web: started", 20*time.Second)
	exec := func(argv ...string) (int, string, string) {
		r := c.Exec(argv...)
		return r.ExitCode, r.Stdout, r.Stderr
	}
	if code, _, e := exec("/bin/sh", "-c", "printf 'TOP-SECRET-14\\n' > /run/rootonly && chmod 600 /run/rootonly"); code != 0 {
		t.Fatalf("cannot make the root-only file: %s", e)
	}
	if code, _, _ := asCloudron(t, c, exec, "cat /run/rootonly"); code == 0 {
		t.Fatal("uid 1000 can read /run/rootonly: the test proves nothing")
	}
	if code, _, e := asCloudron(t, c, exec, `
		ln -s /run/rootonly /run/app/secret.log &&
		mkfifo /run/app/fifo.log &&
		echo good-1 >> /run/app/good.log`); code != 0 {
		t.Fatalf("planting as uid 1000: %s", e)
	}
	refusals := []string{
		"web: not following /run/app/secret.log: it is a symbolic link",
		"web: not following /run/app/fifo.log: it is a named pipe, not a regular file",
	}
	waitFor(t, "refusals, or the secret", 20*time.Second, func() (bool, string) {
		if strings.Contains(c.Stdout(), "TOP-SECRET") {
			return true, ""
		}
		for _, r := range refusals {
			if !strings.Contains(c.Stderr(), r) {
				return false, "no " + r
			}
		}
		return strings.Contains(c.Stdout(), "good-1"), "good-1 not streamed"
	})
	if strings.Contains(c.Stdout(), "TOP-SECRET") {
		t.Fatalf("the root-only file was streamed through the link:\n%s", tail(c.Stdout(), 10))
	}
	// Later lines of the good file still arrive, past the refusals.
	asCloudron(t, c, exec, "echo good-2 >> /run/app/good.log")
	c.WaitForOutput("good-2", 20*time.Second)
	r := stopped(t, c)
	for _, msg := range refusals {
		if n := strings.Count(r.Stderr, msg); n != 1 {
			t.Errorf("%q said %d times, want once", msg, n)
		}
	}
	if strings.Contains(r.Stdout, "TOP-SECRET") {
		t.Error("the secret reached stdout")
	}
}

// A link to /dev/zero streamed 11.9 GB in 30 s on the old code. Now
// nothing of it is streamed and appstart says why; the good logfile still
// streams. stdout is counted, not kept, and the test ends (killing the
// container) as soon as it passes 1 MiB.
func TestSecurity14LogfilesDevZero(t *testing.T) {
	var out counter
	c := container(t, logfilesSpec, func(o *harness.Options) { o.Stdout = &out })
	c.WaitForOutput("web: started", 20*time.Second)
	exec := func(argv ...string) (int, string, string) {
		r := c.Exec(argv...)
		return r.ExitCode, r.Stdout, r.Stderr
	}
	if code, _, e := asCloudron(t, c, exec, "ln -s /dev/zero /run/app/zero.log && echo good-1 >> /run/app/good.log"); code != 0 {
		t.Fatalf("planting as uid 1000: %s", e)
	}
	const refusal = "web: not following /run/app/zero.log: it is a symbolic link"
	waitFor(t, "the refusal, or a flood", 20*time.Second, func() (bool, string) {
		if out.n.Load() > 1<<20 {
			t.Fatalf("%d bytes on stdout: /dev/zero is being streamed", out.n.Load())
		}
		return strings.Contains(c.Stderr(), refusal), "not said"
	})
	asCloudron(t, c, exec, "echo good-2 >> /run/app/good.log")
	c.WaitForOutput("good-2", 20*time.Second)
	if n := out.n.Load(); n > 64<<10 {
		t.Errorf("%d bytes on stdout, want only a few lines", n)
	}
	if strings.Contains(c.Stdout(), "\x00") {
		t.Error("NUL bytes on stdout")
	}
	stopped(t, c)
}
