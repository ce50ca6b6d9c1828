package templates

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
)

// Placeholder is one placeholder as written in a template; `appstart check`
// lists them to find names no variable, secret or default could fill.
type Placeholder struct {
	Name   string
	Line   int
	Escape string   // the ##{NAME|kind} override; "" means the template's escape
	When   []string // enclosing ##IF conditions, outermost first: "LDAP_SERVER", "!LDAP_SERVER"
}

// Include is one ##INCLUDE directive: the file at Path is copied into the
// output where the directive stands.
type Include struct {
	Path     string
	Optional bool // ##INCLUDE?: a missing file includes nothing
	Line     int
	When     []string // enclosing ##IF conditions, as in Placeholder
}

// Template is a parsed template. It is immutable and safe for concurrent
// Render calls.
type Template struct {
	name  string
	src   []byte
	nodes []node
	phs   []Placeholder
	incs  []Include
	vars  []string
}

type nodeKind uint8

const (
	textNode    nodeKind = iota // src[start:end] verbatim
	varNode                     // placeholder phs[ph]
	condNode                    // ##IF name / ##IF !name
	includeNode                 // ##INCLUDE incs[ph]; name is the directive line's terminator
)

type node struct {
	kind       nodeKind
	start, end int
	ph         int
	name       string
	neg        bool
	then, els  []node
}

var hashHash = []byte("##")

// Parse parses src, collecting every syntax problem into one *Error that
// names the template (name is used only in messages, usually the source
// path).
//
//	t, err := templates.Parse("db.json", []byte(`{"host": "##DB_HOST", "port": ##DB_PORT}`))
//	t.Placeholders() // [{DB_HOST 1 "" []} {DB_PORT 1 "" []}]
func Parse(name string, src []byte) (*Template, error) {
	p := &parser{t: &Template{name: name, src: bytes.Clone(src)}}
	p.err.Template = name
	p.cur = &p.t.nodes
	p.run()
	if err := p.err.orNil(); err != nil {
		return nil, err
	}
	return p.t, nil
}

// Name returns the name given to Parse.
func (t *Template) Name() string { return t.name }

// Placeholders returns every placeholder in source order, including those in
// ##IF sections that may not render.
func (t *Template) Placeholders() []Placeholder {
	out := slices.Clone(t.phs)
	for i := range out {
		out[i].When = slices.Clone(out[i].When)
	}
	return out
}

// Includes returns every ##INCLUDE in source order, including those in ##IF
// sections that may not render.
func (t *Template) Includes() []Include {
	out := slices.Clone(t.incs)
	for i := range out {
		out[i].When = slices.Clone(out[i].When)
	}
	return out
}

// Vars returns the sorted names of every variable the template mentions, in
// placeholders and in ##IF conditions.
func (t *Template) Vars() []string { return slices.Clone(t.vars) }

type openIf struct {
	n      *node
	line   int
	inElse bool
}

type parser struct {
	t     *Template
	err   Error
	cur   *[]node
	open  []openIf
	when  []string
	line  int
	names map[string]bool
}

func (p *parser) run() {
	src := p.t.src
	p.names = map[string]bool{}
	for start := 0; start < len(src); {
		end := len(src)
		if i := bytes.IndexByte(src[start:], '\n'); i >= 0 {
			end = start + i + 1
		}
		p.line++
		if !p.directive(src[start:end]) {
			p.scanLine(start, end)
		}
		start = end
	}
	for i := len(p.open) - 1; i >= 0; i-- {
		o := p.open[i]
		p.err.add(o.line, o.n.name, false, fmt.Sprintf("##IF %s has no ##END", condText(o.n)))
	}
	p.t.vars = make([]string, 0, len(p.names))
	for n := range p.names {
		p.t.vars = append(p.t.vars, n)
	}
	slices.Sort(p.t.vars)
}

func condText(n *node) string {
	if n.neg {
		return "!" + n.name
	}
	return n.name
}

// text appends src[start:end], merging with a preceding adjacent text node.
func (p *parser) text(start, end int) {
	if start >= end {
		return
	}
	nodes := *p.cur
	if k := len(nodes) - 1; k >= 0 && nodes[k].kind == textNode && nodes[k].end == start {
		nodes[k].end = end
		return
	}
	*p.cur = append(nodes, node{kind: textNode, start: start, end: end})
}

