// Command gofloor is the least a Go init can be while reading the same spec
// with the same library as appstart: it decodes appstart.toml's
// `[programs.*] command` with BurntSushi/toml, forks each program into its
// own process group, reaps every child with wait4(-1), sends SIGTERM to the
// groups on SIGTERM or SIGINT, and exits with the status of the last
// program to end. No stages, logs, restarts or control socket.
//
// It is a benchmark peer of cmd/compare, not a product:
// what it measures is the floor that the Go runtime and the spec library
// set under appstart's idle RSS and start-to-exec time.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"

	"github.com/BurntSushi/toml"
)

type spec struct {
	Programs map[string]struct {
		Command []string `toml:"command"`
	} `toml:"programs"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gofloor APPSTART.TOML")
		os.Exit(2)
	}
	var s spec
	if _, err := toml.DecodeFile(os.Args[1], &s); err != nil {
		fmt.Fprintln(os.Stderr, "gofloor:", err)
		os.Exit(2)
	}
	stop := make(chan os.Signal, 4)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	names := make([]string, 0, len(s.Programs))
	for n := range s.Programs {
		names = append(names, n)
	}
	sort.Strings(names)
	live := &programs{pids: map[int]bool{}}
	for _, n := range names {
		argv := s.Programs[n].Command
		if len(argv) == 0 {
			continue
		}
		pid, err := syscall.ForkExec(lookPath(argv[0]), argv, &syscall.ProcAttr{Env: os.Environ(),
			Files: []uintptr{0, 1, 2}, Sys: &syscall.SysProcAttr{Setpgid: true}})
		if err != nil {
			fmt.Fprintf(os.Stderr, "gofloor: %s: %v\n", n, err)
			os.Exit(127)
		}
		live.pids[pid] = true
	}
	go func() {
		<-stop
		live.mu.Lock()
		for pid := range live.pids {
			_ = syscall.Kill(-pid, syscall.SIGTERM)
		}
		live.mu.Unlock()
	}()
	os.Exit(reap(live))
}

// programs are the pids of the programs still running.
type programs struct {
	mu   sync.Mutex
	pids map[int]bool
}

// reap waits for every child, orphans included, until no program is left.
func reap(live *programs) int {
	code := 0
	for {
		live.mu.Lock()
		left := len(live.pids)
		live.mu.Unlock()
		if left == 0 {
			return code
		}
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, 0, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return code
		}
		live.mu.Lock()
		if live.pids[pid] {
			delete(live.pids, pid)
			code = ws.ExitStatus()
			if ws.Signaled() {
				code = 128 + int(ws.Signal())
			}
		}
		live.mu.Unlock()
	}
}

// lookPath finds a bare command name on $PATH, as appstart does.
func lookPath(name string) string {
	if strings.Contains(name, "/") {
		return name
	}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		p := filepath.Join(dir, name)
		if err := syscall.Access(p, 1); err == nil { // X_OK
			return p
		}
	}
	return name
}
