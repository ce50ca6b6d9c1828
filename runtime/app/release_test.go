package app_test

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Once its programs are ready, PID 1 keeps resident only the part of its
// code it still runs: before the release, the kernel's fault-around had
// mapped nearly all of the binary's read-only segments (about 85%), so an
// idle appstart cost its whole start-up code in RSS.
func TestIdleInitKeepsLittleOfItsCodeResident(t *testing.T) {
	spec := "user = \"root\"\n"
	for _, n := range []string{"a", "b", "c"} {
		spec += fmt.Sprintf("[programs.%s]\ncommand = \"sleep 1000\"\n", n)
	}
	c := container(t, spec, nil)
	for _, n := range []string{"a", "b", "c"} {
		c.WaitForOutput(n+": started", 10*time.Second)
	}
	var rss, size int64
	deadline := time.Now().Add(10 * time.Second)
	for {
		rss, size = readOnlyResident(t, c.Pid1())
		if rss*3 < size*2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond) // the release follows the ready check
	}
	if rss*3 >= size*2 {
		t.Fatalf("%d of %d KiB of appstart's code and read-only data resident 10 s after start: want under two thirds", rss, size)
	}
	t.Logf("idle: %d of %d KiB of appstart's read-only segments resident", rss, size)
	stopped(t, c)
}

// readOnlyResident sums Size and Rss over pid's unwritable mappings of its
// own executable, found by inode (the path it maps is the container's).
func readOnlyResident(t *testing.T, pid int) (rss, size int64) {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Stat(fmt.Sprintf("/proc/%d/exe", pid), &st); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	inode := strconv.FormatUint(st.Ino, 10)
	mine := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 5 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			mine = len(fields) >= 6 && fields[4] == inode && fields[1][1] == '-'
			continue
		}
		if !mine || len(fields) < 2 {
			continue
		}
		n, _ := strconv.ParseInt(fields[1], 10, 64)
		switch fields[0] {
		case "Size:":
			size += n
		case "Rss:":
			rss += n
		}
	}
	if size == 0 {
		t.Fatalf("no read-only mapping of inode %s in pid %d's smaps", inode, pid)
	}
	return rss, size
}
