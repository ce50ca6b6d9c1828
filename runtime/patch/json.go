package patch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// JSON: keys are dotted paths into nested objects ("data_provider.host");
// "\." is a dot inside a name, and a decimal name indexes an existing array
// ("servers.0.port"; patch never adds array elements). A duplicated member
// name: the last one is read and updated, as encoding/json does.
//
// The file must be strict JSON (RFC 8259, no comments) with an object at
// the top; a whitespace-only file is an empty object. Edits splice bytes:
// everything outside the replaced value, or the inserted members, stays as
// it was, including the escaping of untouched strings.
//
// Values are written as JSON strings, except where the existing value is a
// number and the new one is a JSON number, or the existing value is a
// boolean and the new one is true or false: then the type is kept
// ("port": 5432 stays a number). To create a typed key, seed the file with
// a typed value. Setting a key whose value is an object or array, or a path
// through a string, number, bool or null, is an error; null reads as empty
// for defaults.
//
// New members go after the last member of their object, on their own line
// with its indentation when the object is laid out one member per line, or
// inline with the file's separators when it is compact. An empty object gets
// the file's indentation unit (from the first indented member, else two
// spaces) when the file is laid out over lines.

type jsonKind byte

const (
	jsonObject jsonKind = iota
	jsonArray
	jsonString
	jsonNumber
	jsonBool
	jsonNull
)

func (k jsonKind) String() string {
	return [...]string{"an object", "an array", "a string", "a number", "a boolean", "null"}[k]
}

type jsonMember struct {
	name             string
	keyStart, keyEnd int // the quoted name
	val              *jsonValue
}

type jsonValue struct {
	kind       jsonKind
	start, end int
	members    []jsonMember
	elems      []*jsonValue
}

type jsonDoc struct {
	src  []byte
	eol  string
	root *jsonValue // nil for a whitespace-only file
}

func parseJSON(src []byte) (document, error) {
	d := &jsonDoc{src: src, eol: eolOf(src)}
	if len(bytes.TrimSpace(src)) == 0 {
		return d, nil
	}
	var raw json.RawMessage
	if err := json.Unmarshal(src, &raw); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			// Offset counts the offending byte too.
			return nil, errAt(lineNumber(src, int(se.Offset)-1), "cannot parse json: %v", se)
		}
		return nil, errAt(1, "cannot parse json: %v", err)
	}
	s := &jsonScanner{src: src}
	s.ws()
	d.root = s.value()
	if d.root.kind != jsonObject {
		return nil, errAt(lineNumber(src, d.root.start), "cannot patch json: the top level is %v, not an object", d.root.kind)
	}
	return d, nil
}

// jsonScanner records where each value and member sits. It runs only on
// input encoding/json has accepted, so it does not re-check the grammar.
type jsonScanner struct {
	src []byte
	p   int
}

func (s *jsonScanner) ws() {
	for s.p < len(s.src) && strings.IndexByte(" \t\r\n", s.src[s.p]) >= 0 {
		s.p++
	}
}

func (s *jsonScanner) value() *jsonValue {
	v := &jsonValue{start: s.p}
	switch c := s.src[s.p]; {
	case c == '{':
		v.kind = jsonObject
		s.p++
		s.ws()
		for s.src[s.p] != '}' {
			ks := s.p
			s.str()
			ke := s.p
			var name string
			_ = json.Unmarshal(s.src[ks:ke], &name)
			s.ws()
			s.p++ // ':'
			s.ws()
			v.members = append(v.members, jsonMember{name: name, keyStart: ks, keyEnd: ke, val: s.value()})
			s.ws()
			if s.src[s.p] == ',' {
				s.p++
				s.ws()
			}
		}
		s.p++
	case c == '[':
		v.kind = jsonArray
		s.p++
		s.ws()
		for s.src[s.p] != ']' {
			v.elems = append(v.elems, s.value())
			s.ws()
			if s.src[s.p] == ',' {
				s.p++
				s.ws()
			}
		}
		s.p++
	case c == '"':
		v.kind = jsonString
		s.str()
	case c == 't':
		v.kind = jsonBool
		s.p += len("true")
	case c == 'f':
		v.kind = jsonBool
		s.p += len("false")
	case c == 'n':
		v.kind = jsonNull
		s.p += len("null")
	default:
		v.kind = jsonNumber
		for s.p < len(s.src) && strings.IndexByte("+-0123456789.eE", s.src[s.p]) >= 0 {
			s.p++
		}
	}
	v.end = s.p
	return v
}

