package convert

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// supervisord expands every value with Python's %-formatting against a
// dictionary (options.py, expand): %(name)s, %(name)02d, and %% for a
// literal %. The names are ENV_X for each variable of supervisord's
// environment, here (the directory of the config file), and in program
// sections program_name, group_name, host_node_name, process_num and
// numprocs. A name it does not know is an error at supervisord's start,
// and so it is here.
//
// Expansion happens before anything else reads the value (the command is
// split after it), so a reference that must stay a reference (${X} for
// %(ENV_X)s, resolved by appstart or the shell when the program starts)
// is kept as a placeholder rune from Unicode's private use area; the
// splitters treat it as an ordinary word character and the renderers turn
// it into ${X}.

const placeholderBase = 0xE000

// refs are the variables the placeholders of one value stand for.
type refs []string

func (r *refs) add(name string) string {
	*r = append(*r, name)
	return string(rune(placeholderBase + len(*r) - 1))
}

// ref returns the variable of placeholder c, if c is one.
func (r refs) ref(c rune) (string, bool) {
	i := int(c) - placeholderBase
	if i < 0 || i >= len(r) {
		return "", false
	}
	return r[i], true
}

// scope is what the names of one section expand to.
type scope struct {
	here        string // "" when unknown: %(here)s is then an error
	hereErr     string // why here is unknown
	program     bool   // a program section: the program names exist
	programName string
	groupName   string
	numprocs    int
	// instance is true when numprocs > 1: %(process_num)s becomes
	// ${APPSTART_INSTANCE}; otherwise it is processNum.
	instance   bool
	processNum int
}

// expansion is the result of expanding one value.
type expansion struct {
	text  string // with placeholder runes
	refs  refs
	envs  []string // the X of each %(ENV_X)s, in order
	notes []string // what could not be carried exactly
}

// expand applies supervisord's %-expansion to v.
//
//	expand("%(ENV_HOME)s/%(program_name)s", scope{program: true, programName: "web"})
//	// text "\ue000/web", refs ["HOME"]: rendered "${HOME}/web"
func expand(v string, sc scope) (expansion, error) {
	var e expansion
	var b strings.Builder
	for i := 0; i < len(v); {
		c, size := utf8.DecodeRuneInString(v[i:])
		if c >= placeholderBase && c < placeholderBase+0x1000 {
			return e, fmt.Errorf("unexpected character %U", c)
		}
		if c != '%' {
			b.WriteString(v[i : i+size])
			i += size
			continue
		}
		if strings.HasPrefix(v[i:], "%%") {
			b.WriteByte('%')
			i += 2
			continue
		}
		if !strings.HasPrefix(v[i:], "%(") {
			return e, fmt.Errorf("a lone %% in %q: supervisord reads %% as the start of %%(name)s; write %%%% for a literal %%", v)
		}
		end := strings.IndexByte(v[i:], ')')
		if end < 0 {
			return e, fmt.Errorf("unterminated %%( in %q", v)
		}
		name := v[i+2 : i+end]
		format, n, ok := conversion(v[i+end+1:])
		if !ok {
			return e, fmt.Errorf("%%(%s) in %q has no conversion: write %%(%s)s", name, v, name)
		}
		i += end + 1 + n
		s, err := e.name(name, format, sc)
		if err != nil {
			return e, err
		}
		b.WriteString(s)
	}
	e.text = b.String()
	return e, nil
}

// conversion reads Python's %-format spec after "%(name)": flags, width,
// precision, length modifier and conversion character, returning the spec
// as a Go format ("%02d") and its length.
func conversion(s string) (string, int, bool) {
	i := 0
	for i < len(s) && strings.IndexByte("#0- +", s[i]) >= 0 {
		i++
	}
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	spec := s[:i]
	if i < len(s) && strings.IndexByte("hlL", s[i]) >= 0 {
		i++
	}
	if i >= len(s) || strings.IndexByte("diouxXeEfFgGcrsa", s[i]) < 0 {
		return "", 0, false
	}
	conv := s[i]
	switch conv {
	case 'i', 'u':
		conv = 'd'
	case 'r', 'a':
		conv = 's'
	}
	return "%" + spec + string(conv), i + 1, true
}

