package environ

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ParseEnvFile reads a user env file (env_file in the spec) written the way
// people write files they also `source` from a shell:
//
//	# comment                    blank lines and comment lines are skipped
//	export APP_NAME=My App       optional "export "; unquoted: to end of line, trailing blanks dropped
//	TZ=Europe/Berlin # note      " #" or "\t#" starts a comment after an unquoted value
//	COLOR=#fff                   a # not after a blank is part of the value
//	GREETING="Hello\n\"you\""    double quotes: \n \" \\ \$ \` and backslash-newline are escapes,
//	                             any other backslash is kept; may span lines
//	PASS='$HOME\n'              single quotes: literal up to the next ' (here: the 7 bytes $HOME\n), may span lines
//	EMPTY=                       ""
//
// No ${VAR} or $VAR expansion happens: values are literal, because a
// user's password may contain "$". Blanks after "=" are skipped. CRLF line
// ends are accepted (and a CRLF inside a quoted value reads as "\n"), as is
// a UTF-8 BOM. Quoted parts cannot be concatenated with more text
// (A="x"y): after a closing quote only blanks and a comment may follow.
//
// A malformed line is an error naming file and line, never a silent skip:
// a name that is not [A-Za-z_][A-Za-z0-9_]*, a line without "=", blanks
// around "=" (the shell would run a command), an unterminated quote, a NUL
// byte. All malformed lines are reported in one *Error (and no entries);
// file is used only in messages.
func ParseEnvFile(file string, r io.Reader) ([]Entry, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("cannot read env file %s: %w", file, err)
	}
	p := envParser{file: file, src: bytes.TrimPrefix(src, bom)}
	p.run()
	if err := p.errs.orNil(); err != nil {
		return nil, err
	}
	return p.out, nil
}

var bom = []byte("\xEF\xBB\xBF")

type envParser struct {
	file string
	src  []byte
	i    int
	line int
	out  []Entry
	errs Error
}

func (p *envParser) fail(line int, format string, args ...any) {
	p.errs.add(Problem{Key: p.file + ":" + strconv.Itoa(line), Msg: fmt.Sprintf(format, args...)})
}

func (p *envParser) run() {
	for p.i < len(p.src) {
		p.line++
		start := p.line
		p.skipBlanks()
		if p.atEOL() || p.peek() == '#' {
			p.skipLine()
			continue
		}
		if rest := p.src[p.i:]; bytes.HasPrefix(rest, []byte("export")) && len(rest) > 6 && (rest[6] == ' ' || rest[6] == '\t') {
			p.i += 6
			p.skipBlanks()
		}
		name, ok := p.name()
		if !ok {
			p.skipLine()
			continue
		}
		value, ok := p.value(name)
		if !ok {
			p.skipLine()
			continue
		}
		if strings.IndexByte(value, 0) >= 0 {
			p.fail(start, "%s holds a NUL byte, which no environment variable can", name)
			continue
		}
		p.out = append(p.out, Entry{Name: name, Value: value, Line: start})
	}
}

// name reads NAME= and reports a helpful error for the common mistakes.
func (p *envParser) name() (string, bool) {
	rest := p.src[p.i:]
	if j := bytes.IndexByte(rest, '\n'); j >= 0 {
		rest = rest[:j]
	}
	n := nameLen(string(rest))
	name := string(rest[:n])
	switch {
	case n > 0 && n < len(rest) && rest[n] == '=':
		p.i += n + 1
		return name, true
	case n > 0 && (n == len(rest) || rest[n] == '\r'):
		p.fail(p.line, "%s has no value: write %s=value (or %s= for empty)", name, name, name)
	case n > 0 && (rest[n] == ' ' || rest[n] == '\t'):
		p.fail(p.line, "blank after %s: write %s=value without blanks around =", name, name)
	case len(rest) > 0 && rest[0] == '=':
		p.fail(p.line, "no variable name before =")
	default:
		word := rest[:wordLen(rest)]
		p.fail(p.line, "invalid variable name %q: names are letters, digits and _, not starting with a digit", cutAt(word, '='))
	}
	return "", false
}

