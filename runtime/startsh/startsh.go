package startsh

import (
	"bytes"
	"fmt"
	"path"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"appstart/runtime/spec"
)

// Options tune a conversion; the zero Options is fine.
type Options struct {
	// PkgDir is where the spec and the generated files sit in the image
	// ("/app/pkg" when empty): the kept script and template sources are
	// named under it.
	PkgDir string
}

// Result is one converted script.
type Result struct {
	// Spec is the appstart.toml; it passes spec.Parse.
	Spec []byte
	// Files are the other files the spec names, by base name (the kept
	// script, template sources made from heredocs), to put in PkgDir.
	Files map[string][]byte
	// Statements, Converted and Kept count the script's top-level
	// statements: Converted + Kept = Statements.
	Statements, Converted, Kept int
}

// Coverage is the one line `appstart convert` prints about a script.
func (r *Result) Coverage(name string) string {
	pct := 0
	if r.Statements > 0 {
		pct = 100 * r.Converted / r.Statements
	}
	return fmt.Sprintf("%s: %d statements: %d converted, %d kept in %s (%d%% converted)",
		name, r.Statements, r.Converted, r.Kept, KeptScript, pct)
}

// KeptScript is the base name of the generated script of kept statements.
const KeptScript = "start-kept.sh"

// Convert reads a start script and returns its appstart.toml.
func Convert(name string, src []byte, opt Options) (*Result, error) {
	if opt.PkgDir == "" {
		opt.PkgDir = "/app/pkg"
	}
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(src), name)
	if err != nil {
		return nil, fmt.Errorf("cannot parse %s: %w", name, err)
	}
	c := &conv{name: name, src: src, opt: opt, secretFiles: map[string]string{}, tainted: map[string]bool{},
		memVars: map[string]memExpr{}, envIndex: map[string]int{}, files: map[string][]byte{}, written: map[string]bool{}}
	stmts := f.Stmts
	for i, st := range stmts {
		c.last = i == len(stmts)-1
		c.statement(st)
	}
	out := c.emit()
	if _, err := spec.Parse("appstart.toml", out); err != nil {
		return nil, fmt.Errorf("cannot convert %s: the result does not pass appstart check (a bug in convert; please report it with the script):\n%w\n%s", name, err, out)
	}
	r := &Result{Spec: out, Files: c.files, Statements: c.converted + c.keptN, Converted: c.converted, Kept: c.keptN}
	if script := c.keptScript(); script != nil {
		r.Files[KeptScript] = script
	}
	return r, nil
}

// conv is one conversion's state.
type conv struct {
	name string
	src  []byte
	opt  Options
	last bool // the statement being read is the script's last

	setLine   string // the script's `set -e...` line, repeated in the kept script
	env       []kv
	envIndex  map[string]int
	envFiles  []string
	dirs      []owned
	chowns    []owned
	secrets   []secret
	seeds     []seed
	templates []template
	patches   []patch
	firstRun  *firstRun
	onStart   []command
	programs  []program
	notes     []string

	kept        []keptStmt
	keptVars    []string // "X (start.sh:12)": set by kept statements, never seen by the programs
	keptN       int
	converted   int
	keptStarted bool // a kept statement was seen: later commands keep their place in the script

	secretFiles map[string]string  // secret file -> variable
	memVars     map[string]memExpr // variables holding a memory size
	tainted     map[string]bool    // variables and functions defined by kept statements
	written     map[string]bool    // files the script writes (a source of one is kept)
	touched     []string           // absolute paths the kept statements name (footprint.go)
	cwd         string
	files       map[string][]byte
}

type kv struct{ name, value string }

type owned struct{ path, owner string }

type secret struct {
	name, file, encoding, comment string
	bytes                         int
}

type seed struct{ from, to string }

type template struct {
	source, target, unless, comment string
}

type patch struct {
	file string
	set  []kv
}

type firstRun struct {
	marker  string
	comment string
}

