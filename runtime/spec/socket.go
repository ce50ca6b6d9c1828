package spec

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// SocketFD is how a program gets its listening socket.
type SocketFD string

const (
	// SocketListenFDs is systemd's convention (sd_listen_fds(3)): the
	// socket is fd 3, with LISTEN_FDS=1, LISTEN_FDNAMES=<program> and
	// LISTEN_PID set to the program's own pid.
	SocketListenFDs SocketFD = "listen_fds"
	// SocketStdin is supervisord's [fcgi-program] and inetd's nowait: the
	// socket is fd 0 (php-cgi, daphne --fd 0, a FastCGI app).
	SocketStdin SocketFD = "stdin"
)

// Socket is a parsed socket key: Network "tcp" with Addr "host:port", or
// "unix" with Addr the path.
type Socket struct {
	Network, Addr string
}

// ParseSocket reads "tcp://host:port" or "unix:/path" (supervisord's
// "unix:///path" too).
//
//	ParseSocket("tcp://127.0.0.1:9000")      // Socket{"tcp", "127.0.0.1:9000"}
//	ParseSocket("unix:/run/php/app.sock")    // Socket{"unix", "/run/php/app.sock"}
func ParseSocket(s string) (Socket, error) {
	switch {
	case strings.HasPrefix(s, "tcp://"):
		addr := strings.TrimPrefix(s, "tcp://")
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return Socket{}, fmt.Errorf("%q: write tcp://HOST:PORT, such as \"tcp://127.0.0.1:9000\"", s)
		}
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return Socket{}, fmt.Errorf("%q: the port must be a number from 1 to 65535", s)
		}
		if host == "" || host == "*" {
			addr = net.JoinHostPort("0.0.0.0", port)
		}
		return Socket{"tcp", addr}, nil
	case strings.HasPrefix(s, "unix:"):
		p := strings.TrimPrefix(strings.TrimPrefix(s, "unix:"), "//")
		if msg := absMsg(p); msg != "" {
			return Socket{}, fmt.Errorf("%q: %s", s, msg)
		}
		return Socket{"unix", p}, nil
	}
	return Socket{}, fmt.Errorf("%q: write \"tcp://HOST:PORT\" or \"unix:/run/NAME.sock\"", s)
}

// String is the socket as written in a spec.
func (s Socket) String() string {
	if s.Network == "unix" {
		return "unix:" + s.Addr
	}
	return "tcp://" + s.Addr
}

// socketKeys are the keys that mean nothing without socket.
var socketKeys = []string{"socket_fd", "socket_mode", "socket_owner"}

// checkSocket checks a program's socket: its form, that a unix socket is
// somewhere the stages may write, that one socket is not two programs', and
// that the other socket keys come with it.
func (p *Program) checkSocket(c *checker, at string, s *Spec) {
	if p.Socket == "" {
		for _, k := range socketKeys {
			if c.written[at+"."+k] {
				c.errorf(at+"."+k, "without socket it means nothing: add socket = \"tcp://127.0.0.1:9000\" or remove it")
			}
		}
		return
	}
	if p.SocketOwner == "" {
		p.SocketOwner = p.User
	}
	sock, err := ParseSocket(p.Socket)
	if err != nil {
		c.errorf(at+".socket", "%v", err)
		return
	}
	if sock.Network == "unix" && !under(sock.Addr, c.roots...) {
		c.errorf(at+".socket", "%s", onReadOnlyRoot(sock.Addr))
	}
	if p.Schedule != nil {
		c.errorf(at+".socket", "a scheduled program runs now and then: nothing would accept connections between runs; remove socket or schedule")
	}
	for i := range s.Programs {
		o := &s.Programs[i]
		if o.Name < p.Name && o.Socket != "" {
			if other, err := ParseSocket(o.Socket); err == nil && other == sock {
				c.errorf(at+".socket", "%s is also programs.%s's socket: each socket is one program's (use instances to share it)", p.Socket, o.Name)
			}
		}
	}
}
