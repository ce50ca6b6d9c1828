package patch

import (
	"regexp"
	"testing"
)

// The regular expressions the matchers in match.go replaced: each matcher
// must agree with its expression on every input.
var matcherREs = []struct {
	name  string
	re    *regexp.Regexp
	match func(string) bool
}{
	{"json number", regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$`), isJSONNumber},
	{"yaml number", regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$|^0x[0-9a-fA-F]+$|^0o[0-7]+$`), isYAMLNumber},
	{"yaml bool", regexp.MustCompile(`^(true|True|TRUE|false|False|FALSE)$`), isYAMLBool},
	{"yaml special", regexp.MustCompile(`^(?i:y|n|yes|no|true|false|on|off|null|~|=|<<|[-+]?\.inf|\.nan)$`), isYAMLSpecial},
	{"block header", regexp.MustCompile(`^[|>]([1-9][-+]?|[-+][1-9]?)?([ \t]+#.*|[ \t]*)$`), func(s string) bool { return isBlockHeader([]byte(s)) }},
}

var matcherInputs = []string{
	"", "0", "-0", "00", "01", "1", "-1", "+1", "12.5", "1.", ".5", "-.5", "+.5", ".", "-", "+", "1e3", "1E-3",
	"1e", "1e+", "1.5e+07", "0.0", "-0.0e0", "0x", "0x1F", "0xg", "0o", "0o17", "0o8", "0b1", "1_000", " 1", "1 ",
	"1\n", "0x1f\n", "true", "True", "TRUE", "tRue", "false", "yes", "Yes", "YEſ", "y", "N", "no", "on", "OFF",
	"null", "Null", "~", "=", "<<", "<", ".inf", "-.Inf", "+.INF", "inf", ".nan", ".NaN", "nan", "yess",
	"|", ">", "|-", "|+", "|2", "|2-", "|-2", "|+9", "|0", "|22", "|--", ">-2 # keep", "| #c", "|#c", "|\t#c",
	"|  ", "| x", "| #a\nb", "|\n", "|- \t", ">2+  # x # y", "x", "||",
}

func TestMatchersAgreeWithRegexps(t *testing.T) {
	t.Parallel()
	for _, m := range matcherREs {
		hits := 0
		for _, s := range matcherInputs {
			want := m.re.MatchString(s)
			if got := m.match(s); got != want {
				t.Errorf("%s: %q: matcher %v, regexp %v", m.name, s, got, want)
			}
			if want {
				hits++
			}
		}
		if hits == 0 {
			t.Errorf("%s: no input matches: the table tests nothing", m.name)
		}
	}
}

func FuzzMatchersAgreeWithRegexps(f *testing.F) {
	for _, s := range matcherInputs {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, m := range matcherREs {
			if got, want := m.match(s), m.re.MatchString(s); got != want {
				t.Errorf("%s: %q: matcher %v, regexp %v", m.name, s, got, want)
			}
		}
	})
}
