package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"appstart/runtime/harness/skip"
)

// DockerTimeout bounds one docker CLI call.
const DockerTimeout = 2 * time.Minute

// DockerBuildTimeout bounds one `docker build` (RunWithin): each step of an
// example's image commits a layer, and over the e2e base image (Debian with
// every example's app, Redmine's Ruby included) on fuse-overlayfs a commit
// took 30 to 40 s on this loaded machine, so a five-step build passed 2 min.
const DockerBuildTimeout = 10 * time.Minute

// DockerClient drives the local Docker engine through the docker CLI, the
// way a package author would, and removes everything it created (images,
// containers, volumes) in t.Cleanup.
type DockerClient struct {
	t   testing.TB
	bin string
}

var dockerSeq atomic.Int64

// Docker returns a client for the local engine, or skips t when no engine
// answers `docker info` (and in a unit run, -short). Unlike Require it
// skips even under CI=true (skip.Optional): issue 7
// makes Docker optional ("without an engine these tests skip with a
// message; the harness tests still run"), and a CI host without a daemon is
// still a valid CI host for everything else.
func Docker(t testing.TB) *DockerClient {
	t.Helper()
	skip.Machine(t, "Docker")
	bin, err := exec.LookPath("docker")
	if err != nil {
		skip.Optional(t, "docker CLI not installed: skipping the Docker tests")
	}
	d := &DockerClient{t: t, bin: bin}
	if _, stderr, err := d.run("info", "--format", "{{.ServerVersion}}"); err != nil {
		skip.Optional(t, "no Docker engine answers `docker info` (%v: %s): skipping the Docker tests", err, strings.TrimSpace(stderr))
	}
	return d
}

// RequireE2E skips t unless E2E=1 (set by `make e2e`), for the slow Docker
// tests that build Debian roots and run every example.
func RequireE2E(t testing.TB) {
	t.Helper()
	if os.Getenv("E2E") != "1" {
		skip.Optional(t, "end-to-end Docker test: run with E2E=1 (make e2e)")
	}
}

// Run runs the docker CLI with args and returns its stdout, failing the
// test on a non-zero exit.
func (d *DockerClient) Run(args ...string) string {
	d.t.Helper()
	return d.RunWithin(DockerTimeout, args...)
}

// RunWithin is Run bounded by timeout instead of DockerTimeout, for the calls
// that take longer (`docker build`: DockerBuildTimeout).
func (d *DockerClient) RunWithin(timeout time.Duration, args ...string) string {
	d.t.Helper()
	stdout, stderr, err := d.runWithin(timeout, args...)
	if err != nil {
		d.t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return stdout
}

func (d *DockerClient) run(args ...string) (stdout, stderr string, err error) {
	return d.runWithin(DockerTimeout, args...)
}

func (d *DockerClient) runWithin(timeout time.Duration, args ...string) (stdout, stderr string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var out, errOut bytes.Buffer
	cmd := exec.CommandContext(ctx, d.bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run() // the harness drives docker from outside any container
	return out.String(), errOut.String(), err
}

// uniqueName makes names that parallel test processes cannot share.
func uniqueName(kind string) string {
	return fmt.Sprintf("appstart-harness-%s-%d-%d", kind, os.Getpid(), dockerSeq.Add(1))
}

// ImageFile is one file of a scratch image: a host file to copy, literal
// content, or a symlink.
type ImageFile struct {
	From    string      // host path to copy
	Content string      // literal content, when From is ""
	Link    string      // symlink target, instead of either
	Mode    os.FileMode // default 0755 for From, 0644 for Content
}

// BusyboxFiles is a static busybox (Debian's busybox-static) as /bin/busybox
// with /bin/sh pointing at it: enough userland for a scratch image.
func BusyboxFiles() map[string]ImageFile {
	return map[string]ImageFile{
		"/bin/busybox": {From: "/bin/busybox"},
		"/bin/sh":      {Link: "busybox"},
	}
}

// BuildScratchImage builds an image FROM scratch holding files (by
// container path) with cmd as its CMD, and returns its reference; no
// registry is needed. The image is removed in t.Cleanup. name only makes the
// reference readable: appstart-harness/<name>:<pid>-<n>.
//
// Example:
//
//	img := d.BuildScratchImage("busybox", harness.BusyboxFiles(), []string{"/bin/sh", "-c", "echo hi"})
func (d *DockerClient) BuildScratchImage(name string, files map[string]ImageFile, cmd []string) string {
	d.t.Helper()
	ctxDir := d.t.TempDir()
	root := filepath.Join(ctxDir, "rootfs")
	for _, p := range sortedKeys(imagePaths(files)) {
		if err := writeImageFile(filepath.Join(root, path.Clean("/"+p)), files[p]); err != nil {
			d.t.Fatal(err)
		}
	}
	var df strings.Builder
	df.WriteString("FROM scratch\nCOPY rootfs/ /\n")
	if len(cmd) > 0 {
		df.WriteString("CMD " + jsonArray(cmd) + "\n")
	}
	if err := os.WriteFile(filepath.Join(ctxDir, "Dockerfile"), []byte(df.String()), 0o644); err != nil {
		d.t.Fatal(err)
	}
	ref := fmt.Sprintf("appstart-harness/%s:%d-%d", strings.ToLower(name), os.Getpid(), dockerSeq.Add(1))
	d.Run("build", "--quiet", "--tag", ref, ctxDir)
	d.t.Cleanup(func() { d.run("rmi", "--force", ref) })
	return ref
}

func imagePaths(files map[string]ImageFile) map[string]string {
	m := make(map[string]string, len(files))
	for p := range files {
		m[p] = ""
	}
	return m
}

func writeImageFile(dst string, f ImageFile) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("cannot create the directory of %s: %w", dst, err)
	}
	switch {
	case f.Link != "":
		if err := os.Symlink(f.Link, dst); err != nil {
			return fmt.Errorf("cannot create symlink %s: %w", dst, err)
		}
		return nil
	case f.From != "":
		data, err := os.ReadFile(f.From)
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", f.From, err)
		}
		return writeMode(dst, data, f.Mode, 0o755)
	default:
		return writeMode(dst, []byte(f.Content), f.Mode, 0o644)
	}
}

func writeMode(dst string, data []byte, mode, def os.FileMode) error {
	if mode == 0 {
		mode = def
	}
	if err := os.WriteFile(dst, data, mode); err != nil {
		return fmt.Errorf("cannot write %s: %w", dst, err)
	}
	// WriteFile's mode is filtered by the umask; the image must get it exactly.
	if err := os.Chmod(dst, mode); err != nil {
		return fmt.Errorf("cannot chmod %s: %w", dst, err)
	}
	return nil
}

// jsonArray renders a Dockerfile exec-form array.
func jsonArray(args []string) string {
	b, _ := json.Marshal(args) // a []string always marshals
	return string(b)
}

// Volume creates a named volume, removed in t.Cleanup (after the containers
// using it, which are registered later and so cleaned up first).
func (d *DockerClient) Volume() string {
	d.t.Helper()
	name := uniqueName("vol")
	d.Run("volume", "create", name)
	d.t.Cleanup(func() { d.run("volume", "rm", "--force", name) })
	return name
}
