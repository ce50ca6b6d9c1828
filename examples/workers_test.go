package examples_test

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"appstart/runtime/harness"
)

// TestWorkers runs a multi-process app: the worker count follows the
// container's memory limit (one more start with a smaller limit proves it),
// the front starts after every worker is ready and stops before them, a job
// runner that exits with an unexpected code is restarted, a periodic
// program runs again and again, and the API token secret survives.
func TestWorkers(t *testing.T) {
	t.Parallel()
	harness.RequireCommands(t, "node")
	e := example{name: "workers"}
	o := e.options(t)
	o.Env = append(append([]string{}, harness.DefaultEnv...), "TICK_SECONDS=1")
	// RAM is half the manifest's memoryLimit: 384 MiB / 96M per worker = 4.
	o.MemoryLimit = 768 << 20
	c := harness.Run(t, o)
	c.WaitForOutput("web: ready", startTimeout)
	if !strings.Contains(c.Stderr(), "workers=4 from 384MiB") {
		t.Errorf("stderr lacks the worker sizing \"workers=4 from 384MiB\":\n%s", c.Stderr())
	}
	b := newBrowser(t, c)
	checkWorkers(t, b, 4)
	c.WaitForOutput("jobs | runner: job welcome done", startTimeout)

	token := strings.TrimSpace(readData(t, c, ".api_token"))
	enqueue(t, b, "nobody-knows-it", "stolen", http.StatusUnauthorized)
	enqueue(t, b, token, "crash", http.StatusOK)
	c.WaitForOutput("jobs: exited 3 after", startTimeout)
	enqueue(t, b, token, "after-crash", http.StatusOK)
	c.WaitForOutput("jobs | runner: job after-crash done", startTimeout)
	if n := strings.Count(c.Stdout(), "jobs | runner: up"); n != 2 {
		t.Errorf("the job runner started %d times, want 2 (once, then once after exit 3)", n)
	}
	// The periodic program: each run exits 0 and is started again.
	deadline := time.Now().Add(startTimeout)
	for lines(readDataOr(c, "ticks"), "T") < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("fewer than 2 ticks in %s:\n%s", startTimeout, c.Stderr())
		}
		time.Sleep(100 * time.Millisecond)
	}
	r := stop(t, c)
	web, worker := strings.Index(r.Stderr, "stopping web "), strings.Index(r.Stderr, "stopping worker:")
	if web < 0 || worker < 0 || web > worker {
		t.Errorf("stop order: web at %d, the first worker at %d: want web stopped before its workers\n%s", web, worker, r.Stderr)
	}

	// A smaller memory limit on the next start: 192 MiB of RAM, 2 workers.
	o.DataDir = c.DataDir()
	o.MemoryLimit = 384 << 20
	c = harness.Run(t, o)
	c.WaitForOutput("web: ready", startTimeout)
	b = newBrowser(t, c)
	checkWorkers(t, b, 2)
	enqueue(t, b, token, "second-start", http.StatusOK) // the same token still works
	c.WaitForOutput("jobs | runner: job second-start done", startTimeout)
	if got, want := field(t, b.get("/status", 200), "done"), "welcome, crash, after-crash, second-start"; got != want {
		t.Errorf("jobs done = %q, want %q (the welcome job queued once by first_run)", got, want)
	}
	stop(t, c)
	if got := readData(t, c, "first_run.log"); lines(got, "initialised") != 1 {
		t.Fatalf("first_run ran %d times, want once:\n%s", lines(got, "initialised"), got)
	}
}

// checkWorkers asks / of the front 2n times and wants every one of the n
// workers, and no other, among those that answered; /status must agree.
func checkWorkers(t *testing.T, b *browser, n int) {
	t.Helper()
	if got := field(t, b.get("/status", 200), "workers"); got != strconv.Itoa(n) {
		t.Fatalf("/status workers = %s, want %d", got, n)
	}
	var seen []string
	for range 2 * n {
		if w := field(t, b.get("/", 200), "served by"); !slices.Contains(seen, w) {
			seen = append(seen, w)
		}
	}
	slices.Sort(seen)
	var want []string
	for i := 1; i <= n; i++ {
		want = append(want, strconv.Itoa(i))
	}
	if !slices.Equal(seen, want) {
		t.Fatalf("requests served by workers %v, want %v", seen, want)
	}
}

// enqueue queues job name with the bearer token and wants status.
func enqueue(t *testing.T, b *browser, token, name string, status int) {
	t.Helper()
	req, err := http.NewRequest("POST", fmt.Sprintf("http://127.0.0.1:3000/jobs?name=%s", name), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := b.client.Do(req)
	b.read(resp, err, "POST /jobs?name="+name, status)
}

// readDataOr reads a data file that may not exist yet ("" then).
func readDataOr(c *harness.Container, name string) string {
	b, _ := readFile(c.DataDir() + "/" + name)
	return b
}
