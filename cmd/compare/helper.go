package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// helperArg as os.Args[1] makes this executable one of the programs the
// inits run (it is mounted into every container at helperPath), so the
// benchmark needs no second binary and no compiler at run time.
const helperArg = "__compare-helper"

func helperArgv(args ...string) []string {
	return append([]string{helperPath, helperArg}, args...)
}

// runHelper is main for a helper role:
//
//	lines ID N SIZE MODE           write N lines of SIZE bytes, then "wID END"
//	doublefork N STAMP PROG ARGS   fork N orphans of PROG, wait until all have
//	                               exited, write the CLOCK_MONOTONIC time to
//	                               STAMP and exit without reaping them
//	noreap PROG ARGS               start PROG and never wait for anything: an
//	                               init that reaps nothing (the tests'
//	                               negative control)
func runHelper(args []string) int {
	var err error
	switch {
	case len(args) == 5 && args[0] == "lines":
		err = helperLines(os.Stdout, args[1:])
	case len(args) >= 4 && args[0] == "doublefork":
		err = helperDoubleFork(args[1:])
	case len(args) >= 2 && args[0] == "noreap":
		err = helperNoReap(args[1:])
	default:
		err = fmt.Errorf("unknown helper role %q", args)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "compare-helper:", err)
		return 1
	}
	return 0
}

// Write modes of the lines helper.
const (
	modeLine  = "line" // one write(2) per line, as an unbuffered program (or a logger that flushes each line)
	modeBlock = "4k"   // 4 KiB writes of whole and split lines, as a stdio-buffered program
)

// helperLines writes the lines logLine describes, then the END marker the
// driver waits for.
func helperLines(w io.Writer, args []string) error {
	id, err1 := strconv.Atoi(args[0])
	n, err2 := strconv.Atoi(args[1])
	size, err3 := strconv.Atoi(args[2])
	if err := errors.Join(err1, err2, err3); err != nil {
		return fmt.Errorf("cannot parse the lines arguments: %w", err)
	}
	mode := args[3]
	var bw *bufio.Writer
	switch mode {
	case modeLine:
	case modeBlock:
		bw = bufio.NewWriterSize(w, 4096)
		w = bw
	default:
		return fmt.Errorf("unknown write mode %q", mode)
	}
	line := make([]byte, 0, size)
	for seq := 0; seq < n; seq++ {
		line = logLine(line[:0], id, seq, size)
		if _, err := w.Write(line); err != nil {
			return fmt.Errorf("cannot write line %d: %w", seq, err)
		}
	}
	if _, err := fmt.Fprintf(w, "w%d END\n", id); err != nil {
		return fmt.Errorf("cannot write the end marker: %w", err)
	}
	if bw != nil {
		return bw.Flush()
	}
	return nil
}

// logLine appends line seq of writer id, exactly size bytes with the
// newline: "w1 00000042 xxxx...x\n". Every line is unique and its padding
// has a fixed length, so a lost, duplicated, torn or interleaved line is
// detected by checkLines.
func logLine(b []byte, id, seq, size int) []byte {
	start := len(b)
	b = fmt.Appendf(b, "w%d %08d ", id, seq)
	for len(b)-start < size-1 {
		b = append(b, 'x')
	}
	return append(b, '\n')
}

// helperDoubleFork is the middle process of a double fork: its children
// become orphans when it exits. It waits until every child has exited, so
// all N zombies reach the init at the same instant (its exit), and stamps
// that instant on CLOCK_MONOTONIC, which the driver on the host shares
// (there is no time namespace).
func helperDoubleFork(args []string) error {
	n, err := strconv.Atoi(args[0])
	if err != nil {
		return fmt.Errorf("cannot parse the orphan count: %w", err)
	}
	stamp, argv := args[1], args[2:]
	devNull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("cannot open %s: %w", os.DevNull, err)
	}
	attr := &syscall.ProcAttr{Files: []uintptr{devNull.Fd(), devNull.Fd(), devNull.Fd()}}
	for i := 0; i < n; i++ {
		if _, err := syscall.ForkExec(argv[0], argv, attr); err != nil {
			return fmt.Errorf("cannot start orphan %d of %d: %w", i+1, n, err)
		}
	}
	proc := procFS{os.DirFS("/proc")}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		z, err := proc.zombieChildren(os.Getpid())
		if err != nil {
			return err
		}
		if z >= n {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("cannot see all orphans exit: %d of %d after 2m", z, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	now := monotonicNow()
	// Written then renamed, so the driver never reads half a number.
	tmp := stamp + ".tmp"
	if err := os.WriteFile(tmp, []byte(strconv.FormatInt(now, 10)), 0o644); err != nil {
		return fmt.Errorf("cannot write %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, stamp); err != nil {
		return fmt.Errorf("cannot rename %s: %w", tmp, err)
	}
	return nil
}

// monotonicNow is CLOCK_MONOTONIC in nanoseconds, the helper's clock.
func monotonicNow() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		panic(fmt.Sprintf("cannot read CLOCK_MONOTONIC: %v", err)) // never fails on Linux
	}
	return ts.Nano()
}

// helperNoReap starts argv and then blocks for good, never calling wait:
// as PID 1 it leaves every orphan a zombie (the Go runtime reaps nothing
// by itself).
func helperNoReap(argv []string) error {
	attr := &syscall.ProcAttr{Files: []uintptr{0, 1, 2}}
	if _, err := syscall.ForkExec(argv[0], argv, attr); err != nil {
		return fmt.Errorf("cannot start %s: %w", argv[0], err)
	}
	select {}
}
