package patch

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// INI, the way crudini and PHP's parse_ini_file read it:
//
//	; comment            # comment too
//	top = 1              ; key "top" (or ".top") in the sectionless top part
//	[Session]
//	session.save_path = "/run/php/sessions"   ; key "Session.session.save_path"
//	[mail.smtp]
//	host = smtp.example                       ; key "[mail.smtp]host"
//
// A key line is "name = value", "name=value" or "name: value" (the first "="
// or ":" ends the name); a line with neither is a valueless key (my.cnf's
// "skip-name-resolve"), kept, and given " = value" if set. Leading
// whitespace is ignored; there are no continuation lines.
//
// Values as read: "double quoted" (\" \\ \$ unescaped, may span lines as in
// PHP), 'single quoted' (literal), or raw up to a ";" or "#" that starts the
// value or follows a space (an inline comment; "abc;def" is one value).
//
// A duplicated key: the last one is read and updated (it is the one PHP
// reads); a repeated [section] is one section, new keys go to its last part.
// Section and key names are case-sensitive.
//
// Writing: a replaced value keeps the spacing, the inline comment after it
// and its quoting style (single quotes where the value allows). A raw value
// is double-quoted PHP-style when PHP would not read it back raw: leading or
// trailing blanks, control characters or newlines, or any of  " ' ; # ! & (
// ) ^ | ~ = $. Inside double quotes \ " $ are backslash-escaped and newlines
// are written as they are (parse_ini_file reads them). Python's configparser
// (crudini, Odoo) keeps quotes as part of the value, so such values are only
// right for PHP-style readers. Words such as On, off, yes, true are written
// raw: in php.ini and Odoo's conf they are meant as booleans.
//
// This is the "php" dialect (format INI); ini_raw.go has the raw one
// (format INIRaw), which shares this parser's structure and placement.
//
// A new key goes after the last key of its section (after the header when it
// has none; for a top part without keys, below the file's leading comment and
// above the first section and the comment lines directly on its header, or
// after the last line of a file without sections), with the indentation
// of the section's last key and the "=" spacing of the nearest key
// ("key = value" when there is none). A new section goes at the end, after a
// blank line.

type iniKey struct {
	name             string
	indent           string
	keyEnd           int    // just past the name: where " = v" goes for a valueless key
	delim            string // src[keyEnd:valStart]; "" for a valueless key
	bare             bool   // no "=" or ":"
	valStart, valEnd int    // the value as written, quotes included, inline comment excluded
	lineEnd          int    // end of the line holding valEnd
	quote            byte   // 0, '"' or '\''
	value            string // as a reader sees it
}

type iniSection struct {
	name     string
	keys     []iniKey
	insertAt int // start of the line after the last key, or after the header
}

type iniDoc struct {
	src      []byte
	eol      string
	secs     []*iniSection // secs[0] is the top part, name ""
	endBlank bool          // the file is empty or its last line is blank
	raw      bool          // the raw dialect (ini_raw.go)
}

func parseINI(src []byte) (document, error) { return asDocument(parseINIDialect(src, false)) }

func parseRawINI(src []byte) (document, error) { return asDocument(parseINIDialect(src, true)) }

// asDocument keeps a nil *iniDoc out of the interface.
func asDocument(d *iniDoc, err error) (document, error) {
	if err != nil {
		return nil, err
	}
	return d, nil
}

func parseINIDialect(src []byte, raw bool) (*iniDoc, error) {
	ls := splitLines(src)
	top := &iniSection{}
	if bytes.HasPrefix(src, []byte(bom)) {
		top.insertAt = len(bom) // new top keys go after the byte order mark
	}
	d := &iniDoc{src: src, eol: eolOf(src), secs: []*iniSection{top}, endBlank: true, raw: raw}
	cur := top
	firstHeader := len(ls)
	cont := rawCont{} // the raw dialect's continuation lines
	for i := 0; i < len(ls); i++ {
		l := ls[i]
		text := src[l.start:l.end]
		t := bytes.TrimLeft(text, " \t")
		d.endBlank = len(t) == 0
		if raw && cont.extend(cur, src, l, t) {
			continue
		}
		switch {
		case len(t) == 0, t[0] == ';', t[0] == '#':
		case t[0] == '[':
			firstHeader = min(firstHeader, i)
			end := bytes.IndexByte(t, ']')
			if end < 0 {
				return nil, errAt(i+1, "cannot parse line: section header %q has no closing ]", t)
			}
			name := string(bytes.TrimSpace(t[1:end]))
			if name == "" {
				return nil, errAt(i+1, "cannot parse line: empty section name")
			}
			if !isCommentOrBlank(t[end+1:]) {
				return nil, errAt(i+1, "cannot parse line: unexpected text %q after section header", bytes.TrimSpace(t[end+1:]))
			}
			cur = &iniSection{name: name, insertAt: l.next}
			d.secs = append(d.secs, cur)
			cont = rawCont{}
		default:
			var k iniKey
			var last int
			var err error
			if raw {
				last = i
				k, err = parseRawINIKey(src, ls, i)
			} else {
				k, last, err = parseINIKey(src, ls, i)
			}
			if err != nil {
				return nil, err
			}
			i = last
			cur.keys = append(cur.keys, k)
			cur.insertAt = ls[last].next
			cont = rawCont{key: len(cur.keys) - 1, indent: len(k.indent), on: true}
		}
	}
	if len(top.keys) == 0 {
		top.insertAt = topInsert(src, ls, firstHeader, top.insertAt)
	}
	return d, nil
}