func (p *parser) placeholder(name, escape string) {
	p.names[name] = true
	p.t.phs = append(p.t.phs, Placeholder{Name: name, Line: p.line, Escape: escape, When: slices.Clone(p.when)})
	*p.cur = append(*p.cur, node{kind: varNode, ph: len(p.t.phs) - 1})
}

// directive handles a line whose trimmed text starts with ##IF, ##ELSE or
// ##END followed by a non-name byte: such a line is always a directive, and
// a malformed one is an error rather than literal text. The whole line,
// terminator included, is dropped from the output.
func (p *parser) directive(line []byte) bool {
	if !bytes.HasPrefix(bytes.TrimLeft(line, " \t"), hashHash) {
		return false // the common case, without allocating
	}
	s := strings.TrimLeft(string(line), " \t")
	s = strings.TrimRight(s, " \t\r\n")
	if !strings.HasPrefix(s, "##") {
		return false
	}
	w := nameLen(s[2:])
	word, rest := s[2:2+w], s[2+w:]
	if word == "INCLUDE" && (rest == "" || strings.IndexByte(" \t?", rest[0]) >= 0) {
		p.include(s, rest, line[len(strings.TrimRight(string(line), "\r\n")):])
		return true
	}
	if word != "IF" && word != "ELSE" && word != "END" {
		return false
	}
	ok := rest == ""
	arg, neg := "", false
	if word == "IF" {
		arg = strings.TrimLeft(rest, " \t")
		ok = len(arg) < len(rest) // a blank separates ##IF from its argument
		neg = strings.HasPrefix(arg, "!")
		arg = strings.TrimPrefix(arg, "!")
		ok = ok && nameLen(arg) > 0 && nameLen(arg) == len(arg)
	}
	if !ok {
		// Still act on the directive, so one typo does not cascade into
		// "##END without ##IF" further down.
		p.err.add(p.line, "", false, fmt.Sprintf("malformed directive %q: write ##IF NAME, ##IF !NAME, ##ELSE or ##END alone on a line", s))
	}
	switch word {
	case "IF":
		if ok {
			p.names[arg] = true
		}
		*p.cur = append(*p.cur, node{kind: condNode, name: arg, neg: neg})
		top := &(*p.cur)[len(*p.cur)-1]
		p.open = append(p.open, openIf{n: top, line: p.line})
		p.when = append(p.when, condText(top))
		p.cur = &top.then
	case "ELSE":
		if len(p.open) == 0 {
			p.err.add(p.line, "", false, "##ELSE without ##IF")
			return true
		}
		o := &p.open[len(p.open)-1]
		if o.inElse {
			p.err.add(p.line, o.n.name, false, fmt.Sprintf("second ##ELSE for ##IF %s (line %d)", condText(o.n), o.line))
			return true
		}
		o.inElse = true
		p.when[len(p.when)-1] = condText(&node{name: o.n.name, neg: !o.n.neg})
		p.cur = &o.n.els
	case "END":
		if len(p.open) == 0 {
			p.err.add(p.line, "", false, "##END without ##IF")
			return true
		}
		p.open = p.open[:len(p.open)-1]
		p.when = p.when[:len(p.when)-1]
		if len(p.open) == 0 {
			p.cur = &p.t.nodes
		} else if o := p.open[len(p.open)-1]; o.inElse {
			p.cur = &o.n.els
		} else {
			p.cur = &o.n.then
		}
	}
	return true
}

// include handles "##INCLUDE PATH" or "##INCLUDE? PATH" (rest is what
// follows the word); term is the line's terminator, written after an
// included file that does not end its last line.
func (p *parser) include(s, rest string, term []byte) {
	optional := strings.HasPrefix(rest, "?")
	rest = strings.TrimPrefix(rest, "?")
	path := strings.TrimLeft(rest, " \t")
	if path == rest || !strings.HasPrefix(path, "/") {
		p.err.add(p.line, "", false, fmt.Sprintf("malformed directive %q: write ##INCLUDE /absolute/path (or ##INCLUDE? for a file that may be missing) alone on a line", s))
		return
	}
	p.t.incs = append(p.t.incs, Include{Path: path, Optional: optional, Line: p.line, When: slices.Clone(p.when)})
	*p.cur = append(*p.cur, node{kind: includeNode, ph: len(p.t.incs) - 1, name: string(term)})
}

