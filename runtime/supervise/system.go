package supervise

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// SystemClock is the real Clock.
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now() }

func (SystemClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// SystemSignaler sends real signals with kill(2).
type SystemSignaler struct{}

func (SystemSignaler) Kill(pid int, sig syscall.Signal) error {
	for {
		err := syscall.Kill(pid, sig)
		if err != syscall.EINTR {
			if err != nil {
				return os.NewSyscallError("kill", err)
			}
			return nil
		}
	}
}

// SystemProcesses reads pid files and /proc.
type SystemProcesses struct{}

// ReadPidFile parses the first line of path as a pid, the format every
// daemon writes ("1234\n").
//
//	SystemProcesses{}.ReadPidFile("/run/apache2/apache2.pid") // 77, nil
//
// It runs on the supervisor's loop, so it never waits: the file is opened
// non-blocking and must be a regular file (a FIFO planted there by the
// program would otherwise block the open for ever), and only its first
// 64 bytes are read.
func (SystemProcesses) ReadPidFile(path string) (int, error) {
	b, err := readSmallFile(path, 64)
	if err != nil {
		return 0, fmt.Errorf("cannot read pid file: %w", err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("cannot read pid file %s: no pid in %q", path, line)
	}
	return pid, nil
}

// Alive reports whether pid exists and is not a zombie. kill(pid, 0)
// alone is not enough: it succeeds on a zombie, and a daemon that died is
// one until the reaper collects it (proc(5), /proc/PID/stat field 3).
func (SystemProcesses) Alive(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	return err == nil && statAlive(b)
}

// statAlive reads the state from a /proc/PID/stat line: the command name
// may contain spaces and parentheses, so the state is the first field
// after the last ')'.
//
//	statAlive([]byte("77 (apache2) S 1 77 ...")) == true
//	statAlive([]byte("77 (a) b) Z 1 77 ..."))   == false
func statAlive(stat []byte) bool {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 || i+2 >= len(stat) {
		return false
	}
	state := stat[i+2]
	return state != 'Z' && state != 'X'
}

// readSmallFile reads up to max bytes of a regular file without ever
// blocking in open(2) or read(2).
func readSmallFile(path string, max int) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (%s)", path, fi.Mode().Type())
	}
	b := make([]byte, max)
	n, err := io.ReadFull(f, b)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return b[:n], nil
}
