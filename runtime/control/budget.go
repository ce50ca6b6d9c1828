package control

import (
	"bytes"
	"net"
	"slices"
	"syscall"
	"time"
)

// How the server bounds what clients make it hold without ever refusing
// `appstart status` or `appstart health` (Docker's HEALTHCHECK) for lack of
// a slot (issue 14: 16 `logs -f` followers used to make health fail with
// "busy"). A connection goes through up to two budgets:
//
//   - Pending, until its request line is read (MaxPending): when full, a
//     newcomer takes the place of the oldest connection that has sent
//     nothing, which is told busy (see admit). A real client writes its
//     request right after connect, so idle connections cannot keep it out,
//     and a flood costs at most MaxPending waiting handlers.
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
	since   time.Time // accepted
	budget  *int      // the counter it holds a slot of; nil for none
	evicted bool      // its pending slot went to a newcomer
}

// admit gives a new connection a pending slot. When none is free, it
// takes that of the oldest pending connection that is idle: pending for
// idleAfter or more with no request line waiting to be read (it sent
// nothing, or half a line its handler already took). A younger connection
// may be a client between its connect and its write, and one whose line
// waits is about to be served, so if there is no idle one the newcomer
// waits for a slot, up to admitWait, then takes the oldest's anyway: a
// burst of real clients is served whole, and no kind of flood holds the
// slots for longer than that.
func (s *Server) admit(c *net.UnixConn) *conn {
	now := time.Now()
	cn := &conn{c: c, since: now}
	c.SetReadDeadline(now.Add(s.opts.ReadTimeout))
	deadline := now.Add(admitWait)
	for {
		s.mu.Lock()
		if len(s.pending) < s.opts.MaxPending {
			s.pending = append(s.pending, cn)
			s.mu.Unlock()
			return cn
		}
		now := time.Now()
		victim := slices.IndexFunc(s.pending, func(p *conn) bool {
			return now.Sub(p.since) >= idleAfter && !lineWaiting(p.c)
		})
		if victim < 0 && !now.Before(deadline) {
			victim = 0
		}
		if victim >= 0 {
			old := s.pending[victim]
			s.pending = slices.Delete(s.pending, victim, victim+1)
			old.evicted = true
			// Wakes its handler's read at once; the handler then says busy.
			old.c.SetReadDeadline(time.Unix(1, 0))
			s.pending = append(s.pending, cn)
			s.mu.Unlock()
			return cn
		}
		s.mu.Unlock()
		t := time.NewTimer(idleAfter / 2)
		select {
		case <-s.left:
		case <-t.C:
		case <-s.base.Done():
		}
		t.Stop()
	}
}

// Tuning of admit: a client writes its request within microseconds of its
// connect when it gets the CPU, so 100 ms without one is idle; 100 ms is
// also the longest a newcomer waits for a slot (the accept loop waits with
// it). Shorter, clients descheduled between connect and write on a loaded
// 2-core machine were taken for idle: TestBurstOfClientsIsServed under
// -race beside four busy loops failed 3 times in 400 at 50 ms (8 in 600
// without -race at 20 ms; CI failed it once), none at 100 ms.
const (
	idleAfter = 100 * time.Millisecond
	admitWait = 100 * time.Millisecond
)

// lineWaiting reports whether c holds unread bytes with a newline in the
// first peekSize (or that many without one: a long request on its way),
// without taking them.
func lineWaiting(c *net.UnixConn) bool {
	raw, err := c.SyscallConn()
	if err != nil {
		return false
	}
	var b [peekSize]byte
	n := 0
	raw.Control(func(fd uintptr) {
		n, _, _ = syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
	})
	return n == peekSize || n > 0 && bytes.IndexByte(b[:n], '\n') >= 0
}

const peekSize = 1024

// leftPending tells a waiting admit that a pending slot was freed; mu held.
func (s *Server) leftPending(cn *conn) {
	if i := slices.Index(s.pending, cn); i >= 0 {
		s.pending = slices.Delete(s.pending, i, i+1)
		select {
		case s.left <- struct{}{}:
		default:
		}
	}
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
	s.leftPending(cn)
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
	s.leftPending(cn)
	if cn.budget != nil {
		*cn.budget--
		cn.budget = nil
	}
}
