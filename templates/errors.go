package templates

import (
	"slices"
	"strconv"
	"strings"
)

// Problem is one thing wrong with a template: a syntax error found by
// Parse, or a placeholder Render could not fill. Line is 1-based.
type Problem struct {
	Line  int
	Name  string // the variable involved, "" for pure syntax errors
	Unset bool   // the variable has no value and is not optional
	Msg   string // never holds a value: values are often passwords
}

// Error lists every problem of one template, in line order, so an author
// fixes them all in one round:
//
//	template /app/pkg/config.php.template: line 3: DB_PASSWORD is not set; line 9: LDAP_URL is not set
type Error struct {
	Template string
	Problems []Problem
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("template ")
	b.WriteString(e.Template)
	b.WriteString(": ")
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(p.Line))
		b.WriteString(": ")
		b.WriteString(p.Msg)
	}
	return b.String()
}

// Unset returns the sorted, de-duplicated names of the variables that had
// no value: the list `appstart run` prints under "missing variables".
func (e *Error) Unset() []string {
	var names []string
	for _, p := range e.Problems {
		if p.Unset {
			names = append(names, p.Name)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

func (e *Error) add(line int, name string, unset bool, msg string) {
	e.Problems = append(e.Problems, Problem{Line: line, Name: name, Unset: unset, Msg: msg})
}

func (e *Error) orNil() error {
	if len(e.Problems) == 0 {
		return nil
	}
	slices.SortStableFunc(e.Problems, func(a, b Problem) int { return a.Line - b.Line })
	return e
}
