package logfwd

import "bytes"

// prefixLines copies the complete lines at the start of src to dst, each
// as prefix + line (its '\n' included), and returns how many bytes it
// wrote and how many of src it consumed. It stops before the first line
// that has no '\n' in src, that is longer than max without its '\n' (the
// caller cuts those), or that does not fit in len(dst) with its prefix. It
// writes only within len(dst), not cap, but may leave junk in dst[nDst:];
// dst and src must not overlap.
//
//	prefixLines(dst, []byte("a\nbc\nde"), []byte("w| "), 10, true)
//	// dst[:11] = "w| a\nw| bc\n", nDst = 11, nSrc = 5 ("de" is left)
//
// It is most of the forwarder's CPU per line. With asm, on amd64 with
// AVX2, an assembly loop does the bulk (prefix_amd64.s: ~5 ns per 100-byte
// line against ~17 for the Go loop, BenchmarkPrefixLines, and ~9.5 for C's
// memchr + memcpy on the same machine) and
// prefixLinesGo the rest: the last bytes of src and dst, where 32-byte
// loads and stores do not fit. Without, or elsewhere, prefixLinesGo does
// it all, with the same result; asm is a parameter, not a global, so that
// tests compare both paths without racing with other tests' writers.
func prefixLines(dst, src, prefix []byte, max int, asm bool) (nDst, nSrc int) {
	if max < 0 {
		return 0, 0
	}
	// No line is longer than src: clamping keeps the assembly's
	// line start + max from overflowing.
	max = min(max, len(src))
	if asm && haveAVX2() {
		nDst, nSrc = prefixLinesAsm(dst, src, prefix, max)
	}
	d, s := prefixLinesGo(dst[nDst:], src[nSrc:], prefix, max)
	return nDst + d, nSrc + s
}

// prefixLinesGo is prefixLines without assembly.
func prefixLinesGo(dst, src, prefix []byte, max int) (nDst, nSrc int) {
	if max < 0 {
		return 0, 0
	}
	for {
		rest := src[nSrc:]
		// A '\n' further than max is an over-long line: looking no
		// further keeps a long line from being scanned twice.
		if len(rest)-1 > max {
			rest = rest[:max+1]
		}
		end := bytes.IndexByte(rest, '\n')
		if end < 0 || len(dst)-nDst < len(prefix)+end+1 {
			return nDst, nSrc
		}
		nDst += copy(dst[nDst:], prefix)
		nDst += copy(dst[nDst:], rest[:end+1])
		nSrc += end + 1
	}
}
