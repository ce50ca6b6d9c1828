package patch

import "strings"

// scanPHPDouble returns the offset just past the closing quote of the
// double-quoted value opening at src[at]; a backslash escapes the next byte.
func scanPHPDouble(src []byte, at int) (end int, ok bool) {
	for p := at + 1; p < len(src); p++ {
		switch src[p] {
		case '\\':
			p++
		case '"':
			return p + 1, true
		}
	}
	return 0, false
}

// unquotePHPDouble reads the inside of a double-quoted value the way PHP's
// ini scanner does: \" \\ and \$ lose their backslash, any other backslash
// stays (so "C:\temp" is C:\temp).
func unquotePHPDouble(b []byte) string {
	var sb strings.Builder
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' && i+1 < len(b) && (b[i+1] == '"' || b[i+1] == '\\' || b[i+1] == '$') {
			i++
		}
		sb.WriteByte(b[i])
	}
	return sb.String()
}

// quotePHPDouble writes v so parse_ini_file reads it back exactly: \ " and $
// are escaped ($ only matters before "{", PHP's ${VAR} expansion, but an
// escaped $ always reads back as $).
func quotePHPDouble(v string) string {
	var sb strings.Builder
	sb.WriteByte('"')
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == '\\' || c == '"' || c == '$' {
			sb.WriteByte('\\')
		}
		sb.WriteByte(v[i])
	}
	sb.WriteByte('"')
	return sb.String()
}

// encodeINI returns v as written after "key = ", in the quoting style the
// value had (quote is 0 for raw).
func encodeINI(v string, quote byte) string {
	switch {
	case quote == '"':
		return quotePHPDouble(v)
	case quote == '\'' && !strings.ContainsAny(v, "'\r\n"):
		return "'" + v + "'"
	case quote == 0 && !needsQuoteINI(v):
		return v
	}
	return quotePHPDouble(v)
}

// needsQuoteINI reports whether PHP's parse_ini_file (INI_SCANNER_NORMAL)
// would not read v back from a raw "key = v": it trims blanks, stops at ; and
// a newline, treats ! & ( ) ^ | ~ as operators, fails on " ' =, expands ${}.
// # is quoted too so no reader takes it for a comment.
func needsQuoteINI(v string) bool {
	if v == "" {
		return false
	}
	if first, last := v[0], v[len(v)-1]; first == ' ' || first == '\t' || last == ' ' || last == '\t' {
		return true
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c == 0x7f || strings.IndexByte(`"';#!&()^|~=$`, c) >= 0 {
			return true
		}
	}
	return false
}
