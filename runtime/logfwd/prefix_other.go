//go:build !amd64

package logfwd

// haveAVX2 is false: there is no assembly loop here.
func haveAVX2() bool { return false }

// prefixLinesAsm formats nothing: prefixLinesGo does all the work.
func prefixLinesAsm(dst, src, prefix []byte, max int) (nDst, nSrc int) { return 0, 0 }
