package proc

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestOnlyProcWaits enforces ARCHITECTURE.md's "One owner of wait4" over every
// non-test .go file of the module: no Wait, Run, Output or CombinedOutput on
// an exec.Cmd or os.Process (they would race the reaper for the exit), and
// no wait4/waitid outside this package's reaper.go.
func TestOnlyProcWaits(t *testing.T) {
	t.Parallel()
	root := moduleRoot(t)
	var problems []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		if slash := filepath.ToSlash(rel); strings.HasPrefix(slash, "runtime/harness/") ||
			strings.HasPrefix(slash, "cmd/runexample/") || strings.HasPrefix(slash, "cmd/compare/") {
			// The integration-test driver and the tools built on it: they
			// run OUTSIDE the container as the parent of appstart-as-PID-1,
			// in a process with no Reaper, so os/exec's Wait owns their
			// children there (harness/exec.go's comment).
			return nil
		}
		if strings.HasPrefix(filepath.ToSlash(rel), "cmd/gofloor/") {
			// compare's go-floor peer: another init, with its own wait4.
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		found, err := waitViolations(filepath.ToSlash(rel), src)
		if err != nil {
			// Someone's file mid-edit must not fail this test; the compiler
			// will complain about it soon enough.
			t.Logf("skipping %s: %v", rel, err)
			return nil
		}
		problems = append(problems, found...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// TestRulesCheckerCanFail is the negative control of TestOnlyProcWaits.
func TestRulesCheckerCanFail(t *testing.T) {
	t.Parallel()
	src := `package x
import (
	"os"
	osexec "os/exec"
	"sync"
	"syscall"
	"golang.org/x/sys/unix"
)
type runner struct{ c *osexec.Cmd }
func f(p *os.Process, r runner) {
	cmd := osexec.Command("x")
	cmd.Run()
	_, _ = osexec.Command("y").Output()
	cmd.Process.Wait()
	r.c.Wait()
	p.Wait()
	var ws syscall.WaitStatus
	syscall.Wait4(-1, &ws, 0, nil)
	unix.Waitid(0, 0, nil, 0, nil)
	var wg sync.WaitGroup
	wg.Wait()           // not a process: allowed
	r.Run(1)            // has arguments: not os/exec's Run
}
`
	got, err := waitViolations("runtime/stage/x.go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"runtime/stage/x.go:12: cmd.Run() on an exec.Cmd/os.Process",
		"runtime/stage/x.go:13: osexec.Command(...).Output() on an exec.Cmd/os.Process",
		"runtime/stage/x.go:14: cmd.Process.Wait() on an exec.Cmd/os.Process",
		"runtime/stage/x.go:15: r.c.Wait() on an exec.Cmd/os.Process",
		"runtime/stage/x.go:16: p.Wait() on an exec.Cmd/os.Process",
		"runtime/stage/x.go:18: syscall.Wait4 outside runtime/proc/reaper.go",
		"runtime/stage/x.go:19: unix.Waitid outside runtime/proc/reaper.go",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got, _ := waitViolations("runtime/proc/reaper.go", []byte(src)); len(got) != 5 {
		t.Fatalf("reaper.go may call Wait4; got %d findings, want 5", len(got))
	}
}

// waitViolations parses one file and lists the forbidden calls in it. It
// works on syntax alone (no type checking, so a teammate's broken package
// elsewhere cannot break it): a name counts as an exec.Cmd/os.Process when
// the file declares it with that type or assigns it from exec.Command,
// exec.CommandContext, os.StartProcess or os.FindProcess.
func waitViolations(rel string, src []byte) ([]string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, rel, src, 0)
	if err != nil {
		return nil, err
	}
	imports := map[string]string{} // local name -> import path
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		name := path[strings.LastIndex(path, "/")+1:]
		if imp.Name != nil {
			name = imp.Name.Name
		}
		imports[name] = path
	}
	pkgOf := func(e ast.Expr) string {
		if id, ok := e.(*ast.Ident); ok {
			return imports[id.Name]
		}
		return ""
	}
	isProcType := func(e ast.Expr) bool {
		if star, ok := e.(*ast.StarExpr); ok {
			e = star.X
		}
		sel, ok := e.(*ast.SelectorExpr)
		if !ok {
			return false
		}
		p := pkgOf(sel.X)
		return (p == "os/exec" && sel.Sel.Name == "Cmd") || (p == "os" && sel.Sel.Name == "Process")
	}
	isProcCall := func(e ast.Expr) bool {
		call, ok := e.(*ast.CallExpr)
		if !ok {
			return false
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return false
		}
		p, n := pkgOf(sel.X), sel.Sel.Name
		return (p == "os/exec" && (n == "Command" || n == "CommandContext")) ||
			(p == "os" && (n == "StartProcess" || n == "FindProcess"))
	}
	procNames := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Field:
			if isProcType(n.Type) {
				for _, id := range n.Names {
					procNames[id.Name] = true
				}
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				if (n.Type != nil && isProcType(n.Type)) || (i < len(n.Values) && isProcCall(n.Values[i])) {
					procNames[id.Name] = true
				}
			}
		case *ast.AssignStmt:
			if len(n.Rhs) == 1 && isProcCall(n.Rhs[0]) && len(n.Lhs) > 0 {
				if id, ok := n.Lhs[0].(*ast.Ident); ok {
					procNames[id.Name] = true
				}
			}
		}
		return true
	})
	isProcValue := func(e ast.Expr) bool {
		switch x := e.(type) {
		case *ast.Ident:
			return procNames[x.Name]
		case *ast.SelectorExpr:
			return procNames[x.Sel.Name] || x.Sel.Name == "Process"
		}
		return isProcCall(e)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok || len(n.Args) != 0 {
				return true
			}
			switch sel.Sel.Name {
			case "Wait", "Run", "Output", "CombinedOutput":
				if isProcValue(sel.X) {
					out = append(out, fmt.Sprintf("%s:%d: %s() on an exec.Cmd/os.Process",
						rel, fset.Position(n.Pos()).Line, exprString(sel)))
				}
			}
		case *ast.SelectorExpr:
			p := pkgOf(n.X)
			if (p == "syscall" || p == "golang.org/x/sys/unix") &&
				(n.Sel.Name == "Wait4" || n.Sel.Name == "Waitid") && rel != "runtime/proc/reaper.go" {
				out = append(out, fmt.Sprintf("%s:%d: %s outside runtime/proc/reaper.go",
					rel, fset.Position(n.Pos()).Line, exprString(n)))
			}
		}
		return true
	})
	sort.SliceStable(out, func(i, j int) bool { return lineOf(out[i]) < lineOf(out[j]) })
	return out, nil
}

func lineOf(s string) int {
	f := strings.SplitN(s, ":", 3)
	n, _ := strconv.Atoi(f[1])
	return n
}

func exprString(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return exprString(x.X) + "." + x.Sel.Name
	case *ast.CallExpr:
		return exprString(x.Fun) + "(...)"
	}
	return "?"
}

// moduleRoot finds the directory holding go.mod above the package.
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
			t.Fatal("no go.mod above the package")
		}
		dir = parent
	}
}