// scanLine splits src[start:end] (one line, terminator included) into text
// and placeholders. Placeholders never span lines.
func (p *parser) scanLine(start, end int) {
	src := p.t.src
	textStart, i := start, start
	for i < end {
		j := bytes.Index(src[i:end], hashHash)
		if j < 0 {
			break
		}
		at := i + j
		k := at + 2
		switch {
		case k < end && src[k] == '{':
			next, ok := p.braced(at, end, textStart)
			if ok {
				textStart = next
			}
			i = next
		case k < end && isNameStart(src[k]):
			q := k + nameLen(src[k:end])
			name := string(src[k:q])
			q = p.closing(name, q, end)
			if name == "IF" || name == "ELSE" || name == "END" {
				p.err.add(p.line, name, false, fmt.Sprintf("##%s is a directive and must be alone on its line (write ##{%s} for a variable of that name)", name, name))
			}
			p.text(textStart, at)
			p.placeholder(name, "")
			textStart, i = q, q
		default:
			// Not a placeholder: step one byte, so that in "###NAME" the
			// last two hashes open the placeholder.
			i = at + 1
		}
	}
	p.text(textStart, end)
}

// closing consumes the optional closing "##" of ##NAME## at q and returns
// where the text resumes. A hash run of 2 or 3 followed by a name byte or
// "{" is rejected: in "##A##B" the author may mean ##{A}B or ##{A}##B.
func (p *parser) closing(name string, q, end int) int {
	src := p.t.src
	run := 0
	for q+run < end && src[q+run] == '#' {
		run++
	}
	if run < 2 {
		return q
	}
	if after := q + run; run < 4 && after < end && (isNameChar(src[after]) || src[after] == '{') {
		p.err.add(p.line, name, false, fmt.Sprintf("ambiguous %q: write ##{%s} to end the placeholder where you mean it to", string(src[q-len(name)-2:after+1]), name))
	}
	return q + 2
}

// braced handles "##{" at src[at]. It returns where scanning continues and
// whether it consumed a placeholder or the "##{}" literal (true) or found
// literal text (false).
func (p *parser) braced(at, end, textStart int) (int, bool) {
	src := p.t.src
	k := at + 3
	if k < end && src[k] == '}' { // "##{}" writes a literal "##"
		p.text(textStart, at+2)
		return at + 4, true
	}
	if k >= end || !isNameStart(src[k]) {
		return at + 1, false
	}
	q := k + nameLen(src[k:end])
	name := string(src[k:q])
	esc, hasEsc := "", false
	if q < end && src[q] == '|' {
		e := q + 1
		for e < end && 'a' <= src[e] && src[e] <= 'z' {
			e++
		}
		esc, hasEsc, q = string(src[q+1:e]), true, e
	}
	if q >= end || src[q] != '}' {
		p.err.add(p.line, name, false, fmt.Sprintf("unterminated placeholder ##{%s: write ##{%s} or ##{%s|escape}", name, name, name))
		return q, false
	}
	if hasEsc && (esc == "" || !ValidEscape(esc)) {
		p.err.add(p.line, name, false, fmt.Sprintf("unknown escape %q in ##{%s|%s} (known: %s)", esc, name, esc, strings.Join(Escapes(), ", ")))
	}
	p.text(textStart, at)
	p.placeholder(name, esc)
	return q + 1, true
}

func isNameStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
}

func isNameChar(c byte) bool { return isNameStart(c) || '0' <= c && c <= '9' }

// nameLen returns the length of the longest variable name at the start of
// s, 0 if s does not start with one.
func nameLen[T string | []byte](s T) int {
	if len(s) == 0 || !isNameStart(s[0]) {
		return 0
	}
	n := 1
	for n < len(s) && isNameChar(s[n]) {
		n++
	}
	return n
}
