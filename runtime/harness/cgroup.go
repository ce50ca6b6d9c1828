package harness

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Cgroup describes the cgroups one container runs in, as created on the host.
//
// Example on a cgroup v1 host whose test process runs in memory:/ci/job7,
// for a default container (256 MiB RAM+swap, the platform's split):
//
//	Version: 1
//	Memory:  /sys/fs/cgroup/memory/ci/job7/harness-4242-1
//	Path:    /ci/job7/harness-4242-1   (what /proc/self/cgroup shows inside)
//	RAM:     134217728                 (memory.limit_in_bytes)
//	Total:   268435456                 (memory.memsw.limit_in_bytes)
type Cgroup struct {
	Version int    // 1 or 2
	Memory  string // host directory of the memory cgroup
	Pids    string // host directory of the pids cgroup; "" on v1 without a PidsLimit
	Path    string // the memory cgroup's path as /proc/self/cgroup shows it inside ("/" on v2: a cgroup namespace)
	RAM     int64  // the RAM limit written, or -1 for none
	Total   int64  // the RAM+swap limit written, or -1 for none
	Swap    bool   // whether the RAM+swap file exists (v1 memsw needs swapaccount=1)
}

// v2Base is the directory created at the root of a cgroup v2 hierarchy to
// hold the containers. It is left in place (empty): parallel test processes
// share it, and removing it under them would race their mkdir.
const v2Base = "appstart-harness"

var cgroupSeq atomic.Int64

// procsFiles lists the cgroup.procs files a process writes its pid to in
// order to join the container's cgroups.
func (c *Cgroup) procsFiles() []string {
	files := []string{filepath.Join(c.Memory, "cgroup.procs")}
	if c.Pids != "" && c.Pids != c.Memory {
		files = append(files, filepath.Join(c.Pids, "cgroup.procs"))
	}
	return files
}

// createCgroup makes the container's cgroups under layout and writes the
// limits. ram and total are -1 for no limit; pids is 0 for no limit.
func createCgroup(layout cgroupLayout, ram, total, pids int64) (*Cgroup, error) {
	if layout.Memory == nil {
		return nil, errors.New("cannot create a memory cgroup: no memory controller found in /proc/self/cgroup and /proc/self/mountinfo")
	}
	name := fmt.Sprintf("harness-%d-%d", os.Getpid(), cgroupSeq.Add(1))
	cg := &Cgroup{Version: layout.Memory.Version, RAM: ram, Total: total}
	var err error
	if cg.Version == 1 {
		err = cg.createV1(layout, name, pids)
	} else {
		err = cg.createV2(layout.Memory.Mount, name, layout.Pids != nil && pids > 0, pids)
	}
	if err != nil {
		cg.remove(5 * time.Second)
		return nil, err
	}
	return cg, nil
}

func (cg *Cgroup) createV1(layout cgroupLayout, name string, pids int64) error {
	sweepStale(layout.Memory.Own)
	cg.Memory = filepath.Join(layout.Memory.Own, name)
	cg.Path = "/" + strings.TrimPrefix(strings.TrimPrefix(cg.Memory, layout.Memory.Mount), "/")
	if err := os.Mkdir(cg.Memory, 0o755); err != nil {
		return fmt.Errorf("cannot create cgroup %s: %w", cg.Memory, err)
	}
	memsw := filepath.Join(cg.Memory, "memory.memsw.limit_in_bytes")
	_, statErr := os.Stat(memsw)
	cg.Swap = statErr == nil
	// memsw must never be below limit_in_bytes (EINVAL), so on a fresh,
	// unlimited cgroup the RAM limit goes first.
	if cg.RAM >= 0 {
		if err := writeCgroupFile(cg.Memory, "memory.limit_in_bytes", cg.RAM); err != nil {
			return err
		}
	}
	if cg.Total >= 0 && cg.Swap {
		if err := writeCgroupFile(cg.Memory, "memory.memsw.limit_in_bytes", cg.Total); err != nil {
			return err
		}
	}
	if pids > 0 {
		if layout.Pids == nil || layout.Pids.Version != 1 {
			return errors.New("cannot set a pids limit: no cgroup v1 pids controller found")
		}
		sweepStale(layout.Pids.Own)
		cg.Pids = filepath.Join(layout.Pids.Own, name)
		if err := os.Mkdir(cg.Pids, 0o755); err != nil {
			return fmt.Errorf("cannot create cgroup %s: %w", cg.Pids, err)
		}
		if err := writeCgroupFile(cg.Pids, "pids.max", pids); err != nil {
			return err
		}
	}
	return nil
}

