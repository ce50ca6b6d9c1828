package startsh

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

func (c *conv) note(n syntax.Node, format string, args ...any) {
	c.notes = append(c.notes, c.where(n)+": "+fmt.Sprintf(format, args...))
}

// writeFile: `cat > F <<EOF ... EOF` and `echo "text" > F` become a
// template made from the text (each $X a ##{X} placeholder), rendered to F
// on every start; unless, when the script wrote F only while missing.
func (c *conv) writeFile(st *syntax.Stmt, x *syntax.CallExpr, unless string) bool {
	var target string
	var body *syntax.Word
	quotedBody := false
	for _, r := range st.Redirs {
		switch r.Op {
		case syntax.RdrOut, syntax.RdrClob:
			if r.N != nil || target != "" {
				return false
			}
			t, ok := c.literal(r.Word)
			if !ok || !path.IsAbs(t) {
				return false
			}
			target = t
		case syntax.Hdoc, syntax.DashHdoc:
			body = r.Hdoc
			quotedBody = r.Word.Lit() == "" // <<'EOF' or <<"EOF": no expansion
		default:
			return false
		}
	}
	if target == "" || len(x.Assigns) > 0 || c.clash(target) != "" || !writableRoot(target) {
		return false
	}
	var text string
	switch x.Args[0].Lit() {
	case "cat":
		if len(x.Args) != 1 || body == nil {
			return false
		}
		t, ok := c.templateText(body, quotedBody)
		if !ok {
			return false
		}
		text = t
	case "echo":
		args := x.Args[1:]
		escapes := false
		if len(args) > 0 && args[0].Lit() == "-e" {
			escapes, args = true, args[1:]
		}
		var parts []string
		for _, a := range args {
			t, ok := c.templateText(a, false)
			if !ok {
				return false
			}
			parts = append(parts, t)
		}
		text = strings.Join(parts, " ")
		if escapes {
			text = strings.NewReplacer(`\n`, "\n", `\t`, "\t", `\\`, `\`).Replace(text)
		}
		text += "\n"
	default:
		return false
	}
	base := path.Base(target) + ".template"
	for i := 2; c.files[base] != nil; i++ {
		base = path.Base(target) + "." + strconv.Itoa(i) + ".template"
	}
	c.files[base] = []byte(text)
	c.templates = append(c.templates, template{source: c.pkg(base), target: target, unless: unless,
		comment: c.where(st) + ": the text written by the script, with each $VAR a ##{VAR} placeholder, is " + base})
	c.written[target] = true
	return true
}

// templateText turns a heredoc body or an echo word into template text.
func (c *conv) templateText(w *syntax.Word, quoted bool) (string, bool) {
	var b strings.Builder
	var walk func(parts []syntax.WordPart, inDbl bool) bool
	walk = func(parts []syntax.WordPart, inDbl bool) bool {
		for _, p := range parts {
			switch p := p.(type) {
			case *syntax.Lit:
				v := p.Value
				if !quoted {
					v = unescape(v, true)
				}
				if strings.Contains(v, "##") {
					return false // would read as a placeholder
				}
				b.WriteString(v)
			case *syntax.SglQuoted:
				b.WriteString(p.Value)
			case *syntax.DblQuoted:
				if !walk(p.Parts, true) {
					return false
				}
			case *syntax.ParamExp:
				if quoted || p.Param == nil || p.Exp != nil || p.Index != nil || p.Length || p.Excl || p.Slice != nil || p.Repl != nil || !isName(p.Param.Value) {
					return false
				}
				name := p.Param.Value
				if c.tainted[name] {
					return false
				}
				if f, ok := c.secretVarFile(name); ok && f == "" {
					return false
				}
				b.WriteString("##{" + name + "}")
			default:
				return false
			}
		}
		return true
	}
	if !walk(w.Parts, false) {
		return "", false
	}
	return b.String(), true
}

func (c *conv) secretVarFile(name string) (string, bool) {
	for _, s := range c.secrets {
		if s.name == name {
			return s.file, true
		}
	}
	return "", false
}

var sedPlaceholder = regexp.MustCompile(`^##[A-Za-z_][A-Za-z0-9_]*(##)?$`)

// sedTemplate: sed -e "s,##A##,${B}," ... SRC > DST is a template of SRC
// (placeholders ##A## stay as they are; appstart fills them from the
// environment, so ##A## with A != B gets A = "${B}" in [env]).
func (c *conv) sedTemplate(st *syntax.Stmt, x *syntax.CallExpr) bool {
	if len(st.Redirs) != 1 || st.Redirs[0].Op != syntax.RdrOut || st.Redirs[0].N != nil || len(x.Assigns) > 0 {
		return false
	}
	target, ok := c.literal(st.Redirs[0].Word)
	if !ok || !path.IsAbs(target) || c.clash(target) != "" || !writableRoot(target) {
		return false
	}
	args := x.Args[1:]
	var exprs []*syntax.Word
	for len(args) > 1 {
		if args[0].Lit() != "-e" {
			break
		}
		exprs, args = append(exprs, args[1]), args[2:]
	}
	if len(exprs) == 0 && len(args) == 2 {
		exprs, args = args[:1], args[1:]
	}
	if len(args) != 1 || len(exprs) == 0 {
		return false
	}
	source, ok := c.literal(args[0])
	if !ok || !path.IsAbs(source) {
		return false
	}
	var maps []kv
	for _, e := range exprs {
		v, ok := c.value(e)
		if !ok || len(v) < 4 || v[0] != 's' {
			return false
		}
		d := string(v[1])
		fields := strings.Split(v[2:], d)
		if len(fields) != 3 || fields[2] != "" && fields[2] != "g" || !sedPlaceholder.MatchString(fields[0]) {
			return false
		}
		repl := fields[1]
		if !strings.HasPrefix(repl, "${") || strings.Count(repl, "${") != 1 || !strings.HasSuffix(repl, "}") {
			return false
		}
		name := strings.Trim(fields[0], "#")
		if "${"+name+"}" != repl {
			maps = append(maps, kv{name: name, value: repl})
		}
	}
	for _, m := range maps {
		c.setEnv(m.name, m.value)
	}
	c.templates = append(c.templates, template{source: source, target: target,
		comment: c.where(st) + ": sed's placeholders stay in the file; appstart fills every ##NAME and ##NAME## from the environment (all of them on a line, where s/// without g took the first)"})
	c.written[target] = true
	return true
}

// secret generation writing F: openssl rand, head -c N /dev/urandom |
// base64, dd if=/dev/urandom bs=B count=C | base64.
func (c *conv) genSecret(st *syntax.Stmt, file string) (encoding string, n int, ok bool) {
	target := ""
	for _, r := range st.Redirs {
		if r.Op == syntax.RdrOut && r.N == nil {
			target, _ = c.literal(r.Word)
		}
	}
	cmds := []*syntax.Stmt{st}
	if b, isPipe := st.Cmd.(*syntax.BinaryCmd); isPipe && b.Op == syntax.Pipe {
		cmds = flattenPipe(b)
		for _, r := range cmds[len(cmds)-1].Redirs {
			if r.Op == syntax.RdrOut && r.N == nil {
				target, _ = c.literal(r.Word)
			}
		}
	}
	if target != file {
		return "", 0, false
	}
	first, ok := cmds[0].Cmd.(*syntax.CallExpr)
	if !ok {
		return "", 0, false
	}
	words := []string{}
	for _, a := range first.Args {
		words = append(words, a.Lit())
	}
	switch {
	case len(words) == 4 && words[0] == "openssl" && words[1] == "rand":
		n, err := strconv.Atoi(words[3])
		enc := map[string]string{"-hex": "hex", "--hex": "hex", "-base64": "base64", "--base64": "base64"}[words[2]]
		return enc, n, err == nil && enc != "" && len(cmds) == 1
	case len(words) == 4 && words[0] == "head" && words[1] == "-c" && words[3] == "/dev/urandom" && len(cmds) >= 2:
		n, err := strconv.Atoi(words[2])
		return "base64", n, err == nil && pipeIs(cmds[1], "base64")
	case len(words) >= 4 && words[0] == "dd" && len(cmds) >= 2 && pipeIs(cmds[1], "base64"):
		bs, count := 0, 0
		for _, w := range words[1:] {
			k, v, _ := strings.Cut(w, "=")
			switch k {
			case "if":
				if v != "/dev/urandom" {
					return "", 0, false
				}
			case "bs":
				bs, _ = strconv.Atoi(v)
			case "count":
				count, _ = strconv.Atoi(v)
			}
		}
		return "base64", bs * count, bs*count > 0
	}
	return "", 0, false
}

func flattenPipe(b *syntax.BinaryCmd) []*syntax.Stmt {
	var out []*syntax.Stmt
	if x, ok := b.X.Cmd.(*syntax.BinaryCmd); ok && x.Op == syntax.Pipe {
		out = flattenPipe(x)
	} else {
		out = []*syntax.Stmt{b.X}
	}
	return append(out, b.Y)
}

func pipeIs(st *syntax.Stmt, cmd string) bool {
	call, ok := st.Cmd.(*syntax.CallExpr)
	return ok && len(call.Args) >= 1 && call.Args[0].Lit() == cmd
}

func (c *conv) addSecret(at syntax.Node, file, enc string, n int) {
	name := strings.ToUpper(strings.Trim(strings.NewReplacer(".", "_", "-", "_").Replace(path.Base(file)), "_"))
	if !isName(name) {
		name = "SECRET_" + strconv.Itoa(len(c.secrets)+1)
	}
	c.secrets = append(c.secrets, secret{name: name, file: file, encoding: enc, bytes: n,
		comment: fmt.Sprintf("%s: made once, then read back; exported as $%s", c.where(at), name)})
	c.secretFiles[file] = name
	c.written[file] = true
}

func (c *conv) renameSecret(file, name string) {
	for i := range c.secrets {
		if c.secrets[i].file == file {
			c.secrets[i].name = name
			c.secrets[i].comment = strings.SplitN(c.secrets[i].comment, ";", 2)[0] + "; exported as $" + name
		}
	}
	c.secretFiles[file] = name
}

// ifClause: the cgroup if/else, and the guards `if [[ ! -f F ]]; then
// ...; fi` that make a secret, seed a file, write a file once, or mark a
// first run.
func (c *conv) ifClause(st *syntax.Stmt, x *syntax.IfClause) bool {
	if c.cgroupIf(st, x) {
		return true
	}
	if x.Else != nil || len(x.Cond) != 1 {
		return false
	}
	op, f, ok := c.fileTest(x.Cond[0])
	if !ok || op != "!-f" && op != "!-e" && op != "!-s" || !path.IsAbs(f) {
		return false
	}
	var body []*syntax.Stmt
	for _, s := range x.Then {
		if call, ok := s.Cmd.(*syntax.CallExpr); ok && len(s.Redirs) == 0 && len(call.Args) > 0 && call.Args[0].Lit() == "echo" && !hasCmdSubst(call) {
			continue
		}
		body = append(body, s)
	}
	if len(body) == 0 {
		return false
	}
	// A secret: the generation, perhaps a chmod of the file.
	if enc, n, ok := c.genSecret(body[0], f); ok {
		rest := body[1:]
		if (len(rest) == 0 || len(rest) == 1 && c.isChmodOf(rest[0], f)) && c.clash(f) == "" && strings.HasPrefix(f, "/app/data/") {
			c.addSecret(st, f, enc, n)
			return true
		}
	}
	if len(body) == 1 {
		if call, ok := body[0].Cmd.(*syntax.CallExpr); ok && len(call.Args) > 0 {
			switch call.Args[0].Lit() {
			case "cp":
				args, ok := c.args(call.Args[1:])
				if ok && len(body[0].Redirs) == 0 && len(args) == 2 && args[1] == f {
					return c.addSeed(args[0], f)
				}
			case "cat", "echo":
				return c.writeFile(body[0], call, "exists:"+f)
			}
		}
	}
	// The .initialized guard: the body runs once, then touch F marks it.
	for i, s := range body {
		call, ok := s.Cmd.(*syntax.CallExpr)
		if !ok || len(call.Args) != 2 || call.Args[0].Lit() != "touch" {
			continue
		}
		if t, _ := c.literal(call.Args[1]); t != f || c.firstRun != nil {
			continue
		}
		// A marker is a file of its own: one the script also writes or
		// patches (Keycloak's keycloak.conf) is data, and the stages that
		// run before first_run would make it first.
		if !strings.HasPrefix(f, "/app/data/") || strings.Count(string(c.src), f) != 2 || c.clash(f) != "" {
			return false
		}
		rest := append(append([]*syntax.Stmt(nil), body[:i]...), body[i+1:]...)
		if len(rest) == 0 {
			// touch F alone: an empty file made once, not a marker.
			return c.emptyFile(st, f)
		}
		for _, r := range rest {
			if t := c.usesTainted(r); t != "" {
				return false
			}
		}
		c.firstRun = &firstRun{marker: f, comment: fmt.Sprintf("%s: the guard's body, in %s first_run; appstart writes the marker only once it succeeded", c.where(st), KeptScript)}
		for _, r := range rest {
			c.kept = append(c.kept, keptStmt{line: line(r), text: c.text(r), section: "first_run"})
			c.footprint(r)
		}
		return true
	}
	return false
}

func (c *conv) isChmodOf(st *syntax.Stmt, f string) bool {
	call, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || len(call.Args) != 3 || call.Args[0].Lit() != "chmod" {
		return false
	}
	t, _ := c.literal(call.Args[2])
	return t == f
}

// cgroupIf: if [[ -f /sys/fs/cgroup/...limit_in_bytes ]]; then
// X=$(( $(cat ...) / 2**20 )); else X=1024; fi. appstart reads v1 and v2
// itself, and outside a cgroup uses the manifest's memoryLimit.
func (c *conv) cgroupIf(st *syntax.Stmt, x *syntax.IfClause) bool {
	if len(x.Cond) != 1 || len(x.Then) != 1 || x.Else == nil || len(x.Else.Cond) != 0 || len(x.Else.Then) != 1 || x.Else.Else != nil {
		return false
	}
	if !strings.Contains(c.text(x.Cond[0]), "/sys/fs/cgroup") {
		return false
	}
	then, ok1 := x.Then[0].Cmd.(*syntax.CallExpr)
	els, ok2 := x.Else.Then[0].Cmd.(*syntax.CallExpr)
	if !ok1 || !ok2 || len(then.Args) > 0 || len(els.Args) > 0 || len(then.Assigns) != 1 || len(els.Assigns) != 1 ||
		then.Assigns[0].Name.Value != els.Assigns[0].Name.Value {
		return false
	}
	m, ok := c.memValue(then.Assigns[0].Value)
	if !ok || m.bytes {
		return false
	}
	name := then.Assigns[0].Name.Value
	c.memVars[name] = m
	c.setEnv(name, m.String())
	c.note(st, "%s: the else branch (%s) is gone: appstart reads cgroup v1 and v2 itself, and outside a cgroup assumes the manifest's memoryLimit",
		name, c.text(els))
	return true
}

// launch converts exec [gosu USER] CMD..., a gosu command, and the last
// plain command: a program when it is the script's end, else an
// [[on_start]] command (while no kept statement came before it, so the
// order holds).
func (c *conv) launch(st *syntax.Stmt, x *syntax.CallExpr, words []*syntax.Word, exec bool) bool {
	if len(st.Redirs) > 0 || len(words) == 0 {
		return false
	}
	user := ""
	if b := path.Base(words[0].Lit()); b == "gosu" || b == "setpriv" || b == "runuser" {
		if b != "gosu" || len(words) < 3 {
			return false
		}
		u, ok := c.literal(words[1])
		if !ok {
			return false
		}
		user, words = u, words[2:]
	}
	argv, ok := c.args(words)
	if !ok || len(argv) == 0 || strings.Contains(argv[0], "$") {
		return false
	}
	var env []kv
	for _, a := range x.Assigns {
		if a.Naked || a.Append || a.Index != nil || a.Array != nil {
			return false
		}
		v, ok := c.value(a.Value)
		if !ok {
			return false
		}
		env = append(env, kv{name: a.Name.Value, value: v})
	}
	base := path.Base(argv[0])
	if isBuiltin(base) {
		return false
	}
	shell := ""
	if splits(words) {
		// $JAVA_OPTS unquoted: the shell split it into words (and dropped
		// it when empty); an argv element would pass it whole. A /bin/sh -c
		// line, which appstart does not expand, keeps that.
		shell = "exec " + c.text(&syntax.CallExpr{Args: words})
		if strings.Contains(shell, "\n") {
			return false
		}
	}
	if exec || c.last {
		p := program{name: progName(argv[0]), user: user, dir: c.cwd, argv: argv, env: env, shell: shell}
		switch {
		case base == "supervisord":
			p.comment = c.where(st) + ": supervisord runs under appstart as it did; better, convert its config (appstart convert supervisord.conf ...) and put those [programs.*] here instead"
		case !exec:
			p.comment = c.where(st) + ": the script ran this as its child without exec; appstart runs it directly and passes it signals"
		}
		if user == "" {
			p.user = "root"
			p.comment = strings.TrimPrefix(p.comment+"\n", "\n") + "no gosu: the script ran it as root; keep root only if it needs it (a port below 1024, or it drops privileges itself)"
		}
		c.addProgram(p)
		return true
	}
	if user == "" || c.keptStarted {
		return false // a plain command keeps its place among the kept ones
	}
	c.onStart = append(c.onStart, command{argv: argv, user: user, dir: c.cwd, env: env, shell: shell,
		comment: c.where(st) + ": run on every start, before the programs"})
	return true
}

func (c *conv) addProgram(p program) {
	name := p.name
	for i := 2; ; i++ {
		taken := false
		for _, q := range c.programs {
			taken = taken || q.name == name
		}
		if !taken {
			break
		}
		name = p.name + "-" + strconv.Itoa(i)
	}
	p.name = name
	c.programs = append(c.programs, p)
}

func isBuiltin(s string) bool {
	switch s {
	case "read", "wait", "sleep", "exit", "return", "true", "false", ":", "trap", "ulimit", "umask", "eval", "shift", "unset", "local",
		"rm", "mv", "ln", "touch", "chmod", "cp", "tail", "test", "[", "if", "service", "export":
		return true
	}
	return false
}

// background: `nginx -c /run/nginx.conf &` becomes a supervised program.
func (c *conv) background(st *syntax.Stmt) bool {
	call, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || len(call.Args) == 0 {
		return false
	}
	last := c.last
	c.last = true // launched: a program
	n := len(c.programs)
	ok = c.launch(st, call, call.Args, false)
	c.last = last
	if ok && len(c.programs) > n {
		p := &c.programs[len(c.programs)-1]
		p.comment = strings.TrimPrefix(c.where(st)+": started with & and never watched by the script; appstart supervises it (restarts, stop, logs)\n"+
			strings.TrimPrefix(p.comment, c.where(st)+": the script ran this as its child without exec; appstart runs it directly and passes it signals\n"), "\n")
	}
	return ok
}

// emptyFile is `[[ -f F ]] || touch F`: an empty template rendered while F
// is missing.
func (c *conv) emptyFile(st *syntax.Stmt, f string) bool {
	if c.clash(f) != "" || !writableRoot(f) {
		return false
	}
	base := path.Base(f) + ".template"
	for i := 2; c.files[base] != nil; i++ {
		base = path.Base(f) + "." + strconv.Itoa(i) + ".template"
	}
	c.files[base] = []byte{}
	c.templates = append(c.templates, template{source: c.pkg(base), target: f, unless: "exists:" + f,
		comment: c.where(st) + ": an empty file, made while missing (" + base + " is empty)"})
	c.written[f] = true
	return true
}

// splits says whether a word holds an unquoted expansion, which the shell
// splits at blanks.
func splits(words []*syntax.Word) bool {
	for _, w := range words {
		for _, p := range w.Parts {
			switch p.(type) {
			case *syntax.ParamExp, *syntax.CmdSubst, *syntax.ArithmExp:
				return true
			}
		}
	}
	return false
}
