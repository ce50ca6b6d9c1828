package schema

import (
	"bytes"
	"encoding/json"
	"strings"
)

// exampleJSON turns a key's Example, a TOML value as an author writes it
// (`"0750"`, `["db"]`, `{ PORT = "3000" }`), into JSON for "examples".
// The key table holds only simple values: basic and literal strings,
// integers, booleans, arrays and inline tables with bare or quoted keys;
// anything else is reported as not converted (a test requires every
// Example of the table to convert).
//
//	exampleJSON(`{ PORT = "3000" }`) // {"PORT":"3000"}, true
func exampleJSON(toml string) (json.RawMessage, bool) {
	if strings.TrimSpace(toml) == "" {
		return nil, false
	}
	var b strings.Builder
	s := toml
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"':
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				return nil, false
			}
			b.WriteString(s[i : j+1])
			i = j + 1
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, false
			}
			q, _ := json.Marshal(s[i+1 : i+1+j])
			b.Write(q)
			i += j + 2
		case c == '=':
			b.WriteByte(':')
			i++
		case isWordByte(c):
			j := i
			for j < len(s) && isWordByte(s[j]) {
				j++
			}
			w := s[i:j]
			if w == "true" || w == "false" || isNumber(w) {
				b.WriteString(w)
			} else {
				q, _ := json.Marshal(w)
				b.Write(q)
			}
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	var out bytes.Buffer
	if err := json.Compact(&out, []byte(b.String())); err != nil {
		return nil, false
	}
	return out.Bytes(), true
}

func isWordByte(c byte) bool {
	return c == '_' || c == '-' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isNumber(w string) bool {
	if w == "" || w == "-" {
		return false
	}
	for i := 0; i < len(w); i++ {
		if !(w[i] >= '0' && w[i] <= '9' || i == 0 && w[i] == '-') {
			return false
		}
	}
	return true
}
