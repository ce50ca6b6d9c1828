package app

import (
	"errors"
	"fmt"
	"os"

	"appstart/runtime/spec"
)

// loadSpec finds and loads the spec named by --config, $APPSTART_CONFIG or the
// default places, printing every problem on failure.
func loadSpec(std IO, config string) (*spec.Spec, string, bool) {
	path, err := spec.Find(config, getenvFrom(std.Env), fileExists)
	if err != nil {
		fmt.Fprintf(std.Stderr, "appstart: %v\n", err)
		return nil, "", false
	}
	s, err := spec.Load(path)
	if err != nil {
		var se *spec.Error
		if errors.As(err, &se) {
			for _, p := range se.Problems {
				fmt.Fprintln(std.Stderr, p.String())
			}
			for _, w := range se.Warnings {
				fmt.Fprintf(std.Stderr, "%s (warning)\n", w.String())
			}
			fmt.Fprintf(std.Stderr, "appstart: %s: %d problem(s)\n", path, len(se.Problems))
		} else {
			fmt.Fprintf(std.Stderr, "appstart: %v\n", err)
		}
		return nil, path, false
	}
	return s, path, true
}

// Check is `appstart check`: the spec, then the image it will run in,
// every problem printed; 0 when a start would find none of them.
func Check(opts CheckOptions, std IO) int {
	if !opts.applyEnvFiles(&std) {
		return ExitProblems
	}
	s, path, ok := loadSpec(std, opts.Config)
	if !ok {
		return ExitProblems
	}
	if opts.SpecOnly {
		fmt.Fprintf(std.Stdout, "appstart: %s: ok (%d programs; image not checked)\n", path, len(s.Programs))
		return ExitOK
	}
	for _, w := range s.Warnings {
		fmt.Fprintf(std.Stderr, "%s (warning)\n", w.String())
	}
	if problems := imageCheck(s, std.Env, systemUsers()); len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintf(std.Stderr, "%s: %s\n", path, p)
		}
		fmt.Fprintf(std.Stderr, "appstart: %s: %d problem(s) with the image\n", path, len(problems))
		return ExitProblems
	}
	fmt.Fprintf(std.Stdout, "appstart: %s: ok (%d programs)\n", path, len(s.Programs))
	return ExitOK
}

func getenvFrom(env []string) func(string) string {
	return func(k string) string {
		for i := len(env) - 1; i >= 0; i-- {
			if len(env[i]) > len(k) && env[i][len(k)] == '=' && env[i][:len(k)] == k {
				return env[i][len(k)+1:]
			}
		}
		return ""
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
