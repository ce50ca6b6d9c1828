package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
)

var goFloor struct {
	once sync.Once
	path string
	err  error
}

// buildGoFloor builds runtime/harness/cmd/gofloor as `make build` builds
// appstart (static, stripped), once per run.
func buildGoFloor() (string, error) {
	goFloor.once.Do(func() {
		dir, err := os.MkdirTemp("", "compare-gofloor-")
		if err != nil {
			goFloor.err = fmt.Errorf("cannot build gofloor: %w", err)
			return
		}
		out := filepath.Join(dir, "gofloor")
		goTool, err := exec.LookPath("go")
		if err != nil {
			goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		cmd := exec.Command(goTool, "build", "-trimpath", "-ldflags", "-s -w", "-o", out, "appstart/runtime/harness/cmd/gofloor")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if output, err := cmd.CombinedOutput(); err != nil {
			goFloor.err = fmt.Errorf("cannot build gofloor: %w: %s", err, output)
			return
		}
		goFloor.path = out
	})
	return goFloor.path, goFloor.err
}

// removeGoFloor deletes what buildGoFloor built, if anything.
func removeGoFloor() {
	if goFloor.path != "" {
		os.RemoveAll(filepath.Dir(goFloor.path))
	}
}
