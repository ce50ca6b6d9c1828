package sysx

import (
	"bytes"
	"testing"
)

func TestRandomFillsWholeBuffers(t *testing.T) {
	t.Parallel()
	for _, size := range []int{1, 32, 257, 40 << 20} { // 40 MiB: more than one getrandom call
		a := make([]byte, size)
		n, err := Random.Read(a)
		if err != nil || n != size {
			t.Fatalf("Read(%d bytes) = %d, %v", size, n, err)
		}
		if size < 32 {
			continue
		}
		b := make([]byte, size)
		if _, err := Random.Read(b); err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(a, b) {
			t.Errorf("two %d-byte reads are equal", size)
		}
		// The tail is written too: 32 zero bytes at the end of a random
		// buffer would mean a short read went unnoticed.
		if bytes.Equal(a[size-32:], make([]byte, 32)) {
			t.Errorf("%d-byte read left its last 32 bytes zero", size)
		}
	}
}
