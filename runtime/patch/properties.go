package patch

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Java properties (format Properties), as java.util.Properties.load reads
// them: Keycloak's keycloak.conf, Quarkus' application.properties,
// Spring's and many Java servers' *.properties.
//
//	# comment            ! comment too
//	db=postgres
//	db-url = jdbc:postgresql://db/kc   ; key "db-url"; the value keeps " ; ..." and trailing blanks
//	http-relative-path : /auth
//	spi-theme-welcome-theme keycloak   ; a blank separates too
//	long = first \
//	       second                      ; a backslash continues the line: "first second"
//
// A key is the whole name ("quarkus.http.port" is one flat key: properties
// have no sections). The last of duplicated keys is the one read and
// updated. Keys and values read the escapes \t \n \r \f \uXXXX and \X = X.
//
// Writing: a value is escaped the way Properties.store writes it, so any
// string reads back exactly: \ as \\, tab, newline, CR and form feed as
// \t \n \r \f, = : # ! as \= \: \# \!, a leading (and a trailing) blank as
// "\ ", and every other non-printable or non-ASCII character as \uXXXX,
// which reads right whether the file is loaded as ISO-8859-1 (load of a
// stream) or UTF-8 (load of a reader, Quarkus). A replaced value keeps the
// key and separator as written; a new key is appended at the end with the
// separator of the last key ("=" when there is none). Keycloak also expands
// ${...} inside values (SmallRye Config): this escaping is Properties',
// not SmallRye's.

type propEntry struct {
	key              string
	keyEnd           int // src offset just past the key as written
	valStart, valEnd int // src span of the value, continuation lines included
	sep              bool
	value            string // as read
}

type propDoc struct {
	src     []byte
	eol     string
	entries []propEntry
	// dangling: the last line ends in a continuation backslash, so a line
	// appended right after it would join its entry.
	dangling bool
}

func isPropBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\f' }

func parseProperties(src []byte) (document, error) {
	ls := splitLines(src)
	d := &propDoc{src: src, eol: eolOf(src)}
	for i := 0; i < len(ls); i++ {
		l := ls[i]
		d.dangling = false
		t := bytes.TrimLeft(src[l.start:l.end], " \t\f")
		if len(t) == 0 || t[0] == '#' || t[0] == '!' {
			continue
		}
		// The logical line, with the src offset of each of its bytes.
		var logical []byte
		var pos []int
		first := i
		start := l.end - len(t)
		for {
			text := src[start:ls[i].end]
			bs := 0
			for bs < len(text) && text[len(text)-1-bs] == '\\' {
				bs++
			}
			cont := bs%2 == 1 && i+1 < len(ls)
			d.dangling = bs%2 == 1 && i+1 == len(ls)
			if cont || bs%2 == 1 {
				text = text[:len(text)-1]
			}
			for j := range text {
				logical = append(logical, text[j])
				pos = append(pos, start+j)
			}
			if !cont {
				break
			}
			i++
			next := bytes.TrimLeft(src[ls[i].start:ls[i].end], " \t\f")
			start = ls[i].end - len(next)
		}
		contentEnd := ls[i].end
		if d.dangling {
			contentEnd-- // the dropped backslash: a replaced value drops it too
		}
		e, err := propEntryOf(logical, pos, contentEnd, ls[i].end)
		if err != nil {
			return nil, errAt(first+1, "cannot parse line: %v", err)
		}
		d.entries = append(d.entries, e)
	}
	return d, nil
}

// propEntryOf splits a logical line as Properties.load does; end is the
// src offset of the end of its last natural line, contentEnd that of its
// last byte of content.
func propEntryOf(lb []byte, pos []int, contentEnd, end int) (propEntry, error) {
	at := func(j int) int {
		if j < len(pos) {
			return pos[j]
		}
		return contentEnd
	}
	keyLen, valueStart, hasSep, backslash := 0, len(lb), false, false
	for keyLen < len(lb) {
		c := lb[keyLen]
		if (c == '=' || c == ':') && !backslash {
			valueStart, hasSep = keyLen+1, true
			break
		}
		if isPropBlank(c) && !backslash {
			valueStart = keyLen + 1
			break
		}
		backslash = c == '\\' && !backslash
		keyLen++
	}
	for valueStart < len(lb) {
		c := lb[valueStart]
		if !isPropBlank(c) {
			if hasSep || (c != '=' && c != ':') {
				break
			}
			hasSep = true
		}
		valueStart++
	}
	key, err := unescapeProp(lb[:keyLen])
	if err != nil {
		return propEntry{}, err
	}
	value, err := unescapeProp(lb[valueStart:])
	if err != nil {
		return propEntry{}, err
	}
	return propEntry{key: key, keyEnd: at(keyLen), valStart: at(valueStart), valEnd: end,
		sep: hasSep || valueStart > keyLen, value: value}, nil
}

