package cgroup

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"appstart/runtime/harness/skip"
)

// helperEnv makes the test binary a helper: it joins the cgroup directory
// named by the variable ("-" for none) and prints ReadMemory(/) as JSON.
const helperEnv = "APPSTART_CGROUP_TEST_HELPER"

func TestMain(m *testing.M) {
	if dir, ok := os.LookupEnv(helperEnv); ok {
		os.Exit(helperMain(dir))
	}
	os.Exit(m.Run())
}

func helperMain(dir string) int {
	if dir != "-" {
		// "0" is the writing process itself (cgroup-v2.rst, cgroup.procs;
		// v1 shares the code); cgroup.procs moves every thread.
		if err := os.WriteFile(filepath.Join(dir, "cgroup.procs"), []byte("0"), 0); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
	}
	m, err := ReadMemory(os.DirFS("/"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	if err := json.NewEncoder(os.Stdout).Encode(m); err != nil {
		return 4
	}
	return 0
}

func runHelper(t *testing.T, dir string) Memory {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output() // test only: this package does not reap processes
	if err != nil {
		t.Fatalf("helper in %s: %v", dir, err)
	}
	var m Memory
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatalf("helper output %q: %v", out, err)
	}
	return m
}

// TestReadMemoryRealCgroup puts a child process into a fresh memory cgroup
// with the platform's v1 split (128 MiB RAM, 256 MiB RAM+swap) and checks
// that the child reads exactly that. The negative control is the same
// helper left in this process's cgroup: it must read what this process
// reads, not the child cgroup's limit.
func TestReadMemoryRealCgroup(t *testing.T) {
	skip.Root(t, "creates a memory cgroup")
	h, why, err := locate(os.DirFS("/"), os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if why != "" {
		skip.OrFail(t, "no memory cgroup here: %s", why)
	}
	const ram, total = 128 << 20, 256 << 20
	dir := filepath.Join(h.Dir, fmt.Sprintf("appstart-cgroup-test-%d", os.Getpid()))
	if err := os.Mkdir(dir, 0o755); err != nil {
		skip.OrFail(t, "cannot create a child memory cgroup: %v", err)
	}
	t.Cleanup(func() { removeCgroup(t, dir) })
	wantSwap := int64(total)
	switch h.Version {
	case 1:
		writeCgroupFile(t, dir, "memory.limit_in_bytes", ram)
		if _, err := os.Stat(filepath.Join(dir, "memory.memsw.limit_in_bytes")); err == nil {
			writeCgroupFile(t, dir, "memory.memsw.limit_in_bytes", total)
		} else {
			wantSwap = 0 // kernel booted without swap accounting
		}
	case 2:
		if _, err := os.Stat(filepath.Join(dir, "memory.max")); err != nil {
			skip.OrFail(t, "memory controller not delegated to %s", h.Dir)
		}
		writeCgroupFile(t, dir, "memory.max", ram)
		if _, err := os.Stat(filepath.Join(dir, "memory.swap.max")); err == nil {
			writeCgroupFile(t, dir, "memory.swap.max", total-ram)
		} else {
			wantSwap = 0
		}
	}
	// v1 answers from memory.stat, the kernel's hierarchical limit (readV1).
	limitFile := map[int]string{1: "memory.stat (hierarchical_memory_limit)", 2: "memory.max"}[h.Version]

	got := runHelper(t, dir)
	want := Memory{Limit: ram, SwapLimit: wantSwap, Version: h.Version, Source: filepath.Join(dir, limitFile)}
	if got != want {
		t.Errorf("child in %s read\n\t%+v\nwant\t%+v", dir, got, want)
	}

	control := runHelper(t, "-")
	self, err := ReadMemory(os.DirFS("/"))
	if err != nil {
		t.Fatal(err)
	}
	if control != self || control == got {
		t.Errorf("negative control: child left in place read %+v; this process reads %+v (and the limited child %+v)", control, self, got)
	}
}

func writeCgroupFile(t *testing.T, dir, name string, val int64) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(fmt.Sprint(val)), 0); err != nil {
		t.Fatalf("cannot write %s: %v", filepath.Join(dir, name), err)
	}
}

// removeCgroup removes the test cgroup; its one process has exited and been
// waited for, but the kernel may report EBUSY for a moment while it
// finishes tearing the task down, so retry until a deadline.
func removeCgroup(t *testing.T, dir string) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := os.Remove(dir)
		if err == nil || errors.Is(err, os.ErrNotExist) {
			return
		}
		if !errors.Is(err, syscall.EBUSY) || time.Now().After(deadline) {
			procs, _ := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
			t.Errorf("cannot remove cgroup %s: %v (procs: %q)", dir, err, strings.TrimSpace(string(procs)))
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}
