package patch

import (
	"bytes"
	"fmt"
	"strings"
)

// dotenv, the KEY=VAL files apps and start scripts read (and shells source):
//
//	# comment
//	export APP_URL=https://example.com   # inline comment after a blank
//	DB_PASSWORD='p@ss word'
//	GREETING="line one\nline two"
//
// Names are [A-Za-z_][A-Za-z0-9_.-]*; a dot is part of the name ("app.key"
// is one flat name: dotenv has no nesting). Blanks around "=" are allowed.
//
// Values as read: raw up to a "#" that follows a blank, trimmed; 'single
// quoted' (literal, may span lines); "double quoted" (\n \" \\ \$ are
// escapes, any other backslash stays, may span lines). A line that is not a
// comment and has no "=" is an error.
//
// A key that appears more than once is updated everywhere, so readers that
// take the first (Node's dotenv) and the last (shell, python-dotenv) agree;
// defaults look at the last.
//
// Writing: a value made only of letters, digits, non-ASCII text and
// _ . / : @ % + , = - is written raw. Any other value is single-quoted,
// which every dotenv reader and the shell read literally, unless it holds a
// ' or a newline: then it is double-quoted with \\ \" \$ and \n escapes.
// A shell sourcing the file reads all of these the same, except \n (a
// literal backslash-n there) and a backquote inside double quotes (a
// command; dotenv readers keep a backslash before it, so it is not
// escaped): a double-quoted value holding a backquote becomes single-quoted
// when it can. A replaced value keeps its quoting where the value allows,
// its "export", spacing and inline comment. A new key is appended at the end,
// with "export " when the file's last assignment has it.

type envKey struct {
	name             string
	export           bool
	valStart, valEnd int // the value as written, quotes included
	lineEnd          int
	quote            byte
	value            string
}

type envDoc struct {
	src  []byte
	eol  string
	keys []envKey
}

func parseDotenv(src []byte) (document, error) {
	ls := splitLines(src)
	d := &envDoc{src: src, eol: eolOf(src)}
	for i := 0; i < len(ls); i++ {
		l := ls[i]
		t := bytes.TrimLeft(src[l.start:l.end], " \t")
		if len(t) == 0 || t[0] == '#' {
			continue
		}
		k, last, err := parseEnvLine(src, ls, i)
		if err != nil {
			return nil, err
		}
		d.keys = append(d.keys, k)
		i = last
	}
	return d, nil
}

func parseEnvLine(src []byte, ls []line, i int) (k envKey, last int, err error) {
	l := ls[i]
	p := l.start + len(leadingSpace(src[l.start:l.end]))
	if rest := src[p:l.end]; bytes.HasPrefix(rest, []byte("export")) && len(rest) > 6 && (rest[6] == ' ' || rest[6] == '\t') {
		k.export = true
		p += 6 + len(leadingSpace(rest[6:]))
	}
	ns := p
	for p < l.end && isEnvNameByte(src[p], p == ns) {
		p++
	}
	k.name = string(src[ns:p])
	for p < l.end && (src[p] == ' ' || src[p] == '\t') {
		p++
	}
	if k.name == "" || p == l.end || src[p] != '=' {
		return k, i, errAt(i+1, "cannot parse line: want NAME=VALUE, got %q", src[l.start:l.end])
	}
	p++
	for p < l.end && (src[p] == ' ' || src[p] == '\t') {
		p++
	}
	k.valStart, last = p, i
	if p < l.end && (src[p] == '"' || src[p] == '\'') {
		q := src[p]
		end, ok := scanEnvQuoted(src, p)
		if !ok {
			return k, i, errAt(i+1, "cannot parse line: unterminated quoted value (opened with %c)", q)
		}
		for last < len(ls)-1 && ls[last].next < end {
			last++
		}
		if rest := bytes.TrimLeft(src[end:ls[last].end], " \t"); len(rest) > 0 && rest[0] != '#' {
			return k, i, errAt(last+1, "cannot parse line: unexpected text %q after quoted value", rest)
		}
		k.valEnd, k.quote, k.lineEnd = end, q, ls[last].end
		if q == '"' {
			k.value = unquoteEnvDouble(src[p+1 : end-1])
		} else {
			k.value = string(src[p+1 : end-1])
		}
		return k, last, nil
	}
	end := l.end
	for q := p; q < l.end; q++ {
		// src[p-1] is the "=" or a blank after it: "K= # note" is empty.
		if src[q] == '#' && (src[q-1] == ' ' || src[q-1] == '\t') {
			end = q
			break
		}
	}
	for end > p && (src[end-1] == ' ' || src[end-1] == '\t') {
		end--
	}
	k.valEnd, k.lineEnd, k.value = end, l.end, string(src[p:end])
	return k, i, nil
}

