package examples_test

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"appstart/runtime/harness"
)

// BenchmarkWordPressStart times a WordPress start in the harness (read-only
// root, 256 MiB, the real MariaDB of the test) from the launch of PID 1 to
// the first good HTTP answer, a 200 for the installer's first post (/?p=1:
// PHP, the theme and the database), for appstart and for the start.sh it
// replaces (bash + gosu + supervisord), each on its own volume and database:
//
//	install  a fresh volume and an empty database: WordPress's installer runs
//	restart  the installed volume again: the everyday start
//
// ms/ready is the figure README.md quotes. `make bench` runs it; alone:
//
//	make build && APPSTART_BIN=$PWD/bin/appstart go test -run '^$' -bench WordPressStart -benchtime 5x ./examples
func BenchmarkWordPressStart(b *testing.B) {
	harness.RequireCommands(b, "apache2", "php", "gosu", "supervisord", "openssl")
	db := startMariaDB(b)
	dir := example{name: "wordpress"}.dir(b)
	volumes := b.TempDir() // a sub-benchmark's TempDir goes with it; restart reuses install's volume
	for _, starter := range []struct{ name, db string }{{"appstart", "wp_appstart"}, {"start.sh", "wp_startsh"}} {
		argv := []string{"/app/bin/appstart"}
		if starter.name == "start.sh" {
			argv = []string{"/bin/bash", "/app/pkg/start.sh"}
		}
		db.createDatabase(b, starter.db, "bench-pw", starter.db)
		o := harness.Options{
			Argv:     argv,
			PkgDir:   dir,
			Binaries: map[string]string{"/app/bin/appstart": harness.Binary(b)},
			Mounts: []harness.Mount{
				{Source: filepath.Join(dir, "image/etc/wordpress"), Target: "/etc/wordpress"},
				{Source: db.SocketDir, Target: "/app/mysql"},
			},
			Env: append(append(append([]string{}, harness.DefaultEnv...), "CLOUDRON_APP_ORIGIN="+wpOrigin),
				db.mysqlEnv("/app/mysql", starter.db, "bench-pw", starter.db)...),
		}
		b.Run(starter.name+"/install", func(b *testing.B) {
			var total time.Duration
			for b.Loop() {
				b.StopTimer()
				db.query(b, "DROP DATABASE "+starter.db+"; CREATE DATABASE "+starter.db)
				data, err := os.MkdirTemp(volumes, starter.db+"-")
				if err != nil {
					b.Fatal(err)
				}
				o.DataDir = data
				b.StartTimer()
				total += wpStartOnce(b, o)
			}
			b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/ready")
		})
		b.Run(starter.name+"/restart", func(b *testing.B) {
			// The volume the last install left, installed and current.
			var total time.Duration
			for b.Loop() {
				total += wpStartOnce(b, o)
			}
			b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/ready")
		})
	}
}

// wpStartOnce launches o, waits until GET /?p=1 answers 200 and returns how
// long that took; then it stops the container by SIGTERM (not timed) and
// checks it exited 0.
func wpStartOnce(b *testing.B, o harness.Options) time.Duration {
	b.Helper()
	start := time.Now()
	c := harness.Run(b, o)
	client := c.HTTPClient()
	client.Timeout = 10 * time.Second
	deadline := start.Add(startTimeout)
	for {
		resp, err := client.Get(wpOrigin + "/?p=1")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && strings.Contains(string(body), "Hello world!") {
				break
			}
		}
		if time.Now().After(deadline) {
			b.Fatalf("%s: no good answer within %s (last: %v)\n%s", o.Argv[0], startTimeout, err, c.Stderr())
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
