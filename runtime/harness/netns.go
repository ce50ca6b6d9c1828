package harness

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// DialContext connects to addr ("127.0.0.1:3000") in the container's
// network namespace, so a test reaches the app's loopback ports while many
// containers listen on the same port in parallel. addr must hold an IP
// literal: a name lookup could run on another thread, outside the namespace.
//
// Example: conn, err := in.DialContext(ctx, "tcp", "127.0.0.1:3000").
func (in *Instance) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	if in.opts.HostNetwork {
		return d.DialContext(ctx, network, addr)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("cannot dial %s: %w", addr, err)
	}
	if host == "localhost" {
		addr = net.JoinHostPort("127.0.0.1", port)
	} else if net.ParseIP(host) == nil {
		return nil, fmt.Errorf("cannot dial %s: the container's network needs an IP address, not a name", addr)
	}
	target, err := os.Open(fmt.Sprintf("/proc/%d/ns/net", in.Pid1()))
	if err != nil {
		return nil, fmt.Errorf("cannot open the network namespace of pid %d: %w", in.Pid1(), err)
	}
	defer target.Close()

	type dialed struct {
		conn net.Conn
		err  error
	}
	ch := make(chan dialed, 1)
	go func() {
		// setns(2) changes the calling thread only; the socket keeps the
		// namespace it was created in after the thread switches back.
		runtime.LockOSThread()
		orig, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			ch <- dialed{nil, fmt.Errorf("cannot open this thread's network namespace: %w", err)}
			runtime.UnlockOSThread()
			return
		}
		defer orig.Close()
		if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
			ch <- dialed{nil, fmt.Errorf("cannot enter the network namespace of pid %d: %w", in.Pid1(), err)}
			runtime.UnlockOSThread()
			return
		}
		conn, err := d.DialContext(ctx, network, addr)
		// Back before the caller has the connection: this thread may be
		// the process's main one, whose namespace /proc/self/ns/net shows
		// (CI: a test read the container's there right after its request).
		back := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET) == nil
		ch <- dialed{conn, err}
		// A thread that cannot switch back stays locked, so the runtime
		// retires it instead of reusing it in the wrong namespace.
		if back {
			runtime.UnlockOSThread()
		}
	}()
	r := <-ch
	return r.conn, r.err
}

// HTTPClient returns a client whose connections go through DialContext:
// client.Get("http://127.0.0.1:3000/") talks to the container's port 3000.
func (in *Instance) HTTPClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext:       in.DialContext,
		DisableKeepAlives: true, // no idle connections into a container that is gone
		Proxy:             nil,
	}}
}
