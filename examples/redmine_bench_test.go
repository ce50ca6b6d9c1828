package examples_test

import (
	"net/http"
	"os"
	"syscall"
	"testing"
	"time"

	"appstart/runtime/harness"
)

// BenchmarkRedmineStart times an everyday Redmine start in the harness
// (read-only root, 256 MiB of RAM, the real PostgreSQL of the test) from the
// launch of PID 1 to the first good HTTP answer (GET /login = 200: Rails
// booted, the database answered), for appstart and for the start.sh it
// replaces (bash + gosu + supervisord). Each starter has its own database
// and volume, installed once by itself outside the timer; each timed start
// runs the on_start rake (db:migrate and the settings) and boots puma.
// ms/ready is the figure README.md quotes. `make bench` runs it; alone:
//
//	make build && APPSTART_BIN=$PWD/bin/appstart go test -run '^$' -bench RedmineStart -benchtime 3x ./examples
func BenchmarkRedmineStart(b *testing.B) {
	harness.RequireCommands(b, "puma", "rake", "curl", "gosu", "supervisord", "openssl")
	if _, err := os.Stat("/usr/share/redmine/config.ru"); err != nil {
		harness.SkipOrFail(b, "Debian's redmine is not installed (%v): apt-get install redmine redmine-pgsql puma", err)
	}
	pg := startPostgres(b)
	img := redmineImage(b)
	for _, starter := range []string{"appstart", "start.sh"} {
		argv := []string{"/app/bin/appstart"}
		if starter == "start.sh" {
			argv = []string{"/bin/bash", "/app/pkg/start.sh"}
		}
		db := map[string]string{"appstart": "rm_appstart", "start.sh": "rm_startsh"}[starter]
		pg.createDatabase(b, db, "bench-pw", db)
		o := harness.Options{
			Argv:        argv,
			PkgDir:      example{name: "redmine"}.dir(b),
			Binaries:    map[string]string{"/app/bin/appstart": harness.Binary(b)},
			Mounts:      append(append([]harness.Mount{}, img...), harness.Mount{Source: pg.SocketDir, Target: "/app/pgsql"}),
			Env:         append(append([]string{}, harness.DefaultEnv...), pg.env("/app/pgsql", db, "bench-pw", db)...),
			DataDir:     b.TempDir(),
			MemoryLimit: 256 << 20,
			RAMLimit:    256 << 20,
		}
		redmineReady(b, o) // the install, untimed
		b.Run(starter+"/restart", func(b *testing.B) {
			var total time.Duration
			for b.Loop() {
				total += redmineReady(b, o)
			}
			b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/ready")
		})
	}
}

// redmineReady starts a container, returns the time from its launch to the
// first 200 for /login, then stops it with SIGTERM (exit 0 required).
func redmineReady(b *testing.B, o harness.Options) time.Duration {
	b.Helper()
	start := time.Now()
	c := harness.Run(b, o)
	client := *c.HTTPClient()
	client.Timeout = 5 * time.Second
	var took time.Duration
	for deadline := start.Add(redmineStart); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := client.Get("http://127.0.0.1:3000/login"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				took = time.Since(start)
				break
			}
		}
		if time.Now().After(deadline) {
			b.Fatalf("no 200 for /login within %s\n%s\n%s", redmineStart, c.Stdout(), c.Stderr())
		}
	}
	b.StopTimer()
	c.Signal(syscall.SIGTERM)
	if r := c.Wait(2 * stopLimit); r.ExitCode != 0 {
		b.Fatalf("exit %d after SIGTERM\n%s\n%s", r.ExitCode, r.Stdout, r.Stderr)
	}
	b.StartTimer()
	return took
}
