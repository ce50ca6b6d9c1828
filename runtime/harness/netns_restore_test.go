package harness_test

import (
	"context"
	"os"
	"testing"

	"appstart/runtime/harness"
)

// DialContext hands over a connection only once its thread is back in the
// test's network namespace: a caller that looks at any thread of the
// process right after (as /proc/self/ns/net shows the main thread's, which
// the dial may have used) never finds one inside the container's. Not
// parallel: another test's dial in progress would hold a thread there.
func TestDialLeavesNoThreadInTheContainer(t *testing.T) {
	requireBusybox(t)
	c := harness.Run(t, harness.Options{Argv: sh(`nc -l -p 3000 -e cat & echo up; exec sleep 1000`)})
	c.WaitForOutput("up", wait)
	own, err := os.Readlink("/proc/thread-self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 300; i++ {
		conn, err := c.Instance().DialContext(context.Background(), "tcp", "127.0.0.1:3000")
		if err == nil {
			conn.Close()
		}
		tasks, _ := os.ReadDir("/proc/self/task")
		for _, task := range tasks {
			ns, err := os.Readlink("/proc/self/task/" + task.Name() + "/ns/net")
			if err == nil && ns != own {
				t.Fatalf("dial %d: thread %s is still in %s, the test in %s", i, task.Name(), ns, own)
			}
		}
	}
}
