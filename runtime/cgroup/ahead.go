package cgroup

import "io/fs"

// ReadAhead starts ReadMemory(fsys) on a goroutine of its own and returns
// what waits for its result (every call gives the same; calls come from
// one goroutine, the stages'). A start calls it
// first thing, so that the cgroup files are read on the other core while
// the signals are registered and the spec is decoded and resolved, rather
// than on the way from the spec to the first exec. Reading changes
// nothing, so a start that ends before the workers stage loses only the
// read.
//
//	memory := cgroup.ReadAhead(sysx.NewRoot())
//	// ... decode, resolve ...
//	m, err := memory() // what ReadMemory(sysx.NewRoot()) returns
func ReadAhead(fsys fs.FS) func() (Memory, error) {
	type read struct {
		m   Memory
		err error
	}
	done := make(chan read, 1)
	go func() {
		m, err := ReadMemory(fsys)
		done <- read{m, err}
	}()
	var r read
	var taken bool
	return func() (Memory, error) {
		if !taken {
			r, taken = <-done, true
		}
		return r.m, r.err
	}
}