func (s *jsonScanner) str() {
	for s.p++; s.src[s.p] != '"'; s.p++ {
		if s.src[s.p] == '\\' {
			s.p++
		}
	}
	s.p++
}

func (v *jsonValue) member(name string) *jsonMember {
	for j := len(v.members) - 1; j >= 0; j-- {
		if v.members[j].name == name {
			return &v.members[j]
		}
	}
	return nil
}

// walk follows segs from the root. It returns the value at the full path,
// or the deepest object reached and how many names matched.
func (d *jsonDoc) walk(segs []string) (v *jsonValue, matched int, err error) {
	v = d.root
	for i, seg := range segs {
		switch v.kind {
		case jsonObject:
			m := v.member(seg)
			if m == nil {
				return v, i, nil
			}
			v = m.val
		case jsonArray:
			n, err := strconv.Atoi(seg)
			if err != nil || n < 0 || strconv.Itoa(n) != seg {
				return nil, i, fmt.Errorf("%s is an array and %q is not an index", joinPath(segs[:i]), seg)
			}
			if n >= len(v.elems) {
				return nil, i, fmt.Errorf("%s has %d element(s), index %d is out of range (patch never adds array elements)",
					joinPath(segs[:i]), len(v.elems), n)
			}
			v = v.elems[n]
		default:
			return nil, i, fmt.Errorf("%s is %v, not an object", joinPath(segs[:i]), v.kind)
		}
	}
	return v, len(segs), nil
}

func (d *jsonDoc) lookup(key string) (string, bool, error) {
	segs, err := splitPath(key)
	if err != nil || d.root == nil {
		return "", false, err
	}
	v, matched, err := d.walk(segs)
	if err != nil || matched < len(segs) {
		return "", false, err
	}
	return d.text(v), true, nil
}

// text is the value a reader sees: a string unquoted, null empty, numbers
// and booleans as written, objects and arrays as their JSON text.
func (d *jsonDoc) text(v *jsonValue) string {
	raw := d.src[v.start:v.end]
	switch v.kind {
	case jsonString:
		var s string
		_ = json.Unmarshal(raw, &s)
		return s
	case jsonNull:
		return ""
	}
	return string(raw)
}

func (d *jsonDoc) assign(key, value string) ([]splice, error) {
	segs, err := splitPath(key)
	if err != nil {
		return nil, err
	}
	if d.root == nil {
		m, err := d.newMember(segs, value, jsonLayout{pretty: true, indent: "  ", unit: "  ", colon: ": "})
		if err != nil {
			return nil, err
		}
		return []splice{{0, len(d.src), "{" + d.eol + "  " + m + d.eol + "}" + d.eol}}, nil
	}
	v, matched, err := d.walk(segs)
	if err != nil {
		return nil, err
	}
	if matched < len(segs) {
		sp, err := d.insert(v, segs[matched:], value)
		return []splice{sp}, err
	}
	switch v.kind {
	case jsonObject, jsonArray:
		return nil, fmt.Errorf("%s is %v; only strings, numbers and booleans are set", joinPath(segs), v.kind)
	}
	text, err := encodeJSONFor(value, v.kind)
	if err != nil {
		return nil, err
	}
	// null reads as empty, but setting "" still writes "" for readers that tell them apart.
	if d.text(v) == value && v.kind != jsonNull {
		return nil, nil
	}
	return []splice{{v.start, v.end, text}}, nil
}

// encodeJSONFor writes value as a JSON string, or as a bare literal when the
// existing value has that type (see the file comment).
func encodeJSONFor(value string, kind jsonKind) (string, error) {
	switch {
	case kind == jsonNumber && isJSONNumber(value), kind == jsonBool && (value == "true" || value == "false"):
		return value, nil
	}
	return encodeJSONString(value)
}

func encodeJSONString(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("value %q is not valid UTF-8, which JSON cannot hold", s)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // "<" and "&" are fine in a config file; keep them readable
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n"), nil
}
