package app_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

const controlSpec = `user = "cloudron"
[programs.web]
command = "trap 'echo web got HUP' HUP; trap 'exit 0' TERM; echo web up; while :; do sleep 0.05; done"
[programs.worker]
command = "trap 'exit 0' TERM; i=0; while :; do echo tick $i; i=$((i+1)); sleep 0.1; done"
`

// Every control command against a running instance, through the socket.
func TestControlCommands(t *testing.T) {
	c := container(t, controlSpec, nil)
	c.WaitForOutput("web | web up", 10*time.Second)
	c.WaitForOutput("worker | tick 2", 10*time.Second)
	as := func(args ...string) (string, string, int) {
		r := c.Exec(append([]string{"/app/bin/appstart"}, args...)...)
		return r.Stdout, r.Stderr, r.ExitCode
	}

	out, errOut, code := as("status", "--json")
	var status struct {
		Programs []struct {
			Name, State string
			Pid         int
		}
	}
	if code != 0 || json.Unmarshal([]byte(out), &status) != nil || len(status.Programs) != 2 {
		t.Fatalf("status --json: exit %d %q %s", code, out, errOut)
	}
	for _, st := range status.Programs {
		if st.Pid <= 1 || st.State == "" {
			t.Errorf("status of %s: %+v", st.Name, st)
		}
	}
	if out, _, code := as("status"); code != 0 || !strings.Contains(out, "web") || !strings.Contains(out, "worker") {
		t.Errorf("status: exit %d\n%s", code, out)
	}
	// health turns 0 once both have run startsecs.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		_, e, code := as("health")
		if code == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("health never 0: %s", e)
		}
	}

	if _, e, code := as("signal", "web", "HUP"); code != 0 {
		t.Fatalf("signal: %d %s", code, e)
	}
	c.WaitForOutput("web | web got HUP", 10*time.Second)

	if _, e, code := as("stop", "worker"); code != 0 {
		t.Fatalf("stop: %d %s", code, e)
	}
	if _, _, code := as("health"); code == 0 {
		t.Error("health exit 0 with worker stopped")
	}
	if _, e, code := as("start", "worker"); code != 0 {
		t.Fatalf("start: %d %s", code, e)
	}
	if _, e, code := as("restart", "web"); code != 0 {
		t.Fatalf("restart: %d %s", code, e)
	}
	out, _, _ = as("logs", "-n", "5", "worker")
	if n := strings.Count(out, "tick"); n == 0 || n > 5 {
		t.Errorf("logs -n 5 worker = %q", out)
	}
	// logs -f streams lines written after it started; it ends when killed.
	r := c.Exec("/bin/sh", "-c", "timeout -s INT 1 /app/bin/appstart logs -f -n 0 worker; true")
	if !strings.Contains(r.Stdout, "tick") {
		t.Errorf("logs -f printed %q (stderr %q)", r.Stdout, r.Stderr)
	}

	// A non-root user is told, at once, that the socket is root's.
	start := time.Now()
	_, e, code := as("exec-as", "nobody", "/app/bin/appstart", "status")
	if code == 0 || !strings.Contains(e, "permission denied: the control socket is root's") {
		t.Errorf("status as nobody: exit %d %q", code, e)
	}
	if time.Since(start) > 10*time.Second {
		t.Error("status as nobody hung")
	}

	// A second `appstart run` of the same spec is refused, naming the holder.
	_, e, code = as("run")
	if code == 0 || !strings.Contains(e, "pid 1") {
		t.Errorf("second run: exit %d %q", code, e)
	}

	stopped(t, c)
}
