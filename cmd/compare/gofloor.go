package main

import (
	"os"
	"path/filepath"
	"sync"

	"appstart/runtime/harness"
)

var goFloor struct {
	once sync.Once
	path string
	err  error
}

// buildGoFloor builds cmd/gofloor as `make build` builds
// appstart (static, stripped), once per run.
func buildGoFloor() (string, error) {
	goFloor.once.Do(func() {
		goFloor.path, goFloor.err = harness.BuildStatic("appstart/cmd/gofloor", "compare-gofloor-")
	})
	return goFloor.path, goFloor.err
}

// removeGoFloor deletes what buildGoFloor built, if anything.
func removeGoFloor() {
	if goFloor.path != "" {
		os.RemoveAll(filepath.Dir(goFloor.path))
	}
}
