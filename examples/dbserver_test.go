package examples_test

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"strings"
	"testing"
	"time"

	"appstart/runtime/harness"
)

// The plumbing the database fixtures share (startMariaDB, startPostgres):
// each runs a real server on the host as an unprivileged user, on a free
// loopback port, with a socket directory the containers mount.

// freePort asks the kernel for a free loopback port.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// serverUser is the uid and gid a server runs as: its own user (mysql,
// postgres), else nobody (neither server runs as root). server names it in
// the skip.
func serverUser(t testing.TB, own, server string) (int, int) {
	t.Helper()
	for _, name := range []string{own, "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return uid, gid
	}
	harness.SkipOrFail(t, "neither a %s nor a nobody user exists to run %s as", own, server)
	return 0, 0
}

// serverDirs makes dirs (parents first), mode 0755 and owned by uid:gid: the
// container's users (www-data, cloudron) must reach the socket in them. A
// data directory is made private afterwards.
func serverDirs(t testing.TB, uid, gid int, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(d, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
}

// clientQuery runs a database client, argv (its last argument sql), with env
// and bounded by limit, and returns its output without the final newline;
// a failure fails t with the client's stderr. The tests drive host tools
// from outside any container, so os/exec's Wait is theirs to use.
func clientQuery(t testing.TB, limit time.Duration, env []string, sql string, argv ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], append(argv[1:], sql)...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %q: %v\n%s", argv[0], sql, err, stderr.String())
	}
	return strings.TrimSuffix(string(out), "\n")
}
