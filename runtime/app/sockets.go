package app

import (
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"appstart/runtime/ident"
	"appstart/runtime/proc"
	"appstart/runtime/spec"
)

// sockets are the programs' listening sockets (programs.NAME.socket),
// bound once when the supervisor is built and kept open by appstart for as
// long as it runs: a restarted program gets the same socket back, with the
// connections that queued meanwhile (supervisord's [fcgi-program], systemd's
// socket activation). Every instance of a program shares its one socket.
type sockets struct {
	byProgram map[string]socketFile // by program (group) name
}

type socketFile struct {
	f  *os.File
	fd spec.SocketFD
}

// bindSockets binds every program's socket from the spec, or fails naming
// the first that cannot be bound (a port in use, a path that is not a
// socket): a start with a socket it cannot have stops before any program.
func bindSockets(s *spec.Spec, root string) (*sockets, error) {
	out := &sockets{byProgram: map[string]socketFile{}}
	for _, p := range s.Programs {
		if p.Socket == "" {
			continue
		}
		f, err := bindSocket(p, root)
		if err != nil {
			out.close()
			return nil, fmt.Errorf("programs.%s.socket: %w", p.Name, err)
		}
		out.byProgram[p.Name] = socketFile{f, p.SocketFD}
	}
	return out, nil
}

func bindSocket(p spec.Program, root string) (*os.File, error) {
	sock, err := spec.ParseSocket(p.Socket)
	if err != nil {
		return nil, err
	}
	if sock.Network == "tcp" {
		ln, err := net.Listen("tcp", sock.Addr)
		if err != nil {
			return nil, fmt.Errorf("cannot listen on %s: %w", sock.Addr, err)
		}
		defer ln.Close() // the dup File returns stays bound
		return ln.(*net.TCPListener).File()
	}
	path := sock.Addr
	// A socket file left by an earlier run (under /app/data, or /run in a
	// debug shell) is removed; anything else there is not appstart's.
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode()&fs.ModeSocket == 0 {
			return nil, fmt.Errorf("%s exists and is not a socket: remove it or choose another path", path)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("cannot remove the stale socket %s: %w", path, err)
		}
	}
	u, err := ident.LookupFiles(p.SocketOwner, filepath.Join(root, "etc/passwd"), filepath.Join(root, "etc/group"))
	if err != nil {
		return nil, fmt.Errorf("socket_owner: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("cannot make the socket's directory: %w", err)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s: %w", path, err)
	}
	ul := ln.(*net.UnixListener)
	ul.SetUnlinkOnClose(false) // the file belongs to the dup below
	defer ul.Close()
	if err := os.Lchown(path, int(u.Uid), int(u.Gid)); err != nil {
		return nil, fmt.Errorf("cannot chown %s: %w", path, err)
	}
	if err := os.Chmod(path, p.SocketMode); err != nil {
		return nil, fmt.Errorf("cannot chmod %s: %w", path, err)
	}
	return ul.File()
}

// attach gives program group's socket to c: as fd 0 for socket_fd "stdin",
// else as fd 3 with LISTEN_FDS=1, LISTEN_FDNAMES and LISTEN_PID (the
// child's own pid, set by proc's helper after fork).
func (s *sockets) attach(group string, c *proc.Cmd) {
	if s == nil {
		return
	}
	sf, ok := s.byProgram[group]
	if !ok {
		return
	}
	if sf.fd == spec.SocketStdin {
		c.Stdin = sf.f
		return
	}
	c.Env = slices.DeleteFunc(slices.Clone(c.Env), func(kv string) bool {
		return strings.HasPrefix(kv, "LISTEN_FDS=") || strings.HasPrefix(kv, "LISTEN_PID=") || strings.HasPrefix(kv, "LISTEN_FDNAMES=")
	})
	c.Env = append(c.Env, "LISTEN_FDS=1", "LISTEN_FDNAMES="+group)
	c.ExtraFiles = append([]*os.File{sf.f}, c.ExtraFiles...)
	c.ListenPID = true
}

// close closes appstart's copies (the programs keep theirs).
func (s *sockets) close() {
	if s == nil {
		return
	}
	for _, sf := range s.byProgram {
		sf.f.Close()
	}
}