// createV2 puts the container under <root>/appstart-harness: cgroup v2's "no
// internal processes" rule (cgroups(7)) forbids enabling controllers for the
// children of our own cgroup while we are in it, and the root cgroup is exempt.
func (cg *Cgroup) createV2(mount, name string, wantPids bool, pids int64) error {
	base := filepath.Join(mount, v2Base)
	enable := "+memory"
	if wantPids {
		enable += " +pids"
	}
	if err := os.WriteFile(filepath.Join(mount, "cgroup.subtree_control"), []byte(enable), 0); err != nil {
		return fmt.Errorf("cannot enable %q in %s (a delegated cgroup v2 root is needed): %w", enable, mount, err)
	}
	if err := os.Mkdir(base, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("cannot create cgroup %s: %w", base, err)
	}
	if err := os.WriteFile(filepath.Join(base, "cgroup.subtree_control"), []byte(enable), 0); err != nil {
		return fmt.Errorf("cannot enable %q in %s: %w", enable, base, err)
	}
	sweepStale(base)
	cg.Memory = filepath.Join(base, name)
	cg.Path = "/" // the container gets a cgroup namespace rooted here
	if err := os.Mkdir(cg.Memory, 0o755); err != nil {
		return fmt.Errorf("cannot create cgroup %s: %w", cg.Memory, err)
	}
	_, statErr := os.Stat(filepath.Join(cg.Memory, "memory.swap.max"))
	cg.Swap = statErr == nil
	if cg.RAM >= 0 {
		if err := writeCgroupFile(cg.Memory, "memory.max", cg.RAM); err != nil {
			return err
		}
	}
	if cg.Total >= 0 && cg.Swap {
		swap := cg.Total - cg.RAM
		if cg.RAM < 0 {
			swap = cg.Total
		}
		if err := writeCgroupFile(cg.Memory, "memory.swap.max", swap); err != nil {
			return err
		}
	}
	if wantPids {
		cg.Pids = cg.Memory
		if err := writeCgroupFile(cg.Pids, "pids.max", pids); err != nil {
			return err
		}
	}
	return nil
}

func writeCgroupFile(dir, file string, v int64) error {
	p := filepath.Join(dir, file)
	if err := os.WriteFile(p, []byte(strconv.FormatInt(v, 10)), 0); err != nil {
		return fmt.Errorf("cannot write %s: %w", p, err)
	}
	return nil
}

// remove deletes the container's cgroups. A cgroup can only be removed once
// its last task has exited, and the exit of a PID namespace's processes
// trails the death of its PID 1 slightly, so EBUSY is retried until timeout.
func (cg *Cgroup) remove(timeout time.Duration) error {
	var errs []error
	dirs := []string{cg.Memory}
	if cg.Pids != cg.Memory {
		dirs = append(dirs, cg.Pids) // v1: a second hierarchy
	}
	for _, dir := range dirs {
		if dir == "" {
			continue
		}
		if err := rmdirRetry(dir, timeout); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func rmdirRetry(dir string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		err := os.Remove(dir)
		if err == nil || errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("cannot remove cgroup %s: %w", dir, err)
		}
		<-tick.C
	}
}

// sweepStale removes empty cgroups left by test processes that died before
// their cleanup ran (a go test -timeout panic, say). Names carry the pid of
// the process that made them: harness-<pid>-<n>.
func sweepStale(parent string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		if pid, ok := ownerPid(e.Name(), "harness-"); ok && !alive(pid) {
			os.Remove(filepath.Join(parent, e.Name())) // fails harmlessly while busy
		}
	}
}

// ownerPid extracts <pid> from names of the form <prefix><pid>-<anything>.
func ownerPid(name, prefix string) (int, bool) {
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok {
		return 0, false
	}
	pidText, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	pid, err := strconv.Atoi(pidText)
	return pid, err == nil && pid > 0
}

func alive(pid int) bool {
	_, err := os.Stat("/proc/" + strconv.Itoa(pid))
	return err == nil
}
