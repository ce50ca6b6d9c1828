package sysx

import (
	"errors"
	"syscall"
	"testing"
)

func TestIgnoringEINTRRetriesOnlyEINTR(t *testing.T) {
	t.Parallel()
	calls := 0
	err := IgnoringEINTR(func() error {
		calls++
		if calls < 3 {
			return syscall.EINTR
		}
		return syscall.EBADF
	})
	if !errors.Is(err, syscall.EBADF) || calls != 3 {
		t.Fatalf("got %v after %d calls, want EBADF after 3", err, calls)
	}

	n, err := IgnoringEINTR2(func() (int, error) {
		calls++
		if calls < 5 {
			return 0, syscall.EINTR
		}
		return 42, nil
	})
	if n != 42 || err != nil || calls != 5 {
		t.Fatalf("got %d, %v after %d calls, want 42, nil after 5", n, err, calls)
	}
}
