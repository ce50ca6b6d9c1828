//go:build !amd64

package stack

// To16K does nothing here: growing ahead was measured on amd64 only, and a
// Go frame large enough would be zeroed, touching the pages it grows.
func To16K() {}

// To8K does nothing here either.
func To8K() {}
