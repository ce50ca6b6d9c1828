package patch

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// decodeQuotedYAML reads a 'single' or "double" quoted scalar, quotes
// included, folding line breaks as YAML does (a break is a space, each
// empty line a newline, blanks around breaks dropped).
func decodeQuotedYAML(b []byte) (string, error) {
	q, in := b[0], b[1:len(b)-1]
	var out []byte
	for i := 0; i < len(in); i++ {
		c := in[i]
		switch {
		case q == '\'' && c == '\'':
			out = append(out, '\'')
			i++
		case q == '"' && c == '\\':
			i++
			if i == len(in) {
				return "", fmt.Errorf("bad escape at the end of a quoted scalar")
			}
			if in[i] == '\r' || in[i] == '\n' {
				// An escaped line break joins the lines with nothing.
				i = skipBreakAndIndent(in, i) - 1
				continue
			}
			r, n, err := yamlEscape(in[i:])
			if err != nil {
				return "", err
			}
			out = utf8.AppendRune(out, r)
			i += n - 1
		case c == '\r' || c == '\n':
			for len(out) > 0 && (out[len(out)-1] == ' ' || out[len(out)-1] == '\t') {
				out = out[:len(out)-1]
			}
			empty := 0
			i = skipBreakAndIndent(in, i)
			for i < len(in) && (in[i] == '\r' || in[i] == '\n') {
				empty++
				i = skipBreakAndIndent(in, i)
			}
			if empty == 0 {
				out = append(out, ' ')
			}
			out = append(out, strings.Repeat("\n", empty)...)
			i--
		default:
			out = append(out, c)
		}
	}
	return string(out), nil
}

// skipBreakAndIndent returns the index after the line break at b[i] and the
// blanks that follow it.
func skipBreakAndIndent(b []byte, i int) int {
	if b[i] == '\r' && i+1 < len(b) && b[i+1] == '\n' {
		i++
	}
	i++
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	return i
}

// yamlEscape decodes the escape after a backslash; n is its length.
func yamlEscape(b []byte) (r rune, n int, err error) {
	width := 0
	switch b[0] {
	case '0':
		return 0, 1, nil
	case 'a':
		return 7, 1, nil
	case 'b':
		return 8, 1, nil
	case 't', '\t':
		return 9, 1, nil
	case 'n':
		return 10, 1, nil
	case 'v':
		return 11, 1, nil
	case 'f':
		return 12, 1, nil
	case 'r':
		return 13, 1, nil
	case 'e':
		return 0x1b, 1, nil
	case ' ', '"', '/', '\\':
		return rune(b[0]), 1, nil
	case 'N':
		return 0x85, 1, nil
	case '_':
		return 0xa0, 1, nil
	case 'L':
		return 0x2028, 1, nil
	case 'P':
		return 0x2029, 1, nil
	case 'x':
		width = 2
	case 'u':
		width = 4
	case 'U':
		width = 8
	}
	if width == 0 || len(b) < 1+width {
		return 0, 0, fmt.Errorf("bad escape \\%c in a quoted scalar", b[0])
	}
	v, err := strconv.ParseUint(string(b[1:1+width]), 16, 32)
	if err != nil || !utf8.ValidRune(rune(v)) {
		return 0, 0, fmt.Errorf("bad escape \\%s in a quoted scalar", b[:1+width])
	}
	return rune(v), 1 + width, nil
}

// encodeYAMLDouble writes s double-quoted, escaping what YAML requires and
// what would not survive a reader (control characters, line separators).
func encodeYAMLDouble(s string) string {
	var sb strings.Builder
	sb.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			sb.WriteByte('\\')
			sb.WriteRune(r)
		case '\n':
			sb.WriteString(`\n`)
		case '\t':
			sb.WriteString(`\t`)
		case '\r':
			sb.WriteString(`\r`)
		case 0x85:
			sb.WriteString(`\N`)
		case 0x2028:
			sb.WriteString(`\L`)
		case 0x2029:
			sb.WriteString(`\P`)
		case 0xfeff:
			sb.WriteString(`\uFEFF`)
		default:
			if r < 0x20 || r == 0x7f || 0x80 <= r && r < 0xa0 {
				fmt.Fprintf(&sb, `\x%02X`, r)
			} else {
				sb.WriteRune(r)
			}
		}
	}
	sb.WriteByte('"')
	return sb.String()
}

// singleOK reports whether s can be written 'single quoted' on one line.
func singleOK(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || 0x80 <= r && r < 0xa0 || r == 0x2028 || r == 0x2029 || r == 0xfeff {
			return false
		}
	}
	return true
}

// plainSafe reports whether s, written plain, reads back as the string s
// in both YAML 1.1 and 1.2.
func plainSafe(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' || strings.IndexByte("-?:,[]{}#&*!|>'\"%@`", s[0]) >= 0 {
		return false
	}
	if isYAMLSpecial(s) || strings.Contains(s, ": ") || strings.Contains(s, " #") || strings.HasSuffix(s, ":") {
		return false
	}
	// Anything that starts like a number, date or time is quoted.
	if '0' <= s[0] && s[0] <= '9' || len(s) > 1 && (s[0] == '+' || s[0] == '.') && (s[1] == '.' || '0' <= s[1] && s[1] <= '9') {
		return false
	}
	return singleOK(s) && !strings.ContainsRune(s, utf8.RuneError) && !strings.Contains(s, "\t")
}

// encodeYAMLString writes s as a string scalar: plain when safe, else in
// the quoting style prefer (a single or double quote byte, or 0), falling
// back to double quotes.
func encodeYAMLString(s string, prefer byte) (string, error) {
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("value %q is not valid UTF-8, which YAML cannot hold", s)
	}
	switch {
	case prefer == '"':
		return encodeYAMLDouble(s), nil
	case prefer == '\'' && singleOK(s):
		return "'" + strings.ReplaceAll(s, "'", "''") + "'", nil
	case plainSafe(s):
		return s, nil
	}
	return encodeYAMLDouble(s), nil
}
