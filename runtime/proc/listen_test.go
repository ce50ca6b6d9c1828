package proc

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"appstart/runtime/harness/skip"
)

// sdListen is a socket-activated server as sd_listen_fds(3) describes
// one: it takes fds from 3 only when LISTEN_PID is its own pid, and serves
// one connection on the first with its pid and the check's result.
const sdListen = `
import os, socket
ok = os.environ.get("LISTEN_PID") == str(os.getpid()) and os.environ.get("LISTEN_FDS") == "1"
s = socket.fromfd(3, socket.AF_INET, socket.SOCK_STREAM)
c, _ = s.accept()
c.sendall(("%d %s %s\n" % (os.getpid(), ok, os.environ.get("LISTEN_PID"))).encode())
c.close()
`

// Spawn with ListenPID gives the child LISTEN_PID equal to its own pid (a
// value in Env, as a leaked one from a parent, is replaced); the real
// consumer, python3 reading the socket from fd 3 as systemd's convention
// says, serves a connection on the socket appstart bound. Control: without
// ListenPID the same child sees the leaked value and refuses it.
func TestSpawnListenPID(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		skip.OrFail(t, "no python3: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	f, err := ln.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, listenPID := range []bool{true, false} {
		sink := make(chan Exit, 1)
		pid, err := testReaper.Spawn(Cmd{Path: py, Args: []string{"python3", "-c", sdListen},
			Env:        []string{"LISTEN_FDS=1", "LISTEN_PID=1", "PATH=/usr/bin:/bin"},
			ExtraFiles: []*os.File{f}, Stderr: os.Stderr, ListenPID: listenPID}, sink)
		if err != nil {
			t.Fatal(err)
		}
		conn, err := net.DialTimeout("tcp", ln.Addr().String(), 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		conn.SetDeadline(time.Now().Add(30 * time.Second))
		line, err := bufio.NewReader(conn).ReadString('\n')
		conn.Close()
		if err != nil {
			t.Fatalf("ListenPID %v: %v", listenPID, err)
		}
		want := strconv.Itoa(pid) + " True " + strconv.Itoa(pid)
		if !listenPID {
			want = strconv.Itoa(pid) + " False 1"
		}
		if got := strings.TrimSpace(line); got != want {
			t.Errorf("ListenPID %v: child said %q, want %q", listenPID, got, want)
		}
		select {
		case e := <-sink:
			if e.Code != 0 {
				t.Errorf("child exited %v", e)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("child did not exit")
		}
	}
}
