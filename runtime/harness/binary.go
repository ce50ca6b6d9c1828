package harness

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// BinaryEnv names a prebuilt appstart binary to use instead of building one
// (the Makefile's test target sets it to bin/appstart, built just before).
const BinaryEnv = "APPSTART_BIN"

var (
	binaryOnce sync.Once
	binaryPath string
	binaryErr  error
)

// Binary returns the path of a static appstart binary for the test process,
// building it once (CGO_ENABLED=0, -trimpath, as `make build` does) unless
// $APPSTART_BIN names one. Mount it into a container with
// Options.Binaries{"/app/bin/appstart": harness.Binary(t)}.
//
// The build lands in $TMPDIR/appstart-harness-bin-<pid>-*; such directories
// of test processes that are gone are removed by the next build, since a
// process-wide build has no t.Cleanup to hang its removal on.
func Binary(t testing.TB) string {
	t.Helper()
	p, err := BuildBinary()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// BuildBinary is Binary for programs outside tests (cmd/runexample).
func BuildBinary() (string, error) {
	binaryOnce.Do(func() { binaryPath, binaryErr = findOrBuildBinary() })
	return binaryPath, binaryErr
}

func findOrBuildBinary() (string, error) {
	if p := os.Getenv(BinaryEnv); p != "" {
		abs, err := filepath.Abs(p)
		if err != nil {
			return "", fmt.Errorf("cannot resolve $%s: %w", BinaryEnv, err)
		}
		if _, err := os.Stat(abs); err != nil {
			return "", fmt.Errorf("cannot use $%s: %w", BinaryEnv, err)
		}
		return abs, nil
	}
	sweepStaleTemp(os.TempDir())
	return BuildStatic("appstart/cmd/appstart", fmt.Sprintf("appstart-harness-bin-%d-", os.Getpid()))
}

// BuildStatic builds the main package pkg as `make build` builds appstart
// (CGO_ENABLED=0, -trimpath, stripped) into a new directory under $TMPDIR
// whose name starts with dirPrefix, and returns the binary's path; the
// caller removes its directory.
//
//	path, err := harness.BuildStatic("appstart/cmd/gofloor", "compare-gofloor-")
func BuildStatic(pkg, dirPrefix string) (string, error) {
	// go test puts its own GOROOT/bin first on the PATH of the tests it
	// runs, so a test finds the go that runs it.
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("cannot build %s: %w", pkg, err)
	}
	dir, err := os.MkdirTemp("", dirPrefix)
	if err != nil {
		return "", fmt.Errorf("cannot create a build directory: %w", err)
	}
	out := filepath.Join(dir, filepath.Base(pkg))
	// The package path, not a file path: go build resolves it from the
	// module of the working directory, wherever that is.
	cmd := exec.Command(goTool, "build", "-trimpath", "-ldflags", "-s -w", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if output, err := cmd.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("cannot build %s: %w\n%s", pkg, err, output)
	}
	return out, nil
}

// sweepStaleTemp removes the temporary directories (builds, Launch's state
// directories) of harness processes that are gone.
func sweepStaleTemp(tmp string) {
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return
	}
	for _, e := range entries {
		for _, prefix := range []string{"appstart-harness-bin-", stateDirPrefix} {
			if pid, ok := ownerPid(e.Name(), prefix); ok && e.IsDir() && !alive(pid) {
				os.RemoveAll(filepath.Join(tmp, e.Name()))
			}
		}
	}
}
