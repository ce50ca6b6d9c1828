package templates

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"
)

// The escape kinds. Each one makes a value safe INSIDE the string literal
// the template already writes; none adds quotes, so `"port": ##DB_PORT`
// stays a JSON number and `'pass' => '##{DB_PASSWORD|php}'` stays one PHP
// string.
//
//	kind   context                         value a'b"c\d<e>&f g/h%
//	none   anywhere (inserted verbatim)    a'b"c\d<e>&f g/h%
//	php    '...' (single-quoted string)    a\'b"c\\d<e>&f g/h%
//	json   "..." (RFC 8259 string)         a'b\"c\\d<e>&f g/h%
//	yaml   "..." (double-quoted scalar)    a'b\"c\\d<e>&f g/h%
//	shell  '...' (POSIX single quotes)     a'\''b"c\d<e>&f g/h%
//	xml    element text or "..." / '...'   a&apos;b&quot;c\d&lt;e&gt;&amp;f g/h%
//	url    userinfo, path segment, query   a%27b%22c%5Cd%3Ce%3E%26f%20g%2Fh%25
const (
	None  = "none"
	PHP   = "php"
	JSON  = "json"
	YAML  = "yaml"
	Shell = "shell"
	XML   = "xml"
	URL   = "url"
)

// Built on first use: only a template needs it.
var escapers = sync.OnceValue(func() map[string]func(string) (string, error) {
	return map[string]func(string) (string, error){
		None:  func(s string) (string, error) { return s, nil },
		PHP:   escapePHP,
		JSON:  escapeJSON,
		YAML:  escapeYAML,
		Shell: escapeShell,
		XML:   escapeXML,
		URL:   escapeURL,
	}
})

// Escapes lists the escape kinds Escape accepts, in documentation order.
func Escapes() []string {
	return []string{None, PHP, JSON, YAML, Shell, XML, URL}
}

// ValidEscape reports whether kind names an escaper ("" counts as none).
func ValidEscape(kind string) bool {
	_, ok := escapers()[kind]
	return ok || kind == ""
}

// Escape applies the escaping of kind ("" is none) to s.
//
//	Escape("url", "p@ss/wörd") == "p%40ss%2Fw%C3%B6rd"
//	Escape("php", `it's`)      == `it\'s`
//
// An error means the target cannot hold s at all (a NUL byte in a shell
// string, invalid UTF-8 in JSON/YAML/XML, a control character XML 1.0
// forbids); the message never contains the value, since values are often
// passwords.
func Escape(kind, s string) (string, error) {
	if kind == "" {
		return s, nil
	}
	f, ok := escapers()[kind]
	if !ok {
		return "", fmt.Errorf("unknown escape %q (known: %s)", kind, strings.Join(Escapes(), ", "))
	}
	return f(s)
}

var errInvalidUTF8 = errors.New("value is not valid UTF-8")

// escapePHP escapes for a single-quoted PHP string, where only \\ and \'
// are escape sequences (php.net, "Strings: Single quoted"). Every backslash
// is doubled, so a value ending in \ cannot swallow the closing quote.
func escapePHP(s string) (string, error) {
	if !strings.ContainsAny(s, `\'`) {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '\\' || c == '\'' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String(), nil
}

// escapeShell escapes for POSIX single quotes, inside which no character is
// special except the closing quote (POSIX XCU 2.2.2): each quote becomes
// quote, backslash, quote, quote (close, escaped quote, reopen).
// NUL cannot be part of an argument or variable (execve takes C strings).
func escapeShell(s string) (string, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return "", errors.New("value holds a NUL byte, which no shell string can")
	}
	return strings.ReplaceAll(s, `'`, `'\''`), nil
}

const hexDigits = "0123456789ABCDEF"

// escapeJSON escapes for the inside of a JSON string (RFC 8259 section 7):
// quote, backslash and C0 controls are escaped; U+2028/U+2029 too, so the
// output is also safe inside JavaScript source.
func escapeJSON(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", errInvalidUTF8
	}
	if !needsJSON(s) {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20, r == 0x2028, r == 0x2029:
			writeU4(&b, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), nil
}

func needsJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' || c == 0xE2 { // 0xE2: lead byte of U+2028/9
			return true
		}
	}
	return false
}

func writeU4(b *strings.Builder, r rune) {
	b.WriteString(`\u`)
	b.WriteByte(hexDigits[r>>12&0xF])
	b.WriteByte(hexDigits[r>>8&0xF])
	b.WriteByte(hexDigits[r>>4&0xF])
	b.WriteByte(hexDigits[r&0xF])
}

// escapeYAML escapes for a double-quoted YAML scalar (YAML 1.2 section
// 5.7). Everything outside YAML's printable set (c-printable) is escaped,
// and so are raw line breaks, because a double-quoted scalar folds them into
// spaces. The "<" of "<%" becomes \x3C: Rails reads database.yml (and other
// config/*.yml) through ERB before YAML, so a password holding "<%= ... %>"
// would otherwise run as Ruby (the Redmine example's database.yml).
func escapeYAML(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", errInvalidUTF8
	}
	var b strings.Builder
	dirty := false
	for i, r := range s {
		var esc string
		switch {
		case r == '"':
			esc = `\"`
		case r == '\\':
			esc = `\\`
		case r == '\n':
			esc = `\n`
		case r == '\r':
			esc = `\r`
		case r == '\t':
			esc = `\t`
		case r == 0:
			esc = `\0`
		case r == 0x1B:
			esc = `\e`
		case r == 0x85:
			esc = `\N`
		case r == 0x2028:
			esc = `\L`
		case r == 0x2029:
			esc = `\P`
		case r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0):
			esc = fmt.Sprintf(`\x%02X`, r)
		case r == '<' && strings.HasPrefix(s[i+1:], "%"):
			esc = `\x3C`
		case r == 0xFEFF || r == 0xFFFE || r == 0xFFFF:
			// BOM and the two non-characters are outside c-printable.
			esc = fmt.Sprintf(`\u%04X`, r)
		default:
			if dirty {
				b.WriteRune(r)
			}
			continue
		}
		if !dirty {
			dirty = true
			b.Grow(len(s) + 16)
			b.WriteString(s[:i])
		}
		b.WriteString(esc)
	}
	if !dirty {
		return s, nil
	}
	return b.String(), nil
}

// escapeXML escapes for XML 1.0 character data and attribute values in
// either quote. Tab, LF and CR become character references, so attribute
// normalisation (XML 1.0 section 3.3.3) and line-end handling (2.11) keep
// them. Other C0 controls, U+FFFE/U+FFFF and surrogates are not XML
// characters at all (section 2.2), not even as references: an error.
func escapeXML(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", errInvalidUTF8
	}
	var b strings.Builder
	dirty := false
	for i, r := range s {
		var esc string
		switch r {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&quot;"
		case '\'':
			esc = "&apos;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		case '\r':
			esc = "&#xD;"
		default:
			if r < 0x20 || r == 0xFFFE || r == 0xFFFF {
				return "", fmt.Errorf("value holds U+%04X, which XML 1.0 cannot represent", r)
			}
			if dirty {
				b.WriteRune(r)
			}
			continue
		}
		if !dirty {
			dirty = true
			b.Grow(len(s) + 16)
			b.WriteString(s[:i])
		}
		b.WriteString(esc)
	}
	if !dirty {
		return s, nil
	}
	return b.String(), nil
}

// escapeURL percent-encodes every byte except RFC 3986's unreserved set
// (ALPHA DIGIT - . _ ~), so the result is one opaque component that is safe
// in userinfo (postgres://user:PASS@host), a path segment or a query value.
// url.QueryEscape would turn space into "+", which is wrong outside a query.
func escapeURL(s string) (string, error) {
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s, nil
	}
	buf := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			buf = append(buf, c)
			continue
		}
		buf = append(buf, '%', hexDigits[c>>4], hexDigits[c&0xF])
	}
	return string(buf), nil
}

func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}
