package examples_test

import (
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"appstart/runtime/harness"
)

// starters are what a start benchmark compares: appstart, and the start.sh
// it replaces (bash + gosu + supervisord). db is the starter in a database
// or volume name ("mw_" + db), so each starter has its own.
var starters = []struct {
	name, db string
	argv     []string
}{
	{"appstart", "appstart", []string{"/app/bin/appstart"}},
	{"start.sh", "startsh", []string{"/bin/bash", "/app/pkg/start.sh"}},
}

// readyAnswer is a benchmark's first good answer: a 200 for url whose body
// holds want ("": any 200), within limit of the launch.
type readyAnswer struct {
	url, want string
	limit     time.Duration
}

// benchReady runs sub-benchmark name: each iteration runs prepare (untimed;
// nil: none), then times one start of *o to its first good answer, and
// ms/ready is the mean, the figure README.md quotes. prepare may change *o
// (a fresh volume); a later sub-benchmark sees the change.
func benchReady(b *testing.B, name string, o *harness.Options, ready readyAnswer, prepare func(b *testing.B)) {
	b.Run(name, func(b *testing.B) {
		var total time.Duration
		for b.Loop() {
			if prepare != nil {
				b.StopTimer()
				prepare(b)
				b.StartTimer()
			}
			total += startToReady(b, *o, ready)
		}
		b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/ready")
	})
}

// startToReady launches o, waits for ready's answer and returns how long
// that took from the launch; then it stops the container by SIGTERM (not
// timed) and checks it exited 0.
func startToReady(b *testing.B, o harness.Options, ready readyAnswer) time.Duration {
	b.Helper()
	took, _ := startToReadyOutput(b, o, ready)
	return took
}

// startToReadyOutput is startToReady that also returns the container's
// stdout and stderr (appstart's summary line says what its stages took).
func startToReadyOutput(b *testing.B, o harness.Options, ready readyAnswer) (time.Duration, string) {
	b.Helper()
	start := time.Now()
	c := harness.Run(b, o)
	client := *c.HTTPClient() // a copy: the timeout is this loop's
	client.Timeout = 10 * time.Second
	deadline := start.Add(ready.limit)
	for {
		resp, err := client.Get(ready.url)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && strings.Contains(string(body), ready.want) {
				break
			}
		}
		if time.Now().After(deadline) {
			b.Fatalf("%s: no good answer for %s within %s (last: %v)\n%s\n%s", o.Argv[0], ready.url, ready.limit, err, c.Stdout(), c.Stderr())
		}
		select {
		case <-c.Instance().Done(): // a failed start answers never: say so now, not at the deadline
			r := c.Wait(stopLimit)
			b.Fatalf("%s: exited %d before a good answer for %s\n%s\n%s", o.Argv[0], r.ExitCode, ready.url, r.Stdout, r.Stderr)
		case <-time.After(5 * time.Millisecond): // a poll interval, bounded by the deadline above
		}
	}
	took := time.Since(start)
	b.StopTimer()
	c.Signal(syscall.SIGTERM)
	r := c.Wait(2 * stopLimit)
	if r.ExitCode != 0 {
		b.Fatalf("%s: exit %d after SIGTERM\n%s\n%s", o.Argv[0], r.ExitCode, r.Stdout, r.Stderr)
	}
	b.StartTimer()
	return took, r.Stdout + r.Stderr
}
