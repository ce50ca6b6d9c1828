package spec

import (
	"fmt"

	"appstart/runtime/environ"
)

// checkEnv checks the [env], [env_defaults] and env_file parts: the
// expressions in values, and that overridable names something the spec
// manages. Expansion itself happens at run time (runtime/environ).
func (s *Spec) checkEnv(c *checker) {
	for _, t := range []struct {
		key   string
		pairs []Pair
	}{{"env", s.Env}, {"env_defaults", s.EnvDefaults}} {
		for _, p := range t.pairs {
			c.checkExpr(joinKey(t.key, p.Name), p.Value)
		}
	}
	managed := s.managedNames()
	for i, n := range s.Overridable {
		if _, ok := managed[n]; !ok {
			c.warnf(indexKey("overridable", i+1), "%s is not set by the spec ([env], [env_defaults], secrets or workers), so an env_file may set it anyway: remove it", n)
		}
	}
	for i, f := range s.EnvFile {
		if !under(f, c.roots...) {
			c.warnf(indexKey("env_file", i+1), "%q is in the image, not where a user can edit it: user overrides usually live in /app/data (e.g. \"/app/data/env\")", f)
		}
	}
}

// managedNames maps each variable the spec sets to the key that sets it.
func (s *Spec) managedNames() map[string]string {
	m := map[string]string{}
	for _, p := range s.EnvDefaults {
		m[p.Name] = joinKey("env_defaults", p.Name)
	}
	for _, p := range s.Env {
		m[p.Name] = joinKey("env", p.Name)
	}
	for i, sec := range s.Secrets {
		m[sec.Name] = indexKey("secrets", i+1) + ".name"
	}
	if s.Workers != nil {
		m[s.Workers.Name] = "workers.name"
	}
	return m
}

// checkExpr finds the ${...} mistakes that would only show at run time:
// an unterminated expression, or ${ without a name. The full grammar is
// runtime/environ's (Expand); this is the early, cheap part of it.
//
//	"${DB_HOST"  -> unterminated ${DB_HOST: add the closing }
func (c *checker) checkExpr(key, s string) {
	if msg := exprMsg(s); msg != "" {
		c.errorf(key, "%s", msg)
		return
	}
	// What follows the name (filters, :- :+ - +) is judged by environ's own
	// parser, so check refuses an expression a start would (${X|bogus}).
	if _, err := environ.Refs(s); err != nil {
		c.errorf(key, "%q: %v", s, err)
	}
}

func exprMsg(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			continue
		}
		switch s[i+1] {
		case '$':
			i++
			continue
		case '{':
		default:
			continue
		}
		rest := s[i+2:]
		n := 0
		for n < len(rest) && (isBareByte(rest[n]) && rest[n] != '-') {
			n++
		}
		if n == 0 || !IsEnvName(rest[:n]) {
			return fmt.Sprintf("%q: ${ must be followed by a variable name, such as ${CLOUDRON_APP_ORIGIN} (write $$ for a literal $)", s)
		}
		depth, j := 1, i+2
		for ; j < len(s) && depth > 0; j++ {
			switch {
			case s[j] == '$' && j+1 < len(s) && s[j+1] == '{':
				depth++
				j++
			case s[j] == '}':
				depth--
			}
		}
		if depth > 0 {
			return fmt.Sprintf("%q: unterminated ${%s: add the closing }", s, rest[:n])
		}
		i = j - 1
	}
	return ""
}

// checkNames refuses two parts setting the same variable: a secret, the
// worker count and an [env] entry would silently override each other.
func (s *Spec) checkNames(c *checker) {
	envKeys := map[string]bool{}
	for _, p := range s.Env {
		envKeys[p.Name] = true
	}
	seen := map[string]string{}
	for i, sec := range s.Secrets {
		key := indexKey("secrets", i+1) + ".name"
		switch {
		case sec.Name == "": // already reported
		case seen[sec.Name] != "":
			c.errorf(key, "secret %s is already defined at %s: give each secret its own name", sec.Name, seen[sec.Name])
			continue
		case envKeys[sec.Name]:
			c.errorf(key, "%s is also set in [env]: remove it there (the secret is exported under its name)", sec.Name)
		}
		seen[sec.Name] = indexKey("secrets", i+1)
	}
	if w := s.Workers; w != nil {
		switch {
		case seen[w.Name] != "":
			c.errorf("workers.name", "%s is also a secret's name (%s): name the worker count differently", w.Name, seen[w.Name])
		case envKeys[w.Name]:
			c.errorf("workers.name", "%s is also set in [env]: remove it there (the worker count is exported as %s)", w.Name, w.Name)
		}
	}
}

// checkEnvironment checks a program's, task's or command's environment
// table.
func (c *checker) checkEnvironment(key string, ps []Pair) {
	for _, p := range ps {
		c.checkExpr(joinKey(key, p.Name), p.Value)
	}
}
