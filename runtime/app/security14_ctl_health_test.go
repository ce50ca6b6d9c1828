package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"appstart/runtime/control"
)

// Issue 14 item 3: 16 `appstart logs -f` made `appstart health`, the
// Docker HEALTHCHECK, and `appstart status` fail with "busy". With 20
// followers attached to the real appstart as PID 1, both still answer
// (run inside the container, as Docker runs them), and the 17th follower
// is the one told busy.
func TestControlHealthWithManyFollowers(t *testing.T) {
	c := container(t, `[programs.web]
command = "trap 'exit 0' TERM; echo up; while :; do sleep 0.05; done"
[programs.worker]
command = "trap 'exit 0' TERM; while :; do sleep 0.05; done"
`, nil)
	c.WaitForOutput("web | up", 20*time.Second)
	waitFor(t, "appstart health says healthy", 20*time.Second, func() (bool, string) {
		r := c.Exec("/app/bin/appstart", "health")
		return r.ExitCode == 0, r.Stdout + r.Stderr
	})
	cl := dialHost(t, c)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const followers = 20
	first := make(chan struct{}, followers)
	ended := make(chan error, followers)
	for range followers {
		go func() {
			once := false
			ended <- cl.Follow(ctx, "", 1, func(control.LogLine) error {
				if !once {
					once = true
					first <- struct{}{}
				}
				return nil
			})
		}()
	}
	// 16 streams are on (each got its backlog line).
	for on := 0; on < 16; on++ {
		select {
		case <-first:
		case <-time.After(20 * time.Second):
			t.Fatalf("after 20s: %d followers streaming", on)
		}
	}
	for i := range 3 {
		if r := c.Exec("/app/bin/appstart", "health"); r.ExitCode != 0 {
			t.Fatalf("appstart health #%d with 16 followers: exit %d\n%s%s", i, r.ExitCode, r.Stdout, r.Stderr)
		}
		if r := c.Exec("/app/bin/appstart", "status"); r.ExitCode != 0 || !strings.Contains(r.Stdout, "web") {
			t.Fatalf("appstart status #%d with 16 followers: exit %d\n%s%s", i, r.ExitCode, r.Stdout, r.Stderr)
		}
	}
	// The other 4 were refused, as followers.
	for range followers - 16 {
		select {
		case err := <-ended:
			if !errors.Is(err, control.ErrBusy) || !strings.Contains(err.Error(), "too many log followers (16)") {
				t.Errorf("a follower ended with %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("fewer than 4 followers refused within 20s")
		}
	}
	cancel()
	stopped(t, c)
}
