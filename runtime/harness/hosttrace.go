package harness

import (
	"errors"
	"io/fs"
	"os"
	"sync"
	"syscall"
)

// HostTraces undoes what a run of appstart outside any container leaves on
// the host (`appstart run` by hand, or under `unshare` for the start and
// chown benchmarks, which share the host's root): the files recorded with
// Made (a spec's run lock), and those of dirs that did not exist when it
// was made (`appstart run` makes /app/data when no volume is mounted).
//
//	h := harness.NewHostTraces("/app", "/app/data", control.DefaultDir)
//	h.Made(control.LockPath(control.DefaultDir, spec))
//	... run appstart ...
//	err := h.Clean()
type HostTraces struct {
	mu     sync.Mutex
	absent []string // dirs absent at the start, parents first
	made   []string
}

// NewHostTraces notes which of dirs (parents first) do not exist yet.
func NewHostTraces(dirs ...string) *HostTraces {
	h := &HostTraces{}
	for _, p := range dirs {
		if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
			h.absent = append(h.absent, p)
		}
	}
	return h
}

// Made records a file the run makes, for Clean to remove.
func (h *HostTraces) Made(path string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.made = append(h.made, path)
}

// Clean removes the recorded files, then each directory that was absent at
// the start and is empty now (something else may have filled it meanwhile,
// and keeps it); it returns the first failure.
func (h *HostTraces) Clean() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	var first error
	keep := func(err error) {
		if err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTEMPTY) && first == nil {
			first = err
		}
	}
	for _, f := range h.made {
		keep(os.Remove(f))
	}
	for i := len(h.absent) - 1; i >= 0; i-- {
		keep(os.Remove(h.absent[i]))
	}
	return first
}
