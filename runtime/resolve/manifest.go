package resolve

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"appstart/runtime/environ"
	"appstart/runtime/manifest"
	"appstart/runtime/spec"
	"appstart/runtime/supervise"
)

// WithManifest returns the facts with the package manifest (nil: none),
// which check compares the spec's addon variables with and which gives
// the main program its readiness and health (see MainProgram).
func (f Facts) WithManifest(m *manifest.Manifest) Facts {
	f.Manifest = m
	return f
}

// use is one place the spec names a variable: a spec key, or a template
// file and line.
type use struct {
	name, key, at string // at: "file:line" for a template placeholder
}

// uses lists every variable the spec's strings name: [env], programs
// (commands, environment, when), patches, stage commands (a shell line's
// $X too), templates' placeholders and their when.
func (p *Plan) uses() []use {
	s := p.Spec
	var out []use
	add := func(key, v string) {
		refs, _ := environ.Refs(v)
		for _, r := range refs {
			out = append(out, use{name: r, key: key})
		}
	}
	shell := func(key, line string) {
		add(key, line)
		for _, f := range strings.FieldsFunc(line, func(r rune) bool {
			return !(r == '_' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
		}) {
			if strings.HasPrefix(f, "CLOUDRON_") {
				out = append(out, use{name: f, key: key})
			}
		}
	}
	cond := func(key string, c spec.Cond) {
		if c.Var != "" {
			out = append(out, use{name: c.Var, key: key})
		}
	}
	for _, e := range s.Env {
		add("env."+e.Name, e.Value)
	}
	for _, sp := range s.Programs {
		at := "programs." + sp.Name
		for _, a := range sp.Command.Argv {
			add(at+".command", a)
		}
		shell(at+".command", sp.Command.Shell)
		for _, e := range sp.Environment {
			add(at+".environment."+e.Name, e.Value)
		}
		cond(at+".when", sp.When)
		cond(at+".unless", sp.Unless)
	}
	for i, pt := range s.Patch {
		at := fmt.Sprintf("patch[%d]", i+1)
		for _, kv := range append(slices.Clone(pt.Set), pt.Defaults...) {
			add(at+".set", kv.Value)
		}
		cond(at+".when", pt.When)
	}
	for _, c := range stageCommands(s) {
		for _, a := range c.cmd.Argv {
			add(c.key, a)
		}
		shell(c.key, c.cmd.Shell)
	}
	for i, t := range s.Templates {
		cond(fmt.Sprintf("templates[%d].when", i+1), t.When)
		tpl, err := p.template(t.Source)
		if err != nil {
			continue
		}
		for _, ph := range tpl.Placeholders() {
			out = append(out, use{name: ph.Name, at: fmt.Sprintf("%s:%d", t.Source, ph.Line)})
		}
	}
	return out
}

// ManifestWarnings compares the addons the spec's variables belong to
// with the manifest's: a variable of an addon the manifest does not
// declare is never set on the platform (the app fails there, though a
// local docker run with -e works), and a declared addon none of whose
// variables the spec names is worth a look (fine when the app reads them
// itself). Nil without a manifest.
func (p *Plan) ManifestWarnings() []spec.Problem {
	m := p.facts.Manifest
	if m == nil {
		return nil
	}
	var warns []spec.Problem
	used := map[string]bool{}
	warned := map[string]bool{}
	for _, u := range p.uses() {
		addon, ok := environ.Addon(u.name)
		if !ok || addon == "platform" {
			continue
		}
		used[addon] = true
		if _, declared := m.Addons[addon]; declared || warned[u.name+u.key+u.at] {
			continue
		}
		warned[u.name+u.key+u.at] = true
		msg := fmt.Sprintf("%s belongs to the %s addon, which %s does not declare: the platform never sets it; add \"%s\": {} to its addons",
			u.name, addon, manifestName(m), addon)
		if u.at != "" {
			file, line := splitAt(u.at)
			warns = append(warns, spec.Problem{File: file, Line: line, Msg: msg})
			continue
		}
		warns = append(warns, p.Spec.Problem(u.key, "%s", msg))
	}
	for _, a := range m.AddonNames() {
		if used[a] || len(environ.AddonVars(a)) == 0 {
			continue // localstorage, scheduler...: no variables to use
		}
		warns = append(warns, spec.Problem{File: manifestName(m), Line: m.AddonLine(a), Key: "addons." + a,
			Msg: fmt.Sprintf("the spec never uses the %s addon's variables (%s...): fine if the app reads them from its environment itself, else drop the addon",
				a, environ.AddonVars(a)[0])})
	}
	return warns
}

func manifestName(m *manifest.Manifest) string {
	if m.File != "" {
		return m.File
	}
	return manifest.Name
}

func splitAt(at string) (string, int) {
	i := strings.LastIndexByte(at, ':')
	n, _ := strconv.Atoi(at[i+1:]) // not fmt.Sscanf: it would link fmt's scanner into the init (+21 KB)
	return at[:i], n
}

// MainProgram is the program the manifest's httpPort belongs to: the one
// whose ready or healthcheck names that port, else the only program that
// starts on its own (not scheduled). "" when there is no manifest port or
// no such program; why says which rule chose it, or why none was.
func MainProgram(s *spec.Spec, m *manifest.Manifest) (name, why string) {
	if m == nil || m.HTTPPort == 0 {
		return "", "the manifest names no httpPort"
	}
	port := fmt.Sprintf(":%d", m.HTTPPort)
	var byPort, auto []string
	for _, sp := range s.Programs {
		if sp.Schedule != nil {
			continue
		}
		t := sp.Ready.Target
		if sp.HealthCheck != nil {
			t += " " + sp.HealthCheck.Probe().Target
		}
		if strings.Contains(t, port+"/") || strings.HasSuffix(t, port) || strings.Contains(t, port+" ") {
			byPort = append(byPort, sp.Name)
		}
		if sp.AutoStart {
			auto = append(auto, sp.Name)
		}
	}
	switch {
	case len(byPort) == 1:
		return byPort[0], fmt.Sprintf("its ready or healthcheck names the manifest's httpPort %d", m.HTTPPort)
	case len(byPort) > 1:
		return "", fmt.Sprintf("%s all name the manifest's httpPort %d", strings.Join(byPort, ", "), m.HTTPPort)
	case len(auto) == 1:
		return auto[0], "it is the only program that starts on its own"
	}
	return "", fmt.Sprintf("several programs and none names the manifest's httpPort %d in its ready or healthcheck", m.HTTPPort)
}

// manifestProbes gives the main program what the manifest implies and the
// spec does not write: ready when GET http://127.0.0.1:httpPort/
// healthCheckPath answers (below 400), and the same check as healthcheck
// with the spec's defaults (10s, 3s, 3 retries). Written keys win.
func (p *Plan) manifestProbes(sp spec.Program, prog *Program) {
	m := p.facts.Manifest
	if m == nil || m.HTTPPort == 0 {
		return
	}
	if main, _ := MainProgram(p.Spec, m); main != sp.Name {
		return
	}
	path := m.HealthCheckPath
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	probe := supervise.HTTPProbe{URL: fmt.Sprintf("http://127.0.0.1:%d%s", m.HTTPPort, path)}
	if sp.Ready.Kind == spec.ProbeNone {
		prog.Ready = probe
	}
	if sp.HealthCheck == nil && m.HealthCheckPath != "" {
		prog.Health = &supervise.HealthCheck{Probe: probe, Interval: 10 * time.Second, Timeout: 3 * time.Second, Retries: 3}
	}
}
