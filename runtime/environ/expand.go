package environ

import (
	"fmt"
	"strings"

	"appstart/templates"
)

// Lookup returns a variable's value and whether it is set, like
// os.LookupEnv.
type Lookup func(name string) (string, bool)

// Expand expands the ${...} expressions of a spec string:
//
//	${NAME}            the value; unset is an error (like set -u)
//	${NAME:-default}   default when NAME is unset OR empty; ${NAME:-} is the explicit empty
//	${NAME-default}    default only when NAME is unset (POSIX); set-but-empty stays empty
//	${NAME:+word}      word when NAME is set and non-empty, else "" (never an error)
//	${NAME+word}       word when NAME is set, even empty (POSIX)
//	${NAME|kind}       the value escaped with templates.Escape: url, json, shell, ...
//	${NAME|kind:-def}  escape and default together; the escape applies to NAME's value only
//	${NAME|f|g:N}      filters, left to right: escapes, sha256 and integer
//	                   arithmetic (see [filter]): ${APPSTART_MEMORY_LIMIT_MB|percent:80}
//	$$                 a literal $
//	$NAME, $1, $       literal: a bare $ is never expanded
//
// A default (or a :+ word) is itself an expression (${A:-${B:-x}},
// ${SMTP:+--smtp=${SMTP}}) and ends at the first "}" that does not close a
// nested ${, as in sh; it is expanded only when used, so an unset variable
// inside an unused default is not an error. ${A:+word} takes no filter: A's
// value is not written (filter the variables inside word instead).
//
// Bare $NAME stays literal because spec strings carry passwords and shell
// snippets ("sh -c 'echo $HOME'"), where a silent expansion to "" would
// corrupt them; only the explicit ${...} form expands, and $$ writes "$".
//
//	Expand("postgres://u:${PW|url}@db/${DB:-app}", lookup) // PW="p@ss/w" DB unset
//	// "postgres://u:p%40ss%2Fw@db/app"
//
// Every unset variable is reported in one *Error; a syntax error is an
// *Error too, naming the byte offset.
func Expand(s string, lookup Lookup) (string, error) {
	segs, err := parse(s)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	var e Error
	expand(&b, segs, lookup, &e)
	if err := e.orNil(); err != nil {
		return "", err
	}
	return b.String(), nil
}

// Refs returns the variables s refers to, in order of first appearance,
// including those inside defaults. It is how [Env.AddEntries] finds
// forward references and how `appstart check` lists what a spec needs.
func Refs(s string) ([]string, error) {
	segs, err := parse(s)
	if err != nil {
		return nil, err
	}
	var out []string
	seen := map[string]bool{}
	var walk func([]segment)
	walk = func(segs []segment) {
		for _, sg := range segs {
			if sg.name == "" {
				continue
			}
			if !seen[sg.name] {
				seen[sg.name] = true
				out = append(out, sg.name)
			}
			walk(sg.def)
		}
	}
	walk(segs)
	return out, nil
}

// segment is literal text (name == "") or one ${...} expression.
type segment struct {
	lit     string
	name    string
	filters []filter
	op      string    // "", ":-", "-", ":+" or "+"
	def     []segment // the default, or the word of :+ and +
}

func expand(b *strings.Builder, segs []segment, lookup Lookup, e *Error) {
	for _, sg := range segs {
		if sg.name == "" {
			b.WriteString(sg.lit)
			continue
		}
		v, ok := lookup(sg.name)
		switch {
		case sg.op == ":-" && (!ok || v == ""), sg.op == "-" && !ok,
			sg.op == ":+" && ok && v != "", sg.op == "+" && ok:
			expand(b, sg.def, lookup, e)
			continue
		case sg.op == ":+" || sg.op == "+":
			continue
		case !ok:
			e.add(Problem{Var: sg.name, Unset: true,
				Msg: fmt.Sprintf("${%s} is not set (write ${%s:-} if it may be absent)", sg.name, sg.name)})
			continue
		}
		bad := false
		for _, f := range sg.filters {
			out, err := f.apply(v)
			if err != nil {
				msg := fmt.Sprintf("cannot compute ${%s|%s}: %v", sg.name, f, err)
				if templates.ValidEscape(f.name) {
					msg = fmt.Sprintf("cannot escape ${%s} for %s: %v", sg.name, f.name, err)
				}
				e.add(Problem{Var: sg.name, Msg: msg})
				bad = true
				break
			}
			v = out
		}
		if !bad {
			b.WriteString(v)
		}
	}
}

func parse(s string) ([]segment, error) {
	p := exprParser{s: s}
	segs := p.parse(false)
	if p.err != "" {
		return nil, &Error{Problems: []Problem{{Var: p.errVar, Msg: p.err}}}
	}
	return segs, nil
}

