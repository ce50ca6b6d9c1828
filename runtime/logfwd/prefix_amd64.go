package logfwd

import "sync"

// haveAVX2 says prefixLinesAVX2 can run here. It is asked on the first
// prefixed line, not at init as golang.org/x/sys/cpu does: that package's
// init (its CPUID calls trap to the hypervisor on a VM) was 41 µs of every
// start, most of which never prefix a line (one program's output is its own).
var haveAVX2 = sync.OnceValue(cpuHasAVX2)

// cpuHasAVX2 asks the CPU (prefix_amd64.s).
func cpuHasAVX2() bool

// prefixLinesAsm formats what prefixLinesAVX2 can: prefixes of at most 32
// bytes, which it stores as one register.
func prefixLinesAsm(dst, src, prefix []byte, max int) (nDst, nSrc int) {
	if len(prefix) > 32 {
		return 0, 0
	}
	// Padded so that the assembly's 32-byte load of it stays in bounds.
	var p [32]byte
	copy(p[:], prefix)
	return prefixLinesAVX2(dst, src, &p, len(prefix), max)
}

// prefixLinesAVX2 is prefixLines for whole 32-byte loads and stores only:
// it stops, at a line boundary, where one would cross len(src) or
// len(dst), and leaves the rest to prefixLinesGo. 0 <= max <= len(src).
//
//go:noescape
func prefixLinesAVX2(dst, src []byte, prefix *[32]byte, plen, max int) (nDst, nSrc int)
