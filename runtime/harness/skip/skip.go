// Package skip is the one way a test of this module skips, so that one
// place decides when a skip is a failure instead: CI must be a machine that
// runs every test, and a unit run must pass on any machine.
//
//   - Under CI=true (.ci/run), a test that lacks something the machine
//     should have (root, the harness, an installed server) fails.
//   - Under go test -short (make test-unit), those tests skip, CI=true or
//     not, and so do the ones that need root even when run as root: a unit
//     run needs neither root nor Docker and gives the same answer anywhere.
//
// TestEverySkipGoesThroughHere fails on a t.Skip, t.Skipf or t.SkipNow
// anywhere else in the module. It is a leaf (the standard library only),
// so any package's tests can use it, runtime/sysx's included, whose tests
// cannot import the harness (the harness imports sysx).
package skip

import (
	"os"
	"testing"
)

// CI reports whether the tests run under CI (CI=true), where a test must
// never skip for lack of something the machine should have.
func CI() bool { return os.Getenv("CI") == "true" }

// Unit reports whether this is a unit run (go test -short, make
// test-unit), where every test that needs root, the harness, a container,
// Docker or an installed server skips.
func Unit() bool { return testing.Short() }

// OrFail skips t with the reason: the machine lacks something the test
// needs. Under CI=true it fails t instead, except in a unit run.
//
//	if _, err := exec.LookPath("php"); err != nil {
//		skip.OrFail(t, "php is not installed (apt-get install php-cli)")
//	}
func OrFail(t testing.TB, format string, args ...any) {
	t.Helper()
	if CI() && !Unit() {
		t.Fatalf("CI=true, so this fails instead of skipping: "+format, args...)
	}
	t.Skipf(format, args...)
}

// Optional skips t with the reason, under CI=true too: for what the
// project makes optional by design (a Docker engine, issue 7) or opt-in
// (make e2e's E2E=1).
func Optional(t testing.TB, format string, args ...any) {
	t.Helper()
	t.Skipf(format, args...)
}

// Root skips t (fails it under CI=true) unless it runs as root; in a unit
// run it always skips, root or not. why says what root is needed for.
//
//	skip.Root(t, "changes uid, gid and groups")
func Root(t testing.TB, why string) {
	t.Helper()
	if Unit() {
		t.Skipf("unit run (-short): needs root: %s", why)
	}
	if os.Geteuid() != 0 {
		OrFail(t, "needs root (euid %d): %s", os.Geteuid(), why)
	}
}

// Machine skips t in a unit run: for a test that needs a container, the
// harness, Docker or an installed server even where the machine has them.
// what names it ("the harness", "Docker").
func Machine(t testing.TB, what string) {
	t.Helper()
	if Unit() {
		t.Skipf("unit run (-short): needs %s", what)
	}
}
