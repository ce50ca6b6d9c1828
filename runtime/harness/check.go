package harness

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"appstart/runtime/harness/skip"
)

// hostTools are the host programs the harness runs (util-linux, iproute2).
var hostTools = []string{"unshare", "nsenter", "pivot_root", "mount", "umount", "ip", "env", "awk"}

var (
	layoutOnce sync.Once
	layoutVal  cgroupLayout
	layoutErr  error

	checkOnce sync.Once
	checkErr  error
)

// hostLayout finds this process's cgroups once: they do not move.
func hostLayout() (cgroupLayout, error) {
	layoutOnce.Do(func() {
		cg, err := os.Open("/proc/self/cgroup")
		if err != nil {
			layoutErr = fmt.Errorf("cannot open /proc/self/cgroup: %w", err)
			return
		}
		defer cg.Close()
		mi, err := os.Open("/proc/self/mountinfo")
		if err != nil {
			layoutErr = fmt.Errorf("cannot open /proc/self/mountinfo: %w", err)
			return
		}
		defer mi.Close()
		layoutVal, layoutErr = findCgroups(cg, mi, func(mount string) string {
			b, _ := os.ReadFile(filepath.Join(mount, "cgroup.controllers"))
			return string(b)
		})
	})
	return layoutVal, layoutErr
}

// Check reports every reason this machine cannot run harness containers, or
// nil. The answer is computed once per process: root, the host tools, a
// memory cgroup controller, and a trial cgroup created and removed.
func Check() error {
	checkOnce.Do(func() {
		var errs []string
		if os.Geteuid() != 0 {
			errs = append(errs, fmt.Sprintf("not root (euid %d): the harness mounts file systems and creates cgroups", os.Geteuid()))
		}
		for _, tool := range hostTools {
			if _, err := exec.LookPath(tool); err != nil {
				errs = append(errs, fmt.Sprintf("%s not found on PATH (util-linux, iproute2)", tool))
			}
		}
		if len(errs) == 0 {
			if err := probeCgroup(); err != nil {
				errs = append(errs, err.Error())
			}
		}
		if len(errs) > 0 {
			checkErr = errors.New("cannot run harness containers: " + strings.Join(errs, "; "))
		}
	})
	return checkErr
}

func probeCgroup() error {
	layout, err := hostLayout()
	if err != nil {
		return err
	}
	cg, err := createCgroup(layout, 64<<20, 128<<20, 0)
	if err != nil {
		return err
	}
	return cg.remove(5 * time.Second)
}

// CI reports whether the tests run under CI (CI=true): skip.CI.
func CI() bool { return skip.CI() }

// SkipOrFail is skip.OrFail, the one way a test skips for something this
// machine lacks: it fails t instead under CI=true, except in a unit run
// (go test -short, make test-unit).
func SkipOrFail(t testing.TB, format string, args ...any) {
	t.Helper()
	skip.OrFail(t, format, args...)
}

// Require skips t (fails it under CI=true) unless Check passes; in a unit
// run (-short) it always skips.
func Require(t testing.TB) {
	t.Helper()
	skip.Machine(t, "the harness (root, a PID and mount namespace, a memory cgroup)")
	if err := Check(); err != nil {
		SkipOrFail(t, "%v", err)
	}
}

// RequireCommands skips t (fails it under CI=true) unless every named
// program is on the host PATH, and returns their paths in order. They are
// the servers the container tests drive, so a unit run (-short) skips.
//
// Example: harness.RequireCommands(t, "nginx", "php-fpm8.2") -> ["/usr/sbin/nginx", "/usr/sbin/php-fpm8.2"].
func RequireCommands(t testing.TB, names ...string) []string {
	t.Helper()
	skip.Machine(t, "installed programs: "+strings.Join(names, ", "))
	var paths, missing []string
	for _, n := range names {
		p, err := exec.LookPath(n)
		if err != nil {
			missing = append(missing, n)
		}
		paths = append(paths, p)
	}
	if len(missing) > 0 {
		SkipOrFail(t, "not installed on this machine: %s (.ci/run installs them)", strings.Join(missing, ", "))
	}
	return paths
}
