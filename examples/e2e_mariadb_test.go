package examples_test

import (
	"fmt"
	"strings"
	"testing"

	"appstart/runtime/harness"
)

// mysqlAlias is the MariaDB container's name on the test's network, the
// app's $CLOUDRON_MYSQL_HOST, as the platform's addon is the "mysql" host.
const mysqlAlias = "mysql"

// dockerMariaDB is the mysql addon for the Docker runs: Debian's MariaDB
// from the same base image in a second container on the app's network,
// reached over TCP by name as on the platform (the harness tests use a host
// server's socket, mariadb_test.go). Its data lives in the container's
// tmpfs: it only has to outlive the two app runs.
type dockerMariaDB struct {
	c *harness.DockerContainer
}

// mariadbScript makes a data directory whose root and mysql accounts are
// authenticated by the socket's peer (docker exec as mysql reaches it), then
// execs the server so `docker stop` reaches it directly.
const mariadbScript = `set -e
mariadb-install-db --no-defaults --user=mysql --datadir=/tmp/data --auth-root-authentication-method=socket --skip-test-db --skip-name-resolve >/dev/null
exec mariadbd --no-defaults --datadir=/tmp/data --socket=/tmp/mysqld.sock --port=3306 --bind-address=0.0.0.0 \
	--skip-name-resolve --skip-log-bin --innodb-buffer-pool-size=16M --performance-schema=OFF --max-connections=40`

// startDockerMariaDB runs the server on network and waits until it accepts
// connections; the harness removes it when the test ends.
//
//	db := startDockerMariaDB(t, d, base, network)
//	db.createDatabase(t, "wordpress", wpPassword, "wordpress")
func startDockerMariaDB(t *testing.T, d *harness.DockerClient, image, network string) *dockerMariaDB {
	t.Helper()
	db := &dockerMariaDB{c: d.RunContainer(harness.RunOptions{
		Image: image,
		Args:  []string{"/bin/sh", "-c", mariadbScript},
		Tmpfs: []string{"/tmp"},
		Env:   []string{"LC_ALL=C"},
		Flags: []string{"--user", "mysql", "--network", network, "--network-alias", mysqlAlias},
	})}
	db.c.WaitForOutput("ready for connections", mariadbTimeout)
	return db
}

// query runs sql through the socket as the mysql account (socket-authenticated).
func (db *dockerMariaDB) query(t *testing.T, sql string) string {
	t.Helper()
	r := db.c.Exec("mariadb", "--no-defaults", "-S", "/tmp/mysqld.sock", "-u", "mysql", "-N", "-B", "-e", sql)
	if r.ExitCode != 0 {
		t.Fatalf("mariadb %q: exit %d\n%s", sql, r.ExitCode, r.Stderr)
	}
	return strings.TrimSuffix(r.Stdout, "\n")
}

// createDatabase makes a user reachable from any host of the network with
// password, owning database name, as the platform's addon does for each app.
func (db *dockerMariaDB) createDatabase(t *testing.T, user, password, name string) {
	t.Helper()
	db.query(t, fmt.Sprintf("CREATE DATABASE `%s` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci; CREATE USER %s@'%%' IDENTIFIED BY %s; GRANT ALL ON `%s`.* TO %s@'%%'",
		name, mysqlString(user), mysqlString(password), name, mysqlString(user)))
}

// env is the addon's variables as the platform sets them.
func (db *dockerMariaDB) env(user, password, name string) []string {
	return []string{
		"CLOUDRON_MYSQL_HOST=" + mysqlAlias,
		"CLOUDRON_MYSQL_PORT=3306",
		"CLOUDRON_MYSQL_USERNAME=" + user,
		"CLOUDRON_MYSQL_PASSWORD=" + password,
		"CLOUDRON_MYSQL_DATABASE=" + name,
	}
}
