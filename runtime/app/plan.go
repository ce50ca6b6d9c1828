package app

import (
	"context"
	"fmt"
	"strings"

	"appstart/runtime/environ"
	"appstart/runtime/stage"
)

// Plan is `appstart plan`: what `run` with the same inputs would do right
// now, in order, changing nothing (the first thing to run in a debug shell).
func Plan(in Inputs, std IO) int {
	if !in.applyEnvFiles(&std) {
		return ExitProblems
	}
	s, path, ok := loadSpec(std, in.Config)
	if !ok {
		return ExitProblems
	}
	if err := checkOnly(s, in.Only); err != nil {
		fmt.Fprintf(std.Stderr, "appstart plan: %v\n", err)
		return ExitUsage
	}
	fmt.Fprintf(std.Stdout, "spec: %s\n", path)
	e := &stage.Env{Spec: s, Vars: environ.New(std.Env), DryRun: true,
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
	progs, err := programs(s, e.Vars, systemUsers(), nil)
	if err == nil && in.Only != "" {
		progs, err = onlyProgram(progs, in.Only)
	}
	if err != nil {
		fmt.Fprintf(std.Stderr, "appstart plan: %v\n", err)
		return ExitProblems
	}
	mask := e.Vars.Masker()
	fmt.Fprintln(std.Stdout, "programs:")
	for _, p := range progs {
		l, _ := p.Cred.(launch)
		user := "root"
		if l.cred != nil {
			user = fmt.Sprintf("uid %d gid %d groups %v", l.cred.Uid, l.cred.Gid, l.cred.Groups)
		}
		dir := p.Dir
		if dir == "" {
			dir = "(appstart's)"
		}
		after := ""
		if len(p.After) > 0 {
			after = " after " + strings.Join(p.After, ", ")
		}
		fmt.Fprintf(std.Stdout, "  %s: %s\n    as %s in %s%s; autorestart %s, stop %s then SIGKILL after %s\n",
			p.Name, mask.Mask(strings.Join(p.Argv, " ")), user, dir, after, p.AutoRestart, sigName(p.StopSignal), p.StopWait)
	}
	return ExitOK
}
