package main

import (
	"encoding/binary"
	"errors"
	"os/exec"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"appstart/runtime/harness/skip"
)

// procMsg is one netlink message as the kernel sends it: nlmsghdr, cn_msg,
// proc_event (what, cpu, timestamp_ns, then the event's fields), with
// bytes written at the offsets of include/uapi/linux/cn_proc.h.
func procMsg(what uint32, ns uint64, fields ...uint32) []byte {
	b := make([]byte, 16+20+16+4*len(fields))
	le := binary.LittleEndian
	le.PutUint32(b[0:], uint32(len(b)))
	le.PutUint32(b[16:], 1)                        // cn_msg id.idx: CN_IDX_PROC
	le.PutUint32(b[20:], 1)                        // cn_msg id.val: CN_VAL_PROC
	le.PutUint16(b[32:], uint16(16+4*len(fields))) // cn_msg len
	le.PutUint32(b[36:], what)
	le.PutUint32(b[40:], 1) // cpu
	le.PutUint64(b[44:], ns)
	for i, f := range fields {
		le.PutUint32(b[52+4*i:], f)
	}
	return b
}

func TestParseProcEvents(t *testing.T) {
	var dgram []byte
	dgram = append(dgram, procMsg(procEventFork, 100, 10, 10, 11, 11)...) // process 10 forks 11
	dgram = append(dgram, procMsg(procEventFork, 110, 10, 10, 12, 10)...) // a thread of 10: no fork
	dgram = append(dgram, procMsg(procEventExec, 120, 11, 11)...)
	dgram = append(dgram, procMsg(0x80000000, 130, 11, 11, 0, 0)...) // PROC_EVENT_EXIT: left out
	got := parseProcEvents(dgram)
	want := []procEvent{{ns: 100, parent: 10, pid: 11}, {exec: true, ns: 120, pid: 11}}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("event %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	// A message that claims more than the datagram holds ends the parse.
	short := procMsg(procEventExec, 1, 5, 5)
	binary.LittleEndian.PutUint32(short, 4096)
	if evs := parseProcEvents(short); len(evs) != 0 {
		t.Errorf("truncated message: got %+v, want nothing", evs)
	}
}

func TestExecAt(t *testing.T) {
	evs := []procEvent{
		{exec: true, ns: 5, pid: 7},   // before the run: another life of pid 7
		{ns: 10, parent: 7, pid: 8},   // unshare forks the init
		{ns: 11, parent: 3, pid: 99},  // some other process forks
		{exec: true, ns: 12, pid: 8},  // the init's exec
		{exec: true, ns: 13, pid: 99}, // not below the run
		{ns: 14, parent: 8, pid: 9},   // the init forks the program
		{exec: true, ns: 15, pid: 9},  // the program's exec
		{ns: 16, parent: 9, pid: 10},  // the program forks
		{exec: true, ns: 17, pid: 10}, // three forks down
		{exec: true, ns: 18, pid: 9},  // a second exec of the program
	}
	for _, c := range []struct {
		depth int
		want  uint64
		ok    bool
	}{{1, 12, true}, {2, 15, true}, {3, 17, true}, {4, 0, false}} {
		got, ok := execAt(evs, 7, c.depth, 6)
		if got != c.want || ok != c.ok {
			t.Errorf("depth %d: got %d %v, want %d %v", c.depth, got, ok, c.want, c.ok)
		}
	}
	if _, ok := execAt(evs, 7, 0, 6); ok {
		t.Error("depth 0 after the run's start: the run's own exec happened before it, want none")
	}
}

// The kernel's events for a real run: `sh -c '/bin/true; :'` forks a
// child that execs true, one fork below the run, between its start and end.
func TestExecWatchSeesARun(t *testing.T) {
	w, err := openExecWatch()
	if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EPROTONOSUPPORT) {
		skip.OrFail(t, "%v (needs root and the proc connector)", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	r, err := timeRunExec([]string{"/bin/sh", "-c", "/bin/true; :"}, w, 1)
	if err != nil {
		t.Fatal(err)
	}
	if r.execErr != nil {
		t.Fatal(r.execErr)
	}
	if r.toExec <= 0 || r.toExec >= r.wall {
		t.Errorf("true's exec %v after the start of a run of %v: want inside it", r.toExec, r.wall)
	}
	// Two forks below is nobody: sh's child is true itself.
	r, err = timeRunExec([]string{"/bin/sh", "-c", "/bin/true; :"}, w, 2)
	if err != nil {
		t.Fatal(err)
	}
	if r.execErr == nil {
		t.Errorf("an exec two forks below sh -c true at %v: want none", r.toExec)
	}
	if _, err := exec.LookPath("unshare"); err == nil {
		// As the benchmark runs it: unshare forks true.
		direct, err := timeRunExec(unshareArgv("/bin/true"), w, 1)
		if err != nil {
			t.Fatal(err)
		}
		if direct.execErr != nil || direct.toExec <= 0 || direct.toExec > time.Second {
			t.Errorf("unshare ... true: exec at %v (%v)", direct.toExec, direct.execErr)
		}
	}
}
