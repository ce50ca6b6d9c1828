package control

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"time"
)

// Serve accepts connections until ctx ends or Close is called, then closes
// the server (Close's work is done when Serve returns). Each connection is
// one request, handled on its own goroutine within the budgets of
// budget.go.
func (s *Server) Serve(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() { s.Close() })
	defer stop()
	// Whichever way Serve ends, the server is closed and cleaned up when
	// it returns (a concurrent Close blocks here until done: sync.Once).
	defer s.Close()
	var delay time.Duration
	for {
		c, err := s.ln.AcceptUnix()
		if err != nil {
			if s.isClosed() || errors.Is(err, net.ErrClosed) {
				return nil
			}
			// EMFILE and the like: back off as net/http does, rather than
			// spin or give up the socket for good.
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			select {
			case <-time.After(delay):
			case <-s.base.Done():
			}
			continue
		}
		delay = 0
		if !s.track(c) {
			c.Close()
			return nil
		}
		go s.handle(s.admit(c))
	}
}

// Close stops accepting, ends every connection (a follower sees the end of
// its stream), waits for their handlers and removes the socket if it is
// still the one Listen bound. Calling it again returns the first result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		conns := make([]*net.UnixConn, 0, len(s.conns))
		for c := range s.conns {
			conns = append(conns, c)
		}
		s.mu.Unlock()
		s.cancel()
		s.ln.Close()
		for _, c := range conns {
			c.Close()
		}
		s.wg.Wait()
		s.closeErr = s.removeSocket()
	})
	return s.closeErr
}

// RemoveSocket removes the socket file now, so that no client reaches the
// server any more, without waiting for it to wind down as Close does (the
// accepting goroutine letting go of the listener, the handlers returning:
// ~0.08 ms, a hand-over between threads). It is for a process that exits
// next, whose exit closes the listener and every connection. A Close
// before or after it removes nothing more.
func (s *Server) RemoveSocket() error { return s.removeSocket() }

func (s *Server) removeSocket() error {
	fi, err := os.Lstat(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot remove control socket %s: %w", s.path, err)
	}
	if st := fi.Sys().(*syscall.Stat_t); st.Dev != s.dev || st.Ino != s.ino {
		return nil // someone else's now
	}
	if err := os.Remove(s.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("cannot remove control socket %s: %w", s.path, err)
	}
	return nil
}

