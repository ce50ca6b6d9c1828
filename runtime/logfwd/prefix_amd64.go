package logfwd

import "golang.org/x/sys/cpu"

// haveAVX2 says prefixLinesAVX2 can run here.
var haveAVX2 = cpu.X86.HasAVX2

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