// topInsert is where a new key of the top, sectionless part goes when it
// has no key yet: below the file's leading comment and above the first
// [section] (and above the comment lines that stand directly on that
// header, which describe the section); in a file without sections, after
// its last non-blank line. at is the start of the file (past a BOM).
func topInsert(src []byte, ls []line, header, at int) int {
	j := header - 1
	if header < len(ls) {
		for j >= 0 && isCommentLine(src, ls[j]) {
			j--
		}
	}
	for j >= 0 && len(bytes.TrimSpace(src[ls[j].start:ls[j].end])) == 0 {
		j--
	}
	if j < 0 {
		return at
	}
	return ls[j].next
}

func isCommentLine(src []byte, l line) bool {
	t := bytes.TrimLeft(src[l.start:l.end], " \t")
	return len(t) > 0 && (t[0] == ';' || t[0] == '#')
}

// isCommentOrBlank reports whether b, the rest of a line, is empty or an
// inline comment.
func isCommentOrBlank(b []byte) bool {
	t := bytes.TrimLeft(b, " \t")
	return len(t) == 0 || t[0] == ';' || t[0] == '#'
}

// parseINIKey parses the key line ls[i]; a double-quoted value may go on
// over more lines, last is the index of the line it ends on.
func parseINIKey(src []byte, ls []line, i int) (k iniKey, last int, err error) {
	l := ls[i]
	if k, err = parseINIKeyHead(src, l, i); err != nil || k.bare {
		return k, i, err
	}
	vs := k.valStart
	last = i
	switch {
	case vs < l.end && src[vs] == '"':
		end, ok := scanPHPDouble(src, vs)
		if !ok {
			return k, i, errAt(i+1, "cannot parse line: unterminated quoted value")
		}
		for last < len(ls)-1 && ls[last].next < end {
			last++
		}
		if !isCommentOrBlank(src[end:ls[last].end]) {
			return k, i, errAt(last+1, "cannot parse line: unexpected text %q after quoted value",
				bytes.TrimSpace(src[end:ls[last].end]))
		}
		k.valEnd, k.quote = end, '"'
		k.value = unquotePHPDouble(src[vs+1 : end-1])
	case vs < l.end && src[vs] == '\'' && singleQuotedEnd(src[vs:l.end]) > 0:
		k.valEnd, k.quote = vs+singleQuotedEnd(src[vs:l.end]), '\''
		k.value = string(src[vs+1 : k.valEnd-1])
	default:
		k.valEnd = rawINIEnd(src, vs, l.end)
		k.value = string(src[vs:k.valEnd])
	}
	k.lineEnd = ls[last].end
	return k, last, nil
}

// parseINIKeyHead parses the key line l (line i+1) up to its value, in
// both dialects: the indent, the name, the delimiter with its blanks, and
// where the value starts. A line without "=" or ":" is a bare key, whole.
func parseINIKeyHead(src []byte, l line, i int) (iniKey, error) {
	text := src[l.start:l.end]
	ind := leadingSpace(text)
	t := text[len(ind):]
	k := iniKey{indent: string(ind)}
	d := bytes.IndexAny(t, "=:")
	if d < 0 {
		name := bytes.TrimRight(t, " \t")
		k.name, k.bare = string(name), true
		k.keyEnd = l.start + len(ind) + len(name)
		k.valStart, k.valEnd, k.lineEnd = k.keyEnd, k.keyEnd, l.end
		return k, nil
	}
	name := bytes.TrimRight(t[:d], " \t")
	if len(name) == 0 {
		return k, errAt(i+1, "cannot parse line: no key before %q", t[d])
	}
	k.name = string(name)
	k.keyEnd = l.start + len(ind) + len(name)
	vs := l.start + len(ind) + d + 1
	for vs < l.end && (src[vs] == ' ' || src[vs] == '\t') {
		vs++
	}
	k.delim = string(src[k.keyEnd:vs])
	k.valStart = vs
	return k, nil
}

// singleQuotedEnd returns the length of the 'quoted' value b starts with
// when only a comment follows it, else 0 (the value is then raw).
func singleQuotedEnd(b []byte) int {
	end := bytes.IndexByte(b[1:], '\'')
	if end < 0 || !isCommentOrBlank(b[end+2:]) {
		return 0
	}
	return end + 2
}

