package logfwd

import (
	"testing"

	"golang.org/x/sys/cpu"
)

// The CPUID check asked on first use says what x/sys/cpu, which asks at
// init, says.
func TestCPUHasAVX2AgreesWithXSysCPU(t *testing.T) {
	if got, want := cpuHasAVX2(), cpu.X86.HasAVX2; got != want {
		t.Fatalf("cpuHasAVX2() = %v, x/sys/cpu says %v", got, want)
	}
}
