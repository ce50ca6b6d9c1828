package app

import (
	"context"
	"fmt"
	"strings"

	"appstart/runtime/environ"
	"appstart/runtime/resolve"
	"appstart/runtime/stage"
)

// Plan is `appstart plan`: what `run` with the same inputs would do right
// now, in order, changing nothing (the first thing to run in a debug shell).
// It takes run's road: the same resolution and the same problems, then the
// stages as a dry run, then the programs bound to the environment they made.
func Plan(in Inputs, std IO) int {
	if !in.applyEnvFiles(&std) {
		return ExitProblems
	}
	s, path, ok := loadSpec(std, in.Config)
	if !ok {
		return ExitProblems
	}
	plan, probs := resolve.Resolve(s, resolve.System(std.Env).WithManifest(s.Manifest), in.resolveInput(resolve.Run))
	if probs != nil {
		reportProblems(std.Stderr, path, probs)
		return problemsCode(probs)
	}
	fmt.Fprintf(std.Stdout, "spec: %s\n", path)
	e := &stage.Env{Spec: s, Vars: environ.New(std.Env), DryRun: true, Users: plan.User,
		Plan: func(line string) { fmt.Fprintln(std.Stdout, line) },
		Log:  func(f string, a ...any) { fmt.Fprintf(std.Stdout, f+"\n", a...) },
	}
	if _, err := stage.Run(context.Background(), e, in.Until); err != nil {
		fmt.Fprintf(std.Stderr, "appstart plan: %v\n", err)
		return ExitProblems
	}
	if in.Until != "" && in.Until != "programs" {
		fmt.Fprintf(std.Stdout, "then stop after stage %s (--until)\n", in.Until)
		return ExitOK
	}
	progs, probs := plan.Bind(e.Vars, nil)
	if probs != nil {
		reportProblems(std.Stderr, path, probs)
		return ExitProblems
	}
	mask := e.Vars.Masker()
	fmt.Fprintln(std.Stdout, "programs:")
	for _, p := range progs {
		l := p.Launch
		user := fmt.Sprintf("%s (uid %d gid %d groups %v)", l.User.Name, l.User.Uid, l.User.Gid, l.User.Groups)
		if l.KeepIdentity {
			user = "root"
		}
		dir := l.Dir
		if dir == "" {
			dir = "(appstart's)"
		}
		after := ""
		if len(p.After) > 0 {
			after = " after " + strings.Join(p.After, ", ")
		}
		fmt.Fprintf(std.Stdout, "  %s: %s\n    %s as %s in %s%s; autorestart %s, stop %s then SIGKILL after %s\n",
			p.Name, mask.Mask(strings.Join(l.Argv, " ")), l.Path, user, dir, after, p.AutoRestart, sigName(p.StopSignal), p.StopWait)
	}
	return ExitOK
}