// rawINIEnd returns where the raw value starting at vs ends: before an
// inline comment, trailing blanks trimmed.
func rawINIEnd(src []byte, vs, le int) int {
	end := le
	for p := vs; p < le; p++ {
		if (src[p] == ';' || src[p] == '#') && (p == vs || src[p-1] == ' ' || src[p-1] == '\t') {
			end = p
			break
		}
	}
	for end > vs && (src[end-1] == ' ' || src[end-1] == '\t') {
		end--
	}
	return end
}

// splitINIKey cuts "section.key", "[sec.tion]key", ".key" or "key".
func splitINIKey(key string) (sec, name string, err error) {
	switch {
	case strings.HasPrefix(key, "["):
		end := strings.IndexByte(key, ']')
		if end < 0 {
			return "", "", errors.New(`no closing ] (write "[section.name]key")`)
		}
		sec, name = key[1:end], key[end+1:]
		if sec == "" {
			return "", "", errors.New(`empty section name in [] (write ".key" for the top part)`)
		}
	case strings.HasPrefix(key, "."):
		name = key[1:]
	default:
		sec, name, _ = strings.Cut(key, ".")
		if !strings.Contains(key, ".") {
			sec, name = "", key
		}
	}
	if sec != "" && (strings.ContainsAny(sec, "]\r\n") || strings.TrimSpace(sec) != sec) {
		return "", "", fmt.Errorf("section name %q cannot be written in a [header]", sec)
	}
	if name == "" || strings.ContainsAny(name, "=:\r\n") || strings.TrimSpace(name) != name ||
		strings.ContainsAny(name[:1], "[;#") {
		return "", "", fmt.Errorf("key name %q cannot be written in an ini file", name)
	}
	return sec, name, nil
}

func (d *iniDoc) find(sec, name string) (*iniSection, *iniKey) {
	var s *iniSection
	var k *iniKey
	for _, cand := range d.secs {
		if cand.name != sec {
			continue
		}
		s = cand
		for j := range cand.keys {
			if cand.keys[j].name == name || d.raw && strings.EqualFold(cand.keys[j].name, name) {
				k = &cand.keys[j]
			}
		}
	}
	return s, k
}

func (d *iniDoc) lookup(key string) (string, bool, error) {
	sec, name, err := splitINIKey(key)
	if err != nil {
		return "", false, err
	}
	if _, k := d.find(sec, name); k != nil {
		return k.value, true, nil
	}
	return "", false, nil
}

func (d *iniDoc) assign(key, value string) ([]splice, error) {
	sec, name, err := splitINIKey(key)
	if err != nil {
		return nil, err
	}
	if d.raw {
		if err := rawValueOK(value); err != nil {
			return nil, err
		}
	}
	s, k := d.find(sec, name)
	if k != nil {
		if k.value == value {
			return nil, nil
		}
		return []splice{d.replace(s, k, value)}, nil
	}
	if s != nil {
		indent := ""
		if len(s.keys) > 0 {
			indent = s.keys[len(s.keys)-1].indent
		}
		if d.raw {
			indent = d.rawIndent(s.insertAt, indent)
		}
		return []splice{insertLines(d.src, s.insertAt, []string{indent + name + d.delimFor(s, value) + d.encode(value, 0)}, d.eol)}, nil
	}
	var ls []string
	if !d.endBlank {
		ls = append(ls, "")
	}
	ls = append(ls, "["+sec+"]", name+d.delimFor(nil, value)+d.encode(value, 0))
	return []splice{insertLines(d.src, len(d.src), ls, d.eol)}, nil
}

func (d *iniDoc) replace(s *iniSection, k *iniKey, value string) splice {
	if k.bare {
		// valEnd: the raw dialect's continuation lines, replaced too.
		return splice{k.keyEnd, k.valEnd, d.delimFor(s, value) + d.encode(value, 0)}
	}
	text := d.encode(value, k.quote)
	if k.valStart == k.valEnd && text != "" {
		// "key =" or "key = ; comment": keep words apart from the "=" and
		// from the comment, which would otherwise read as part of the value.
		if strings.TrimRight(k.delim, " \t") == k.delim && strings.TrimLeft(k.delim, " \t") != k.delim {
			text = " " + text
		}
		if k.valEnd < k.lineEnd {
			text += " "
		}
	}
	return splice{k.valStart, k.valEnd, text}
}

// delimFor returns the "=" with the spacing the nearest key uses: the last
// key of s, else the last key of the file, else " = ". An empty value gets
// no trailing blank.
func (d *iniDoc) delimFor(s *iniSection, value string) string {
	delim := " = "
	pick := func(keys []iniKey) bool {
		for j := len(keys) - 1; j >= 0; j-- {
			// "key =" at the end of a line shows no spacing after the "=".
			if !keys[j].bare && strings.Contains(keys[j].delim, "=") && keys[j].valStart < keys[j].lineEnd {
				delim = keys[j].delim
				return true
			}
		}
		return false
	}
	found := s != nil && pick(s.keys)
	for j := len(d.secs) - 1; j >= 0 && !found; j-- {
		found = pick(d.secs[j].keys)
	}
	if value == "" {
		return strings.TrimRight(delim, " \t")
	}
	return delim
}
