package stack

// To16K grows the calling goroutine's stack to at least 16 KiB: its frame
// needs 12 KiB (stack_amd64.s).
func To16K()

// To8K grows the calling goroutine's stack to at least 8 KiB.
func To8K()
