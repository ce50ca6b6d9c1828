package stage

import (
	"context"
	"fmt"
	"io/fs"
	"strconv"

	"appstart/runtime/cgroup"
	"appstart/runtime/environ"
	"appstart/runtime/spec"
	"appstart/runtime/sysx"
)

// The variables the workers stage exports (spec.Produced names them all).
const (
	MemoryLimitVar       = spec.MemoryLimitVar
	MemoryLimitMBVar     = spec.MemoryLimitMBVar
	MemorySwapLimitMBVar = spec.MemorySwapLimitMBVar
)

// runWorkersAndDeferredEnv is the "workers" stage followed by the [env]
// entries that use a produced variable (see Stages). The env_file layer
// comes later, in the templates stage, after the patches that may write it.
func runWorkersAndDeferredEnv(ctx context.Context, e *Env) error {
	if err := runWorkers(ctx, e); err != nil {
		return err
	}
	return runDeferredEnv(e)
}

// runWorkers reads the memory limit of the container's cgroup and sizes the
// worker count from it: clamp(limit / per_worker, min, max). With no limit
// (debug mode lifts it) it assumes the spec's `unlimited` (2G by default),
// or the machine's memory when that is 0. On cgroup v1 the platform sets
// memory.limit_in_bytes to half the app's memoryLimit and the memsw limit to
// all of it; both are exported.
//
//	// cgroup v1, memoryLimit 512 MiB, per_worker = "150M":
//	// WORKERS=1 APPSTART_MEMORY_LIMIT=268435456 APPSTART_MEMORY_LIMIT_MB=256
//	// APPSTART_MEMORY_SWAP_LIMIT_MB=512; summary "workers=1 from 256MiB cgroup v1"
func runWorkers(_ context.Context, e *Env) error {
	read := e.Memory
	if read == nil {
		read = func() (cgroup.Memory, error) { return cgroup.ReadMemory(e.FS) }
	}
	m, err := read()
	if err != nil {
		return fmt.Errorf("cannot read the memory limit: %w", err)
	}
	limit, swap, from := m.Limit, m.SwapLimit, fmt.Sprintf("cgroup v%d", m.Version)
	if limit == 0 {
		w := e.Spec.Workers
		switch {
		case e.Spec.Manifest != nil && e.Spec.Manifest.MemoryLimit > 0:
			// What the platform gives the app: plan on a laptop and a
			// docker run without --memory size as the real start would.
			limit, from = e.Spec.Manifest.MemoryLimit, "(no limit; the manifest's memoryLimit)"
		case w != nil && w.Unlimited > 0:
			limit, from = w.Unlimited, "(no limit; workers.unlimited)"
		default:
			limit, err = machineMemory(e.FS)
			if err != nil {
				return fmt.Errorf("cannot read the machine's memory: %w", err)
			}
			from = "(no limit; machine memory)"
		}
		swap = 0
	}
	if swap == 0 {
		swap = limit
	}
	e.planf("memory limit %s from %s, read at %s; with swap %s", cgroup.FormatSize(limit), from, m.Source, cgroup.FormatSize(swap))
	set := func(name, value string) {
		e.Vars.Set(environ.Var{Name: name, Value: value, Source: environ.Workers, Origin: "workers"})
		e.planf("%s=%s", name, value)
	}
	set(MemoryLimitVar, strconv.FormatInt(limit, 10))
	set(MemoryLimitMBVar, strconv.FormatInt(limit>>20, 10))
	set(MemorySwapLimitMBVar, strconv.FormatInt(swap>>20, 10))
	w := e.Spec.Workers
	if w == nil {
		return nil
	}
	n := cgroup.Workers(limit, w.PerWorker, w.Min, w.Max)
	set(w.Name, strconv.Itoa(n))
	e.report("workers=%d from %s %s", n, cgroup.FormatSize(limit), from)
	return nil
}

// machineMemory is the machine's RAM: from sysinfo(2) on the real root, one
// call where /proc/meminfo is a file the kernel writes out in full; from
// proc/meminfo on a fixture tree.
func machineMemory(fsys fs.FS) (int64, error) {
	if _, real := fsys.(sysx.Root); real {
		return sysx.TotalRAM()
	}
	return cgroup.MachineMemory(fsys)
}
