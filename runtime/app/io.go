// Package app runs appstart's lifecycle: it starts the reaper before anything
// forks, runs the stages and the supervisor, and maps the outcome to an exit
// code. Its entry points (Run, Check, Plan, Task) take options already parsed
// by the command line (runtime/cli), which imports app and never the reverse.
// It is the only package that calls signal.Notify for the run.
package app

import (
	"fmt"
	"io"
)

// Version is stamped at build time by the Makefile (-X appstart/runtime/app.Version=...).
var Version = "dev"

// Exit codes of appstart's own failures, chosen outside the range a program's
// exit status passes through for the common cases and matching Docker's
// conventions where one exists (125: the container runtime itself failed).
const (
	ExitOK       = 0
	ExitProblems = 1   // check found problems; a stage failed
	ExitUsage    = 2   // bad command line
	ExitInternal = 125 // appstart itself could not run (Docker's "daemon error")
)

// IO is the process's standard streams and environment, injected so that
// commands are testable without touching the real process state.
type IO struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Env    []string
}

// Inputs are what run, plan, check and task read besides the image: the
// spec, the environment sources and the selection. One struct, so that plan
// and check see exactly what run with the same flags would.
type Inputs struct {
	Config   string   // --config: the spec file ("" finds it)
	EnvFiles []string // --env-file, in order: a later file's value wins
	Only     string   // --only: start only this program (or group), in the foreground
	Until    string   // --until: run the stages up to this one, then stop
}

// CheckOptions are check's: the inputs, and whether to skip the image.
type CheckOptions struct {
	Inputs
	SpecOnly bool // --spec-only: validate the spec alone
}

// TaskOptions are task's: the inputs, and the [tasks.NAME] to run.
type TaskOptions struct {
	Inputs
	Name string
}

// applyEnvFiles adds the variables of the inputs' env files to std.Env, as
// `docker run --env-file` would, printing the problem when one cannot be read.
func (in Inputs) applyEnvFiles(std *IO) bool {
	env, err := withEnvFiles(std.Env, in.EnvFiles)
	if err != nil {
		fmt.Fprintf(std.Stderr, "appstart: %v\n", err)
		return false
	}
	std.Env = env
	return true
}
