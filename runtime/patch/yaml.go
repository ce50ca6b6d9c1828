package patch

import (
	"bytes"
	"fmt"
)

// YAML: keys are dotted paths into nested block mappings ("server.tls.cert"),
// "\." for a dot inside a name. This is a line-based editor for the subset
// config files use, not a YAML library: gopkg.in/yaml.v3 adds ~620 KB to a
// static binary that already has encoding/json and the TOML decoder, and
// its Node round trip re-indents, drops blank lines and moves comments,
// where this keeps every untouched byte.
//
// Understood: block mappings nested by indentation (spaces), plain, 'single'
// and "double" quoted scalars (also over several lines, or starting on the
// line after the key), | and > block scalars, comments, a leading "---" and
// %directives, CRLF. Kept as they are but never entered by a path or
// replaced: block sequences, flow collections [..] and {..}, anchored,
// aliased or tagged values. A path into one of those is an error naming
// it, as is a new key in a mapping holding a merge key (<<: *base), whose
// meaning would change. Rejected with file and line: tabs in indentation,
// "? " keys, a second document, a sequence at the top.
//
// Values are written plain when YAML 1.1 and 1.2 readers both see the same
// string (so "yes", "0755", "1.5", "null", "a: b" are quoted), else
// double-quoted with YAML escapes. A replaced value keeps its quoting style
// where the value allows, its inline comment, and its type when it is a
// plain number or boolean and the new value is one too ("port: 5432" stays
// an int). A block or multi-line scalar is replaced by a one-line scalar.
// null and "key:" read as empty. A new key longer than 1024 characters is
// an error (YAML's limit for implicit keys). A duplicated key: the last one is read and updated.
//
// A new key goes after the last line of its mapping's last entry (before
// trailing comments), at the mapping's indentation; new nested mappings
// and keys under a "key:" or "key: {}" that was empty use the file's
// indentation step (from its first nested mapping, else two spaces).

type yamlKind byte

const (
	yNull     yamlKind = iota // "key:", "key: ~", "key: null"
	yPlain                    // one-line plain scalar
	ySingle                   // 'quoted', maybe over lines
	yDouble                   // "quoted", maybe over lines
	yBlock                    // | or > block scalar
	yFolded                   // plain scalar over several lines, or starting on the next line
	yMap                      // nested block mapping
	yEmptyMap                 // "{}"
	ySeq                      // block sequence
	yFlow                     // flow collection other than {}
	yAnchored                 // &anchor, *alias or !tag
)

func (k yamlKind) String() string {
	switch k {
	case yMap, yEmptyMap:
		return "a mapping"
	case ySeq:
		return "a sequence"
	case yFlow:
		return "a flow collection"
	case yAnchored:
		return "an anchored, aliased or tagged value"
	}
	return "a scalar"
}

type yamlLine struct {
	line
	indent int  // leading spaces
	blank  bool // only blanks
	note   bool // a comment line
	tab    bool // a tab in the indentation of a content line
}

type yamlEntry struct {
	key              string
	line             int // index of the key line
	indent           int
	colon            int // offset of the ":" after the key
	valStart, valEnd int // the inline value as written; valStart == valEnd == colon+1 for "key:"
	kind             yamlKind
	child            *yamlMap
	last             int    // index of the entry's last line
	value            string // as a reader sees it
	exact            bool   // value is exact (false for > and |+ block scalars)
}

type yamlMap struct {
	indent  int
	entries []*yamlEntry
	merge   bool
}

type yamlDoc struct {
	src  []byte
	eol  string
	ls   []yamlLine
	root *yamlMap
	unit int
}

func (d *yamlDoc) text(i int) []byte { return d.src[d.ls[i].start:d.ls[i].end] }

// content returns line i after its indentation.
func (d *yamlDoc) content(i int) []byte { return d.text(i)[d.ls[i].indent:] }

func classifyYAML(src []byte) []yamlLine {
	var ls []yamlLine
	for _, l := range splitLines(src) {
		t := src[l.start:l.end]
		yl := yamlLine{line: l}
		for yl.indent < len(t) && t[yl.indent] == ' ' {
			yl.indent++
		}
		rest := bytes.TrimLeft(t, " \t")
		yl.blank = len(rest) == 0
		yl.note = !yl.blank && rest[0] == '#'
		yl.tab = !yl.blank && !yl.note && yl.indent < len(t) && t[yl.indent] == '\t'
		ls = append(ls, yl)
	}
	return ls
}

func parseYAML(src []byte) (document, error) {
	d := &yamlDoc{src: src, eol: eolOf(src), ls: classifyYAML(src)}
	i := d.skip(0)
	for i < len(d.ls) && d.ls[i].indent == 0 && bytes.HasPrefix(d.text(i), []byte("%")) {
		i = d.skip(i + 1)
	}
	if i < len(d.ls) && d.ls[i].indent == 0 && isMarker(d.text(i), "---") {
		if !isCommentOrBlankYAML(d.text(i)[3:]) {
			return nil, errAt(i+1, "cannot patch yaml: content after --- is not supported; start it on the next line")
		}
		i = d.skip(i + 1)
	}
	if i == len(d.ls) {
		d.root, d.unit = &yamlMap{}, 2
		return d, nil
	}
	if err := d.checkLine(i); err != nil {
		return nil, err
	}
	if c := d.content(i); isSeqItem(c) || c[0] == '[' || c[0] == '{' {
		return nil, errAt(i+1, "cannot patch yaml: the top level must be a block mapping (key: value lines)")
	}
	root, next, err := d.mapping(i, d.ls[i].indent)
	if err != nil {
		return nil, err
	}
	if next < len(d.ls) {
		return nil, errAt(next+1, "cannot parse yaml: unexpected indentation")
	}
	d.root = root
	d.unit = d.findUnit(root)
	return d, nil
}

