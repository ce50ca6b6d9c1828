package startsh

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// value writes a shell word as an appstart string: literal text (a $
// doubled, since ${ expands in the spec), ${X} for $X and ${X}, ${X:-d},
// ${X:+w}, a kept secret for $(cat FILE) and the memory arithmetic as
// ${APPSTART_MEMORY_LIMIT_MB|...}. ok is false for anything that needs a
// shell at start: other command substitutions, globs, ~, $1, $@ ...
func (c *conv) value(w *syntax.Word) (string, bool) {
	if w == nil {
		return "", true
	}
	var b strings.Builder
	for i, p := range w.Parts {
		if !c.part(&b, p, false, i == 0) {
			return "", false
		}
	}
	return b.String(), true
}

// literal is value for a word that must hold no expansion at all (a
// path, a user): the text itself.
//
// A ${X} of a variable the script set earlier to a constant is that
// constant, as the shell would have it (DATA_DIR=/app/data; mkdir -p
// "$DATA_DIR/files").
func (c *conv) literal(w *syntax.Word) (string, bool) {
	v, ok := c.value(w)
	if !ok {
		return "", false
	}
	for name, i := range c.envIndex {
		if e := c.env[i].value; !strings.Contains(strings.ReplaceAll(e, "$$", ""), "${") {
			v = strings.ReplaceAll(v, "${"+name+"}", e)
		}
	}
	if strings.Contains(strings.ReplaceAll(v, "$$", ""), "${") {
		return "", false
	}
	return strings.ReplaceAll(v, "$$", "$"), true
}

func (c *conv) part(b *strings.Builder, p syntax.WordPart, quoted, first bool) bool {
	switch p := p.(type) {
	case *syntax.Lit:
		v := p.Value
		if !quoted && (strings.ContainsAny(v, "*?[") || first && strings.HasPrefix(v, "~")) {
			return false // a glob or ~ the shell would expand
		}
		b.WriteString(escapeDollar(unescape(v, quoted)))
	case *syntax.SglQuoted:
		if p.Dollar {
			return false // $'...' escapes
		}
		b.WriteString(escapeDollar(p.Value))
	case *syntax.DblQuoted:
		if p.Dollar {
			return false
		}
		for _, q := range p.Parts {
			if !c.part(b, q, true, false) {
				return false
			}
		}
	case *syntax.ParamExp:
		return c.param(b, p)
	case *syntax.CmdSubst:
		if name, ok := c.catSecret(p); ok {
			b.WriteString("${" + name + "}")
			return true
		}
		return false
	case *syntax.ArithmExp:
		m, ok := c.arith(p.X)
		if !ok || m.bytes {
			return false
		}
		b.WriteString(m.String())
	default:
		return false
	}
	return true
}

func (c *conv) param(b *strings.Builder, p *syntax.ParamExp) bool {
	if p.Param == nil || p.Excl || p.Length || p.Index != nil || p.Slice != nil || p.Repl != nil || p.Names != 0 || p.NestedParam != nil {
		return false
	}
	name := p.Param.Value
	if !isName(name) {
		return false // $1, $@, $?, $$ ...
	}
	if m, ok := c.memVars[name]; ok && p.Exp == nil && !m.bytes {
		b.WriteString(m.String())
		return true
	}
	if p.Exp == nil {
		b.WriteString("${" + name + "}")
		return true
	}
	var op string
	switch p.Exp.Op {
	case syntax.DefaultUnsetOrNull:
		op = ":-"
	case syntax.DefaultUnset:
		op = "-"
	case syntax.AlternateUnsetOrNull:
		op = ":+"
	case syntax.AlternateUnset:
		op = "+"
	default:
		return false
	}
	inner, ok := c.value(p.Exp.Word)
	if !ok || strings.Contains(inner, "}") && !strings.Contains(inner, "${") {
		return false
	}
	b.WriteString("${" + name + op + inner + "}")
	return true
}

// catSecret reads $(cat FILE) of a file a [[secrets]] entry keeps.
func (c *conv) catSecret(cs *syntax.CmdSubst) (string, bool) {
	if len(cs.Stmts) != 1 {
		return "", false
	}
	call, ok := cs.Stmts[0].Cmd.(*syntax.CallExpr)
	if !ok || len(call.Args) != 2 || call.Args[0].Lit() != "cat" || len(cs.Stmts[0].Redirs) > 0 {
		return "", false
	}
	f, ok := c.literal(call.Args[1])
	if !ok {
		return "", false
	}
	name, ok := c.secretFiles[f]
	return name, ok
}

// unescape drops the backslashes the shell removes: any in an unquoted
// word, before $ ` " \ and newline inside double quotes.
func unescape(s string, quoted bool) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && (!quoted || strings.IndexByte("$`\"\\\n", s[i+1]) >= 0) {
			i++
			if s[i] == '\n' {
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func escapeDollar(s string) string { return strings.ReplaceAll(s, "$", "$$") }

func isName(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// args converts a command's words; ok false when one needs a shell.
func (c *conv) args(ws []*syntax.Word) ([]string, bool) {
	out := make([]string, 0, len(ws))
	for _, w := range ws {
		v, ok := c.value(w)
		if !ok {
			return nil, false
		}
		out = append(out, v)
	}
	return out, true
}