func isEnvNameByte(c byte, first bool) bool {
	switch {
	case c == '_', 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		return true
	case first:
		return false
	}
	return '0' <= c && c <= '9' || c == '.' || c == '-'
}

func validEnvName(name string) bool {
	for i := 0; i < len(name); i++ {
		if !isEnvNameByte(name[i], i == 0) {
			return false
		}
	}
	return name != ""
}

func (d *envDoc) lookup(key string) (string, bool, error) {
	if !validEnvName(key) {
		return "", false, fmt.Errorf("%q is not a dotenv name ([A-Za-z_][A-Za-z0-9_.-]*)", key)
	}
	for j := len(d.keys) - 1; j >= 0; j-- {
		if d.keys[j].name == key {
			return d.keys[j].value, true, nil
		}
	}
	return "", false, nil
}

func (d *envDoc) assign(key, value string) ([]splice, error) {
	if !validEnvName(key) {
		return nil, fmt.Errorf("%q is not a dotenv name ([A-Za-z_][A-Za-z0-9_.-]*)", key)
	}
	var sp []splice
	found := false
	for _, k := range d.keys {
		if k.name != key {
			continue
		}
		found = true
		if k.value == value {
			continue
		}
		text := encodeEnv(value, k.quote)
		if k.valStart == k.valEnd && k.valEnd < k.lineEnd && text != "" {
			text += " " // "K= # note": keep the comment apart from the new value
		}
		sp = append(sp, splice{k.valStart, k.valEnd, text})
	}
	if found {
		return sp, nil
	}
	prefix := ""
	if n := len(d.keys); n > 0 && d.keys[n-1].export {
		prefix = "export "
	}
	return []splice{insertLines(d.src, len(d.src), []string{prefix + key + "=" + encodeEnv(value, 0)}, d.eol)}, nil
}

// scanEnvQuoted returns the offset just past the quote closing the value
// that opens at src[at]; in double quotes a backslash escapes the next byte.
func scanEnvQuoted(src []byte, at int) (end int, ok bool) {
	q := src[at]
	for p := at + 1; p < len(src); p++ {
		switch {
		case src[p] == '\\' && q == '"':
			p++
		case src[p] == q:
			return p + 1, true
		}
	}
	return 0, false
}

func unquoteEnvDouble(b []byte) string {
	var sb strings.Builder
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' && i+1 < len(b) {
			switch b[i+1] {
			case 'n':
				sb.WriteByte('\n')
				i++
				continue
			case '"', '\\', '$':
				i++
			}
		}
		sb.WriteByte(b[i])
	}
	return sb.String()
}

func quoteEnvDouble(v string) string {
	var sb strings.Builder
	sb.WriteByte('"')
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '\n':
			sb.WriteString(`\n`)
		case '\\', '"', '$':
			sb.WriteByte('\\')
			sb.WriteByte(c)
		default:
			sb.WriteByte(c)
		}
	}
	sb.WriteByte('"')
	return sb.String()
}

// encodeEnv writes v raw when that is safe, else quoted; quote is the style
// the old value had (0 for raw or a new key).
func encodeEnv(v string, quote byte) string {
	singleOK := !strings.ContainsAny(v, "'\n")
	switch {
	case quote == '"' && (!strings.Contains(v, "`") || !singleOK):
		// A backquote in double quotes runs a command when a shell sources
		// the file, and no escape for it is read the same by dotenv readers.
		return quoteEnvDouble(v)
	case quote == '\'' && singleOK:
		return "'" + v + "'"
	case quote == 0 && envRawSafe(v):
		return v
	case singleOK:
		return "'" + v + "'"
	}
	return quoteEnvDouble(v)
}

func envRawSafe(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= 0x80 || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte("_./:@%+,=-", c) >= 0 {
			continue
		}
		return false
	}
	return true
}