// wordLen returns the length of the leading run of non-blank bytes.
func wordLen(b []byte) int {
	n := bytes.IndexAny(b, " \t\r\n")
	if n < 0 {
		return len(b)
	}
	return n
}

func cutAt(b []byte, c byte) string {
	if i := bytes.IndexByte(b, c); i >= 0 {
		return string(b[:i])
	}
	return string(b)
}

func (p *envParser) value(name string) (string, bool) {
	p.skipBlanks()
	switch p.peek() {
	case '"', '\'':
		q := p.peek()
		open := p.line
		p.i++
		v, ok := p.quoted(q)
		if !ok {
			p.fail(open, "unterminated %s quote in the value of %s", quoteName(q), name)
			return "", false
		}
		p.skipBlanks()
		if !p.atEOL() && p.peek() != '#' {
			p.fail(p.line, "unexpected text after the closing quote of %s: quote the whole value", name)
			return "", false
		}
		p.skipLine()
		return v, true
	}
	end := bytes.IndexByte(p.src[p.i:], '\n')
	if end < 0 {
		end = len(p.src) - p.i
	}
	raw := string(p.src[p.i : p.i+end])
	p.i += end
	p.skipLine()
	raw = strings.TrimRight(raw, "\r")
	if c := strings.Index(raw, " #"); c >= 0 {
		raw = raw[:c]
	}
	if c := strings.Index(raw, "\t#"); c >= 0 {
		raw = raw[:c]
	}
	return strings.TrimRight(raw, " \t"), true
}

func quoteName(q byte) string {
	if q == '"' {
		return "double"
	}
	return "single"
}

// quoted reads a quoted value after its opening quote q, through the
// closing quote, counting the lines it spans. Carriage returns right before
// a line feed are dropped, so a CRLF file gives the same value as an LF one
// and no value ever holds CR before LF.
func (p *envParser) quoted(q byte) (string, bool) {
	var b strings.Builder
	for p.i < len(p.src) {
		c := p.src[p.i]
		p.i++
		switch {
		case c == q:
			return b.String(), true
		case c == '\r' && p.crsThenLF(p.i-1):
			// dropped; the LF is read next
		case c == '\n':
			p.line++
			b.WriteByte('\n')
		case c == '\\' && q == '"' && p.i < len(p.src):
			switch n := p.src[p.i]; {
			case n == 'n':
				b.WriteByte('\n')
				p.i++
			case n == '"' || n == '\\' || n == '$' || n == '`':
				b.WriteByte(n)
				p.i++
			case n == '\n' || n == '\r' && p.crsThenLF(p.i):
				// backslash-newline: a line continuation, removed
				p.i += bytes.IndexByte(p.src[p.i:], '\n') + 1
				p.line++
			default:
				b.WriteByte('\\') // kept, like sh; the next byte is read normally
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", false
}

// crsThenLF reports whether src[i:] is one or more CRs followed by LF.
func (p *envParser) crsThenLF(i int) bool {
	j := i
	for j < len(p.src) && p.src[j] == '\r' {
		j++
	}
	return j > i && j < len(p.src) && p.src[j] == '\n'
}

func (p *envParser) peek() byte {
	if p.i < len(p.src) {
		return p.src[p.i]
	}
	return 0
}

func (p *envParser) atEOL() bool {
	r := p.src[p.i:]
	return len(r) == 0 || r[0] == '\n' || (r[0] == '\r' && (len(r) == 1 || r[1] == '\n'))
}

func (p *envParser) skipBlanks() {
	for p.i < len(p.src) && (p.src[p.i] == ' ' || p.src[p.i] == '\t') {
		p.i++
	}
}

// skipLine moves past the next "\n" (or to the end).
func (p *envParser) skipLine() {
	if j := bytes.IndexByte(p.src[p.i:], '\n'); j >= 0 {
		p.i += j + 1
		return
	}
	p.i = len(p.src)
}
