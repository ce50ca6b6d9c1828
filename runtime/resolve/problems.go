package resolve

import (
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"appstart/runtime/spec"
)

// Problems is everything resolution found, for check to list and for run
// to refuse a start with before any stage runs.
type Problems struct {
	Problems []spec.Problem
	// Missing are the variables the spec needs that nothing sets.
	Missing []Missing
}

// Missing is one variable the spec needs that nothing will set.
type Missing struct {
	Name     string
	Addon    string   // the addon that normally sets it, or ""
	NeededBy []string // keys and template lines that use it
}

func (p *Problems) add(pr spec.Problem) { p.Problems = append(p.Problems, pr) }

func (p *Problems) orNil() *Problems {
	if p == nil || (len(p.Problems) == 0 && len(p.Missing) == 0) {
		return nil
	}
	return p
}

// Merge adds q's problems to p (either may be nil) and returns the result.
func Merge(p, q *Problems) *Problems {
	if p == nil {
		return q.orNil()
	}
	if q != nil {
		p.Problems = append(p.Problems, q.Problems...)
		p.Missing = append(p.Missing, q.Missing...)
	}
	return p.orNil()
}

// Count is the number of problems, each missing variable counting as one.
func (p *Problems) Count() int {
	if p == nil {
		return 0
	}
	return len(p.Problems) + len(p.Missing)
}

// Error lists every problem, one per line, then the missing variables as
// one table naming the addon that sets each and what needs it:
//
//	appstart.toml:9: programs.web.user: cannot resolve user "www": no such user
//	appstart: cannot start: 1 variable(s) the spec needs are not set:
//	  CLOUDRON_POSTGRESQL_HOST           postgresql addon   needed by env.DATABASE_URL
func (p *Problems) Error() string {
	var b strings.Builder
	for _, pr := range p.Problems {
		b.WriteString(pr.String())
		b.WriteByte('\n')
	}
	if len(p.Missing) > 0 {
		ms := append([]Missing(nil), p.Missing...)
		sort.Slice(ms, func(i, j int) bool { return ms[i].Name < ms[j].Name })
		fmt.Fprintf(&b, "appstart: cannot start: %d variable(s) the spec needs are not set:\n", len(ms))
		for _, m := range ms {
			from := ""
			if m.Addon != "" {
				from = m.Addon + " addon"
			}
			fmt.Fprintf(&b, "  %-34s %-18s needed by %s\n", m.Name, from, strings.Join(m.NeededBy, ", "))
		}
		b.WriteString("set them (docker run -e or --env-file), give defaults in [env_defaults], or, where the addon is optional,\nwrite ${VAR:-} in [env] and list the placeholder in the template's optional\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// unwrapPath drops the *fs.PathError wrapper whose path the message
// already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
