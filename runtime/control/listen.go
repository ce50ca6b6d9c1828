package control

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// maxSocketPath is sun_path's size minus its NUL (unix(7)).
const maxSocketPath = 107

// Options bounds what clients can make the server hold. Zero fields take
// the defaults.
type Options struct {
	// The budgets of budget.go; a status is never refused for lack of one.
	MaxPending   int           // connections waiting for their request line (16); the oldest makes way
	MaxFollowers int           // `logs -f` streams at once (16); more are told "busy"
	MaxConns     int           // other requests but status in progress (16); more are told "busy"
	ReadTimeout  time.Duration // for the request line to arrive (5s)
	WriteTimeout time.Duration // for each response to be taken by the client (10s)
	OpTimeout    time.Duration // for a Backend call other than Follow (60s)
}

func (o Options) withDefaults() Options {
	if o.MaxPending <= 0 {
		o.MaxPending = 16
	}
	if o.MaxFollowers <= 0 {
		o.MaxFollowers = 16
	}
	if o.MaxConns <= 0 {
		o.MaxConns = 16
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = 5 * time.Second
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 10 * time.Second
	}
	if o.OpTimeout <= 0 {
		o.OpTimeout = 60 * time.Second
	}
	return o
}

// Server serves the control socket. Make one with Listen, run Serve, end
// with Close.
type Server struct {
	path   string
	ln     *net.UnixListener
	dev    uint64 // identity of the socket file we bound, so that Close
	ino    uint64 // removes ours and never a successor's
	b      Backend
	opts   Options
	base   context.Context
	cancel context.CancelFunc
	uid    int // the server's own euid, also allowed besides root

	mu        sync.Mutex
	closed    bool                       // guarded by mu
	conns     map[*net.UnixConn]struct{} // guarded by mu
	pending   []*conn                    // oldest first; guarded by mu
	left      chan struct{}              // a pending connection left (budget.go)
	followers int                        // slots taken; guarded by mu
	ops       int                        // slots taken; guarded by mu

	wg        sync.WaitGroup // connection handlers
	closeOnce sync.Once
	closeErr  error
}

// Listen binds the control socket at path with Options' defaults.
//
//	srv, err := control.Listen("/run/appstart/control.sock", backend)
//	// err: another appstart is running: pid 42 (it answers on /run/appstart/control.sock)
func Listen(path string, b Backend) (*Server, error) {
	return ListenOptions(path, b, Options{})
}

// ListenOptions binds the control socket at path: it creates the parent
// directory (0700), replaces a stale socket that nothing answers on,
// refuses a live one with the pid of the appstart behind it, and leaves the
// socket at mode 0600. Take the run Lock first: it is what keeps two
// appstarts from racing for the same path.
func ListenOptions(path string, b Backend, o Options) (*Server, error) {
	if len(path) > maxSocketPath {
		return nil, fmt.Errorf("cannot listen on %s: path is %d bytes, a unix socket allows %d", path, len(path), maxSocketPath)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("cannot listen on %s: %w", path, err)
	}
	if err := clearStale(path); err != nil {
		return nil, err
	}
	ln, err := listenUnix(path)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s: %w", path, err)
	}
	// Until this chmod the mode is 0777&^umask: with the usual 022 others
	// lack the write permission connect(2) needs, and the SO_PEERCRED check
	// in the server refuses them anyway.
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		os.Remove(path)
		return nil, fmt.Errorf("cannot listen on %s: %w", path, err)
	}
	fi, err := os.Lstat(path)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("cannot listen on %s: %w", path, err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	o = o.withDefaults()
	base, cancel := context.WithCancel(context.Background())
	return &Server{
		path: path, ln: ln, dev: st.Dev, ino: st.Ino, b: b, opts: o,
		base: base, cancel: cancel, left: make(chan struct{}, 1),
		uid: os.Geteuid(), conns: map[*net.UnixConn]struct{}{},
	}, nil
}

// listenUnix binds and listens on path in the calls that takes, then hands
// the socket to the runtime's poller. net.ListenUnix would first read
// /proc/sys/net/core/somaxconn for the backlog (the kernel caps it there
// anyway), through a 64 KiB buffer: on a start's way to its first program.
// The listener never removes the file; Close removes it, if still ours.
func listenUnix(path string) (*net.UnixListener, error) {
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, os.NewSyscallError("socket", err)
	}
	f := os.NewFile(uintptr(fd), path)
	defer f.Close() // FileListener keeps a duplicate
	if err := unix.Bind(fd, &unix.SockaddrUnix{Name: path}); err != nil {
		return nil, os.NewSyscallError("bind", err)
	}
	if err := unix.Listen(fd, unix.SOMAXCONN); err != nil {
		os.Remove(path)
		return nil, os.NewSyscallError("listen", err)
	}
	ln, err := net.FileListener(f)
	if err != nil {
		os.Remove(path)
		return nil, err
	}
	return ln.(*net.UnixListener), nil
}

// Path is where the server listens.
func (s *Server) Path() string { return s.path }

// clearStale removes a socket left by an appstart that died without Close
// (a /run that survived, or a crash), after making sure nothing answers on
// it. It never removes anything else.
func clearStale(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", path, err)
	}
	if fi.Mode().Type() != os.ModeSocket {
		return fmt.Errorf("cannot listen on %s: a %s is in the way (not a socket; remove it by hand)", path, fileKind(fi.Mode()))
	}
	c, err := net.DialTimeout("unix", path, time.Second)
	switch {
	case err == nil:
		defer c.Close()
		pid := 0
		if cred, err := peerCred(c.(*net.UnixConn)); err == nil {
			pid = int(cred.Pid)
		}
		return &RunningError{Path: path, Pid: pid}
	case errors.Is(err, syscall.ECONNREFUSED):
		// Bound by nobody: stale.
	case errors.Is(err, syscall.EAGAIN):
		// A listener whose backlog is full is alive, only slow.
		return &RunningError{Path: path}
	case errors.Is(err, syscall.ENOENT):
		return nil // removed meanwhile
	default:
		return fmt.Errorf("cannot listen on %s: cannot tell whether the existing socket is stale: %w", path, err)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("cannot remove stale socket %s: %w", path, err)
	}
	return nil
}

func fileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "directory"
	case m.IsRegular():
		return "regular file"
	case m&os.ModeSymlink != 0:
		return "symlink"
	}
	return "special file"
}
