package patch

import (
	"bytes"
	"strings"
)

// jsonLayout is how new members are written.
type jsonLayout struct {
	pretty bool   // one member per line
	indent string // indentation of the new member's line
	unit   string // one more level
	colon  string // between name and value, e.g. ": "
	sep    string // after the comma on a compact line, e.g. " "
}

// insert adds the members rest (the first one missing from obj, the others
// nested inside it) with value as a string.
func (d *jsonDoc) insert(obj *jsonValue, rest []string, value string) (splice, error) {
	lay := d.layout()
	if n := len(obj.members); n > 0 {
		last := obj.members[n-1]
		lay.pretty = bytes.IndexByte(d.src[obj.start:obj.members[0].keyStart], '\n') >= 0
		lay.indent = d.indentAt(last.keyStart)
		m, err := d.newMember(rest, value, lay)
		if lay.pretty {
			return splice{last.val.end, last.val.end, "," + d.eol + lay.indent + m}, err
		}
		return splice{last.val.end, last.val.end, "," + lay.sep + m}, err
	}
	if !lay.pretty {
		m, err := d.newMember(rest, value, lay)
		return splice{obj.start + 1, obj.end - 1, m}, err
	}
	outer := d.indentAt(obj.start)
	lay.indent = outer + lay.unit
	m, err := d.newMember(rest, value, lay)
	return splice{obj.start + 1, obj.end - 1, d.eol + lay.indent + m + d.eol + outer}, err
}

// newMember writes "name": value, nesting an object per extra name.
func (d *jsonDoc) newMember(rest []string, value string, lay jsonLayout) (string, error) {
	name, err := encodeJSONString(rest[0])
	if err != nil {
		return "", err
	}
	if len(rest) == 1 {
		v, err := encodeJSONString(value)
		return name + lay.colon + v, err
	}
	inner := lay
	inner.indent = lay.indent + lay.unit
	m, err := d.newMember(rest[1:], value, inner)
	if lay.pretty {
		return name + lay.colon + "{" + d.eol + inner.indent + m + d.eol + lay.indent + "}", err
	}
	return name + lay.colon + "{" + m + "}", err
}

// layout reads the file's style: laid out over lines or compact, the
// indentation unit, and the separators of its first members.
func (d *jsonDoc) layout() jsonLayout {
	lay := jsonLayout{
		pretty: len(d.root.members) == 0 || bytes.IndexByte(d.src[d.root.start:d.root.end], '\n') >= 0,
		unit:   "  ",
		colon:  ": ",
		sep:    " ",
	}
	if m, ok := firstMember(d.root); ok {
		if c := string(d.src[m.keyEnd:m.val.start]); !strings.ContainsAny(c, "\r\n") {
			lay.colon = c
		}
		lay.sep = ""
		if strings.HasSuffix(lay.colon, " ") {
			lay.sep = " "
		}
	}
	if u := d.unit(d.root); u != "" {
		lay.unit = u
	}
	return lay
}

func firstMember(v *jsonValue) (jsonMember, bool) {
	if v.kind == jsonObject && len(v.members) > 0 {
		return v.members[0], true
	}
	for _, e := range append(v.elems, memberValues(v)...) {
		if m, ok := firstMember(e); ok {
			return m, true
		}
	}
	return jsonMember{}, false
}

func memberValues(v *jsonValue) []*jsonValue {
	var vs []*jsonValue
	for _, m := range v.members {
		vs = append(vs, m.val)
	}
	return vs
}

// unit returns the indentation one level adds in the first container whose
// first child sits on its own line, "" when there is none.
func (d *jsonDoc) unit(v *jsonValue) string {
	var first int
	switch {
	case len(v.members) > 0:
		first = v.members[0].keyStart
	case len(v.elems) > 0:
		first = v.elems[0].start
	default:
		return ""
	}
	if bytes.IndexByte(d.src[v.start:first], '\n') >= 0 {
		outer, inner := d.indentAt(v.start), d.indentAt(first)
		if u, ok := strings.CutPrefix(inner, outer); ok && u != "" {
			return u
		}
	}
	for _, c := range append(memberValues(v), v.elems...) {
		if u := d.unit(c); u != "" {
			return u
		}
	}
	return ""
}

// indentAt returns the blanks that start the line holding offset off.
func (d *jsonDoc) indentAt(off int) string {
	ls := bytes.LastIndexByte(d.src[:off], '\n') + 1
	return string(leadingSpace(d.src[ls:off]))
}