type exprParser struct {
	s      string
	i      int
	err    string
	errVar string
}

func (p *exprParser) fail(at int, name, format string, args ...any) {
	if p.err == "" {
		p.err = fmt.Sprintf("bad expression at byte %d: ", at) + fmt.Sprintf(format, args...)
		p.errVar = name
	}
	p.i = len(p.s)
}

// parse reads segments up to the end of s, or, inside a default, up to and
// including the "}" that closes the enclosing ${.
func (p *exprParser) parse(inDefault bool) []segment {
	var segs []segment
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			segs = append(segs, segment{lit: lit.String()})
			lit.Reset()
		}
	}
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case inDefault && c == '}':
			p.i++
			flush()
			return segs
		case c == '$' && strings.HasPrefix(p.s[p.i:], "$$"):
			lit.WriteByte('$')
			p.i += 2
		case c == '$' && strings.HasPrefix(p.s[p.i:], "${"):
			flush()
			segs = append(segs, p.braced())
		default:
			lit.WriteByte(c)
			p.i++
		}
	}
	if inDefault {
		p.fail(len(p.s), "", "unterminated ${: a default needs its closing }")
	}
	flush()
	return segs
}

// braced reads one ${...} starting at p.i.
func (p *exprParser) braced() segment {
	start := p.i
	p.i += 2
	n := nameLen(p.s[p.i:])
	if n == 0 {
		p.fail(start, "", "${ must be followed by a variable name ([A-Za-z_][A-Za-z0-9_]*)")
		return segment{}
	}
	sg := segment{name: p.s[p.i : p.i+n]}
	p.i += n
	for p.i < len(p.s) && p.s[p.i] == '|' {
		at := p.i
		e := p.i + 1
		for e < len(p.s) && ('a' <= p.s[e] && p.s[e] <= 'z' || '0' <= p.s[e] && p.s[e] <= '9') {
			e++
		}
		name, arg, hasArg := p.s[p.i+1:e], "", false
		// ":N" is an argument; ":-" stays the default operator.
		if e+1 < len(p.s) && p.s[e] == ':' && '0' <= p.s[e+1] && p.s[e+1] <= '9' {
			a := e + 1
			for a < len(p.s) && '0' <= p.s[a] && p.s[a] <= '9' {
				a++
			}
			arg, hasArg, e = p.s[e+1:a], true, a
		}
		f, msg := parseFilter(name, arg, hasArg)
		if msg != "" {
			if strings.HasPrefix(msg, "unknown") {
				msg = fmt.Sprintf("%s in ${%s|%s} (known: %s)", msg, sg.name, p.s[at+1:e], filterNames())
			} else {
				msg = fmt.Sprintf("%s in ${%s|%s}", msg, sg.name, p.s[at+1:e])
			}
			p.fail(at, sg.name, "%s", msg)
			return segment{}
		}
		sg.filters = append(sg.filters, f)
		p.i = e
	}
	rest := p.s[p.i:]
	switch {
	case strings.HasPrefix(rest, "}"):
		p.i++
	case strings.HasPrefix(rest, ":-"), strings.HasPrefix(rest, ":+"):
		sg.op, p.i = rest[:2], p.i+2
		sg.def = p.parse(true)
	case strings.HasPrefix(rest, "-"), strings.HasPrefix(rest, "+"):
		sg.op, p.i = rest[:1], p.i+1
		sg.def = p.parse(true)
	case rest == "":
		p.fail(start, sg.name, "unterminated ${%s: add the closing }", sg.name)
	default:
		p.fail(p.i, sg.name, "unexpected %q in ${%s...}: write ${%s}, ${%s:-default}, ${%s:+word}, ${%s-default} or ${%s|filter}",
			rest[:1], sg.name, sg.name, sg.name, sg.name, sg.name, sg.name)
	}
	if (sg.op == ":+" || sg.op == "+") && len(sg.filters) > 0 {
		p.fail(start, sg.name, "${%s|...%s...}: a filter has no use before %s, which never writes %s's value (filter inside the word instead)",
			sg.name, sg.op, sg.op, sg.name)
	}
	return sg
}

func nameLen(s string) int {
	if s == "" || !(s[0] == '_' || 'a' <= s[0] && s[0] <= 'z' || 'A' <= s[0] && s[0] <= 'Z') {
		return 0
	}
	n := 1
	for n < len(s) {
		c := s[n]
		if c != '_' && !('a' <= c && c <= 'z') && !('A' <= c && c <= 'Z') && !('0' <= c && c <= '9') {
			break
		}
		n++
	}
	return n
}
