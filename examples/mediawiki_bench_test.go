package examples_test

import (
	"io"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"appstart/runtime/harness"
)

// BenchmarkMediaWikiStart times a MediaWiki start in the harness (read-only
// root, 256 MiB, the real PostgreSQL of the test) from the launch of PID 1 to
// the first good HTTP answer, a 200 for index.php?title=Main_Page holding the
// page install.php wrote (PHP, LocalSettings.php and the database), for
// appstart and for the start.sh it replaces (bash + gosu + supervisord), each
// on its own volume and database:
//
//	install  a fresh volume and an empty database: install.php runs
//	restart  the installed volume again: the everyday start
//
// ms/ready is the figure README.md quotes. `make bench` runs it; alone:
//
//	make build && APPSTART_BIN=$PWD/bin/appstart go test -run '^$' -bench MediaWikiStart -benchtime 5x ./examples
func BenchmarkMediaWikiStart(b *testing.B) {
	harness.RequireCommands(b, "nginx", "php-fpm8.2", "php", "gosu", "supervisord", "openssl")
	if _, err := os.Stat("/usr/share/mediawiki/maintenance/install.php"); err != nil {
		harness.SkipOrFail(b, "MediaWiki is not installed (%v): apt-get install mediawiki", err)
	}
	pg := startPostgres(b)
	dir := example{name: "mediawiki"}.dir(b)
	volumes := b.TempDir() // a sub-benchmark's TempDir goes with it; restart reuses install's volume
	for _, starter := range []struct{ name, db string }{{"appstart", "mw_appstart"}, {"start.sh", "mw_startsh"}} {
		argv := []string{"/app/bin/appstart"}
		if starter.name == "start.sh" {
			argv = []string{"/bin/bash", "/app/pkg/start.sh"}
		}
		pg.query(b, "postgres", "CREATE ROLE "+starter.db+" LOGIN PASSWORD 'bench-pw'")
		o := harness.Options{
			Argv:     argv,
			PkgDir:   dir,
			Binaries: map[string]string{"/app/bin/appstart": harness.Binary(b)},
			Mounts: []harness.Mount{
				{Source: dir + "/image/etc/mediawiki", Target: "/etc/mediawiki"},
				{Source: pg.SocketDir, Target: "/app/pgsql"},
			},
			Env: append(append([]string{}, harness.DefaultEnv...), pg.env("/app/pgsql", starter.db, "bench-pw", starter.db)...),
		}
		b.Run(starter.name+"/install", func(b *testing.B) {
			var total time.Duration
			for b.Loop() {
				b.StopTimer()
				pg.query(b, "postgres", "DROP DATABASE IF EXISTS "+starter.db)
				pg.query(b, "postgres", "CREATE DATABASE "+starter.db+" OWNER "+starter.db)
				data, err := os.MkdirTemp(volumes, starter.db+"-")
				if err != nil {
					b.Fatal(err)
				}
				o.DataDir = data
				b.StartTimer()
				total += mwStartOnce(b, o)
			}
			b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/ready")
		})
		b.Run(starter.name+"/restart", func(b *testing.B) {
			// The volume the last install left, installed and current.
			var total time.Duration
			for b.Loop() {
				total += mwStartOnce(b, o)
			}
			b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/ready")
		})
	}
}

// mwStartOnce launches o, waits until the main page answers 200 and returns
// how long that took; then it stops the container by SIGTERM (not timed) and
// checks it exited 0.
func mwStartOnce(b *testing.B, o harness.Options) time.Duration {
	b.Helper()
	start := time.Now()
	c := harness.Run(b, o)
	client := c.HTTPClient()
	client.Timeout = 10 * time.Second
	deadline := start.Add(mwStartTimeout)
	for {
		resp, err := client.Get("http://127.0.0.1:3000/index.php?title=Main_Page")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && strings.Contains(string(body), "MediaWiki has been installed") {
				break
			}
		}
		if time.Now().After(deadline) {
			b.Fatalf("%s: no good answer within %s (last: %v)\n%s", o.Argv[0], mwStartTimeout, err, c.Stderr())
		}
		time.Sleep(5 * time.Millisecond) // a poll interval, bounded by the deadline above
	}
	took := time.Since(start)
	b.StopTimer()
	c.Signal(syscall.SIGTERM)
	if r := c.Wait(2 * stopLimit); r.ExitCode != 0 {
		b.Fatalf("%s: exit %d after SIGTERM\n%s", o.Argv[0], r.ExitCode, r.Stderr)
	}
	b.StartTimer()
	return took
}
