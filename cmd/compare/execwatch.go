package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// execWatch follows the kernel's process events (the proc connector,
// include/uapi/linux/cn_proc.h): every fork and exec on the machine, each
// stamped by the kernel with CLOCK_MONOTONIC as it happens. Start to exec
// is read from it: the moment the program's exec began, with nothing added
// to the program and no second binary to build. It needs CAP_NET_ADMIN, as
// the benchmark's root has.
type execWatch struct {
	fd  int
	buf []byte
}

// procEvent is one fork or exec. For a fork, parent is the forking
// process and pid the new one (a new thread is no fork here); for an exec,
// pid is the process that exec'ed.
type procEvent struct {
	exec        bool
	ns          uint64 // CLOCK_MONOTONIC
	parent, pid int32
}

// Values of linux/connector.h and linux/cn_proc.h.
const (
	cnIdxProc          = 1
	cnValProc          = 1
	procCnMcastListen  = 1
	procEventFork      = 0x1
	procEventExec      = 0x2
	nlmsgHeaderLen     = 16
	cnMsgHeaderLen     = 20
	procEventHeaderLen = 16 // what, cpu, timestamp_ns
)

func openExecWatch() (*execWatch, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, unix.NETLINK_CONNECTOR)
	if err != nil {
		return nil, fmt.Errorf("cannot watch process events: %w", err)
	}
	w := &execWatch{fd: fd, buf: make([]byte, 64<<10)}
	// A machine busy with other work sends thousands of events a second;
	// they are read only after each run.
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, 8<<20)
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: cnIdxProc, Pid: uint32(os.Getpid())}); err != nil {
		w.Close()
		return nil, fmt.Errorf("cannot watch process events: bind: %w", err)
	}
	msg := make([]byte, nlmsgHeaderLen+cnMsgHeaderLen+4)
	le := binary.LittleEndian
	le.PutUint32(msg[0:], uint32(len(msg)))
	le.PutUint16(msg[4:], unix.NLMSG_DONE)
	le.PutUint32(msg[12:], uint32(os.Getpid()))
	le.PutUint32(msg[16:], cnIdxProc)
	le.PutUint32(msg[20:], cnValProc)
	le.PutUint16(msg[32:], 4)
	le.PutUint32(msg[36:], procCnMcastListen)
	if err := unix.Sendto(fd, msg, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		w.Close()
		return nil, fmt.Errorf("cannot watch process events: subscribe: %w", err)
	}
	return w, nil
}

func (w *execWatch) Close() { unix.Close(w.fd) }

// pending reads the events queued so far. The kernel queues each as it
// happens, so once a run has been waited for, its events are all there.
func (w *execWatch) pending() ([]procEvent, error) {
	var evs []procEvent
	for {
		n, _, err := unix.Recvfrom(w.fd, w.buf, unix.MSG_DONTWAIT)
		switch {
		case errors.Is(err, unix.EAGAIN):
			return evs, nil
		case errors.Is(err, unix.ENOBUFS):
			return nil, errors.New("process events were dropped: the machine forks faster than they were read")
		case errors.Is(err, unix.EINTR):
			continue
		case err != nil:
			return nil, fmt.Errorf("cannot read process events: %w", err)
		}
		evs = append(evs, parseProcEvents(w.buf[:n])...)
	}
}

// parseProcEvents decodes one datagram: netlink messages, each a cn_msg
// holding a proc_event. Other events and a thread's fork are left out.
func parseProcEvents(b []byte) []procEvent {
	le := binary.LittleEndian
	var evs []procEvent
	for len(b) >= nlmsgHeaderLen {
		n := int(le.Uint32(b))
		if n < nlmsgHeaderLen || n > len(b) {
			break
		}
		if p := b[nlmsgHeaderLen:n]; len(p) >= cnMsgHeaderLen+procEventHeaderLen {
			ev := p[cnMsgHeaderLen:]
			what, ns, data := le.Uint32(ev), le.Uint64(ev[8:]), ev[procEventHeaderLen:]
			switch {
			case what == procEventFork && len(data) >= 16:
				// parent_pid, parent_tgid, child_pid, child_tgid
				if child := int32(le.Uint32(data[8:])); child == int32(le.Uint32(data[12:])) {
					evs = append(evs, procEvent{ns: ns, parent: int32(le.Uint32(data[4:])), pid: child})
				}
			case what == procEventExec && len(data) >= 8:
				evs = append(evs, procEvent{exec: true, ns: ns, pid: int32(le.Uint32(data[4:]))})
			}
		}
		b = b[min((n+3)&^3, len(b)):]
	}
	return evs
}

// execAt is when the first process depth forks below root exec'ed, after
// since: for `unshare --fork INIT PROG` run as root, depth 2 is PROG
// (unshare forks INIT, INIT forks PROG).
func execAt(evs []procEvent, root int32, depth int, since uint64) (uint64, bool) {
	depths := map[int32]int{root: 0}
	for _, e := range evs {
		if e.ns < since {
			continue
		}
		if e.exec {
			if d, ok := depths[e.pid]; ok && d == depth {
				return e.ns, true
			}
		} else if d, ok := depths[e.parent]; ok {
			depths[e.pid] = d + 1
		}
	}
	return 0, false
}