func (s *Server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// track registers c so that Close can end it; false once closed.
func (s *Server) track(c *net.UnixConn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	return true
}

func (s *Server) untrack(c *net.UnixConn) {
	c.Close()
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.wg.Done()
}

func (s *Server) handle(cn *conn) {
	c := cn.c
	defer s.untrack(c)
	defer s.release(cn)
	if e := s.authorize(c); e != nil {
		s.send(c, &response{Error: e})
		return
	}
	req, e := s.readRequest(c)
	if busy := s.dispatch(cn, req); busy != nil {
		e = busy // evicted while reading, or its budget is full
	}
	if e != nil {
		if e.Code != "" { // "" is a client that hung up: nobody to tell
			s.send(c, &response{Error: e})
		}
		return
	}
	if req.Op == OpLogs && req.Follow {
		s.follow(c, req)
		return
	}
	s.send(c, s.do(req))
}

// authorize admits root and the server's own user: the file mode already
// keeps others out, this holds even if the mode or a bind mount of /run
// is wrong.
func (s *Server) authorize(c *net.UnixConn) *Error {
	cred, err := peerCred(c)
	if err != nil {
		return errorf(CodePermission, "%s: %v", ErrPermission.Error(), err)
	}
	if cred.Uid != 0 && int(cred.Uid) != s.uid {
		return errorf(CodePermission, "%s", ErrPermission.Error())
	}
	return nil
}

// readRequest reads one line of at most MaxRequest bytes within
// ReadTimeout. An *Error with an empty Code means the client left.
// (admit set the deadline, so that an eviction's is never overwritten).
func (s *Server) readRequest(c *net.UnixConn) (*request, *Error) {
	lr := &io.LimitedReader{R: c, N: MaxRequest}
	line, err := bufio.NewReader(lr).ReadBytes('\n')
	switch {
	case err == nil:
	case errors.Is(err, io.EOF) && lr.N == 0:
		return nil, errorf(CodeBadRequest, "request too large (limit %d bytes)", MaxRequest)
	case errors.Is(err, io.EOF) && len(bytes.TrimSpace(line)) > 0:
		// A last line without its newline (the client shut its write side).
	case errors.Is(err, os.ErrDeadlineExceeded):
		return nil, errorf(CodeBadRequest, "no request within %s", s.opts.ReadTimeout)
	default:
		return nil, &Error{}
	}
	req, err := decodeRequest(line)
	if err != nil {
		return nil, errorf(CodeBadRequest, "cannot decode request: %v", err)
	}
	if e := req.validate(); e != nil {
		return nil, e
	}
	return req, nil
}

// do runs a request that has one answer.
func (s *Server) do(req *request) *response {
	ctx, cancel := context.WithTimeout(s.base, s.opts.OpTimeout)
	defer cancel()
	var err error
	resp := &response{Done: true}
	switch req.Op {
	case OpStatus:
		resp.Programs, err = s.b.Status(ctx)
		if resp.Programs == nil {
			resp.Programs = []ProgramStatus{}
		}
	case OpStart:
		err = s.b.Start(ctx, req.Names)
	case OpStop:
		err = s.b.Stop(ctx, req.Names)
	case OpRestart:
		err = s.b.Restart(ctx, req.Names)
	case OpSignal:
		err = s.b.Signal(ctx, req.Names, syscall.Signal(req.Signal))
	case OpLogs:
		resp.Lines, err = s.b.Logs(ctx, queryOf(req))
	}
	if err != nil {
		return &response{Error: &Error{Code: CodeFailed, Message: err.Error()}}
	}
	return resp
}

func queryOf(req *request) LogQuery {
	q := LogQuery{N: req.N, Since: req.Since}
	if len(req.Names) > 0 {
		q.Name = req.Names[0]
	}
	return q
}

// follow streams the backlog, then live lines until the Backend closes
// them (appstart stops), the client hangs up, a write to it times out, or
// Close.
func (s *Server) follow(c *net.UnixConn, req *request) {
	ctx, cancel := context.WithCancel(s.base)
	defer cancel()
	// The client sends nothing more: a read that ends means it hung up.
	c.SetReadDeadline(time.Time{})
	hungUp := make(chan struct{})
	go func() {
		defer close(hungUp)
		var b [1]byte
		c.Read(b[:])
		cancel()
	}()
	defer func() { c.Close(); <-hungUp }()

	backlog, live, err := s.b.Follow(ctx, queryOf(req))
	if err != nil {
		s.send(c, &response{Error: &Error{Code: CodeFailed, Message: err.Error()}})
		return
	}
	// Always one message first, empty or not: the client knows the stream
	// is on.
	for first := true; first || len(backlog) > 0; first = false {
		n := min(len(backlog), backlogBatch)
		if !s.send(c, &response{Lines: backlog[:n:n]}) {
			return
		}
		backlog = backlog[n:]
	}
	for {
		select {
		case <-ctx.Done():
			s.send(c, &response{Done: true})
			return
		case l, ok := <-live:
			if !ok {
				s.send(c, &response{Done: true})
				return
			}
			batch := []LogLine{l}
		more: // whatever else is already queued goes in the same write
			for len(batch) < backlogBatch {
				select {
				case l, ok := <-live:
					if !ok {
						break more
					}
					batch = append(batch, l)
				default:
					break more
				}
			}
			if !s.send(c, &response{Lines: batch}) {
				return
			}
		}
	}
}

// send writes one response within WriteTimeout; false when the client is
// gone or too slow.
func (s *Server) send(c *net.UnixConn, r *response) bool {
	r.V = ProtocolVersion
	b, err := json.Marshal(r)
	if err != nil {
		b, _ = json.Marshal(&response{V: ProtocolVersion, Error: errorf(CodeFailed, "cannot encode response: %v", err)})
	}
	b = append(b, '\n')
	c.SetWriteDeadline(time.Now().Add(s.opts.WriteTimeout))
	_, err = c.Write(b)
	return err == nil
}
