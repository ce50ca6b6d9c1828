package app_test

import (
	"bufio"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"appstart/runtime/control"
)

// Issue 14 item 9: the control protocol took the last of duplicate keys
// and keys in any case, so {"op":"status","op":"stop"} stopped a program.
// Against the real appstart as PID 1, each ambiguous request is refused
// with a bad-request error, and web keeps running.
func TestControlRefusesAmbiguousRequests(t *testing.T) {
	c := container(t, `[programs.web]
command = "trap 'exit 0' TERM; while :; do sleep 0.05; done"
[programs.worker]
command = "trap 'exit 0' TERM; while :; do sleep 0.05; done"
`, nil)
	c.WaitForOutput("web: started", 20*time.Second)
	cl := dialHost(t, c)
	for _, req := range []string{
		`{"v":1,"op":"status","op":"stop","names":["web"]}`,
		`{"v":1,"OP":"stop","names":["web"]}`,
		`{"v":1,"op":"status","Op":"stop","names":["web"]}`,
		`{"v":1,"op":"status"}{"v":1,"op":"stop","names":["web"]}`,
	} {
		nc, err := net.Dial("unix", c.HostPath(control.DefaultSocket))
		if err != nil {
			t.Fatal(err)
		}
		nc.SetDeadline(time.Now().Add(10 * time.Second))
		nc.Write([]byte(req + "\n"))
		answer, _ := bufio.NewReader(nc).ReadString('\n')
		nc.Close()
		if !strings.Contains(answer, `"code":"bad-request"`) {
			t.Errorf("%s: answered %q", req, answer)
		}
	}
	ps, err := cl.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.State != "running" && p.State != "starting" {
			t.Errorf("after the requests, %s is %s", p.Name, p.State)
		}
	}
	stopped(t, c)
}
