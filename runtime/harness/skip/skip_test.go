package skip

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestEverySkipGoesThroughHere fails on a Skip, Skipf or SkipNow called on
// a *testing.T, B or F or a testing.TB anywhere in the module but this
// package: each would skip under CI=true, where a skip must be a failure.
func TestEverySkipGoesThroughHere(t *testing.T) {
	t.Parallel()
	root := moduleRoot(t)
	var found []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		if !strings.HasSuffix(path, ".go") || filepath.ToSlash(filepath.Dir(rel)) == "runtime/harness/skip" {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		calls, err := testingSkips(filepath.ToSlash(rel), src)
		if err != nil {
			// A file mid-edit is the compiler's to report, not this test's.
			t.Logf("not checked: %v", err)
			return nil
		}
		found = append(found, calls...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range found {
		t.Errorf("%s: skip through skip.OrFail, skip.Root, skip.Machine or skip.Optional (or harness.Require), so CI=true and -short decide", f)
	}
}

// The negative control: the checker finds each form, and leaves alone a
// Skip method of something that is not a test (spec.Skip, a program's).
func TestSkipCheckerCanFail(t *testing.T) {
	t.Parallel()
	src := `package x
import "testing"
type client struct{ t testing.TB }
func helper(tb testing.TB) { tb.Skip("a") }
func TestA(t *testing.T) {
	t.Run("x", func(t *testing.T) { t.SkipNow() })
	if prog.Skip() { return }
	spec.Skip(1, 2)
}
func BenchmarkB(b *testing.B) { b.Skipf("%d", 1) }
func (c *client) f() { c.t.Skip("c") }
`
	got, err := testingSkips("x_test.go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"x_test.go:4: tb.Skip", "x_test.go:6: t.SkipNow", "x_test.go:10: b.Skipf", "x_test.go:11: c.t.Skip"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("testingSkips = %q, want %q", got, want)
	}
}

// testingSkips lists the Skip, Skipf and SkipNow calls in src whose
// receiver is named, in this file, as a field or parameter of a testing
// type: names, not types, but go/types would need the module built.
func testingSkips(name string, src []byte) ([]string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, 0)
	if err != nil {
		return nil, err
	}
	testingName := "testing"
	for _, imp := range f.Imports {
		if imp.Path.Value == `"testing"` && imp.Name != nil {
			testingName = imp.Name.Name
		}
	}
	tests := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if field, ok := n.(*ast.Field); ok && isTestingType(field.Type, testingName) {
			for _, id := range field.Names {
				tests[id.Name] = true
			}
		}
		return true
	})
	var calls []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || (sel.Sel.Name != "Skip" && sel.Sel.Name != "Skipf" && sel.Sel.Name != "SkipNow") {
			return true
		}
		var recv string
		switch x := sel.X.(type) {
		case *ast.Ident:
			recv = x.Name
		case *ast.SelectorExpr:
			recv = x.Sel.Name
		}
		if tests[recv] {
			calls = append(calls, fmt.Sprintf("%s:%d: %s.%s", name, fset.Position(call.Pos()).Line, exprString(sel.X), sel.Sel.Name))
		}
		return true
	})
	return calls, nil
}

// isTestingType reports *testing.T, *testing.B, *testing.F or testing.TB.
func isTestingType(e ast.Expr, pkg string) bool {
	if star, ok := e.(*ast.StarExpr); ok {
		e = star.X
	}
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	if !ok || id.Name != pkg {
		return false
	}
	switch sel.Sel.Name {
	case "T", "B", "F", "TB":
		return true
	}
	return false
}

func exprString(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return exprString(x.X) + "." + x.Sel.Name
	}
	return "?"
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

// The policy, observed on this test binary run again with CI and -short
// set: what go test reports for a test that calls each helper.
func TestPolicy(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		helper    string
		ci, short bool
		want      string // "SKIP", "FAIL" or "PASS"
	}{
		{"OrFail", false, false, "SKIP"},
		{"OrFail", true, false, "FAIL"},
		{"OrFail", true, true, "SKIP"},
		{"OrFail", false, true, "SKIP"},
		{"Optional", true, false, "SKIP"},
		{"Machine", true, false, "PASS"},
		{"Machine", false, true, "SKIP"},
		{"Machine", true, true, "SKIP"},
		{"Root", true, true, "SKIP"},
		{"Root", false, true, "SKIP"},
	} {
		name := fmt.Sprintf("%s/CI=%t/short=%t", c.helper, c.ci, c.short)
		if got := runHelper(t, c.helper, c.ci, c.short); got != c.want {
			t.Errorf("%s: %s, want %s", name, got, c.want)
		}
	}
	// Root outside a unit run depends on who runs the tests.
	want := map[bool]string{true: "PASS", false: "FAIL"}[os.Geteuid() == 0]
	if got := runHelper(t, "Root", true, false); got != want {
		t.Errorf("Root/CI=true/short=false as euid %d: %s, want %s", os.Geteuid(), got, want)
	}
}

const helperEnv = "SKIP_TEST_HELPER"

// TestHelper is the test the policy runs: it calls the helper named by
// SKIP_TEST_HELPER, and passes when that returns.
func TestHelper(t *testing.T) {
	switch os.Getenv(helperEnv) {
	case "":
		return // run directly: nothing to do
	case "OrFail":
		OrFail(t, "lacks %s", "x")
	case "Optional":
		Optional(t, "optional %s", "x")
	case "Machine":
		Machine(t, "x")
	case "Root":
		Root(t, "x")
	}
}

// runHelper runs TestHelper in a new process and returns how it ended.
func runHelper(t *testing.T, helper string, ci, short bool) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"-test.run=^TestHelper$", "-test.v", "-test.count=1"}
	if short {
		args = append(args, "-test.short")
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), helperEnv+"="+helper, fmt.Sprintf("CI=%t", ci))
	out, _ := cmd.CombinedOutput()
	for _, r := range []string{"SKIP", "FAIL", "PASS"} {
		if strings.Contains(string(out), "--- "+r+": TestHelper") {
			return r
		}
	}
	return "no result in: " + string(out)
}