type command struct {
	argv               []string
	user, dir, comment string
	env                []kv
	shell              string
}

type program struct {
	name, user, dir, comment string
	shell                    string // a /bin/sh -c line instead of argv
	argv                     []string
	env                      []kv
}

type keptStmt struct {
	line    int
	text    string
	why     string
	section string // "" the main part, "first_run" the first-run function
	context bool   // a cd repeated for the kept statements after it: not counted
}

// line is the 1-based line of a node.
func line(n syntax.Node) int { return int(n.Pos().Line()) }

// text is a node's source as written.
func (c *conv) text(n syntax.Node) string {
	s, e := n.Pos().Offset(), n.End().Offset()
	if int(e) > len(c.src) || s > e {
		return ""
	}
	return string(c.src[s:e])
}

func (c *conv) keep(st *syntax.Stmt, why string) {
	c.keepIn(st, why, "")
}

func (c *conv) keepIn(st *syntax.Stmt, why, section string) {
	c.kept = append(c.kept, keptStmt{line: line(st), text: c.text(st), why: why, section: section})
	c.keptN++
	if section == "" {
		c.keptStarted = true
	}
	c.footprint(st)
	var names []string
	switch x := st.Cmd.(type) {
	case *syntax.CallExpr:
		if len(x.Args) == 0 {
			for _, a := range x.Assigns {
				names = append(names, a.Name.Value)
			}
		}
	case *syntax.DeclClause:
		for _, a := range x.Args {
			if a.Name != nil && !a.Naked {
				names = append(names, a.Name.Value)
			}
		}
	}
	for _, n := range names {
		c.keptVars = append(c.keptVars, fmt.Sprintf("%s (%s)", n, c.where(st)))
	}
	// What it defines exists only in the kept script from now on.
	syntax.Walk(st, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Assign:
			if n.Name != nil {
				c.tainted[n.Name.Value] = true
			}
		case *syntax.FuncDecl:
			c.tainted[n.Name.Value] = true
		case *syntax.CallExpr:
			if len(n.Args) > 1 && (n.Args[0].Lit() == "read" || n.Args[0].Lit() == "mapfile") {
				for _, a := range n.Args[1:] {
					c.tainted[a.Lit()] = true
				}
			}
		}
		return true
	})
}

// usesTainted says whether a statement reads a variable or calls a
// function that only the kept script defines.
func (c *conv) usesTainted(st *syntax.Stmt) string {
	found := ""
	syntax.Walk(st, func(n syntax.Node) bool {
		if found != "" {
			return false
		}
		switch n := n.(type) {
		case *syntax.ParamExp:
			if n.Param != nil && c.tainted[n.Param.Value] {
				found = "$" + n.Param.Value
			}
		case *syntax.CallExpr:
			if len(n.Args) > 0 && c.tainted[n.Args[0].Lit()] {
				found = n.Args[0].Lit() + "()"
			}
		}
		return true
	})
	return found
}

func (c *conv) setEnv(name, value string) {
	if i, ok := c.envIndex[name]; ok {
		// A later assignment wins, as in the script; [env] keeps one entry.
		c.env[i].value = value
		return
	}
	c.envIndex[name] = len(c.env)
	c.env = append(c.env, kv{name, value})
}

// where names a statement in comments: "start.sh:12".
func (c *conv) where(n syntax.Node) string { return fmt.Sprintf("%s:%d", path.Base(c.name), line(n)) }

func (c *conv) pkg(base string) string { return path.Join(c.opt.PkgDir, base) }

// progName makes an appstart program name from a command's path.
func progName(argv0 string) string {
	n := path.Base(argv0)
	n = strings.TrimSuffix(n, ".sh")
	b := []byte(n)
	for i, ch := range b {
		if !(ch == '_' || ch == '-' || ch == '.' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9') {
			b[i] = '-'
		}
	}
	if len(b) == 0 || b[0] == '-' || b[0] == '.' {
		b = append([]byte{'p'}, b...)
	}
	return string(b)
}
