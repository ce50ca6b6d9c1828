package convert

import (
	"fmt"
	"strings"

	"appstart/runtime/spec"
)

// emit writes the appstart.toml: a header, the notes on dropped sections,
// the top-level user and [env], then each program in input order.
func (cv *converter) emit() []byte {
	var b strings.Builder
	comment := func(s string) { b.WriteString(spec.TOMLComment(s)) }
	comment("Converted from " + strings.Join(cv.files, ", ") + " by appstart convert.")
	comment("Each comment marks something supervisord did that is not carried over as it was, and why.")
	if len(cv.notes) > 0 {
		b.WriteByte('\n')
		for _, n := range cv.notes {
			comment(n)
		}
	}
	if cv.topUser != "" {
		b.WriteString("\nuser = " + quote(cv.topUser) + "\n")
	}
	if len(cv.env) > 0 {
		b.WriteString("\n")
		comment("[supervisord] environment=: set for every program")
		b.WriteString("[env]\n")
		for _, p := range cv.env {
			b.WriteString(key(p.name) + " = " + quote(p.value) + "\n")
		}
	}
	for _, p := range cv.programs {
		b.WriteByte('\n')
		comment(fmt.Sprintf("[%s:%s] from %s", p.kind, p.orig, p.sect.pos))
		b.WriteString("[programs." + key(p.name) + "]\n")
		lines := p.lines
		if len(p.after) > 0 {
			q := make([]string, len(p.after))
			for i, a := range p.after {
				q[i] = quote(a)
			}
			lines = append(lines, line{comments: []string{p.afterNote}, key: "after", value: "[" + strings.Join(q, ", ") + "]"})
		} else if p.afterNote != "" {
			lines = append(lines, line{comments: []string{p.afterNote}})
		}
		for _, l := range lines {
			for _, c := range l.comments {
				comment(c)
			}
			if l.key != "" {
				b.WriteString(l.key + " = " + l.value + "\n")
			}
		}
	}
	return []byte(b.String())
}

// key and quote write a TOML key and string: spec's writers, which
// runtime/startsh shares.
var (
	key   = spec.TOMLKey
	quote = spec.TOMLString
)
