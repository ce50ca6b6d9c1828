package stack

import (
	"testing"
	"unsafe"
)

// A goroutine's stack moves when it grows, so a local's address says
// whether it did: To16K moves it once, and 12 KiB of frames below the
// caller then fit without another move.
func TestTo16KGrowsOnceAhead(t *testing.T) {
	type addrs struct{ before, after, deep uintptr }
	done := make(chan addrs)
	go func() {
		var x byte
		var a addrs
		a.before = uintptr(unsafe.Pointer(&x))
		To16K()
		a.after = uintptr(unsafe.Pointer(&x))
		frames(6) // 6 frames of 2 KiB
		a.deep = uintptr(unsafe.Pointer(&x))
		done <- a
	}()
	a := <-done
	if a.before == a.after {
		t.Error("To16K left a fresh goroutine's stack where it was: it did not grow it")
	}
	if a.after != a.deep {
		t.Error("12 KiB of frames grew the stack again after To16K")
	}
}

// Without To16K the same frames move the stack: the test above can fail.
func TestFramesGrowAFreshStack(t *testing.T) {
	done := make(chan bool)
	go func() {
		var x byte
		before := uintptr(unsafe.Pointer(&x))
		frames(6)
		done <- uintptr(unsafe.Pointer(&x)) != before
	}()
	if !<-done {
		t.Fatal("12 KiB of frames did not move a fresh goroutine's stack")
	}
}

//go:noinline
func frames(n int) byte {
	var b [2000]byte
	b[n] = byte(n)
	if n > 1 {
		b[0] = frames(n - 1)
	}
	return b[0] + b[n]
}
