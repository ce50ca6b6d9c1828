package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"syscall"

	"appstart/runtime/environ"
	"appstart/runtime/proc"
	"appstart/runtime/resolve"
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
	// The task's own problems stop it; the rest of the spec's (a template
	// the programs need) are the start's business, not a task's.
	plan, _ := resolve.Resolve(s, resolve.System(std.Env).WithManifest(s.Manifest), resolve.Input{Mode: resolve.Run})
	e := &stage.Env{Spec: s, Vars: environ.New(std.Env), ReadOnly: true, Users: plan.User,
		Log: func(f string, a ...any) { fmt.Fprintf(std.Stderr, "appstart: "+f+"\n", a...) }}
	if _, err := stage.Run(context.Background(), e, stage.LastEnvStage); err != nil {
		fmt.Fprintf(std.Stderr, "appstart task %s: %v\n", t.Name, err)
		return ExitProblems
	}
	l, err := plan.BindTask(t, e.Vars)
	if err != nil {
		fmt.Fprintf(std.Stderr, "appstart task %s: %v\n", t.Name, err)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return proc.CodeNotFound
		case errors.Is(err, fs.ErrPermission):
			return proc.CodeNotExecutable
		}
		return ExitProblems
	}
	if l.Dir != "" {
		if err := syscall.Chdir(l.Dir); err != nil {
			fmt.Fprintf(std.Stderr, "appstart task %s: cannot enter %s: %v\n", t.Name, l.Dir, err)
			return ExitProblems
		}
	}
	if err := sysx.DropTo(l.User.Uid, l.User.Gid, l.User.Groups); err != nil {
		fmt.Fprintf(std.Stderr, "appstart task %s: cannot drop to %s: %v\n", t.Name, t.User, err)
		return ExitProblems
	}
	err = syscall.Exec(l.Path, l.Argv, l.Env)
	fmt.Fprintf(std.Stderr, "appstart task %s: cannot exec %s: %v\n", t.Name, l.Path, err)
	return proc.CodeNotExecutable
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