// skip returns the first line at or after i that is not blank or a comment.
func (d *yamlDoc) skip(i int) int {
	for i < len(d.ls) && (d.ls[i].blank || d.ls[i].note) {
		i++
	}
	return i
}

func (d *yamlDoc) checkLine(i int) error {
	if d.ls[i].tab {
		return errAt(i+1, "cannot parse yaml: tab in indentation (YAML indents with spaces)")
	}
	return nil
}

// isMarker reports whether t is the document marker m ("---" or "...")
// alone or followed by a blank.
func isMarker(t []byte, m string) bool {
	return bytes.HasPrefix(t, []byte(m)) && (len(t) == 3 || t[3] == ' ' || t[3] == '\t')
}

func isSeqItem(c []byte) bool {
	return len(c) > 0 && c[0] == '-' && (len(c) == 1 || c[1] == ' ' || c[1] == '\t')
}

func isCommentOrBlankYAML(b []byte) bool {
	t := bytes.TrimLeft(b, " \t")
	return len(t) == 0 || t[0] == '#'
}

// mapping parses the block mapping whose keys sit at indent n, from line i;
// next is the first line after it that is not blank or a comment.
func (d *yamlDoc) mapping(i, n int) (m *yamlMap, next int, err error) {
	m = &yamlMap{indent: n}
	for {
		i = d.skip(i)
		if i == len(d.ls) || d.ls[i].indent < n {
			return m, i, nil
		}
		if err := d.checkLine(i); err != nil {
			return nil, i, err
		}
		if d.ls[i].indent > n {
			return nil, i, errAt(i+1, "cannot parse yaml: unexpected indentation (keys here start at column %d)", n+1)
		}
		e, next, err := d.entry(i, n)
		if err != nil {
			return nil, i, err
		}
		if e.key == "<<" {
			m.merge = true
		}
		m.entries = append(m.entries, e)
		i = next
	}
}

// scanYAMLKey reads "key:" at the start of c; colon is the index of the ":".
func scanYAMLKey(c []byte) (key string, colon int, err error) {
	switch {
	case isSeqItem(c):
		return "", 0, fmt.Errorf("a sequence item where a key was expected")
	case c[0] == '?' && (len(c) == 1 || c[1] == ' '):
		return "", 0, fmt.Errorf("explicit keys (? key) are not supported")
	case c[0] == '"' || c[0] == '\'':
		end, ok := scanQuotedYAML(c, 0)
		if !ok {
			return "", 0, fmt.Errorf("unterminated quoted key")
		}
		if key, err = decodeQuotedYAML(c[:end]); err != nil {
			return "", 0, err
		}
		colon = end + len(leadingSpace(c[end:]))
		if colon >= len(c) || c[colon] != ':' || colon+1 < len(c) && c[colon+1] != ' ' && c[colon+1] != '\t' {
			return "", 0, fmt.Errorf("want key: value")
		}
		return key, colon, nil
	case bytes.IndexByte([]byte("&*!|>%@`[]{},#"), c[0]) >= 0:
		return "", 0, fmt.Errorf("keys starting with %q are not supported", c[0])
	}
	for j := 0; j < len(c); j++ {
		switch {
		case c[j] == ':' && (j+1 == len(c) || c[j+1] == ' ' || c[j+1] == '\t'):
			return string(bytes.TrimRight(c[:j], " \t")), j, nil
		case c[j] == '#' && (c[j-1] == ' ' || c[j-1] == '\t'):
			j = len(c)
		}
	}
	return "", 0, fmt.Errorf("want key: value")
}

// entry parses the key line i at indent n and the value that follows.
func (d *yamlDoc) entry(i, n int) (*yamlEntry, int, error) {
	c := d.content(i)
	if n == 0 && (isMarker(c, "---") || isMarker(c, "...")) {
		return nil, i, errAt(i+1, "cannot patch yaml: more than one document (%s) is not supported", c[:3])
	}
	key, colon, err := scanYAMLKey(c)
	if err != nil {
		return nil, i, errAt(i+1, "cannot parse yaml: %v", err)
	}
	base := d.ls[i].start + n
	e := &yamlEntry{key: key, line: i, indent: n, colon: base + colon, last: i, exact: true}
	vs := base + colon + 1
	for vs < d.ls[i].end && (d.src[vs] == ' ' || d.src[vs] == '\t') {
		vs++
	}
	e.valStart, e.valEnd = vs, vs
	if err := d.value(e); err != nil {
		return nil, i, err
	}
	if e.kind == yMap {
		c, next, err := d.mapping(e.last, d.ls[e.last].indent)
		if err != nil {
			return nil, i, err
		}
		e.child = c
		e.last = c.entries[len(c.entries)-1].last
		return e, next, nil
	}
	return e, e.last + 1, nil
}
