package logfwd

import (
	"syscall"
	"testing"
)

// guarded returns n bytes that end where an inaccessible page begins, so
// a read or write past them faults instead of going unnoticed.
func guarded(t *testing.T, n int) []byte {
	t.Helper()
	page := syscall.Getpagesize()
	size := (n+page-1)/page*page + page
	mem, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatalf("mmap %d bytes: %v", size, err)
	}
	t.Cleanup(func() { _ = syscall.Munmap(mem) })
	if err := syscall.Mprotect(mem[size-page:], syscall.PROT_NONE); err != nil {
		t.Fatalf("mprotect the guard page: %v", err)
	}
	end := size - page
	return mem[end-n : end : end]
}

// TestPrefixLinesStaysInBounds puts src and dst against a guard page: the
// assembly's 32-byte loads and stores must stop short of their ends
// whatever the length, including the last lines of src and a dst filled
// exactly.
func TestPrefixLinesStaysInBounds(t *testing.T) {
	prefix := []byte("web | ")
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			needPath(t, p.asm)
			for n := 0; n <= 100; n++ {
				lines := linesOf(n%7, n%40, 0, n, 3)
				src := guarded(t, len(lines)+n%5) // and a partial line
				copy(src, lines)
				want, wantSrc := modelPrefixLines(1<<30, src, prefix, 100)
				dst := guarded(t, len(want))
				nDst, nSrc := prefixLines(dst, src, prefix, 100, p.asm)
				if nSrc != wantSrc || string(dst[:nDst]) != string(want) {
					t.Fatalf("src %q: got %q, %d; want %q, %d", src, dst[:nDst], nSrc, want, wantSrc)
				}
			}
		})
	}
}
