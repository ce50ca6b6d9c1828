package app

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"appstart/runtime/spec"
)

// flagsWithConfig is the flag set of a command that reads the spec.
func flagsWithConfig(name string, std IO) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(std.Stderr)
	return fs, fs.String("config", "", "spec `file` (default: $APPSTART_CONFIG, /app/pkg/appstart.toml, /app/code/appstart.toml)")
}

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

func cmdCheck(std IO, args []string) int {
	fs, config := flagsWithConfig("check", std)
	specOnly := fs.Bool("spec-only", false, "validate the spec alone, not the image it runs in (users, commands, template sources)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	s, path, ok := loadSpec(std, *config)
	if !ok {
		return exitProblems
	}
	if *specOnly {
		fmt.Fprintf(std.Stdout, "appstart: %s: ok (%d programs; image not checked)\n", path, len(s.Programs))
		return exitOK
	}
	for _, w := range s.Warnings {
		fmt.Fprintf(std.Stderr, "%s (warning)\n", w.String())
	}
	if problems := imageCheck(s, std.Env, systemUsers()); len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintf(std.Stderr, "%s: %s\n", path, p)
		}
		fmt.Fprintf(std.Stderr, "appstart: %s: %d problem(s) with the image\n", path, len(problems))
		return exitProblems
	}
	fmt.Fprintf(std.Stdout, "appstart: %s: ok (%d programs)\n", path, len(s.Programs))
	return exitOK
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
