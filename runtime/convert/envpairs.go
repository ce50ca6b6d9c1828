package convert

import (
	"fmt"
	"strings"
)

// pair is one KEY=value of an environment= option.
type pair struct{ name, value string }

// splitEnvironment reads supervisord's environment= syntax,
// KEY="val",KEY2=val2, as datatypes.dict_of_key_value_pairs does: a
// non-POSIX shlex whose word characters are letters, digits and _/.+-():,
// taking tokens three at a time (key, "=", value), skipping the fourth
// (the comma, whatever it is), and stripping quotes from both ends of the
// value. A character outside those (@, %, *, a space) ends a word, so an
// unquoted value holding one is refused here as supervisord refuses it.
//
//	splitEnvironment(`HOME="/app/data",PORT=3000`) // [{HOME /app/data} {PORT 3000}]
func splitEnvironment(s string) ([]pair, error) {
	toks, err := envTokens(s)
	if err != nil {
		return nil, err
	}
	var out []pair
	for i := 0; i < len(toks); i += 4 {
		if i+3 > len(toks) || toks[i+1] != "=" {
			return nil, fmt.Errorf("unexpected end of key/value pairs in %q: write KEY=\"value\",KEY2=\"value2\" (quote values holding characters other than letters, digits and _/.+-():)", s)
		}
		v := strings.Trim(toks[i+2], `'"`)
		name := toks[i]
		replaced := false
		for j := range out {
			if out[j].name == name {
				out[j].value, replaced = v, true
			}
		}
		if !replaced {
			out = append(out, pair{name, v})
		}
	}
	return out, nil
}

func isEnvWordRune(c rune) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		strings.ContainsRune("/.+-():", c) || c >= placeholderBase && c < placeholderBase+0x1000
}

// envTokens is shlex.shlex(s) in non-POSIX mode with the extra word
// characters: quoted strings are tokens with their quotes, # starts a
// comment to the end of the line, any other character is a token alone.
func envTokens(s string) ([]string, error) {
	var toks []string
	rs := []rune(s)
	for i := 0; i < len(rs); {
		c := rs[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			i++
		case c == '#':
			for i < len(rs) && rs[i] != '\n' {
				i++
			}
		case c == '"' || c == '\'':
			j := i + 1
			for j < len(rs) && rs[j] != c {
				j++
			}
			if j >= len(rs) {
				return nil, fmt.Errorf("no closing quotation in %q", s)
			}
			toks = append(toks, string(rs[i:j+1]))
			i = j + 1
		case isEnvWordRune(c):
			j := i
			// In a word, quotes are word characters too (shlex's
			// non-POSIX "a" state); # ends the word and the line.
			for j < len(rs) && (isEnvWordRune(rs[j]) || rs[j] == '"' || rs[j] == '\'') {
				j++
			}
			toks = append(toks, string(rs[i:j]))
			i = j
		default:
			toks = append(toks, string(c))
			i++
		}
	}
	return toks, nil
}
