package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// machineHeader is the text above the table: when, where, with what, and
// the command that reproduces it.
func machineHeader(peers []peer, took time.Duration) []string {
	var versions []string
	for _, p := range peers {
		v := p.version
		if v == "" {
			v = p.missing
		}
		versions = append(versions, fmt.Sprintf("%s: %s", p.kind, firstLine(v)))
	}
	return []string{
		fmt.Sprintf("**appstart vs tini, dumb-init, supervisord** — %s, run took %s", time.Now().UTC().Format("2006-01-02 15:04 MST"), took.Round(time.Second)),
		"",
		fmt.Sprintf("Machine: %d CPUs (%s), Linux %s, %s, load average at the end %s.  ", runtime.NumCPU(), cpuModel(), kernel(), osRelease(), loadAvg()),
		fmt.Sprintf("Versions: %s.  ", strings.Join(versions, "; ")),
		"Reproduce: `make bench` (Go benchmarks, then this table), or `make build && go run ./cmd/compare -bin bin/appstart` (`-h` lists the counts).  ",
		"Each init is PID 1 of a harness container (runtime/harness: fresh PID, mount and network namespaces, read-only root, tmpfs /run and /tmp, 256 MiB memory cgroup), observed from the host through /proc; " +
			"start to exec uses `unshare --pid --fork --mount-proc` instead (a harness root costs ~140 ms to build). Every init runs its programs as root.",
	}
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

func kernel() string {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return "unknown"
	}
	return unix.ByteSliceToString(u.Release[:])
}

func osRelease() string {
	data, err := os.ReadFile("/etc/os-release")
	if err != nil {
		return "unknown OS"
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "PRETTY_NAME="); ok {
			return strings.Trim(v, `"`)
		}
	}
	return "unknown OS"
}

func loadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
