package sysx

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"appstart/runtime/harness/skip"
)

// helperEnv selects a helper role when the test binary re-executes itself
// (the moby reexec / pebble TestMain pattern): calls that change the whole
// process (setuid, no_new_privs) run in a child, never in the test process.
const helperEnv = "SYSX_TEST_HELPER"

func TestMain(m *testing.M) {
	if role := os.Getenv(helperEnv); role != "" {
		os.Exit(runHelper(role, os.Args[1:]))
	}
	os.Exit(m.Run())
}

func runHelper(role string, args []string) int {
	switch role {
	case "drop":
		uid, _ := strconv.ParseUint(args[0], 10, 32)
		gid, _ := strconv.ParseUint(args[1], 10, 32)
		var groups []uint32
		for _, g := range strings.Fields(args[2]) {
			n, _ := strconv.ParseUint(g, 10, 32)
			groups = append(groups, uint32(n))
		}
		if err := DropTo(uint32(uid), uint32(gid), groups); err != nil {
			fmt.Println("error:", err)
			return 1
		}
		printStatus("Uid", "Gid", "Groups", "CapEff")
	case "subreaper":
		before, err := PrctlGetChildSubreaper()
		if err != nil {
			fmt.Println("error:", err)
			return 1
		}
		if err := PrctlSetChildSubreaper(); err != nil {
			fmt.Println("error:", err)
			return 1
		}
		after, _ := PrctlGetChildSubreaper()
		fmt.Println(before, after)
	case "nonewprivs":
		// no_new_privs is per thread: set and read it on one locked thread
		// (/proc/self is the main thread's; the goroutine may be elsewhere,
		// which made this test fail under load).
		runtime.LockOSThread()
		printStatusOf("/proc/thread-self/status", "NoNewPrivs")
		if err := PrctlSetNoNewPrivs(); err != nil {
			fmt.Println("error:", err)
			return 1
		}
		printStatusOf("/proc/thread-self/status", "NoNewPrivs")
	default:
		fmt.Println("unknown helper", role)
		return 2
	}
	return 0
}

// printStatus prints the named lines of /proc/self/status, tabs squeezed.
func printStatus(keys ...string) { printStatusOf("/proc/self/status", keys...) }

func printStatusOf(path string, keys ...string) {
	b, _ := os.ReadFile(path)
	for _, line := range strings.Split(string(b), "\n") {
		for _, k := range keys {
			if strings.HasPrefix(line, k+":") {
				fmt.Println(strings.Join(strings.Fields(line), " "))
			}
		}
	}
}

// runHelperProcess runs the test binary in role and returns its stdout.
// Output() is fine here: the test binary has no reaper of its own, and this
// package has nothing to do with process lifetimes (the rule in ARCHITECTURE.md
// is enforced for non-test code by runtime/proc's rules_test.go).
func runHelperProcess(t *testing.T, role string, args ...string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	// Replace, never append, the role: getenv keeps the first duplicate.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, helperEnv+"=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, helperEnv+"="+role)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helper %s %q: %v\n%s", role, args, err, out)
	}
	return string(out)
}

func requireRoot(t *testing.T) {
	t.Helper()
	skip.Root(t, "changes uid, gid and groups")
}
