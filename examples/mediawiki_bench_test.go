package examples_test

import (
	"os"
	"testing"

	"appstart/runtime/harness"
)

// BenchmarkMediaWikiStart times a MediaWiki start in the harness (read-only
// root, 256 MiB, the real PostgreSQL of the test) from the launch of PID 1 to
// the first good HTTP answer, a 200 for index.php?title=Main_Page holding the
// page install.php wrote (PHP, LocalSettings.php and the database), for
// appstart and for the start.sh it replaces (bash + gosu + supervisord), each
// on its own volume and database:
//
//	install                  a fresh volume and an empty database: install.php runs
//	restart                  the installed volume again: the everyday start
//	restart-100k-files       the installed volume holding 100,000 uploads
//	                         and thumbnails (images/, MediaWiki's hashed
//	                         layout, owned right), the two starters
//	                         interleaved (benchBigVolume)
//	restart-100k-files-cold  the same after drop_caches: a host's reboot
//
// ms/ready (<starter>-ms/ready for the 100k rows) is the figure README.md
// quotes. `make bench` runs it; alone:
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
	mainPage := readyAnswer{"http://127.0.0.1:3000/index.php?title=Main_Page", "MediaWiki has been installed", mwStartTimeout}
	var runs []starterRun
	for _, starter := range starters {
		db := "mw_" + starter.db
		pg.query(b, "postgres", "CREATE ROLE "+db+" LOGIN PASSWORD 'bench-pw'")
		o := harness.Options{
			Argv:     starter.argv,
			PkgDir:   dir,
			Binaries: map[string]string{"/app/bin/appstart": harness.Binary(b)},
			Mounts: []harness.Mount{
				{Source: dir + "/image/etc/mediawiki", Target: "/etc/mediawiki"},
				{Source: pg.SocketDir, Target: "/app/pgsql"},
			},
			Env: append(append([]string{}, harness.DefaultEnv...), pg.env("/app/pgsql", db, "bench-pw", db)...),
		}
		// fresh is an empty database and a fresh volume: the next start installs.
		fresh := func(b *testing.B) {
			pg.query(b, "postgres", "DROP DATABASE IF EXISTS "+db)
			pg.query(b, "postgres", "CREATE DATABASE "+db+" OWNER "+db)
			data, err := os.MkdirTemp(volumes, db+"-")
			if err != nil {
				b.Fatal(err)
			}
			o.DataDir = data
		}
		benchReady(b, starter.name+"/install", &o, mainPage, fresh)
		// The volume the last install left, installed and current.
		benchReady(b, starter.name+"/restart", &o, mainPage, nil)
		runs = append(runs, starterRun{starter.name, &o, fresh})
	}
	benchBigVolume(b, runs, mainPage, "images", "www-data", mwImages)
}
