package app_test

import (
	"bytes"
	"fmt"
	"os"
	"testing"
	"time"
)

// A program that leaves a daemon outside its process group (setsid -f)
// and keeps crashing after a good run. Issue 14 item 4: the old binary
// kept every copy (8 after 7 restarts) until appstart itself exited.
const straySpec = `user = "cloudron"
[programs.spawner]
command = "setsid -f sleep 1000; sleep 1.2; exit 1"
startsecs = 1
stopwaitsecs = 2
[programs.idle]
command = ["tail", "-f", "/dev/null"]
`

// Stopping or restarting a program stops what it left outside its group:
// after several restarts at most one daemon (the current run's) is left,
// and after `appstart stop spawner` none.
func TestStraysStopWithTheirProgram(t *testing.T) {
	c := container(t, straySpec, nil)
	f := &fault{t: t, c: c, cl: dialHost(t, c)}
	waitFor(t, "spawner restarted 4 times", 30*time.Second, func() (bool, string) {
		ps, _ := f.status()
		p := find(ps, "spawner")
		return p.Restarts >= 4, fmt.Sprintf("%s, %d restarts", p.State, p.Restarts)
	})
	// A restart's SIGTERM to the last run's daemon is sent when that run
	// ends; the daemon is then reaped before the next run starts, so at
	// most the current run's is there.
	waitFor(t, "at most one daemon left", 10*time.Second, func() (bool, string) {
		n := daemons(t, f)
		return n <= 1, fmt.Sprintf("%d copies of sleep 1000", n)
	})
	f.stop("spawner")
	waitFor(t, "no daemon left after stop", 10*time.Second, func() (bool, string) {
		n := daemons(t, f)
		return n == 0, fmt.Sprintf("%d copies of sleep 1000", n)
	})
	if ps, _ := f.status(); find(ps, "idle").State != "running" {
		t.Errorf("idle is %s: the sweep reached another program", find(ps, "idle").State)
	}
	f.stopsCleanly()
	t.Logf("appstart's log:\n%s", tail(c.Stderr(), 14))
}

// daemons counts the live `sleep 1000` processes in the container.
func daemons(t *testing.T, f *fault) int {
	n := 0
	for _, p := range procs(t, f.c) {
		if p.comm != "sleep" || p.state == 'Z' {
			continue
		}
		b, err := os.ReadFile(f.c.HostPath(fmt.Sprintf("/proc/%d/cmdline", p.pid)))
		if err == nil && bytes.Equal(b, []byte("sleep\x001000\x00")) {
			n++
		}
	}
	return n
}
