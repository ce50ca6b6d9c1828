package app

import (
	"context"
	"fmt"
	"syscall"

	"appstart/runtime/environ"
	"appstart/runtime/proc"
	"appstart/runtime/spec"
	"appstart/runtime/stage"
	"appstart/runtime/sysx"
)

// Task is `appstart task NAME`: it runs a [tasks.NAME] command the way the
// platform's scheduler needs it: in a sibling container where the start never
// ran, with the environment the programs get (env, env_file, secrets,
// workers: read, never created), as the task's user, exec'd in place.
func Task(opts TaskOptions, std IO) int {
	if !opts.applyEnvFiles(&std) {
		return ExitProblems
	}
	s, _, ok := loadSpec(std, opts.Config)
	if !ok {
		return ExitProblems
	}
	t := s.Task(opts.Name)
	if t == nil {
		fmt.Fprintf(std.Stderr, "appstart task: no [tasks.%s] in the spec%s\n", opts.Name, taskNames(s))
		return ExitUsage
	}
	e := &stage.Env{Spec: s, Vars: environ.New(std.Env), ReadOnly: true,
		Log: func(f string, a ...any) { fmt.Fprintf(std.Stderr, "appstart: "+f+"\n", a...) }}
	if _, err := stage.Run(context.Background(), e, "workers"); err != nil {
		fmt.Fprintf(std.Stderr, "appstart task %s: %v\n", t.Name, err)
		return ExitProblems
	}
	u, err := systemUsers().lookup(t.User)
	if err != nil {
		fmt.Fprintf(std.Stderr, "appstart task %s: %v\n", t.Name, err)
		return ExitProblems
	}
	env := e.Vars.Clone()
	for _, kv := range u.Env() {
		k, v, _ := cut(kv)
		env.Set(environ.Var{Name: k, Value: v, Source: environ.Program})
	}
	if err := env.AddEntries("tasks."+t.Name+".environment", toPairs(t.Environment), environ.Program); err != nil {
		fmt.Fprintf(std.Stderr, "appstart task %s: %v\n", t.Name, err)
		return ExitProblems
	}
	argv, err := commandArgv(t.Command, env)
	if err != nil {
		fmt.Fprintf(std.Stderr, "appstart task %s: command: %v\n", t.Name, err)
		return ExitProblems
	}
	envList := env.Environ()
	path, err := lookPath(argv[0], envList)
	if err != nil {
		fmt.Fprintf(std.Stderr, "appstart task %s: %v\n", t.Name, err)
		return proc.CodeNotFound
	}
	if t.Directory != "" {
		if err := syscall.Chdir(t.Directory); err != nil {
			fmt.Fprintf(std.Stderr, "appstart task %s: cannot enter %s: %v\n", t.Name, t.Directory, err)
			return ExitProblems
		}
	}
	if err := sysx.DropTo(u.Uid, u.Gid, u.Groups); err != nil {
		fmt.Fprintf(std.Stderr, "appstart task %s: cannot drop to %s: %v\n", t.Name, t.User, err)
		return ExitProblems
	}
	err = syscall.Exec(path, argv, envList)
	fmt.Fprintf(std.Stderr, "appstart task %s: cannot exec %s: %v\n", t.Name, argv[0], err)
	return 126
}

func taskNames(s *spec.Spec) string {
	if len(s.Tasks) == 0 {
		return " (it has no tasks)"
	}
	names := ""
	for i, t := range s.Tasks {
		if i > 0 {
			names += ", "
		}
		names += t.Name
	}
	return " (tasks: " + names + ")"
}
