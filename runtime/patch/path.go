package patch

import (
	"errors"
	"strings"
)

// splitPath cuts a json/yaml key into names at each dot; "\." is a dot
// inside a name and "\\" a backslash, so "smtp\.host" is the single name
// "smtp.host" and "a.b" is "b" inside "a".
func splitPath(key string) ([]string, error) {
	var segs []string
	var cur strings.Builder
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c == '\\' && i+1 < len(key) && (key[i+1] == '.' || key[i+1] == '\\'):
			cur.WriteByte(key[i+1])
			i++
		case c == '.':
			segs = append(segs, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	segs = append(segs, cur.String())
	for _, s := range segs {
		if s == "" {
			return nil, errors.New("empty name in dotted path (write \\. for a dot inside a name)")
		}
	}
	return segs, nil
}

// joinPath is the inverse of splitPath, for error messages.
func joinPath(segs []string) string {
	out := make([]string, len(segs))
	for i, s := range segs {
		s = strings.ReplaceAll(s, `\`, `\\`)
		out[i] = strings.ReplaceAll(s, ".", `\.`)
	}
	return strings.Join(out, ".")
}
