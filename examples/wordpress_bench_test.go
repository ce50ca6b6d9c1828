package examples_test

import (
	"os"
	"path/filepath"
	"testing"

	"appstart/runtime/harness"
)

// BenchmarkWordPressStart times a WordPress start in the harness (read-only
// root, 256 MiB, the real MariaDB of the test) from the launch of PID 1 to
// the first good HTTP answer, a 200 for the installer's first post (/?p=1:
// PHP, the theme and the database), for appstart and for the start.sh it
// replaces (bash + gosu + supervisord), each on its own volume and database:
//
//	install                  a fresh volume and an empty database: WordPress's installer runs
//	restart                  the installed volume again: the everyday start
//	restart-100k-files       the installed volume holding 100,000 uploads
//	                         (wp-content/uploads/YYYY/MM, owned right), the
//	                         two starters interleaved (benchBigVolume)
//	restart-100k-files-cold  the same after drop_caches: a host's reboot
//
// ms/ready (<starter>-ms/ready for the 100k rows) is the figure README.md
// quotes. `make bench` runs it; alone:
//
//	make build && APPSTART_BIN=$PWD/bin/appstart go test -run '^$' -bench WordPressStart -benchtime 5x ./examples
func BenchmarkWordPressStart(b *testing.B) {
	harness.RequireCommands(b, "apache2", "php", "gosu", "supervisord", "openssl")
	db := startMariaDB(b)
	dir := example{name: "wordpress"}.dir(b)
	volumes := b.TempDir() // a sub-benchmark's TempDir goes with it; restart reuses install's volume
	firstPost := readyAnswer{wpOrigin + "/?p=1", "Hello world!", startTimeout}
	var runs []starterRun
	for _, starter := range starters {
		name := "wp_" + starter.db
		db.createDatabase(b, name, "bench-pw", name)
		o := harness.Options{
			Argv:     starter.argv,
			PkgDir:   dir,
			Binaries: map[string]string{"/app/bin/appstart": harness.Binary(b)},
			Mounts: []harness.Mount{
				{Source: filepath.Join(dir, "image/etc/wordpress"), Target: "/etc/wordpress"},
				{Source: db.SocketDir, Target: "/app/mysql"},
			},
			Env: append(append(append([]string{}, harness.DefaultEnv...), "CLOUDRON_APP_ORIGIN="+wpOrigin),
				db.mysqlEnv("/app/mysql", name, "bench-pw", name)...),
		}
		// fresh is an empty database and a fresh volume: the next start installs.
		fresh := func(b *testing.B) {
			db.query(b, "DROP DATABASE "+name+"; CREATE DATABASE "+name)
			data, err := os.MkdirTemp(volumes, name+"-")
			if err != nil {
				b.Fatal(err)
			}
			o.DataDir = data
		}
		benchReady(b, starter.name+"/install", &o, firstPost, fresh)
		// The volume the last install left, installed and current.
		benchReady(b, starter.name+"/restart", &o, firstPost, nil)
		runs = append(runs, starterRun{starter.name, &o, fresh})
	}
	benchBigVolume(b, runs, firstPost, "wp-content/uploads", "www-data", wpUploads)
}
