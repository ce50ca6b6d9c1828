package control

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"time"
)

// Client talks to a running appstart. Each call is one connection, so a
// Client may be used from several goroutines.
type Client struct {
	path string
	// Timeout bounds a call other than Follow, from dial to answer (60s).
	Timeout time.Duration
}

// Dial returns a client for the socket at path, after checking that
// something is there and that the caller may reach it, so the CLI's first
// message is the useful one:
//
//	c, err := control.Dial("/run/appstart/control.sock")
//	// err: appstart is not running (no socket at /run/appstart/control.sock)
//	// err: permission denied: the control socket is root's (run as root)
func Dial(path string) (*Client, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, dialError(path, err)
	}
	return &Client{path: path, Timeout: 60 * time.Second}, nil
}

// dialError turns what stat(2) or connect(2) said into the CLI's message.
func dialError(path string, err error) error {
	switch {
	case errors.Is(err, syscall.ENOENT):
		return fmt.Errorf("%w (no socket at %s)", ErrNotRunning, path)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("%w (stale socket at %s)", ErrNotRunning, path)
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return ErrPermission
	}
	return fmt.Errorf("cannot connect to %s: %w", path, err)
}

// Status returns every program.
func (c *Client) Status(ctx context.Context) ([]ProgramStatus, error) {
	var ps []ProgramStatus
	err := c.call(ctx, &request{Op: OpStatus}, func(r *response) error {
		ps = append(ps, r.Programs...)
		return nil
	})
	return ps, err
}

// Start starts the named programs (programs, instances or groups).
func (c *Client) Start(ctx context.Context, names ...string) error {
	return c.call(ctx, &request{Op: OpStart, Names: names}, nil)
}

// Stop stops the named programs; they stay stopped until started.
func (c *Client) Stop(ctx context.Context, names ...string) error {
	return c.call(ctx, &request{Op: OpStop, Names: names}, nil)
}

// Restart stops and starts the named programs.
func (c *Client) Restart(ctx context.Context, names ...string) error {
	return c.call(ctx, &request{Op: OpRestart, Names: names}, nil)
}

// Signal sends sig to the named programs' process groups.
func (c *Client) Signal(ctx context.Context, sig syscall.Signal, names ...string) error {
	return c.call(ctx, &request{Op: OpSignal, Names: names, Signal: int(sig)}, nil)
}

// Logs returns up to the last n kept lines of program name ("" for all).
func (c *Client) Logs(ctx context.Context, name string, n int) ([]LogLine, error) {
	return c.Query(ctx, LogQuery{Name: name, N: n})
}

// Query returns the kept lines q asks for: `appstart logs --since 5m web`.
func (c *Client) Query(ctx context.Context, q LogQuery) ([]LogLine, error) {
	var lines []LogLine
	err := c.call(ctx, &request{Op: OpLogs, Names: names(q.Name), N: q.N, Since: q.Since}, func(r *response) error {
		lines = append(lines, r.Lines...)
		return nil
	})
	return lines, err
}

// Health returns nil when every program is OK (see Healthy): the exit
// status of `appstart health`, Docker's HEALTHCHECK.
func (c *Client) Health(ctx context.Context) error {
	ps, err := c.Status(ctx)
	if err != nil {
		return err
	}
	return Healthy(ps)
}

// Follow calls fn with up to the last n lines of program name ("" for
// all), then with each new line, like `tail -n N -f`. It returns nil when
// appstart ends the stream (it is stopping), ctx's error when ctx ends
// (Ctrl-C), and fn's error if fn fails.
//
//	err := c.Follow(ctx, "web", 10, func(l control.LogLine) error {
//		_, err := fmt.Fprintln(os.Stdout, l.Text)
//		return err
//	})
func (c *Client) Follow(ctx context.Context, name string, n int, fn func(LogLine) error) error {
	return c.FollowQuery(ctx, LogQuery{Name: name, N: n}, fn)
}

// FollowQuery is Follow of the lines q selects, then of every new one.
func (c *Client) FollowQuery(ctx context.Context, q LogQuery, fn func(LogLine) error) error {
	req := &request{Op: OpLogs, Names: names(q.Name), N: q.N, Since: q.Since, Follow: true}
	return c.exchange(ctx, req, false, func(r *response) error {
		for _, l := range r.Lines {
			if err := fn(l); err != nil {
				return err
			}
		}
		return nil
	})
}

func names(name string) []string {
	if name == "" {
		return nil
	}
	return []string{name}
}

func (c *Client) call(ctx context.Context, req *request, fn func(*response) error) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	return c.exchange(ctx, req, true, fn)
}

func (c *Client) timeout() time.Duration {
	if c.Timeout <= 0 {
		return 60 * time.Second
	}
	return c.Timeout
}

// exchange sends req and hands each response to fn until the final one.
// Ending ctx unblocks any read or write at once.
func (c *Client) exchange(ctx context.Context, req *request, deadline bool, fn func(*response) error) error {
	req.V = ProtocolVersion
	line, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("cannot %s: %w", describe(req), err)
	}
	line = append(line, '\n')
	if len(line) > MaxRequest {
		return fmt.Errorf("cannot %s: the request is %d bytes, the limit is %d", describe(req), len(line), MaxRequest)
	}
	d := net.Dialer{Timeout: 5 * time.Second}
	nc, err := d.DialContext(ctx, "unix", c.path)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return dialError(c.path, err)
	}
	conn := nc.(*net.UnixConn)
	defer conn.Close()
	if t, ok := ctx.Deadline(); ok && deadline {
		conn.SetDeadline(t)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	// A write error is not final: a server that refused us (busy, not
	// root, too large) has already queued its answer, so read it.
	_, werr := conn.Write(line)
	dec := json.NewDecoder(bufio.NewReader(conn))
	for {
		var r response
		if err := dec.Decode(&r); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if werr != nil {
				err = werr
			}
			if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
				return fmt.Errorf("cannot %s: appstart closed the control connection", describe(req))
			}
			return fmt.Errorf("cannot %s: %w", describe(req), err)
		}
		if r.Error != nil {
			return r.Error
		}
		if fn != nil && (len(r.Programs) > 0 || len(r.Lines) > 0) {
			if err := fn(&r); err != nil {
				return err
			}
		}
		if r.final() {
			return nil
		}
	}
}

// describe names a request for an error message: "stop web", "read logs".
func describe(req *request) string {
	switch req.Op {
	case OpStatus:
		return "read status"
	case OpLogs:
		return "read logs"
	}
	return strings.TrimSpace(req.Op + " " + strings.Join(req.Names, " "))
}
