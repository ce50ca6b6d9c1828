package app_test

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"appstart/runtime/harness"
	"appstart/runtime/proc"
)

// Issue 14 item 8: appstart as PID 1 of `unshare --pid --fork` without
// --mount-proc, so its /proc is the enclosing namespace's (here the
// harness container's, whose PID 1 is a shell). A throw-away sleep in
// that enclosing namespace, a child of its PID 1, is exactly what the old
// leftover sweep took for one of its own: it waited the whole grace for it
// and reported "stopped 2 leftover processes" (the sleep, and appstart
// itself as the enclosing namespace sees it). Now appstart says at start
// that /proc is foreign, stops without reporting leftovers, exits 0, and
// the sleep is untouched (the shell checks it once appstart is gone).
func TestSecurity14ForeignProc(t *testing.T) {
	spec := `user = "cloudron"
[programs.web]
command = ["sleep", "infinity"]
`
	outer := `unshare --pid --fork /app/bin/appstart
echo "appstart exited $?"
pid=$(cat /tmp/sleep.pid)
if kill -0 "$pid"; then echo sleep-alive; fi
kill "$pid"`
	c := container(t, spec, func(o *harness.Options) { o.Argv = []string{"/bin/sh", "-c", outer} })
	c.WaitForOutput("web: started", 20*time.Second)
	if !strings.Contains(c.Stderr(), "appstart: "+proc.ForeignProcMsg) {
		t.Errorf("appstart did not say its /proc is foreign:\n%s", c.Stderr())
	}
	// The throw-away process, in the enclosing namespace, adopted by its PID 1.
	// Its own session and no descriptor of Exec's, so Exec returns at once.
	start := `setsid -f /bin/sh -c 'echo $$ > /tmp/sleep.pid.new && mv /tmp/sleep.pid.new /tmp/sleep.pid && exec sleep 1000' </dev/null >/dev/null 2>&1`
	if r := c.Exec("/bin/sh", "-c", start); r.ExitCode != 0 {
		t.Fatalf("cannot start the sleep: %s", r.Stderr)
	}
	var sleepPid string
	waitFor(t, "the sleep's pid", 10*time.Second, func() (bool, string) {
		b, err := os.ReadFile(c.HostPath("/tmp/sleep.pid"))
		sleepPid = strings.TrimSpace(string(b))
		return err == nil && sleepPid != "", "not yet"
	})
	waitFor(t, "the sleep adopted by the enclosing PID 1", 10*time.Second, func() (bool, string) {
		b, err := os.ReadFile(c.HostPath("/proc/" + sleepPid + "/stat"))
		s := string(b)
		if i := strings.LastIndexByte(s, ')'); err == nil && i > 0 {
			f := strings.Fields(s[i+1:])
			return len(f) > 1 && f[1] == "1" && strings.Contains(s, "(sleep)"), s
		}
		return false, "no stat"
	})

	// SIGTERM to appstart itself: unshare, between it and the shell, does
	// not forward signals.
	app := childOf(t, childOf(t, c.Pid1(), "unshare"), "appstart")
	if err := syscall.Kill(app, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	r := c.Wait(30 * time.Second)
	if !strings.Contains(r.Stdout, "appstart exited 0") {
		t.Errorf("appstart did not exit 0:\nstdout:\n%s\nstderr:\n%s", r.Stdout, r.Stderr)
	}
	if !strings.Contains(r.Stdout, "sleep-alive") {
		t.Errorf("the enclosing namespace's sleep did not survive appstart:\n%s", r.Stdout)
	}
	if regexp.MustCompile(`stopped \d+ leftover`).MatchString(r.Stderr) {
		t.Errorf("appstart took the enclosing namespace's processes for its leftovers:\n%s", tail(r.Stderr, 10))
	}
}

// childOf returns the child named comm of host pid (proc(5):
// task/TID/children, then each child's comm).
func childOf(t *testing.T, pid int, comm string) int {
	t.Helper()
	var found int
	waitFor(t, comm+", child of "+strconv.Itoa(pid), 10*time.Second, func() (bool, string) {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/task/" + strconv.Itoa(pid) + "/children")
		for _, k := range strings.Fields(string(b)) {
			name, _ := os.ReadFile("/proc/" + k + "/comm")
			if strings.TrimSpace(string(name)) == comm {
				found, _ = strconv.Atoi(k)
				return true, ""
			}
		}
		return false, fmt.Sprintf("children %q, %v", b, err)
	})
	return found
}
