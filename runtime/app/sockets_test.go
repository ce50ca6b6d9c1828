package app_test

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"appstart/runtime/harness"
	"appstart/runtime/harness/skip"
)

// sockServer is a real consumer of a handed socket: python3 takes it from
// fd 0 (FD=0, supervisord's fcgi-program, daphne --fd 0) or, by systemd's
// convention, from fd 3 only when LISTEN_PID is its own pid and
// LISTEN_FDS=1; it serves one connection with its pid and what it saw,
// then exits, so the next connection needs a restart.
const sockServer = `import os, socket
fd = int(os.environ.get("FD", "3"))
env = "%s %s %s" % (os.environ.get("LISTEN_FDS"), os.environ.get("LISTEN_PID") == str(os.getpid()), os.environ.get("LISTEN_FDNAMES"))
s = socket.socket(fileno=os.dup(fd))
c, _ = s.accept()
c.sendall(("pid=%d fd=%d env=%s\n" % (os.getpid(), fd, env)).encode())
c.close()
`

// Issue 15 item 7: programs.NAME.socket is bound once by appstart and
// handed to every start; a program that ends after each connection is
// restarted and the next connection (queued on appstart's socket while
// nobody accepted) is served by the new process. Both conventions, with
// python3 as the consumer: listen_fds (fd 3, LISTEN_PID the child's own
// pid) and stdin (fd 0). The unix socket gets its owner and mode.
func TestProgramSocketsHandedAcrossRestarts(t *testing.T) {
	spec := `user = "cloudron"
[[dirs]]
path = "/run/app"
[programs.sd]
command = ["/usr/bin/python3", "/app/pkg/server.py"]
socket = "unix:/run/app/sd.sock"
autorestart = "always"
startsecs = 0
[programs.fcgi]
command = ["/usr/bin/python3", "/app/pkg/server.py"]
environment = { FD = "0" }
socket = "unix:/run/app/fcgi.sock"
socket_fd = "stdin"
socket_mode = "0600"
autorestart = "always"
startsecs = 0
`
	harness.RequireCommands(t, "python3")
	c := container(t, spec, func(o *harness.Options) { o.Pkg["server.py"] = sockServer })
	ask := func(sock string) string {
		t.Helper()
		var conn net.Conn
		waitFor(t, sock+" accepting", 20*time.Second, func() (bool, string) {
			var err error
			conn, err = net.Dial("unix", c.HostPath(sock))
			return err == nil, c.Stderr()
		})
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(20 * time.Second))
		line, err := bufio.NewReader(conn).ReadString('\n')
		if err != nil {
			t.Fatalf("%s: %v\n%s", sock, err, c.Stderr())
		}
		return strings.TrimSpace(line)
	}
	for name, want := range map[string]string{"sd": "fd=3 env=1 True sd", "fcgi": "fd=0 env=None False None"} {
		sock := "/run/app/" + name + ".sock"
		first, second := ask(sock), ask(sock)
		if !strings.HasSuffix(first, want) || !strings.HasSuffix(second, want) {
			t.Errorf("%s: served %q then %q, want each to end %q", name, first, second, want)
		}
		if first == second {
			t.Errorf("%s: the same process served both (%q): no restart happened", name, first)
		}
	}
	fi, err := os.Stat(c.HostPath("/run/app/fcgi.sock"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("fcgi.sock: %v %v, want mode 0600", fi, err)
	}
	stopped(t, c)
}

// asgiApp answers every request with the pid of the daphne serving it.
const asgiApp = `import os
async def application(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": ("daphne pid %d\n" % os.getpid()).encode()})
`

// Issue 15 item 7 with DJAC's real consumer: Debian's daphne serving ASGI
// on the socket appstart hands it as fd 0 (`daphne --fd 0`, supervisord's
// [fcgi-program]), two instances on the one socket; after `appstart
// restart` the new daphne processes serve on the same socket.
func TestDaphneOnHandedSocket(t *testing.T) {
	if out, err := exec.Command("/usr/bin/python3", "-c", "import daphne").CombinedOutput(); err != nil {
		skip.OrFail(t, "no python3-daphne: %s", out)
	}
	spec := `user = "cloudron"
[[dirs]]
path = "/run/app"
[programs.asgi]
command = ["/usr/bin/python3", "-m", "daphne", "--fd", "0", "app:application"]
directory = "/app/pkg"
socket = "tcp://127.0.0.1:8000"
socket_fd = "stdin"
instances = "2"
`
	c := container(t, spec, func(o *harness.Options) { o.Pkg["app.py"] = asgiApp })
	// daphne's fd endpoint is TCP (twisted's fd:fileno=0 defaults to
	// AF_INET), so the client runs inside the container's network.
	get := func() string {
		t.Helper()
		var body string
		waitFor(t, "daphne answering", 30*time.Second, func() (bool, string) {
			r := c.Exec("/usr/bin/python3", "-c", "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:8000/', timeout=10).read().decode(), end='')")
			body = r.Stdout
			return r.ExitCode == 0, r.Stderr + c.Stderr()
		})
		return body
	}
	before := get()
	if !strings.HasPrefix(before, "daphne pid ") {
		t.Fatalf("answer %q", before)
	}
	if r := c.Exec("/app/bin/appstart", "restart", "asgi:1", "asgi:2"); r.ExitCode != 0 {
		t.Fatalf("restart: %d %s", r.ExitCode, r.Stderr)
	}
	after := get()
	if !strings.HasPrefix(after, "daphne pid ") || after == before {
		t.Errorf("after the restart: %q (before: %q), want a new daphne's answer", after, before)
	}
	stopped(t, c)
}
