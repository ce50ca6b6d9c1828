package spec

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Problem is one thing wrong with a spec (or, in Spec.Warnings, one thing
// worth a second look), located by file, line and the full key path:
//
//	appstart.toml:12: programs.web: unknown key "comand", did you mean "command"?
//
// Line is 0 when the problem has no place in the file; Col is set only for
// TOML syntax errors, where the parser knows it. Key is "" for problems of
// the whole file.
type Problem struct {
	File string
	Line int
	Col  int
	Key  string
	Msg  string
}

// String formats p as FILE:LINE[:COL]: KEY: MSG, the form editors and CI
// logs turn into links.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
		if p.Col > 0 {
			fmt.Fprintf(&b, ":%d", p.Col)
		}
	}
	b.WriteString(": ")
	if p.Key != "" {
		b.WriteString(p.Key)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Error is every problem found in a spec, sorted by line, so one run of
// `appstart check` lists them all. Warnings found on the way are kept
// here too (they do not count as errors and Error() leaves them out).
type Error struct {
	Problems []Problem
	Warnings []Problem
}

// Error returns one problem per line.
func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// sortProblems orders by line (problems without a line last), then column,
// key and message, and drops exact duplicates (two rules may reach the same
// conclusion about one key).
func sortProblems(ps []Problem) []Problem {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		if (a.Line == 0) != (b.Line == 0) {
			if a.Line == 0 {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col),
			cmp.Compare(a.Key, b.Key), cmp.Compare(a.Msg, b.Msg))
	})
	return slices.Compact(ps)
}
