package patch

import "strings"

// Hand-written matchers for the few fixed grammars the patchers check. They
// replaced package regexp, which added 260 KB to a binary that is mapped
// into PID 1's resident memory; match_test.go holds each original regular
// expression and checks, by table and by fuzzing, that both agree.

// digits returns how many ASCII digits s starts with.
func digits(s string) int {
	n := 0
	for n < len(s) && '0' <= s[n] && s[n] <= '9' {
		n++
	}
	return n
}

// exponent consumes an optional [eE][-+]?[0-9]+ at the start of s; ok is
// false when an 'e' starts one that is not whole.
func exponent(s string) (rest string, ok bool) {
	if s == "" || (s[0] != 'e' && s[0] != 'E') {
		return s, true
	}
	s = s[1:]
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	n := digits(s)
	return s[n:], n > 0
}

// isJSONNumber is RFC 8259's number grammar,
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?, with nothing around it
// (json.Valid alone would also accept surrounding blanks).
func isJSONNumber(s string) bool {
	s = strings.TrimPrefix(s, "-")
	n := digits(s)
	if n == 0 || (s[0] == '0' && n > 1) {
		return false
	}
	s = s[n:]
	if s != "" && s[0] == '.' {
		if n = digits(s[1:]); n == 0 {
			return false
		}
		s = s[1+n:]
	}
	s, ok := exponent(s)
	return ok && s == ""
}

// isYAMLNumber: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?, or
// 0x[0-9a-fA-F]+, or 0o[0-7]+.
func isYAMLNumber(s string) bool {
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o') {
		set := "0123456789abcdefABCDEF"
		if s[1] == 'o' {
			set = "01234567"
		}
		return strings.Trim(s[2:], set) == ""
	}
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	n := digits(s)
	switch {
	case n > 0:
		s = s[n:]
		if s != "" && s[0] == '.' {
			s = s[1+digits(s[1:]):]
		}
	case s != "" && s[0] == '.':
		if n = digits(s[1:]); n == 0 {
			return false
		}
		s = s[1+n:]
	default:
		return false
	}
	s, ok := exponent(s)
	return ok && s == ""
}

// isYAMLBool: true, True, TRUE, false, False or FALSE.
func isYAMLBool(s string) bool {
	switch s {
	case "true", "True", "TRUE", "false", "False", "FALSE":
		return true
	}
	return false
}

// yamlSpecialWords are the words some YAML reader (1.1 or 1.2) takes for
// something else than a string, matched in any case.
var yamlSpecialWords = []string{"y", "n", "yes", "no", "true", "false", "on", "off", "null",
	"~", "=", "<<", ".inf", "-.inf", "+.inf", ".nan"}

// isYAMLSpecial compares with Unicode simple case folding (EqualFold), as
// the (?i:...) regular expression it replaced did: "YEſ" is special too.
func isYAMLSpecial(s string) bool {
	for _, w := range yamlSpecialWords {
		if strings.EqualFold(s, w) {
			return true
		}
	}
	return false
}

// isBlockHeader reads a block scalar header:
// [|>]([1-9][-+]?|[-+][1-9]?)?, then blanks, or blanks and a comment (which
// holds no newline).
func isBlockHeader(h []byte) bool {
	s := string(h)
	if s == "" || (s[0] != '|' && s[0] != '>') {
		return false
	}
	s = s[1:]
	isIndent := func(c byte) bool { return '1' <= c && c <= '9' }
	isChomp := func(c byte) bool { return c == '-' || c == '+' }
	switch {
	case s != "" && isIndent(s[0]):
		s = s[1:]
		if s != "" && isChomp(s[0]) {
			s = s[1:]
		}
	case s != "" && isChomp(s[0]):
		s = s[1:]
		if s != "" && isIndent(s[0]) {
			s = s[1:]
		}
	}
	rest := strings.TrimLeft(s, " \t")
	if rest == "" {
		return true
	}
	return len(rest) < len(s) && rest[0] == '#' && !strings.Contains(rest, "\n")
}
