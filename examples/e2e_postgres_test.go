package examples_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"appstart/runtime/harness"
)

// pgAlias is the PostgreSQL container's name on the test's network, the
// app's $CLOUDRON_POSTGRESQL_HOST, as the platform's addon is the
// "postgresql" host on the cloudron network.
const pgAlias = "postgresql"

// dockerPostgres is the postgresql addon for the Docker runs: Debian's
// PostgreSQL 15 from the same base image, in a second container on a
// user-defined network with the app. This is the platform's shape (the
// addon is another container, reached over TCP by name, password checked
// with scram-sha-256); the harness tests use a host server's socket instead
// because their containers have no network. Its data lives in the
// container's tmpfs: it only has to outlive the two app runs.
type dockerPostgres struct {
	c         *harness.DockerContainer
	superPass string
}

// pgScript initialises a cluster whose pg_hba.conf also admits the network
// (initdb only writes loopback lines), then execs the server so `docker
// stop` reaches it directly.
const pgScript = `set -e
umask 077
printf '%s\n' "$SUPERPASS" > /tmp/pwfile
` + pgBin + `/initdb -D /tmp/data -U postgres --auth=scram-sha-256 --pwfile=/tmp/pwfile --encoding=UTF8 --no-locale --no-sync >/dev/null
rm /tmp/pwfile
echo 'host all all all scram-sha-256' >> /tmp/data/pg_hba.conf
exec ` + pgBin + `/postgres -D /tmp/data -k /tmp -c listen_addresses='*' -c fsync=off -c shared_buffers=16MB -c max_connections=20`

// startDockerPostgres runs the server on network and waits until it accepts
// connections; t.Cleanup removes it.
//
//	pg := startDockerPostgres(t, d, base, network)
//	pg.createDatabase(t, "app", pgPassword, "app")
//	pg.query(t, "app", "SELECT 1") // "1"
func startDockerPostgres(t *testing.T, d *harness.DockerClient, image, network string) *dockerPostgres {
	t.Helper()
	pg := &dockerPostgres{superPass: fmt.Sprintf("super%d", os.Getpid())}
	pg.c = d.RunContainer(harness.RunOptions{
		Image: image,
		Args:  []string{"/bin/sh", "-c", pgScript},
		Tmpfs: []string{"/tmp"},
		Env:   []string{"SUPERPASS=" + pg.superPass, "LC_ALL=C"},
		Flags: []string{"--user", "postgres", "--network", network, "--network-alias", pgAlias},
	})
	pg.c.WaitForOutput("database system is ready to accept connections", pgTimeout)
	return pg
}

// query runs sql as the superuser over TCP inside the server's container
// and returns psql's unaligned, tuples-only output without the final newline.
func (pg *dockerPostgres) query(t *testing.T, db, sql string) string {
	t.Helper()
	r := pg.c.Exec("env", "PGPASSWORD="+pg.superPass, "psql", "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1",
		"-h", "127.0.0.1", "-U", "postgres", "-d", db, "-c", sql)
	if r.ExitCode != 0 {
		t.Fatalf("psql %q: exit %d\n%s", sql, r.ExitCode, r.Stderr)
	}
	return strings.TrimSuffix(r.Stdout, "\n")
}

// createDatabase makes a login role with password and a database it owns,
// as the platform's addon does for each app.
func (pg *dockerPostgres) createDatabase(t *testing.T, role, password, db string) {
	t.Helper()
	pg.query(t, "postgres", fmt.Sprintf("CREATE ROLE %s LOGIN PASSWORD %s", role, sqlString(password)))
	pg.query(t, "postgres", fmt.Sprintf("CREATE DATABASE %s OWNER %s", db, role))
}

// env is the addon's variables for role and db as the app sees them.
func (pg *dockerPostgres) env(role, password, db string) []string {
	return []string{
		"CLOUDRON_POSTGRESQL_HOST=" + pgAlias,
		"CLOUDRON_POSTGRESQL_PORT=5432",
		"CLOUDRON_POSTGRESQL_USERNAME=" + role,
		"CLOUDRON_POSTGRESQL_PASSWORD=" + password,
		"CLOUDRON_POSTGRESQL_DATABASE=" + db,
	}
}
