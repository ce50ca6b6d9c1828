package spec

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// BurntSushi/toml v1.6 keeps key positions private (MetaData.keyInfo), and
// keeps only one position per key string, so the keys of the second
// [[dirs]] overwrite the first's. A small scan of the source, run only
// after the library accepted it as valid TOML, maps every key path with
// array indices (dirs[2].mode, first_run.commands[1].creates) to the line
// and column where it is written. It is not a TOML parser: it trusts the
// input's validity and only tracks tables, keys, strings, arrays and inline
// tables.

// pos is a 1-based line and column (in bytes).
type pos struct{ line, col int }

// locate returns the position of every key, table header and array element
// written in src, by key path (see joinKey and indexKey). Implicit parents
// get the position of their first mention.
func locate(src []byte) map[string]pos {
	l := &locator{src: src, line: 1, at: map[string]pos{}, arrays: map[string]int{}}
	l.run()
	return l.at
}

type locator struct {
	src     []byte
	i       int
	line    int
	lineBeg int
	ctx     string // resolved path of the current [table]
	at      map[string]pos
	arrays  map[string]int // path of an array of tables -> index of its last element
}

// joinKey appends one key segment to a path, quoting it as TOML would when
// it is not a bare key: patch[1].set."mail.host".
func joinKey(path, seg string) string {
	q := seg
	if !isBareKey(seg) {
		q = strconv.Quote(seg)
	}
	if path == "" {
		return q
	}
	return path + "." + q
}

// indexKey names element n (counting from 1, as a reader counts [[dirs]]
// blocks) of the array at path.
func indexKey(path string, n int) string { return path + "[" + strconv.Itoa(n) + "]" }

func isBareKey(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isBareByte(s[i]) {
			return false
		}
	}
	return true
}

func isBareByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

func (l *locator) here() pos { return pos{l.line, l.i - l.lineBeg + 1} }

func (l *locator) mark(path string, p pos) {
	if _, ok := l.at[path]; !ok {
		l.at[path] = p
	}
}

func (l *locator) peek(off int) byte {
	if l.i+off < len(l.src) {
		return l.src[l.i+off]
	}
	return 0
}

func (l *locator) advance() {
	if l.src[l.i] == '\n' {
		l.line++
		l.lineBeg = l.i + 1
	}
	l.i++
}

// skip passes blanks, and newlines and comments when multiline is set (in
// arrays and TOML 1.1 inline tables).
func (l *locator) skip(multiline bool) {
	for l.i < len(l.src) {
		switch c := l.src[l.i]; {
		case c == ' ' || c == '\t' || c == '\r':
			l.i++
		case multiline && c == '\n':
			l.advance()
		case multiline && c == '#':
			l.toEOL()
		default:
			return
		}
	}
}

func (l *locator) toEOL() {
	for l.i < len(l.src) && l.src[l.i] != '\n' {
		l.i++
	}
}

func (l *locator) run() {
	for l.i < len(l.src) {
		l.skip(true)
		if l.i >= len(l.src) {
			return
		}
		switch {
		case l.src[l.i] == '[' && l.peek(1) == '[':
			l.header(true)
		case l.src[l.i] == '[':
			l.header(false)
		default:
			l.keyValue(l.ctx)
		}
		l.toEOL() // a trailing comment
	}
}

// header reads [a.b] or [[a.b]] and makes it the current table.
func (l *locator) header(array bool) {
	p := l.here()
	l.i++
	if array {
		l.i++
	}
	segs := l.key()
	path := ""
	for j, seg := range segs {
		path = joinKey(path, seg)
		last := j == len(segs)-1
		switch {
		case last && array:
			l.mark(path, p)
			l.arrays[path]++
			path = indexKey(path, l.arrays[path])
		case l.arrays[path] > 0:
			path = indexKey(path, l.arrays[path])
		}
		l.mark(path, p)
	}
	l.ctx = path
	l.skip(false)
	l.i++ // ]
	if array {
		l.i++
	}
}

// keyValue reads `a.b = value` under the table path ctx.
func (l *locator) keyValue(ctx string) {
	p := l.here()
	path := ctx
	for _, seg := range l.key() {
		path = joinKey(path, seg)
		l.mark(path, p)
	}
	l.skip(false)
	l.i++ // =
	l.skip(false)
	l.value(path)
}

// key reads a dotted key up to the "=" or "]".
func (l *locator) key() []string {
	var segs []string
	for l.i < len(l.src) {
		l.skip(false)
		switch c := l.peek(0); c {
		case '"':
			segs = append(segs, unquoteBasic(l.str()))
		case '\'':
			s := l.str()
			segs = append(segs, s[1:len(s)-1])
		default:
			start := l.i
			for l.i < len(l.src) && isBareByte(l.src[l.i]) {
				l.i++
			}
			segs = append(segs, string(l.src[start:l.i]))
		}
		l.skip(false)
		if l.peek(0) != '.' {
			return segs
		}
		l.i++
	}
	return segs
}

// value passes over one value, recording the keys of inline tables and the
// elements of arrays under path.
func (l *locator) value(path string) {
	switch l.peek(0) {
	case '"', '\'':
		l.str()
	case '[':
		l.i++
		for n := 1; ; n++ {
			l.skip(true)
			if l.peek(0) == ']' || l.i >= len(l.src) {
				l.i++
				return
			}
			el := indexKey(path, n)
			l.mark(el, l.here())
			l.value(el)
			l.skip(true)
			if l.peek(0) == ',' {
				l.i++
			}
		}
	case '{':
		l.i++
		for {
			l.skip(true)
			if l.peek(0) == '}' || l.i >= len(l.src) {
				l.i++
				return
			}
			l.keyValue(path)
			l.skip(true)
			if l.peek(0) == ',' {
				l.i++
			}
		}
	default: // number, boolean, date: ends at a separator (dates may hold a space)
		for l.i < len(l.src) && !strings.ContainsRune(",]}#\n", rune(l.src[l.i])) {
			l.i++
		}
	}
}

// str passes over a basic, literal or multi-line string and returns its
// source text, quotes included.
func (l *locator) str() string {
	start := l.i
	q := l.src[l.i]
	if l.peek(1) == q && l.peek(2) == q {
		l.i += 3
		for l.i < len(l.src) {
			if q == '"' && l.src[l.i] == '\\' {
				l.advance()
				l.advance()
				continue
			}
			if l.src[l.i] == q && l.peek(1) == q && l.peek(2) == q {
				l.i += 3
				for k := 0; k < 2 && l.peek(0) == q; k++ { // """a"""" ends with a quote in the value
					l.i++
				}
				break
			}
			l.advance()
		}
		return string(l.src[start:l.i])
	}
	l.i++
	for l.i < len(l.src) && l.src[l.i] != q && l.src[l.i] != '\n' {
		if q == '"' && l.src[l.i] == '\\' {
			l.i++
		}
		l.i++
	}
	l.i++
	return string(l.src[start:min(l.i, len(l.src))])
}

// unquoteBasic decodes a "quoted" key; keys rarely hold escapes, and a
// rare one Go cannot read (\e, \x in TOML 1.1) is kept as written.
func unquoteBasic(s string) string {
	if u, err := strconv.Unquote(s); err == nil && utf8.ValidString(u) {
		return u
	}
	return s[1 : len(s)-1]
}
