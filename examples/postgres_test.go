package examples_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"appstart/runtime/harness"
)

// pgBin is where Debian's postgresql-15 keeps the server programs (they are
// not on PATH).
const pgBin = "/usr/lib/postgresql/15/bin"

// pgTimeout bounds initdb, a start or a stop on a busy machine.
const pgTimeout = 2 * time.Minute

// postgres is a real PostgreSQL server started by a test, standing in for the
// platform's postgresql addon. It listens on 127.0.0.1:Port and on a Unix
// socket in SocketDir. The harness container has a network namespace of its
// own, so the app reaches the server through SocketDir mounted into the
// container: libpq (and PHP's pdo_pgsql) read a host starting with "/" as a
// socket directory, and the password is checked (scram-sha-256) exactly as
// over TCP. This keeps every container on its own port 3000, so the tests
// run in parallel, where HostNetwork would make them fight over the port.
type postgres struct {
	SocketDir string
	Port      int
	base      string // owned by the server's user: data/, sock/, log
	superPass string
}

// startPostgres runs initdb and pg_ctl start as a non-root user (the
// postgres user, else nobody: the server refuses to run as root) and stops
// the server in t.Cleanup.
//
//	pg := startPostgres(t)
//	pg.createDatabase(t, "app", `it's/a&b\c$d`, "app")
//	pg.query(t, "app", "SELECT 1") // "1"
func startPostgres(t testing.TB) *postgres {
	t.Helper()
	if _, err := os.Stat(filepath.Join(pgBin, "postgres")); err != nil {
		harness.SkipOrFail(t, "PostgreSQL 15 is not installed (%v): apt-get install postgresql-15", err)
	}
	harness.RequireCommands(t, "psql")
	uid, gid := serverUser(t, "postgres", "PostgreSQL")
	base, err := os.MkdirTemp("", "appstart-examples-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	pg := &postgres{SocketDir: filepath.Join(base, "sock"), Port: freePort(t), base: base, superPass: "super-" + strconv.Itoa(os.Getpid())}
	// The data directory (initdb's) stays 0700.
	serverDirs(t, uid, gid, base, pg.SocketDir)
	pwfile := filepath.Join(base, "pwfile")
	if err := os.WriteFile(pwfile, []byte(pg.superPass+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(pwfile, uid, gid); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(base, "data")
	pg.asServer(t, uid, gid, "initdb", "-D", data, "-U", "postgres", "--auth=scram-sha-256",
		"--pwfile="+pwfile, "--encoding=UTF8", "--no-locale", "--no-sync")
	opts := fmt.Sprintf("-k %s -p %d -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=16MB -c max_connections=20",
		pg.SocketDir, pg.Port)
	log := filepath.Join(base, "log")
	t.Cleanup(func() {
		// Immediate: the data directory is thrown away next.
		if out, err := pg.run(uid, gid, "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"); err != nil {
			t.Logf("pg_ctl stop: %v\n%s", err, out)
		}
	})
	if out, err := pg.run(uid, gid, "pg_ctl", "-D", data, "-l", log, "-o", opts, "-w", "-t", "60", "start"); err != nil {
		b, _ := os.ReadFile(log)
		t.Fatalf("pg_ctl start: %v\n%s\n%s", err, out, b)
	}
	return pg
}

func (pg *postgres) asServer(t testing.TB, uid, gid int, prog string, args ...string) {
	t.Helper()
	if out, err := pg.run(uid, gid, prog, args...); err != nil {
		t.Fatalf("%s: %v\n%s", prog, err, out)
	}
}

// run runs one of the server's programs as the server's user; the harness
// tests drive host tools from outside any container, so os/exec's Wait is
// theirs to use.
func (pg *postgres) run(uid, gid int, prog string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), pgTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(pgBin, prog), args...)
	cmd.Dir = pg.base
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + pg.base, "LC_ALL=C"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// query runs sql as the superuser over TCP and returns psql's unaligned,
// tuples-only output without the final newline.
func (pg *postgres) query(t testing.TB, db, sql string) string {
	t.Helper()
	return clientQuery(t, pgTimeout, []string{"PATH=/usr/bin:/bin", "PGPASSWORD=" + pg.superPass, "PGCONNECT_TIMEOUT=10"}, sql,
		"psql", "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", strconv.Itoa(pg.Port), "-U", "postgres", "-d", db, "-c")
}

// createDatabase makes a login role with password and a database it owns,
// as the platform's addon does for each app.
func (pg *postgres) createDatabase(t testing.TB, role, password, db string) {
	t.Helper()
	pg.query(t, "postgres", fmt.Sprintf("CREATE ROLE %s LOGIN PASSWORD %s", role, sqlString(password)))
	pg.query(t, "postgres", fmt.Sprintf("CREATE DATABASE %s OWNER %s", db, role))
}

// env is the addon's variables for role and db as the app sees them, with
// the socket directory mounted at dir.
func (pg *postgres) env(dir, role, password, db string) []string {
	return []string{
		"CLOUDRON_POSTGRESQL_HOST=" + dir,
		"CLOUDRON_POSTGRESQL_PORT=" + strconv.Itoa(pg.Port),
		"CLOUDRON_POSTGRESQL_USERNAME=" + role,
		"CLOUDRON_POSTGRESQL_PASSWORD=" + password,
		"CLOUDRON_POSTGRESQL_DATABASE=" + db,
	}
}

// sqlString quotes s as an SQL string literal (standard_conforming_strings
// is on: only ' needs doubling, a backslash is itself).
func sqlString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
