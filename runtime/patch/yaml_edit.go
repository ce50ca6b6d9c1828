package patch

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

func (m *yamlMap) find(key string) *yamlEntry {
	for j := len(m.entries) - 1; j >= 0; j-- {
		if m.entries[j].key == key {
			return m.entries[j]
		}
	}
	return nil
}

// findUnit returns the indentation step of the first nested mapping at
// the top level, or 2.
func (d *yamlDoc) findUnit(m *yamlMap) int {
	for _, e := range m.entries {
		if e.child != nil {
			return e.child.indent - m.indent
		}
	}
	return 2
}

// walk follows segs; it returns the entry at the full path, or the mapping
// (or empty entry) where the path leaves the file and how many names matched.
func (d *yamlDoc) walk(segs []string) (e *yamlEntry, m *yamlMap, matched int, err error) {
	m = d.root
	for i, seg := range segs {
		e = m.find(seg)
		if e == nil {
			return nil, m, i, nil
		}
		if i == len(segs)-1 {
			return e, m, len(segs), nil
		}
		switch e.kind {
		case yMap:
			m = e.child
		case yNull, yEmptyMap:
			return e, m, i + 1, nil
		default:
			return nil, nil, i, fmt.Errorf("%s is %v, not a mapping", joinPath(segs[:i+1]), e.kind)
		}
	}
	return nil, m, 0, nil // not reached: segs is never empty
}

func (d *yamlDoc) lookup(key string) (string, bool, error) {
	segs, err := splitPath(key)
	if err != nil {
		return "", false, err
	}
	e, _, matched, err := d.walk(segs)
	if err != nil || matched < len(segs) {
		return "", false, err
	}
	return e.value, true, nil
}

func (d *yamlDoc) assign(key, value string) ([]splice, error) {
	segs, err := splitPath(key)
	if err != nil {
		return nil, err
	}
	e, m, matched, err := d.walk(segs)
	switch {
	case err != nil:
		return nil, err
	case matched < len(segs) && e != nil:
		return d.expand(e, segs[matched:], value)
	case matched < len(segs):
		return d.insert(m, segs[:matched], segs[matched:], value)
	}
	return d.replace(e, segs, value)
}

func (d *yamlDoc) replace(e *yamlEntry, segs []string, value string) ([]splice, error) {
	switch e.kind {
	case yMap, yEmptyMap, ySeq, yFlow, yAnchored:
		return nil, fmt.Errorf("%s is %v; only scalars are set", joinPath(segs), e.kind)
	}
	if e.exact && e.value == value && e.kind != yNull {
		return nil, nil
	}
	text, err := d.encodeFor(e, value)
	if err != nil {
		return nil, err
	}
	start, end := e.valStart, e.valEnd
	if e.kind == yFolded && start == e.colon+1 {
		end = d.ls[e.last].end // the scalar starts on the next line
	}
	if start == e.colon+1 {
		text = " " + text
	}
	return []splice{{start, end, text}}, nil
}

// encodeFor writes value in the style of e's old value: a plain number or
// boolean stays one when value is one, quotes stay where value allows.
func (d *yamlDoc) encodeFor(e *yamlEntry, value string) (string, error) {
	if e.kind == yPlain {
		old := e.value
		if isYAMLNumber(old) && isYAMLNumber(value) ||
			isYAMLBool(old) && isYAMLBool(value) {
			return value, nil
		}
	}
	var prefer byte
	switch e.kind {
	case ySingle:
		prefer = '\''
	case yDouble:
		prefer = '"'
	}
	return encodeYAMLString(value, prefer)
}

// insert adds the keys rest under m (at path have), nested, value last.
func (d *yamlDoc) insert(m *yamlMap, have, rest []string, value string) ([]splice, error) {
	if m.merge {
		return nil, fmt.Errorf("%s holds a merge key (<<) and patch does not follow merges: add %q there by hand",
			mapName(have), rest[0])
	}
	at := len(d.src)
	if n := len(m.entries); n > 0 {
		at = d.ls[m.entries[n-1].last].next
	}
	lines, err := d.newLines(m.indent, rest, value)
	if err != nil {
		return nil, err
	}
	return []splice{insertLines(d.src, at, lines, d.eol)}, nil
}

// expand turns the empty "key:", "key: ~" or "key: {}" e into a mapping
// holding rest.
func (d *yamlDoc) expand(e *yamlEntry, rest []string, value string) ([]splice, error) {
	lines, err := d.newLines(e.indent+d.unit, rest, value)
	if err != nil {
		return nil, err
	}
	sp := []splice{insertLines(d.src, d.ls[e.line].next, lines, d.eol)}
	if e.valEnd > e.colon+1 {
		sp = append(sp, splice{e.colon + 1, e.valEnd, ""})
	}
	return sp, nil
}

func (d *yamlDoc) newLines(indent int, rest []string, value string) ([]string, error) {
	var lines []string
	for j, name := range rest {
		k, err := encodeYAMLString(name, 0)
		if err != nil {
			return nil, err
		}
		if utf8.RuneCountInString(k) > 1024 {
			// YAML 1.2 section 7.4.2: an implicit key is at most 1024 characters.
			return nil, fmt.Errorf("key %.20q... is longer than YAML allows (1024 characters)", name)
		}
		l := strings.Repeat(" ", indent+j*d.unit) + k + ":"
		if j == len(rest)-1 {
			v, err := encodeYAMLString(value, 0)
			if err != nil {
				return nil, err
			}
			l += " " + v
		}
		lines = append(lines, l)
	}
	return lines, nil
}

func mapName(path []string) string {
	if len(path) == 0 {
		return "the top level"
	}
	return joinPath(path)
}
