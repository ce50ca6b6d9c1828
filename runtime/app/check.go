package app

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"appstart/runtime/resolve"
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

// Check is `appstart check`: the spec, then the image it will run in, by
// the road run takes (resolve, then bind the programs), with placeholder
// values for the variables the platform sets at run time. Every problem is
// printed; 0 means a start would find none of them.
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
	plan, probs := resolve.Resolve(s, resolve.System(std.Env).WithManifest(s.Manifest), opts.resolveInput(resolve.Check))
	for _, w := range plan.ManifestWarnings() {
		fmt.Fprintf(std.Stderr, "%s (warning)\n", w.String())
	}
	reportMainProgram(std, s)
	env := plan.CheckEnv()
	_, bound := plan.Bind(env, nil)
	if probs = resolve.Merge(probs, bound); probs != nil {
		reportProblems(std.Stderr, path, probs)
		return problemsCode(probs)
	}
	fmt.Fprintf(std.Stdout, "appstart: %s: ok (%d programs)\n", path, len(s.Programs))
	return ExitOK
}

// reportProblems prints every problem resolution found, then their count:
// check, plan and run say the same words for the same spec.
func reportProblems(w io.Writer, path string, probs *resolve.Problems) {
	fmt.Fprintln(w, probs.Error())
	fmt.Fprintf(w, "appstart: %s: %d problem(s)\n", path, probs.Count())
}

// problemsCode is the exit code of a start refused at resolution: 2 when
// only the command line is wrong (--only, --until), as for any bad flag.
func problemsCode(probs *resolve.Problems) int {
	if len(probs.Missing) > 0 {
		return ExitProblems
	}
	for _, p := range probs.Problems {
		if !strings.HasPrefix(p.Key, "--") {
			return ExitProblems
		}
	}
	return ExitUsage
}

// resolveInput is what the command line adds to the spec, for resolve.
func (in Inputs) resolveInput(m resolve.Mode) resolve.Input {
	return resolve.Input{Mode: m, Only: in.Only, Until: in.Until}
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

// reportMainProgram says which program the manifest's httpPort and
// healthCheckPath give a ready and a healthcheck to (resolve.MainProgram),
// or why none: the author sees what appstart will wait for.
func reportMainProgram(std IO, s *spec.Spec) {
	m := s.Manifest
	if m == nil || m.HTTPPort == 0 {
		return
	}
	name, why := resolve.MainProgram(s, m)
	if name == "" {
		fmt.Fprintf(std.Stderr, "appstart: no main program for the manifest's httpPort %d: %s; write ready on the program that serves it (warning)\n", m.HTTPPort, why)
		return
	}
	p := s.Program(name)
	var got []string
	if p.Ready.Kind == spec.ProbeNone {
		got = append(got, "ready")
	}
	if p.HealthCheck == nil && m.HealthCheckPath != "" {
		got = append(got, "healthcheck")
	}
	if len(got) > 0 {
		fmt.Fprintf(std.Stdout, "appstart: programs.%s: %s from the manifest (GET http://127.0.0.1:%d%s): %s\n",
			name, strings.Join(got, " and "), m.HTTPPort, m.HealthCheckPath, why)
	}
}
