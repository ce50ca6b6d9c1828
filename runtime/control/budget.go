package control

import (
	"net"
	"slices"
	"time"
)

// How the server bounds what clients make it hold without ever refusing
// `appstart status` or `appstart health` (Docker's HEALTHCHECK) for lack of
// a slot (issue 14: 16 `logs -f` followers used to make health fail with
// "busy"). A connection goes through up to two budgets:
//
//   - Pending, until its request line is read (MaxPending): when full, a
//     newcomer takes the place of the connection that has waited longest
//     for its line, which is told busy. A real client writes its request
//     right after connect, so idle connections cannot keep it out, and a
//     flood costs at most MaxPending waiting handlers.
//   - Then by operation: a status is answered at once, under no budget (it
//     is read from memory in microseconds, and every status first came
//     through the pending budget); a follower takes one of MaxFollowers
//     slots; any other request (start, stop, restart, signal, logs, which
//     may take the OpTimeout or a large answer) one of MaxConns. A request
//     finding its budget full is told busy.
//
// So followers and slow operations each exhaust only their own budget, and
// goroutines and memory stay bounded by MaxPending + MaxFollowers +
// MaxConns handlers plus the statuses in flight.

// conn is one accepted connection's place in the budgets; its fields are
// guarded by Server.mu.
type conn struct {
	c       *net.UnixConn
	budget  *int // the counter it holds a slot of; nil for none
	evicted bool // its pending slot went to a newcomer
}

// admit gives a new connection a pending slot, taking that of the oldest
// pending connection if there is none free.
func (s *Server) admit(c *net.UnixConn) *conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	cn := &conn{c: c}
	c.SetReadDeadline(time.Now().Add(s.opts.ReadTimeout))
	if len(s.pending) >= s.opts.MaxPending {
		old := s.pending[0]
		s.pending = s.pending[1:]
		old.evicted = true
		// Wakes its handler's read at once; the handler then says busy.
		old.c.SetReadDeadline(time.Unix(1, 0))
	}
	s.pending = append(s.pending, cn)
	return cn
}

// dispatch moves cn out of the pending budget once its request is read
// (req nil: none could be) into the budget of its operation. It returns
// the busy error to send instead of serving, if any.
func (s *Server) dispatch(cn *conn, req *request) *Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cn.evicted {
		return errorf(CodeBusy, "%s (%d waiting for their request)", ErrBusy.Error(), s.opts.MaxPending)
	}
	s.pending = slices.DeleteFunc(s.pending, func(p *conn) bool { return p == cn })
	if req == nil {
		return nil
	}
	switch {
	case req.Op == OpStatus:
		return nil
	case req.Op == OpLogs && req.Follow:
		if s.followers >= s.opts.MaxFollowers {
			return errorf(CodeBusy, "appstart is busy: too many log followers (%d)", s.opts.MaxFollowers)
		}
		cn.budget = &s.followers
	default:
		if s.ops >= s.opts.MaxConns {
			return errorf(CodeBusy, "%s (%d requests in progress)", ErrBusy.Error(), s.opts.MaxConns)
		}
		cn.budget = &s.ops
	}
	*cn.budget++
	return nil
}

// release gives back whatever slot cn holds, when its handler ends.
func (s *Server) release(cn *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending = slices.DeleteFunc(s.pending, func(p *conn) bool { return p == cn })
	if cn.budget != nil {
		*cn.budget--
		cn.budget = nil
	}
}
