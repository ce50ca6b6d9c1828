package spec

import (
	"fmt"
	"strings"
)

// The writers of appstart.toml text (appstart convert's supervisord and
// start.sh converters) quote keys and strings the one way this package
// reads them back.

// TOMLComment writes s as TOML comment lines, "# " before each of its
// lines, trailing blanks trimmed. A TOML comment may hold no control
// character but tab: any other is written as "?".
func TOMLComment(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' || r == 0x7f {
			return '?'
		}
		return r
	}, s)
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		b.WriteString(strings.TrimRight("# "+l, " ") + "\n")
	}
	return b.String()
}

// TOMLKey writes a TOML key: bare when it can be, quoted otherwise.
func TOMLKey(k string) string {
	if isBareKey(k) {
		return k
	}
	return TOMLString(k)
}

// TOMLString writes a TOML string: a literal '...' string when that avoids
// escapes (a shell line full of double quotes reads as written), a basic
// "..." string otherwise.
func TOMLString(s string) string {
	hasCtl := strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
	if !hasCtl && !strings.Contains(s, "'") && strings.ContainsAny(s, `"\`) {
		return "'" + s + "'"
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