// name expands one %(name)FORMAT.
func (e *expansion) name(name, format string, sc scope) (string, error) {
	literal := func(v any) (string, error) {
		out := fmt.Sprintf(format, v)
		if strings.HasPrefix(out, "%!") {
			return "", fmt.Errorf("%%(%s)%s: cannot format %v that way", name, format[1:], v)
		}
		return out, nil
	}
	plainRef := format == "%s"
	if env, ok := strings.CutPrefix(name, "ENV_"); ok && env != "" {
		if !plainRef {
			e.notes = append(e.notes, fmt.Sprintf("%%(%s)%s: the format %s is dropped; the value is used as it is", name, format[1:], format))
		}
		e.envs = append(e.envs, env)
		return e.refs.add(env), nil
	}
	switch {
	case name == "here":
		if sc.here == "" {
			return "", fmt.Errorf("%%(here)s: %s", sc.hereErr)
		}
		return literal(sc.here)
	case !sc.program:
	case name == "program_name":
		return literal(sc.programName)
	case name == "group_name":
		return literal(sc.groupName)
	case name == "numprocs":
		return literal(sc.numprocs)
	case name == "host_node_name":
		e.notes = append(e.notes, "%(host_node_name)s is the container's host name: $HOSTNAME, which Docker sets")
		return e.refs.add("HOSTNAME"), nil
	case name == "process_num":
		if !sc.instance {
			return literal(sc.processNum)
		}
		if !plainRef && format != "%d" {
			e.notes = append(e.notes, fmt.Sprintf("%%(process_num)%s: appstart's $APPSTART_INSTANCE has no padding or format", format[1:]))
		}
		return e.refs.add("APPSTART_INSTANCE"), nil
	}
	known := "ENV_X, here"
	if sc.program {
		known += ", program_name, group_name, host_node_name, process_num, numprocs"
	}
	return "", fmt.Errorf("%%(%s)s cannot be expanded: supervisord knows %s", name, known)
}

// render writes an expanded value for a place appstart expands itself
// (an argv element, an environment value): each placeholder becomes
// ${X}, and a literal $ that would start an expression ($ before { or $)
// is doubled.
func (r refs) render(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, c := range rs {
		if v, ok := r.ref(c); ok {
			b.WriteString("${" + v + "}")
			continue
		}
		b.WriteRune(c)
		if c == '$' && i+1 < len(rs) {
			if _, isRef := r.ref(rs[i+1]); isRef || rs[i+1] == '{' || rs[i+1] == '$' {
				b.WriteByte('$')
			}
		}
	}
	return b.String()
}

// renderShell writes an expanded value as a /bin/sh -c line, which
// appstart passes on unexpanded: each placeholder becomes ${X} for the
// shell to expand. Inside single quotes, where the shell expands nothing
// but supervisord had already put the value, the quote is closed around a
// double-quoted "${X}".
func (r refs) renderShell(s string) string {
	var b strings.Builder
	var q rune
	esc := false
	for _, c := range s {
		if v, ok := r.ref(c); ok {
			if q == '\'' {
				b.WriteString(`'"${` + v + `}"'`)
			} else {
				b.WriteString("${" + v + "}")
			}
			esc = false
			continue
		}
		b.WriteRune(c)
		switch {
		case esc:
			esc = false
		case c == '\\' && q != '\'':
			esc = true
		case q == 0 && (c == '\'' || c == '"'):
			q = c
		case c == q:
			q = 0
		}
	}
	return b.String()
}

// itoa is strconv.Itoa, named for the call sites that build TOML.
func itoa(n int) string { return strconv.Itoa(n) }
