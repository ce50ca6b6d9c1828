package cgroup

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

func TestMachineMemory(t *testing.T) {
	t.Parallel()
	got, err := MachineMemory(os.DirFS("../../testdata/cgroup/machine"))
	if err != nil || got != 24684096<<10 {
		t.Fatalf("MachineMemory(machine fixture) = %d, %v; want %d", got, err, int64(24684096<<10))
	}
	for text, want := range map[string]string{
		"MemFree: 1 kB\n":     "no MemTotal line",
		"MemTotal: 12 MB\n":   "MemTotal line",
		"MemTotal: lots kB\n": "MemTotal line",
	} {
		_, err := MachineMemory(fstest.MapFS{"proc/meminfo": {Data: []byte(text)}})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("MachineMemory(%q) error = %v; want %q", text, err, want)
		}
	}
	if _, err := MachineMemory(fstest.MapFS{}); err == nil || !strings.Contains(err.Error(), "cannot read /proc/meminfo") {
		t.Errorf("MachineMemory(empty fs) error = %v", err)
	}
}

// TestMachineMemoryReal checks the parse against this kernel's own file.
func TestMachineMemoryReal(t *testing.T) {
	t.Parallel()
	got, err := MachineMemory(os.DirFS("/"))
	if err != nil || got < 64<<20 {
		t.Fatalf("MachineMemory(/) = %d, %v", got, err)
	}
}
