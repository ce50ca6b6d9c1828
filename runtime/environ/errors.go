package environ

import (
	"slices"
	"strings"
)

// Problem is one failed expansion: the key being expanded (as the spec
// names it, e.g. "env.DATABASE_URL"), the variable involved and why.
type Problem struct {
	Key   string // "" for a bare Expand
	Var   string
	Unset bool // Var has no value: the set -u case
	Msg   string
}

// Error collects every problem of an expansion or composition, so a
// package run with no addons lists all missing variables in one message:
//
//	env.DATABASE_URL: ${CLOUDRON_POSTGRESQL_PASSWORD} is not set; env.MAIL_URL: ${CLOUDRON_MAIL_SMTP_SERVER} is not set
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		if p.Key != "" {
			b.WriteString(p.Key)
			b.WriteString(": ")
		}
		b.WriteString(p.Msg)
	}
	return b.String()
}

// Unset returns the sorted, de-duplicated names of the unset variables.
func (e *Error) Unset() []string {
	var names []string
	for _, p := range e.Problems {
		if p.Unset {
			names = append(names, p.Var)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// add appends p, dropping a repeat of the same unset variable for the same
// key ("${A}:${A}" is one problem, not two).
func (e *Error) add(p Problem) {
	if p.Unset {
		for _, q := range e.Problems {
			if q.Unset && q.Var == p.Var && q.Key == p.Key {
				return
			}
		}
	}
	e.Problems = append(e.Problems, p)
}

func (e *Error) merge(err error, key string) {
	if err == nil {
		return
	}
	if ee, ok := err.(*Error); ok {
		for _, p := range ee.Problems {
			if p.Key == "" {
				p.Key = key
			}
			e.add(p)
		}
		return
	}
	e.add(Problem{Key: key, Msg: err.Error()})
}

func (e *Error) orNil() error {
	if len(e.Problems) == 0 {
		return nil
	}
	return e
}
