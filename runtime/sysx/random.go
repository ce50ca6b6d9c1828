package sysx

import (
	"os"

	"golang.org/x/sys/unix"
)

// Random reads from the kernel's CSPRNG with getrandom(2), blocking only
// until the pool is first initialised: what crypto/rand.Reader does on
// Linux, without the crypto packages, which took 160 KB of a binary that
// PID 1 keeps mapped.
//
//	var salt [32]byte
//	_, err := io.ReadFull(sysx.Random, salt[:])
var Random randomReader

type randomReader struct{}

// Read fills b whole: getrandom returns at most 32 MiB per call, and fewer
// bytes when a signal interrupts a large request.
func (randomReader) Read(b []byte) (int, error) {
	done := 0
	for done < len(b) {
		n, err := IgnoringEINTR2(func() (int, error) { return unix.Getrandom(b[done:], 0) })
		if err != nil {
			return done, os.NewSyscallError("getrandom", err)
		}
		done += n
	}
	return done, nil
}
