package app

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"appstart/runtime/environ"
	"appstart/runtime/spec"
	"appstart/templates"
)

// missingVars is the preflight of a start: every variable the spec needs
// that nothing will set, from [env], templates and program commands, found
// before any stage runs, so one message lists them all (with the addon that
// normally provides each) instead of one failure per start. It returns nil
// when nothing is missing; the stages then report anything else themselves.
func missingVars(s *spec.Spec, base []string) error {
	need := map[string][]string{} // variable -> what needs it
	add := func(v, by string) { need[v] = append(need[v], by) }

	env := environ.New(base)
	for _, err := range []error{env.AddDefaults("env_defaults", toPairs(s.EnvDefaults)), env.AddEntries("env", toPairs(s.Env), environ.Spec)} {
		var ee *environ.Error
		if errors.As(err, &ee) {
			for _, p := range ee.Problems {
				if p.Unset {
					add(p.Var, p.Key)
				}
			}
		}
	}
	known := func(name string) bool {
		if _, ok := env.Lookup(name); ok {
			return true
		}
		return laterNames(s)[name]
	}
	for _, t := range s.Templates {
		if skip, _ := spec.Skip(t.When, t.Unless, env.Lookup, fileExists); skip {
			continue
		}
		src, err := os.ReadFile(t.Source)
		if err != nil {
			continue // the templates stage names it
		}
		tpl, err := templates.Parse(t.Source, src)
		if err != nil {
			continue
		}
		optional := map[string]bool{}
		for _, o := range t.Optional {
			optional[o] = true
		}
		for _, p := range tpl.Placeholders() {
			if !optional[p.Name] && !known(p.Name) && conditionsHold(p.When, env) {
				add(p.Name, fmt.Sprintf("%s:%d", t.Source, p.Line))
			}
		}
	}
	for _, p := range s.Programs {
		for _, a := range p.Command.Argv {
			refs, _ := environ.Refs(a)
			for _, r := range refs {
				if !known(r) && !programSets(p, r) {
					if _, err := environ.Expand(a, func(n string) (string, bool) {
						if known(n) || programSets(p, n) {
							return "x", true
						}
						return "", false
					}); err != nil {
						add(r, "programs."+p.Name+".command")
					}
				}
			}
		}
	}
	if len(need) == 0 {
		return nil
	}
	names := make([]string, 0, len(need))
	for n := range need {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	fmt.Fprintf(&b, "cannot start: %d variable(s) the spec needs are not set:\n", len(names))
	for _, n := range names {
		from := ""
		if a, ok := environ.Addon(n); ok {
			from = a + " addon"
		}
		fmt.Fprintf(&b, "  %-34s %-18s needed by %s\n", n, from, strings.Join(dedup(need[n]), ", "))
	}
	b.WriteString("set them (docker run -e or --env-file), give defaults in [env_defaults], or, where the addon is optional,\nwrite ${VAR:-} in [env] and list the placeholder in the template's optional")
	return errors.New(b.String())
}

// laterNames are the variables [env] defines and those the stages add
// after it: secrets, the
// worker count, appstart's own, and the keys of the user's env files.
func laterNames(s *spec.Spec) map[string]bool {
	m := map[string]bool{"APPSTART_MEMORY_LIMIT": true, "APPSTART_MEMORY_LIMIT_MB": true,
		"APPSTART_MEMORY_SWAP_LIMIT_MB": true, "APPSTART_INSTANCE": true, "HOME": true, "USER": true, "LOGNAME": true}
	for _, sec := range s.Secrets {
		m[sec.Name] = true
	}
	for _, p := range s.Env { // set once their own inputs are
		m[p.Name] = true
	}
	if s.Workers != nil {
		m[s.Workers.Name] = true
	}
	for _, f := range s.EnvFile {
		fh, err := os.Open(f)
		if err != nil {
			continue
		}
		entries, _ := environ.ParseEnvFile(f, fh)
		fh.Close()
		for _, e := range entries {
			m[e.Name] = true
		}
	}
	return m
}

func programSets(p spec.Program, name string) bool {
	for _, kv := range p.Environment {
		if kv.Name == name {
			return true
		}
	}
	return false
}

// conditionsHold says whether a placeholder inside ##IF blocks is rendered.
func conditionsHold(conds []string, env *environ.Env) bool {
	for _, c := range conds {
		neg := strings.HasPrefix(c, "!")
		v, _ := env.Lookup(strings.TrimPrefix(c, "!"))
		if (v != "") == neg {
			return false
		}
	}
	return true
}

func dedup(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
