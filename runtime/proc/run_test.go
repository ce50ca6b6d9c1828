package proc

import (
	"bufio"
	"context"
	"errors"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"
)

func TestRunReturnsTheExit(t *testing.T) {
	t.Parallel()
	e, err := testReaper.Run(context.Background(), sh("exit 3"))
	if err != nil || e.Code != 3 || e.String() != "exited 3" {
		t.Fatalf("got %+v, %v; want exited 3, nil", e, err)
	}
	e, err = testReaper.Run(context.Background(), Cmd{Path: "no-such-program-appstart", Env: testEnv})
	var se *StartError
	if !errors.As(err, &se) || e.Code != 127 {
		t.Fatalf("got %+v, %v; want 127 and a *StartError", e, err)
	}
}

// TestRunCancel stops a command on cancel: a cooperative one by SIGTERM, one
// ignoring SIGTERM by SIGKILL after the grace, together with the background
// child it left in its process group.
func TestRunCancel(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		doc    string
		script string
		want   syscall.Signal
	}{
		{"cooperative", "echo ready; exec sleep 1000", syscall.SIGTERM},
		{"ignores SIGTERM, with a child", `trap "" TERM; sleep 1000 & echo $!; exec sleep 1000`, syscall.SIGKILL},
	} {
		t.Run(tc.doc, func(t *testing.T) {
			t.Parallel()
			pr, pw, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			c := sh(tc.script)
			c.Stdout = pw
			c.KillGrace = 200 * time.Millisecond
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			type result struct {
				e   Exit
				err error
			}
			done := make(chan result, 1)
			go func() {
				e, err := testReaper.Run(ctx, c)
				pw.Close() // here, not below: Spawn reads its fd until Run returns
				done <- result{e, err}
			}()
			sc := bufio.NewScanner(pr)
			if !sc.Scan() { // barrier: the script is past its trap
				t.Fatal("no barrier line")
			}
			child, _ := strconv.Atoi(sc.Text()) // 0 for "ready"
			var childStart uint64
			if child != 0 {
				st, err := readStat(os.DirFS("/proc"), child)
				if err != nil {
					t.Fatal(err)
				}
				childStart = st.Start
			}
			cancel()
			var res result
			select {
			case res = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("Run did not return after cancel")
			}
			if res.e.Signal != tc.want || !errors.Is(res.err, context.Canceled) {
				t.Fatalf("got %v, %v; want killed by %v and context.Canceled", res.e, res.err, tc.want)
			}
			if child != 0 {
				waitFor(t, "the group's background child to die", func() bool { return gone(child, childStart) })
			}
		})
	}
}
