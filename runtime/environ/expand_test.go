package environ

import (
	"errors"
	"slices"
	"testing"
)

var testVars = map[string]string{
	"HOST": "db", "PORT": "5432", "EMPTY": "", "PW": "p@ss/w'rd", "DOLLAR": "$HOME ${X}",
	"UNICODE": "wörd", "NUL": "a\x00b",
}

func lookupIn(m map[string]string) Lookup {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestExpand(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"${HOST}:${PORT}", "db:5432"},
		{"x${HOST}y", "xdby"},
		{"${MISSING:-fallback}", "fallback"},
		{"${EMPTY:-fallback}", "fallback"},         // :- also replaces empty
		{"${EMPTY-fallback}", ""},                  // - only replaces unset
		{"${MISSING-fallback}", "fallback"},        //
		{"${MISSING:-}", ""},                       // the explicit empty
		{"${HOST:-unused}", "db"},                  //
		{"${MISSING:-${HOST}:${PORT}}", "db:5432"}, // defaults expand
		{"${MISSING:-${ALSO_MISSING:-deep}}", "deep"},
		{"${HOST:-${UNSET_IN_UNUSED_DEFAULT}}", "db"}, // an unused default is not expanded
		{"${PW|url}", "p%40ss%2Fw%27rd"},
		{"${PW|json}", `p@ss/w'rd`},
		{"${PW|shell}", `p@ss/w'\''rd`},
		{"${MISSING|url:-a b}", "a b"}, // the escape applies to the value, not the default
		{"${PW|url:-x}", "p%40ss%2Fw%27rd"},
		{"postgres://u:${PW|url}@${HOST}/app", "postgres://u:p%40ss%2Fw%27rd@db/app"},
		{"$$", "$"},
		{"$${HOST}", "${HOST}"},
		{"$$$${HOST}", "$${HOST}"},
		{"$HOST $1 $ $( ) $-", "$HOST $1 $ $( ) $-"}, // bare $ is literal
		{"sh -c 'echo $HOME'", "sh -c 'echo $HOME'"},
		{"${DOLLAR}", "$HOME ${X}"}, // values are not re-expanded
		{"{}${HOST}}", "{}db}"},     // braces outside ${ are text
		{"${MISSING:-{x}}", "{x}"},  // the default ends at the first }
		{"${UNICODE}€", "wörd€"},
	}
	for _, tt := range tests {
		got, err := Expand(tt.in, lookupIn(testVars))
		if err != nil || got != tt.want {
			t.Errorf("Expand(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestExpandErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"${A}", "${A} is not set (write ${A:-} if it may be absent)"},
		{"${A}${B}${A}", "${A} is not set (write ${A:-} if it may be absent); ${B} is not set (write ${B:-} if it may be absent)"},
		{"${A:-${B}}", "${B} is not set (write ${B:-} if it may be absent)"},
		{"${", "bad expression at byte 0: ${ must be followed by a variable name ([A-Za-z_][A-Za-z0-9_]*)"},
		{"x${}", "bad expression at byte 1: ${ must be followed by a variable name ([A-Za-z_][A-Za-z0-9_]*)"},
		{"${1}", "bad expression at byte 0: ${ must be followed by a variable name ([A-Za-z_][A-Za-z0-9_]*)"},
		{"${A", "bad expression at byte 0: unterminated ${A: add the closing }"},
		{"${A:-x", "bad expression at byte 6: unterminated ${: a default needs its closing }"},
		{"${A:=x}", `bad expression at byte 3: unexpected ":" in ${A...}: write ${A}, ${A:-default}, ${A:+word}, ${A-default} or ${A|filter}`},
		{"${A#x}", `bad expression at byte 3: unexpected "#" in ${A...}: write ${A}, ${A:-default}, ${A:+word}, ${A-default} or ${A|filter}`},
		{"${A B}", `bad expression at byte 3: unexpected " " in ${A...}: write ${A}, ${A:-default}, ${A:+word}, ${A-default} or ${A|filter}`},
		{"${A|html}", `bad expression at byte 3: unknown filter "html" in ${A|html} (known: none, php, json, yaml, shell, xml, url, sha256, add:N, sub:N, mul:N, div:N, percent:N, min:N, max:N)`},
		{"${A|}", `bad expression at byte 3: unknown filter "" in ${A|} (known: none, php, json, yaml, shell, xml, url, sha256, add:N, sub:N, mul:N, div:N, percent:N, min:N, max:N)`},
		{"${NUL|shell}", "cannot escape ${NUL} for shell: value holds a NUL byte, which no shell string can"},
	}
	for _, tt := range tests {
		got, err := Expand(tt.in, lookupIn(testVars))
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Expand(%q) = %q, %v; want *Error %q", tt.in, got, err, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("Expand(%q):\n got %s\nwant %s", tt.in, err, tt.want)
		}
	}
	_, err := Expand("${A}${B}${A}", lookupIn(nil))
	if got := err.(*Error).Unset(); !slices.Equal(got, []string{"A", "B"}) {
		t.Errorf("Unset() = %v", got)
	}
}

func TestRefs(t *testing.T) {
	t.Parallel()
	got, err := Refs("$A ${B}${C:-${D|url}}${B} $${E}")
	if err != nil || !slices.Equal(got, []string{"B", "C", "D"}) {
		t.Errorf("Refs = %v, %v", got, err)
	}
	if _, err := Refs("${"); err == nil {
		t.Error("Refs of a bad expression succeeded")
	}
}
