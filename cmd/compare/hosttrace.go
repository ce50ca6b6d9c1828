package main

import (
	"errors"
	"io/fs"
	"os"
	"sync"
	"syscall"

	"appstart/runtime/control"
)

// hostTraces undoes what `appstart run` leaves on the host when the start
// and chown rows run it under `unshare` (a PID namespace on the host's own
// root, so that container set-up does not hide milliseconds): the run lock
// of each spec, and /app/data, which appstart makes when no volume is
// mounted. Every earlier `make bench` left them behind.
type hostTraces struct {
	mu      sync.Mutex
	lockDir string   // where appstart keeps its run locks
	absent  []string // directories absent at the start, parents first
	locks   []string // run locks of the specs appstart ran with
}

// newHostTraces notes which of dirs (parents first) do not exist yet;
// appstart keeps its run locks in lockDir.
func newHostTraces(lockDir string, dirs ...string) *hostTraces {
	h := &hostTraces{lockDir: lockDir}
	for _, p := range dirs {
		if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
			h.absent = append(h.absent, p)
		}
	}
	return h
}

// onHost is what `appstart run` may create on the host, parents first.
func onHost() *hostTraces {
	return newHostTraces(control.DefaultDir, "/app", "/app/data", control.DefaultDir)
}

// ranWith records that appstart runs on the host with the spec at path,
// while the file exists (the lock's name comes from the path it resolves to).
func (h *hostTraces) ranWith(path string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.locks = append(h.locks, control.LockPath(h.lockDir, path))
}

// clean removes the recorded run locks, then each directory that was
// absent at the start and is empty now (something else may have filled it
// meanwhile); it returns the first failure.
func (h *hostTraces) clean() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	var first error
	keep := func(err error) {
		if err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTEMPTY) && first == nil {
			first = err
		}
	}
	for _, l := range h.locks {
		keep(os.Remove(l))
	}
	for i := len(h.absent) - 1; i >= 0; i-- {
		keep(os.Remove(h.absent[i]))
	}
	return first
}
