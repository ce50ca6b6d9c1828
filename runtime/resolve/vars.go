package resolve

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"appstart/runtime/environ"
	"appstart/runtime/spec"
)

// missing finds every variable the spec needs that nothing sets, from
// [env], [env_defaults], templates and program commands, before any stage
// runs, so one message lists them all. In Check mode the addons' variables
// count as set: the platform sets them at run time.
func (p *Plan) missing() []Missing {
	need := map[string][]string{}
	add := func(v, by string) {
		if !slices.Contains(need[v], by) {
			need[v] = append(need[v], by)
		}
	}
	env := p.baseEnv()
	for _, err := range []error{
		env.AddDefaults("env_defaults", pairs(p.Spec.EnvDefaults)),
		env.AddEntries("env", pairs(p.Spec.Env), environ.Spec),
	} {
		var ee *environ.Error
		if errors.As(err, &ee) {
			for _, pr := range ee.Problems {
				if pr.Unset {
					add(pr.Var, pr.Key)
				}
			}
		}
	}
	known := func(name string) bool {
		_, ok := env.Lookup(name)
		return ok || programVars[name]
	}
	for _, t := range p.Spec.Templates {
		if skippedByEnv(t.When, t.Unless, env.Lookup) {
			continue
		}
		tpl, err := p.template(t.Source)
		if err != nil {
			continue // checkTemplates names it
		}
		for _, ph := range tpl.Placeholders() {
			if !slices.Contains(t.Optional, ph.Name) && !known(ph.Name) && conditionsHold(ph.When, env) {
				add(ph.Name, fmt.Sprintf("%s:%d", t.Source, ph.Line))
			}
		}
	}
	for _, sp := range p.Spec.Programs {
		if skippedByEnv(sp.When, sp.Unless, env.Lookup) {
			continue // Bind skips it: an optional addon's program needs nothing
		}
		own := map[string]bool{}
		for _, kv := range sp.Environment {
			own[kv.Name] = true
		}
		lookup := func(n string) (string, bool) {
			if known(n) || own[n] {
				return "x", true
			}
			return "", false
		}
		uses := func(key, a string) {
			if _, err := environ.Expand(a, lookup); err != nil {
				refs, _ := environ.Refs(a)
				for _, r := range refs {
					if _, ok := lookup(r); !ok {
						add(r, key)
					}
				}
			}
		}
		for _, a := range sp.Command.Argv {
			uses("programs."+sp.Name+".command", a)
		}
		for _, kv := range sp.Environment {
			uses("programs."+sp.Name+".environment."+kv.Name, kv.Value)
		}
	}
	out := make([]Missing, 0, len(need))
	for name, by := range need {
		addon, _ := environ.Addon(name)
		out = append(out, Missing{Name: name, Addon: addon, NeededBy: by})
	}
	return out
}

// skippedByEnv reports whether when/unless skip an entry on their
// variables alone; a path condition is decided when the entry runs.
func skippedByEnv(when, unless spec.Cond, lookup func(string) (string, bool)) bool {
	none := func(string) bool { return false }
	return (when.Var != "" && !when.Holds(lookup, none)) || (unless.Var != "" && unless.Holds(lookup, none))
}

// programVars are set in every program's own environment.
var programVars = map[string]bool{spec.InstanceVar: true, "HOME": true, "USER": true, "LOGNAME": true}

// baseEnv is the container environment as the stages will see it before
// [env]: in Check mode with a placeholder for every addon variable the
// spec uses, and in both modes with a stand-in for each variable a stage
// produces (secrets, the worker count, the memory limits) and each key of
// an env file present now.
func (p *Plan) baseEnv() *environ.Env {
	env := environ.New(p.facts.Env)
	setIfUnset := func(name, value, origin string) {
		if _, ok := env.Lookup(name); !ok {
			env.Set(environ.Var{Name: name, Value: value, Source: environ.Inherited, Origin: origin})
		}
	}
	if p.Input.Mode == Check {
		for _, name := range p.referenced() {
			if addon, ok := environ.Addon(name); ok {
				setIfUnset(name, addonPlaceholder(name), addon+" addon (placeholder)")
			}
		}
	}
	for name, key := range p.Spec.Produced() {
		setIfUnset(name, p.producedPlaceholder(name), key)
	}
	for _, f := range p.Spec.EnvFile {
		data, err := p.facts.ReadFile(f)
		if err != nil {
			continue
		}
		entries, _ := environ.ParseEnvFile(f, bytes.NewReader(data))
		for _, e := range entries {
			setIfUnset(e.Name, e.Value, f)
		}
	}
	return env
}

// CheckEnv is the environment check binds the programs with: baseEnv,
// a placeholder for each variable already reported missing (so that the
// programs are still checked), composed with [env_defaults] and [env] as
// the stages would.
func (p *Plan) CheckEnv() *environ.Env {
	env := p.baseEnv()
	for _, m := range p.missingVars {
		if _, ok := env.Lookup(m.Name); !ok {
			env.Set(environ.Var{Name: m.Name, Value: addonPlaceholder(m.Name), Source: environ.Inherited, Origin: "missing (placeholder)"})
		}
	}
	// Their problems are the missing variables, reported by Resolve.
	_ = env.AddDefaults("env_defaults", pairs(p.Spec.EnvDefaults))
	_ = env.AddEntries("env", pairs(p.Spec.Env), environ.Spec)
	return env
}

// producedPlaceholder stands for a variable a stage sets: a secret of the
// length it will have (its size counts toward the programs' environment),
// one worker, the platform's default 256 MiB.
func (p *Plan) producedPlaceholder(name string) string {
	for _, sec := range p.Spec.Secrets {
		if sec.Name == name {
			return strings.Repeat("s", encodedLen(sec))
		}
	}
	switch name {
	case spec.MemoryLimitVar:
		return "268435456"
	case spec.MemoryLimitMBVar, spec.MemorySwapLimitMBVar:
		return "256"
	}
	return "1" // the worker count
}

func encodedLen(sec spec.Secret) int {
	n := sec.Bytes
	if sec.Command.Argv != nil || sec.Command.Shell != "" || n == 0 {
		return 32
	}
	switch sec.Encoding {
	case spec.EncodingHex:
		return 2 * n
	case spec.EncodingBase64, spec.EncodingBase64URL:
		return (n + 2) / 3 * 4
	}
	return n
}

// addonPlaceholder is a value an addon variable could have: a number for
// a port, a word otherwise.
func addonPlaceholder(name string) string {
	if strings.HasSuffix(name, "_PORT") {
		return "1"
	}
	return "placeholder"
}

// referenced lists every ${VAR} the spec's values use.
func (p *Plan) referenced() []string {
	s := p.Spec
	var vals []string
	for _, e := range append(append([]spec.Pair{}, s.Env...), s.EnvDefaults...) {
		vals = append(vals, e.Value)
	}
	for _, sp := range s.Programs {
		vals = append(vals, sp.Command.Argv...)
		vals = append(vals, sp.Instances)
		for _, e := range sp.Environment {
			vals = append(vals, e.Value)
		}
	}
	var out []string
	for _, v := range vals {
		refs, _ := environ.Refs(v)
		out = append(out, refs...)
	}
	for _, t := range s.Templates {
		if tpl, err := p.template(t.Source); err == nil {
			for _, ph := range tpl.Placeholders() {
				out = append(out, ph.Name)
			}
		}
	}
	return out
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

func pairs(ps []spec.Pair) []environ.Pair {
	out := make([]environ.Pair, len(ps))
	for i, p := range ps {
		out[i] = environ.Pair(p)
	}
	return out
}
