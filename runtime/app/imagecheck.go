package app

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"appstart/runtime/environ"
	"appstart/runtime/spec"
	"appstart/templates"
)

// imageCheck finds what a valid spec still gets wrong about the image it will
// run in, the checks `RUN appstart check` in a Dockerfile is for: commands not
// on PATH, users and groups missing from /etc/passwd and /etc/group, template
// sources that do not exist, and placeholders nothing could fill.
func imageCheck(s *spec.Spec, env []string, users userDB) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }

	for key, who := range usersOf(s) {
		if _, err := users.lookup(who); err != nil {
			add("%s: %v", key, err)
		}
	}
	for key, c := range commandsOf(s) {
		if c.Shell != "" || len(c.Argv) == 0 || strings.Contains(c.Argv[0], "${") {
			continue // the shell, or the environment at run time, decides
		}
		if _, err := lookPath(c.Argv[0], env); err != nil {
			add("%s: command %s", key, err)
		} else if strings.Contains(c.Argv[0], "/") && !fileExists(c.Argv[0]) {
			add("%s: command %s does not exist", key, c.Argv[0])
		}
	}
	fillable := fillableNames(s, env)
	for i, t := range s.Templates {
		key := fmt.Sprintf("templates[%d]", i+1)
		src, err := os.ReadFile(t.Source)
		if err != nil {
			add("%s.source: cannot read %s: %v", key, t.Source, err)
			continue
		}
		tpl, err := templates.Parse(t.Source, src)
		if err != nil {
			add("%s: %v", key, err)
			continue
		}
		optional := map[string]bool{}
		for _, o := range t.Optional {
			optional[o] = true
		}
		for _, p := range tpl.Placeholders() {
			if !fillable(p.Name) && !optional[p.Name] {
				add("%s: %s:%d: ##%s: no variable, secret, default or addon sets it (add it to [env] or [env_defaults], or list it in optional)", key, t.Source, p.Line, p.Name)
			}
		}
	}
	sort.Strings(out)
	return out
}

// fillableNames says whether a name could have a value at run time: set now,
// set by the spec, a secret, the worker count, appstart's own, or an addon's.
func fillableNames(s *spec.Spec, env []string) func(string) bool {
	known := map[string]bool{"APPSTART_MEMORY_LIMIT": true, "APPSTART_MEMORY_LIMIT_MB": true,
		"APPSTART_MEMORY_SWAP_LIMIT_MB": true, "APPSTART_INSTANCE": true}
	for _, kv := range env {
		k, _, _ := cut(kv)
		known[k] = true
	}
	for _, p := range append(append([]spec.Pair{}, s.Env...), s.EnvDefaults...) {
		known[p.Name] = true
	}
	for _, sec := range s.Secrets {
		known[sec.Name] = true
	}
	if s.Workers != nil {
		known[s.Workers.Name] = true
	}
	return func(name string) bool {
		if known[name] {
			return true
		}
		_, ok := environ.Addon(name)
		return ok
	}
}

func usersOf(s *spec.Spec) map[string]string {
	m := map[string]string{"user": s.User}
	for _, p := range s.Programs {
		m["programs."+p.Name+".user"] = p.User
	}
	for _, t := range s.Tasks {
		m["tasks."+t.Name+".user"] = t.User
	}
	for i, o := range s.OnStart {
		m[fmt.Sprintf("on_start[%d].user", i+1)] = o.User
	}
	for i, d := range s.Dirs {
		m[fmt.Sprintf("dirs[%d].owner", i+1)] = d.Owner
	}
	for i, d := range s.Seed {
		m[fmt.Sprintf("seed[%d].owner", i+1)] = d.Owner
	}
	for i, d := range s.Secrets {
		m[fmt.Sprintf("secrets[%d].owner", i+1)] = d.Owner
	}
	for i, d := range s.Templates {
		m[fmt.Sprintf("templates[%d].owner", i+1)] = d.Owner
	}
	for i, d := range s.Patch {
		m[fmt.Sprintf("patch[%d].owner", i+1)] = d.Owner
	}
	for i, d := range s.Chown {
		m[fmt.Sprintf("chown[%d].owner", i+1)] = d.Owner
	}
	if f := s.FirstRun; f != nil {
		for i, st := range f.Commands {
			m[fmt.Sprintf("first_run.commands[%d].user", i+1)] = st.User
		}
	}
	if u := s.OnUpgrade; u != nil {
		for i, st := range u.Commands {
			m[fmt.Sprintf("on_upgrade.commands[%d].user", i+1)] = st.User
		}
	}
	for k, v := range m {
		if v == "" {
			delete(m, k) // "" keeps a file's owner: nothing to resolve
		}
	}
	return m
}

func commandsOf(s *spec.Spec) map[string]spec.Command {
	m := map[string]spec.Command{}
	for _, p := range s.Programs {
		m["programs."+p.Name+".command"] = p.Command
	}
	for _, t := range s.Tasks {
		m["tasks."+t.Name+".command"] = t.Command
	}
	for i, o := range s.OnStart {
		m[fmt.Sprintf("on_start[%d].command", i+1)] = o.Command
	}
	if f := s.FirstRun; f != nil {
		for i, st := range f.Commands {
			m[fmt.Sprintf("first_run.commands[%d]", i+1)] = st.Command
		}
	}
	if u := s.OnUpgrade; u != nil {
		for i, st := range u.Commands {
			m[fmt.Sprintf("on_upgrade.commands[%d]", i+1)] = st.Command
		}
	}
	return m
}
