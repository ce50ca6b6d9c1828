package examples_test

import (
	"context"
	"fmt"
	"net"
	"net/url"
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

// mariadbTimeout bounds mariadb-install-db, a start or one client call on a
// busy machine.
const mariadbTimeout = 2 * time.Minute

// mariadb is a real MariaDB server started by a test, standing in for the
// platform's mysql addon. It listens on 127.0.0.1:Port and on the Unix
// socket SocketDir/mysqld.sock. As with postgres (see postgres_test.go), the
// harness container has a network namespace of its own, so the app reaches
// the server through SocketDir mounted into the container: MySQL clients
// connect to the host name "localhost" through a socket, WordPress's DB_HOST
// takes "host:port:/socket", and the password is checked exactly as over TCP.
type mariadb struct {
	SocketDir string
	Port      int
	base      string // owned by the server's user: data/, sock/, log
}

// startMariaDB runs mariadb-install-db and mariadbd as the mysql user (else
// nobody) in a fresh temporary data directory, root reachable only through
// the socket without a password, and stops the server in t.Cleanup.
//
//	db := startMariaDB(t)
//	db.createDatabase(t, "wp", `it's/a&b\c$d`, "wp")
//	db.query(t, "SELECT 1") // "1"
func startMariaDB(t testing.TB) *mariadb {
	t.Helper()
	for _, prog := range []string{"mariadbd", "mariadb-install-db"} {
		if _, err := exec.LookPath(prog); err != nil {
			if _, err := os.Stat("/usr/sbin/" + prog); err != nil {
				harness.SkipOrFail(t, "MariaDB is not installed (no %s): apt-get install mariadb-server", prog)
			}
		}
	}
	harness.RequireCommands(t, "mariadb")
	uid, gid := serverUser(t, "mysql", "MariaDB")
	base, err := os.MkdirTemp("", "appstart-examples-mariadb-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	db := &mariadb{SocketDir: filepath.Join(base, "sock"), Port: freePort(t), base: base}
	data := filepath.Join(base, "data")
	// The data directory stays private.
	serverDirs(t, uid, gid, base, db.SocketDir, data)
	if err := os.Chmod(data, 0o700); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), mariadbTimeout)
	defer cancel()
	install := exec.CommandContext(ctx, "mariadb-install-db", "--no-defaults", "--datadir="+data,
		"--auth-root-authentication-method=socket", "--skip-test-db", "--skip-name-resolve")
	install.Dir = base
	install.Env = db.env()
	install.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("mariadb-install-db: %v\n%s", err, out)
	}

	log, err := os.Create(filepath.Join(base, "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	// Small buffers and no binary log: the server shares 2 CPUs and the
	// machine's memory with the app under test.
	srv := exec.Command("mariadbd", "--no-defaults", "--datadir="+data,
		"--socket="+db.Socket(), "--port="+strconv.Itoa(db.Port), "--bind-address=127.0.0.1",
		"--pid-file="+filepath.Join(base, "mariadbd.pid"), "--skip-name-resolve", "--skip-log-bin",
		"--innodb-buffer-pool-size=16M", "--innodb-log-file-size=16M", "--innodb-flush-log-at-trx-commit=0",
		"--performance-schema=OFF", "--max-connections=40", "--log-error="+filepath.Join(base, "error.log"))
	srv.Dir = base
	srv.Env = db.env()
	srv.Stdout, srv.Stderr = log, log
	srv.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, Pdeathsig: syscall.SIGKILL}
	if err := srv.Start(); err != nil {
		t.Fatalf("mariadbd: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- srv.Wait() }() // the test driver waits for its own host fixture
	t.Cleanup(func() {
		// SIGTERM is mariadbd's clean shutdown; the data is thrown away next,
		// so a slow one is killed.
		srv.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			srv.Process.Kill()
			<-exited
		}
	})
	deadline := time.Now().Add(mariadbTimeout)
	for {
		if c, err := net.DialTimeout("unix", db.Socket(), time.Second); err == nil {
			c.Close()
			break
		}
		select {
		case err := <-exited:
			b, _ := os.ReadFile(filepath.Join(base, "error.log"))
			t.Fatalf("mariadbd exited before it listened: %v\n%s", err, b)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(filepath.Join(base, "error.log"))
			t.Fatalf("mariadbd did not listen on %s within %s\n%s", db.Socket(), mariadbTimeout, b)
		}
	}
	return db
}

func (db *mariadb) env() []string {
	return []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=" + db.base, "LC_ALL=C"}
}

// Socket is the server's Unix socket on the host.
func (db *mariadb) Socket() string { return filepath.Join(db.SocketDir, "mysqld.sock") }

// query runs sql as root through the socket (root is authenticated by the
// socket's peer credentials, as Debian sets it up) and returns the client's
// batch output, tab-separated without column names, minus the final newline.
func (db *mariadb) query(t testing.TB, sql string) string {
	t.Helper()
	return clientQuery(t, mariadbTimeout, db.env(), sql, "mariadb", "--no-defaults", "-S", db.Socket(), "-u", "root", "-N", "-B", "-e")
}

// createDatabase makes a user with password, reachable from localhost (the
// socket) and over TCP, owning database db, as the platform's addon does for
// each app.
func (db *mariadb) createDatabase(t testing.TB, user, password, name string) {
	t.Helper()
	db.query(t, fmt.Sprintf("CREATE DATABASE `%s` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", name))
	for _, host := range []string{"localhost", "127.0.0.1"} {
		db.query(t, fmt.Sprintf("CREATE USER %s@%s IDENTIFIED BY %s; GRANT ALL ON `%s`.* TO %s@%s",
			mysqlString(user), mysqlString(host), mysqlString(password), name, mysqlString(user), mysqlString(host)))
	}
}

// setPassword rotates user's password, as the platform does when it
// re-provisions the addon; connections already open keep working.
func (db *mariadb) setPassword(t testing.TB, user, password string) {
	t.Helper()
	for _, host := range []string{"localhost", "127.0.0.1"} {
		db.query(t, fmt.Sprintf("ALTER USER %s@%s IDENTIFIED BY %s", mysqlString(user), mysqlString(host), mysqlString(password)))
	}
}

// mysqlEnv is the addon's variables as the app sees them, with the socket
// directory mounted at dir. The platform sets CLOUDRON_MYSQL_HOST=mysql and
// CLOUDRON_MYSQL_PORT=3306; here the host is "localhost" (a socket for MySQL
// clients) and the port carries WordPress's ":/socket" suffix, so a package
// writing DB_HOST as HOST:PORT, as on the platform, reaches the socket.
func (db *mariadb) mysqlEnv(dir, user, password, name string) []string {
	return []string{
		"CLOUDRON_MYSQL_HOST=localhost",
		"CLOUDRON_MYSQL_PORT=3306:" + filepath.Join(dir, "mysqld.sock"),
		"CLOUDRON_MYSQL_USERNAME=" + user,
		"CLOUDRON_MYSQL_PASSWORD=" + password,
		"CLOUDRON_MYSQL_DATABASE=" + name,
		"CLOUDRON_MYSQL_URL=" + (&url.URL{Scheme: "mysql", User: url.UserPassword(user, password), Host: "localhost", Path: "/" + name}).String(),
	}
}

// mysqlString quotes s as a MariaDB string literal: backslash is an escape
// character there (unless NO_BACKSLASH_ESCAPES), so it is doubled, and so is '.
func mysqlString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(s) + "'"
}
