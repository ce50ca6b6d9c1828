package resolve

import (
	"fmt"
	"strings"

	"appstart/runtime/environ"
	"appstart/runtime/spec"
)

// BindTask makes the launch of `appstart task NAME` from the programs'
// environment: the task's user, its own environment over it, its command
// expanded and found in PATH.
func (p *Plan) BindTask(t *spec.Task, vars *environ.Env) (Launch, error) {
	at := "tasks." + t.Name
	u, err := p.user(t.User)
	if err != nil {
		return Launch{}, fmt.Errorf("%s.user: %w", at, err)
	}
	env := vars.Clone()
	for _, kv := range u.Env() {
		k, v, _ := strings.Cut(kv, "=")
		env.Set(environ.Var{Name: k, Value: v, Source: environ.Program, Origin: "user " + u.Name})
	}
	if err := env.AddEntries(at+".environment", pairs(t.Environment), environ.Program); err != nil {
		return Launch{}, err
	}
	argv, err := expandArgv(t.Command, env)
	if err != nil {
		return Launch{}, fmt.Errorf("%s.command: %w", at, err)
	}
	path, _ := env.Lookup("PATH")
	exe, err := p.facts.executable(argv[0], path, u)
	if err != nil {
		return Launch{}, fmt.Errorf("%s.command: %w", at, err)
	}
	return Launch{Path: exe, Argv: argv, Env: env.Environ(), Dir: t.Directory, User: u}, nil
}
