package patch

import (
	"bytes"
	"errors"
	"strings"
)

// The raw INI dialect (format INIRaw) is INI as crudini writes and reads
// it, which is also what Python's configparser (RawConfigParser: Odoo;
// ConfigParser) and PHP read from such a line:
//
//	[options]
//	db_password = kc"pa$s;x           ; value: kc"pa$s;x  (quotes, $ and a ; inside are text)
//	admin_passwd = first line
//	    second line                   ; a more-indented line continues the value above
//
// A value is the rest of the line after "=" or ":", blanks around it
// trimmed, up to an inline comment: a ";" or "#" that starts the value or
// follows a blank, which crudini and PHP cut and keep when they rewrite the
// value (Python's configparser takes it as part of the value: a file read by
// Python has no inline comments). No quote or escape is recognised, so what
// is written is what the reader gets. Key names match case-insensitively
// (configparser lowercases them); section names are case-sensitive. A line
// indented deeper than its key continues the key's value (blank and comment
// lines between continuation lines included), as configparser and crudini
// read it; replacing the value replaces them all.
//
// Written values are never quoted, and a value no raw line holds for every
// reader is an error, not a guess: one that starts or ends with a blank
// (every reader trims it), holds a line break, starts with ";" or "#" or
// holds one after a blank (crudini and PHP would cut it there). ConfigParser
// WITH interpolation (Python's default class) also reads "%" specially: its
// files need "%%", which this dialect does not write.

// rawCont tracks the key whose value indented lines may continue.
type rawCont struct {
	on      bool
	key     int // index in the section's keys
	indent  int
	pending int // blank lines since the last value line
}

// extend consumes line l when it belongs to the value of the key before
// it: a blank or comment line (kept in the value's span only if a value
// line follows) or a line indented deeper than the key.
func (c *rawCont) extend(cur *iniSection, src []byte, l line, t []byte) bool {
	if !c.on {
		return false
	}
	text := src[l.start:l.end]
	switch {
	case len(t) == 0:
		c.pending++
		return true
	case t[0] == ';' || t[0] == '#':
		return true
	case len(text)-len(t) <= c.indent:
		c.on = false
		return false
	}
	k := &cur.keys[c.key]
	k.value += strings.Repeat("\n", c.pending+1) + string(bytes.TrimRight(t, " \t"))
	k.valEnd = l.start + len(bytes.TrimRight(text, " \t"))
	k.lineEnd = l.end
	c.pending = 0
	cur.insertAt = l.next
	return true
}

// parseRawINIKey parses the key line ls[i] of the raw dialect.
func parseRawINIKey(src []byte, ls []line, i int) (iniKey, error) {
	l := ls[i]
	k, err := parseINIKeyHead(src, l, i)
	if err != nil || k.bare {
		return k, err
	}
	k.valEnd, k.lineEnd = rawINIEnd(src, k.valStart, l.end), l.end
	k.value = string(src[k.valStart:k.valEnd])
	return k, nil
}

// rawValueOK refuses a value the raw dialect cannot write.
func rawValueOK(v string) error {
	if strings.ContainsAny(v, "\r\n") {
		return errors.New(`a raw ini value cannot hold a line break (use format = "json" or a template for such a file)`)
	}
	if v != "" && (strings.IndexByte(" \t", v[0]) >= 0 || strings.IndexByte(" \t", v[len(v)-1]) >= 0) {
		return errors.New("a raw ini value cannot start or end with a blank: every raw ini reader trims it")
	}
	if end := rawINIEnd([]byte(v), 0, len(v)); end < len(v) {
		return errors.New(`a raw ini value cannot start with ";" or "#" or hold one after a blank: crudini and PHP read a comment there`)
	}
	return nil
}

// rawIndent returns the indentation for a key line inserted at offset at:
// indent, or deeper when the next line with content is indented deeper,
// which would otherwise read as a continuation of the new key.
func (d *iniDoc) rawIndent(at int, indent string) string {
	for _, l := range splitLines(d.src[at:]) {
		text := d.src[at+l.start : at+l.end]
		t := bytes.TrimLeft(text, " \t")
		if len(t) == 0 || t[0] == ';' || t[0] == '#' {
			continue
		}
		if ind := leadingSpace(text); len(ind) > len(indent) {
			return string(ind)
		}
		break
	}
	return indent
}

// encode writes v after "key = " in the document's dialect.
func (d *iniDoc) encode(v string, quote byte) string {
	if d.raw {
		return v
	}
	return encodeINI(v, quote)
}
