package examples_test

import (
	"os"
	"testing"

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
	login := readyAnswer{"http://127.0.0.1:3000/login", "", redmineStart}
	for _, starter := range starters {
		db := "rm_" + starter.db
		pg.createDatabase(b, db, "bench-pw", db)
		o := harness.Options{
			Argv:        starter.argv,
			PkgDir:      example{name: "redmine"}.dir(b),
			Binaries:    map[string]string{"/app/bin/appstart": harness.Binary(b)},
			Mounts:      append(append([]harness.Mount{}, img...), harness.Mount{Source: pg.SocketDir, Target: "/app/pgsql"}),
			Env:         append(append([]string{}, harness.DefaultEnv...), pg.env("/app/pgsql", db, "bench-pw", db)...),
			DataDir:     b.TempDir(),
			MemoryLimit: 256 << 20,
			RAMLimit:    256 << 20,
		}
		startToReady(b, o, login) // the install, untimed
		benchReady(b, starter.name+"/restart", &o, login, nil)
	}
}
