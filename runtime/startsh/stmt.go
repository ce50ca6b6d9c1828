package startsh

import (
	"fmt"
	"path"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// statement converts one top-level statement or keeps it.
func (c *conv) statement(st *syntax.Stmt) {
	if t := c.usesTainted(st); t != "" {
		c.keep(st, "uses "+t+", which only the kept script sets")
		return
	}
	if c.try(st) {
		c.converted++
		return
	}
	c.keep(st, "")
}

func (c *conv) try(st *syntax.Stmt) bool {
	if st.Negated || st.Coprocess || st.Disown {
		return false
	}
	if st.Background {
		return c.background(st)
	}
	switch x := st.Cmd.(type) {
	case *syntax.CallExpr:
		return c.call(st, x)
	case *syntax.DeclClause:
		return len(st.Redirs) == 0 && c.decl(x)
	case *syntax.IfClause:
		return len(st.Redirs) == 0 && c.ifClause(st, x)
	case *syntax.BinaryCmd:
		return len(st.Redirs) == 0 && c.binary(x)
	}
	return false
}

// call converts a simple command.
func (c *conv) call(st *syntax.Stmt, x *syntax.CallExpr) bool {
	if len(x.Args) == 0 {
		return len(st.Redirs) == 0 && c.assign(x.Assigns)
	}
	cmd := x.Args[0].Lit()
	switch path.Base(cmd) {
	case "set":
		return c.set(st, x)
	case "echo", "printf":
		if len(st.Redirs) == 0 && len(x.Assigns) == 0 && !hasCmdSubst(x) {
			return true // progress messages: appstart logs each stage itself
		}
		return c.writeFile(st, x, "")
	case "cat":
		return c.writeFile(st, x, "")
	case "mkdir":
		return len(st.Redirs) == 0 && c.mkdir(x)
	case "chown":
		return len(st.Redirs) == 0 && c.chown(x)
	case "cd":
		if len(x.Args) != 2 || len(st.Redirs) > 0 {
			return false
		}
		dir, ok := c.literal(x.Args[1])
		if !ok || !path.IsAbs(dir) {
			return false
		}
		c.cwd = dir
		// The kept statements after it ran in that directory too.
		c.kept = append(c.kept, keptStmt{line: line(st), text: c.text(st), context: true})
		return true
	case "source", ".":
		return len(st.Redirs) == 0 && c.source(x)
	case "crudini":
		return len(st.Redirs) == 0 && c.crudini(x)
	case "sed":
		return c.sedTemplate(st, x)
	case "cp":
		return len(st.Redirs) == 0 && c.cpNoClobber(x)
	case "exec":
		if len(x.Args) == 1 {
			return false // exec >file: redirects the script itself
		}
		return c.launch(st, x, x.Args[1:], true)
	}
	return c.launch(st, x, x.Args, false)
}

func hasCmdSubst(n syntax.Node) bool {
	found := false
	syntax.Walk(n, func(n syntax.Node) bool {
		if _, ok := n.(*syntax.CmdSubst); ok {
			found = true
		}
		return !found
	})
	return found
}

// set: -e, -u, -o pipefail become appstart's own rule (a failing step
// stops the start); -x would have printed every secret; -a/+a go with the
// source they surround.
func (c *conv) set(st *syntax.Stmt, x *syntax.CallExpr) bool {
	for _, a := range x.Args[1:] {
		v := a.Lit()
		if v == "" || !(strings.HasPrefix(v, "-") || strings.HasPrefix(v, "+") || v == "pipefail") {
			return false
		}
	}
	t := c.text(st)
	if strings.Contains(t, "e") && c.setLine == "" && strings.HasPrefix(t, "set -") {
		c.setLine = t
	}
	if strings.Contains(t, "x") && strings.HasPrefix(t, "set -") {
		c.note(st, "`%s`: dropped; it printed every command with its values (passwords too) to the log; `appstart plan` shows them masked", t)
	}
	return true
}

// assign converts VAR=value statements to [env] entries, all or none.
func (c *conv) assign(as []*syntax.Assign) bool {
	type set struct {
		name, value string
		mem         *memExpr
		secret      string // a $(cat FILE) of a kept secret renamed to this variable
	}
	var sets []set
	for _, a := range as {
		if a.Append || a.Index != nil || a.Array != nil || a.Name == nil {
			return false
		}
		name := a.Name.Value
		if a.Naked {
			continue
		}
		if m, ok := c.memValue(a.Value); ok {
			sets = append(sets, set{name: name, mem: &m})
			continue
		}
		if f, ok := c.catFile(a.Value); ok {
			if _, isSecret := c.secretFiles[f]; isSecret {
				sets = append(sets, set{name: name, secret: f})
				continue
			}
		}
		v, ok := c.value(a.Value)
		if !ok {
			return false
		}
		sets = append(sets, set{name: name, value: v})
	}
	for _, s := range sets {
		if s.value == "${"+s.name+"}" {
			continue // X="$X": exported as it is
		}
		if c.isSecretVar(s.name) && s.secret == "" {
			return false // a secret keeps its own name: [env] may not set it too
		}
	}
	for _, s := range sets {
		if s.value == "${"+s.name+"}" {
			continue
		}
		switch {
		case s.mem != nil:
			c.memVars[s.name] = *s.mem
			if !s.mem.bytes {
				c.setEnv(s.name, s.mem.String())
			}
		case s.secret != "":
			c.renameSecret(s.secret, s.name)
		default:
			delete(c.memVars, s.name)
			c.setEnv(s.name, s.value)
		}
	}
	return true
}

// memValue is a memory size: $(( ... )) over the cgroup limit, or the
// limit read itself.
func (c *conv) memValue(w *syntax.Word) (memExpr, bool) {
	if w == nil || len(w.Parts) != 1 {
		return memExpr{}, false
	}
	if m, ok := c.cgroupRead(w); ok {
		return m, true
	}
	if ae, ok := w.Parts[0].(*syntax.ArithmExp); ok {
		return c.arith(ae.X)
	}
	return memExpr{}, false
}

// catFile is the FILE of a "$(cat FILE)" word.
func (c *conv) catFile(w *syntax.Word) (string, bool) {
	if w == nil || len(w.Parts) != 1 {
		return "", false
	}
	p := w.Parts[0]
	if dq, ok := p.(*syntax.DblQuoted); ok && len(dq.Parts) == 1 {
		p = dq.Parts[0]
	}
	cs, ok := p.(*syntax.CmdSubst)
	if !ok || len(cs.Stmts) != 1 || len(cs.Stmts[0].Redirs) > 0 {
		return "", false
	}
	call, ok := cs.Stmts[0].Cmd.(*syntax.CallExpr)
	if !ok || len(call.Args) != 2 || call.Args[0].Lit() != "cat" {
		return "", false
	}
	return c.literal(call.Args[1])
}

func (c *conv) decl(d *syntax.DeclClause) bool {
	if d.Variant == nil || d.Variant.Value != "export" {
		return false
	}
	for _, a := range d.Args {
		if a.Naked && a.Name != nil {
			if c.tainted[a.Name.Value] {
				return false
			}
			if _, ok := c.envIndex[a.Name.Value]; !ok {
				if _, ok := c.memVars[a.Name.Value]; !ok && !c.isSecretVar(a.Name.Value) {
					// export of a variable from the platform: it is exported already.
					continue
				}
			}
		}
	}
	return c.assign(d.Args)
}

func (c *conv) isSecretVar(name string) bool {
	for _, s := range c.secrets {
		if s.name == name {
			return true
		}
	}
	return false
}

func (c *conv) mkdir(x *syntax.CallExpr) bool {
	var paths []string
	p := false
	for _, a := range x.Args[1:] {
		v, ok := c.literal(a)
		if !ok {
			return false
		}
		switch {
		case v == "-p":
			p = true
		case strings.HasPrefix(v, "-"):
			return false
		case !path.IsAbs(v):
			return false
		default:
			paths = append(paths, path.Clean(v))
		}
	}
	if !p || len(paths) == 0 || c.clash(paths...) != "" {
		return false
	}
	for _, d := range paths {
		if d == "/app/data" || d == "/run" || d == "/tmp" {
			continue // always there
		}
		c.dirs = append(c.dirs, owned{path: d})
	}
	return true
}

func (c *conv) chown(x *syntax.CallExpr) bool {
	args, ok := c.args(x.Args[1:])
	if !ok || len(args) < 3 || args[0] != "-R" || strings.Contains(args[1], "$") {
		return false
	}
	owner := strings.Replace(args[1], ".", ":", 1)
	for _, p := range args[2:] {
		if !path.IsAbs(p) || strings.Contains(p, "$") || !writableRoot(path.Clean(p)) {
			return false
		}
	}
	if c.clash(args[2:]...) != "" {
		return false
	}
	for _, p := range args[2:] {
		p = path.Clean(p)
		if p == "/run" || p == "/tmp" {
			continue // appstart's own files live there; its dirs entries take owners instead
		}
		c.chowns = append(c.chowns, owned{path: p, owner: owner})
		// A directory made earlier gets the owner at creation too.
		for i := range c.dirs {
			if c.dirs[i].path == p || strings.HasPrefix(c.dirs[i].path, p+"/") {
				c.dirs[i].owner = owner
			}
		}
	}
	if len(c.chowns) == 0 {
		// only /run or /tmp: what is made there gets the owner instead
		for i := range c.dirs {
			if c.dirs[i].owner == "" {
				c.dirs[i].owner = owner
			}
		}
	}
	return true
}

// source of a user file: env_file (KEY=VAL lines, export allowed). A file
// the script itself writes first is kept: appstart reads env_file before
// its templates are made.
func (c *conv) source(x *syntax.CallExpr) bool {
	if len(x.Args) != 2 {
		return false
	}
	f, ok := c.literal(x.Args[1])
	if !ok || !path.IsAbs(f) || !strings.HasPrefix(f, "/app/data/") || c.clash(f) != "" {
		return false
	}
	if c.written[f] {
		// Kept, its variables would never reach the programs (the kept
		// script is a process of its own); as env_file they do, from the
		// second start on.
		c.notes = append(c.notes, fmt.Sprintf("%s: env_file is read before the stages that make it, so the very first start runs without it; make it at build time or restart once", f))
	}
	for _, e := range c.envFiles {
		if e == f {
			return true
		}
	}
	c.envFiles = append(c.envFiles, f)
	return true
}

func (c *conv) crudini(x *syntax.CallExpr) bool {
	args, ok := c.args(x.Args[1:])
	if !ok || len(args) < 4 || len(args) > 5 || args[0] != "--set" {
		return false
	}
	file, section, key := args[1], args[2], args[3]
	if !path.IsAbs(file) || strings.Contains(file, "$") || strings.Contains(key, ".") || strings.Contains(section, ".") || c.clash(file) != "" {
		return false
	}
	value := ""
	if len(args) == 5 {
		value = args[4]
	}
	name := section + "." + key
	if n := len(c.patches); n > 0 && c.patches[n-1].file == file {
		c.patches[n-1].set = append(c.patches[n-1].set, kv{name: name, value: value})
		return true
	}
	c.patches = append(c.patches, patch{file: file, set: []kv{{name: name, value: value}}})
	return true
}

// cpNoClobber: cp -n SRC DST is a seed.
func (c *conv) cpNoClobber(x *syntax.CallExpr) bool {
	args, ok := c.args(x.Args[1:])
	if !ok || len(args) != 3 || args[0] != "-n" {
		return false
	}
	return c.addSeed(args[1], args[2])
}

func (c *conv) addSeed(from, to string) bool {
	if !path.IsAbs(from) || !path.IsAbs(to) || strings.Contains(from+to, "$") || strings.HasSuffix(to, "/") || c.clash(to) != "" {
		return false
	}
	c.seeds = append(c.seeds, seed{from: from, to: to})
	c.written[to] = true
	return true
}

// binary: `[[ ! -f F ]] && cp SRC F` (a seed), `[[ -f F ]] && source F`
// (an env_file) and the clamps of a worker count.
func (c *conv) binary(b *syntax.BinaryCmd) bool {
	if c.clamp(b) {
		return true
	}
	if b.Op != syntax.AndStmt || len(b.Y.Redirs) > 0 {
		return false
	}
	op, f, ok := c.fileTest(b.X)
	if !ok {
		return false
	}
	call, ok := b.Y.Cmd.(*syntax.CallExpr)
	if !ok || len(call.Args) == 0 || len(call.Assigns) > 0 {
		return false
	}
	switch call.Args[0].Lit() {
	case "cp":
		args, ok := c.args(call.Args[1:])
		return ok && (op == "!-f" || op == "!-e") && len(args) == 2 && args[1] == f && c.addSeed(args[0], f)
	case "source", ".":
		return (op == "-f" || op == "-e") && len(call.Args) == 2 && c.source(call)
	}
	return false
}

// fileTest reads [[ ! -f F ]], [ ! -e F ], test -f F ...: op is "-f",
// "!-f", "-e", "!-e", "-s", "!-s", "-d", "!-d".
func (c *conv) fileTest(st *syntax.Stmt) (string, string, bool) {
	if st.Negated || len(st.Redirs) > 0 {
		return "", "", false
	}
	var words []*syntax.Word
	switch x := st.Cmd.(type) {
	case *syntax.TestClause:
		neg := ""
		t := x.X
		if u, ok := t.(*syntax.UnaryTest); ok && u.Op == syntax.TsNot {
			neg, t = "!", u.X
		}
		u, ok := t.(*syntax.UnaryTest)
		if !ok {
			return "", "", false
		}
		w, ok := u.X.(*syntax.Word)
		if !ok {
			return "", "", false
		}
		f, ok := c.literal(w)
		return neg + u.Op.String(), f, ok
	case *syntax.CallExpr:
		words = x.Args
	default:
		return "", "", false
	}
	var args []string
	for _, w := range words {
		v, ok := c.literal(w)
		if !ok {
			return "", "", false
		}
		args = append(args, v)
	}
	switch {
	case len(args) > 0 && args[0] == "[" && args[len(args)-1] == "]":
		args = args[1 : len(args)-1]
	case len(args) > 0 && args[0] == "test":
		args = args[1:]
	default:
		return "", "", false
	}
	neg := ""
	if len(args) == 3 && args[0] == "!" {
		neg, args = "!", args[1:]
	}
	if len(args) != 2 || !strings.Contains("-f -e -s -d", args[0]) {
		return "", "", false
	}
	return neg + args[0], args[1], true
}

// writableRoot: where the stages may write (the manifest's persistentDirs
// are unknown here).
func writableRoot(p string) bool {
	for _, r := range []string{"/app/data", "/run", "/tmp"} {
		if p == r || strings.HasPrefix(p, r+"/") {
			return true
		}
	}
	return false
}
