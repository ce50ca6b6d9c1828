package startsh

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// The stages run before the kept script, so a converted statement that
// writes where an earlier kept statement reads or writes would swap their
// order (Keycloak: a crudini patch made keycloak.conf before the kept
// first-run guard that tests for it). Such a statement is kept too.

// footprint adds the absolute paths a kept statement names.
func (c *conv) footprint(st *syntax.Stmt) {
	syntax.Walk(st, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Lit:
			c.addPaths(n.Value)
		case *syntax.SglQuoted:
			c.addPaths(n.Value)
		case *syntax.ParamExp:
			if n.Param != nil {
				if i, ok := c.envIndex[n.Param.Value]; ok {
					c.addPaths(strings.ReplaceAll(c.env[i].value, "$$", "$"))
				}
			}
		}
		return true
	})
}

func (c *conv) addPaths(s string) {
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(" \t\n\"'=:;,()<>|&`", r) }) {
		f = strings.TrimRight(f, "/*")
		if !strings.HasPrefix(f, "/") || f == "" || strings.HasPrefix(f, "/dev/") || strings.HasPrefix(f, "/proc/") || strings.HasPrefix(f, "/sys/") {
			continue
		}
		c.touched = append(c.touched, f)
	}
}

// clash names the kept path that a write to p would overtake, or "".
func (c *conv) clash(paths ...string) string {
	for _, p := range paths {
		p = strings.TrimRight(p, "/")
		for _, f := range c.touched {
			if p == f || strings.HasPrefix(p, f+"/") || strings.HasPrefix(f, p+"/") {
				return f
			}
		}
	}
	return ""
}