// unescapeProp reads Properties' escapes.
func unescapeProp(b []byte) (string, error) {
	if bytes.IndexByte(b, '\\') < 0 {
		return string(b), nil
	}
	var sb strings.Builder
	var units []uint16 // \uXXXX code units, joined so surrogate pairs decode
	flush := func() {
		if len(units) > 0 {
			sb.WriteString(string(utf16.Decode(units)))
			units = units[:0]
		}
	}
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 >= len(b) {
			flush()
			sb.WriteByte(b[i])
			continue
		}
		i++
		c := b[i]
		if c == 'u' {
			if i+5 > len(b) {
				return "", errors.New(`malformed \uXXXX escape`)
			}
			var u uint16
			for _, h := range b[i+1 : i+5] {
				switch {
				case '0' <= h && h <= '9':
					u = u<<4 | uint16(h-'0')
				case 'a' <= h && h <= 'f':
					u = u<<4 | uint16(h-'a'+10)
				case 'A' <= h && h <= 'F':
					u = u<<4 | uint16(h-'A'+10)
				default:
					return "", errors.New(`malformed \uXXXX escape`)
				}
			}
			units = append(units, u)
			i += 4
			continue
		}
		flush()
		switch c {
		case 't':
			c = '\t'
		case 'n':
			c = '\n'
		case 'r':
			c = '\r'
		case 'f':
			c = '\f'
		}
		sb.WriteByte(c)
	}
	flush()
	return sb.String(), nil
}

// escapeProp writes s the way Properties.store does (escUnicode on);
// isKey escapes every blank, a value only a leading or trailing one.
func escapeProp(s string, isKey bool) (string, error) {
	if !utf8.ValidString(s) {
		return "", errors.New("value is not valid UTF-8")
	}
	var sb strings.Builder
	for i, r := range s {
		switch {
		case r == ' ' && (isKey || i == 0 || i == len(s)-1):
			sb.WriteString(`\ `)
		case r == '\\':
			sb.WriteString(`\\`)
		case r == '\t':
			sb.WriteString(`\t`)
		case r == '\n':
			sb.WriteString(`\n`)
		case r == '\r':
			sb.WriteString(`\r`)
		case r == '\f':
			sb.WriteString(`\f`)
		case r == '=' || r == ':' || r == '#' || r == '!':
			sb.WriteByte('\\')
			sb.WriteRune(r)
		case r < 0x20 || r > 0x7e:
			for _, u := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(&sb, `\u%04X`, u)
			}
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String(), nil
}

func (d *propDoc) find(key string) *propEntry {
	for j := len(d.entries) - 1; j >= 0; j-- {
		if d.entries[j].key == key {
			return &d.entries[j]
		}
	}
	return nil
}

func (d *propDoc) lookup(key string) (string, bool, error) {
	if e := d.find(key); e != nil {
		return e.value, true, nil
	}
	return "", false, nil
}

func (d *propDoc) assign(key, value string) ([]splice, error) {
	if key == "" {
		return nil, errors.New("empty key")
	}
	v, err := escapeProp(value, false)
	if err != nil {
		return nil, err
	}
	if e := d.find(key); e != nil {
		if e.value == value {
			return nil, nil
		}
		if !e.sep {
			v = "=" + v
		}
		return []splice{{e.valStart, e.valEnd, v}}, nil
	}
	k, err := escapeProp(key, true)
	if err != nil {
		return nil, err
	}
	delim := "="
	if n := len(d.entries); n > 0 {
		last := d.entries[n-1]
		if w := string(d.src[last.keyEnd:last.valStart]); strings.ContainsAny(w, "=:") && !strings.Contains(w, "\n") {
			delim = strings.TrimRight(w, " \t\f")
			if value != "" && strings.TrimRight(w, " \t\f") != w {
				delim = w
			}
		}
	}
	lines := []string{k + delim + v}
	if d.dangling {
		lines = append([]string{""}, lines...) // a blank line ends the continuation
	}
	return []splice{insertLines(d.src, len(d.src), lines, d.eol)}, nil
}
