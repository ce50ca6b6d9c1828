package app_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The import rules of ARCHITECTURE.md: an arrow is the only import allowed, so a
// newcomer finds each job in one place and leaves stay testable alone. A new
// package fails this test until it is given its rule here; a rule may come
// before its package (only the packages go list finds are checked).
var allowedImports = map[string][]string{
	"cmd/appstart":       {"runtime/app", "runtime/cli"},
	"runtime/app":        {"runtime/*", "templates", "!runtime/harness", "!runtime/startsh"},
	"runtime/cli":        {"runtime/*", "templates", "!runtime/harness", "!runtime/startsh"},
	"runtime/resolve":    {"runtime/spec", "runtime/environ", "runtime/ident", "runtime/supervise", "templates", "runtime/manifest", "runtime/sysx"},
	"runtime/stage":      {"runtime/spec", "templates", "runtime/cgroup", "runtime/ident", "runtime/proc", "runtime/sysx", "runtime/environ", "runtime/patch", "runtime/fsops"},
	"runtime/supervise":  {"runtime/spec"},
	"runtime/proc":       {"runtime/sysx"},
	"runtime/logfwd":     {},
	"runtime/control":    {"runtime/sysx"},
	"runtime/environ":    {"templates"},
	"runtime/spec":       {"runtime/manifest", "runtime/environ", "runtime/sysx"},
	"runtime/manifest":   {"runtime/sysx"},
	"runtime/cgroup":     {},
	"runtime/ident":      {"runtime/sysx"},
	"runtime/fsops":      {},
	"runtime/patch":      {},
	"runtime/sysx":       {},
	"runtime/stack":      {},
	"templates":          {},
	"examples":           {},
	"runtime/convert":    {"runtime/spec", "runtime/environ"},
	"runtime/scaffold":   {"runtime/spec", "runtime/environ"},
	"runtime/schema":     {"runtime/spec"},
	"runtime/schema/gen": {"runtime/schema"},
	"runtime/harness":    {"runtime/sysx", "runtime/harness/skip"},
	"cmd/runexample":     {"runtime/harness"},
	"cmd/compare":        {"runtime/harness", "runtime/control"}, // control: the run locks its host runs of appstart leave
	"cmd/gofloor":        {},

	// Every test's one way to skip (TestEverySkipGoesThroughHere): a leaf,
	// so the tests of any package can import it, sysx's included.
	"runtime/harness/skip": {},

	// The start.sh converter and its shell parser live in a binary of their
	// own, which `appstart convert start.sh` execs: PID 1 never loads them
	// (TestInitLinksNoShellParser).
	"runtime/startsh":      {"runtime/spec"},
	"cmd/appstart-convert": {"runtime/startsh"},
}

// Outside the module, only these may be imported by non-test code.
var allowedModules = []string{"golang.org/x/sys/unix", "github.com/BurntSushi/toml", "github.com/creack/pty", "mvdan.cc/sh/v3/syntax"}

func TestImportRules(t *testing.T) {
	// stdout only: go list warns on stderr (a symlink it ignores under
	// examples/), and a warning is not a package.
	cmd := exec.Command("go", "list", "-f", "{{.ImportPath}}:{{join .Imports \" \"}}", "appstart/...")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, ":")
		rel := strings.TrimPrefix(pkg, "appstart/")
		rules, ok := allowedImports[rel]
		if !ok {
			t.Errorf("%s has no import rule: add it to allowedImports", rel)
			continue
		}
		for _, imp := range strings.Fields(imports) {
			// The module's own packages first: "appstart/..." has no dot
			// in its first element either, like the standard library.
			if irel, inModule := strings.CutPrefix(imp, "appstart/"); inModule {
				if !allowed(rules, irel) {
					t.Errorf("%s imports %s: not allowed by ARCHITECTURE.md's arrows", rel, irel)
				}
				continue
			}
			if !strings.Contains(strings.Split(imp, "/")[0], ".") {
				continue // the standard library
			}
			if !contains(allowedModules, imp) {
				t.Errorf("%s imports module package %s: not on the allowed list", rel, imp)
			}
		}
	}
}

// notInInit are packages the init binary must not link, each with why (a
// key ending in "/" is every package under it).
var notInInit = map[string]string{
	"mvdan.cc/":                "the start.sh converter's shell parser belongs in appstart-convert only",
	"appstart/runtime/startsh": "the start.sh converter belongs in appstart-convert only",
	// Its init asks CPUID at every start (41 µs on a VM, where each CPUID
	// traps); logfwd asks on first use (prefix_amd64.s).
	"golang.org/x/sys/cpu": "its init costs every start; logfwd checks AVX2 on first use",
}

// TestInitLinksNoShellParser: the init binary must not pay for the start.sh
// converter (mvdan.cc/sh is only in cmd/appstart-convert's dependencies),
// nor for a package init that runs at every start for nothing.
func TestInitLinksNoShellParser(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "appstart/cmd/appstart")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for pkg, why := range notInInit {
			if dep == pkg || strings.HasSuffix(pkg, "/") && strings.HasPrefix(dep, pkg) {
				t.Errorf("cmd/appstart depends on %s: %s", dep, why)
			}
		}
	}
}

func allowed(rules []string, imp string) bool {
	ok := false
	for _, r := range rules {
		switch {
		case strings.HasPrefix(r, "!") && (imp == r[1:] || strings.HasPrefix(imp, r[1:]+"/")):
			return false
		case r == imp, strings.HasSuffix(r, "/*") && strings.HasPrefix(imp, strings.TrimSuffix(r, "*")):
			ok = true
		}
	}
	return ok
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
