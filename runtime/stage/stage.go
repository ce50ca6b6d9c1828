package stage

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"appstart/runtime/fsops"
	"appstart/runtime/spec"
)

// Stage is one step of the start-up pipeline.
type Stage struct {
	Name string
	Run  func(ctx context.Context, e *Env) error
}

// Stages returns the pipeline in spec.Stages order (the one definition of
// the order), without "programs", which belong to the supervisor. "dirs"
// includes remove, "workers" ends with the [env] entries that use a
// produced variable, and "templates" applies the patches, then reads the
// env_file overrides (the last layer of the environment, environ.Source)
// as the patches leave them, then renders: a file seeded from the image on
// the first start, or a password a patch rotated, counts in the same start.
func Stages() []Stage {
	run := map[string]func(ctx context.Context, e *Env) error{
		"env": runEnv, "dirs": runDirs, "seed": runSeed, "secrets": runSecrets,
		"workers": runWorkersAndDeferredEnv, "templates": runTemplates, "chown": runChown,
		"first_run": runFirstRun, "on_upgrade": runUpgradeStage, "on_start": runOnStart,
	}
	var out []Stage
	for _, name := range spec.Stages {
		if f, ok := run[name]; ok {
			out = append(out, Stage{name, f})
		}
	}
	return out
}

// LastEnvStage is the stage after which the programs' environment is
// final (templates reads the env_file layer after its patches): the
// supervisor is built then, before the stages that may need a program
// running (first_run's needs, on_start's needs).
const LastEnvStage = "templates"

// Run runs the stages in order and stops after until ("" or "programs":
// all of them), returning what each did. The first failing stage stops the
// start; its error names the stage, and the summary holds the stages done.
//
//	sum, err := stage.Run(ctx, e, "workers") // `appstart run --until workers`
//	// err: "secrets: secret file /app/data/.app_secret is empty: ..."
func Run(ctx context.Context, e *Env, until string) (Summary, error) {
	return RunFrom(ctx, e, "", until)
}

// RunFrom runs the stages after the one named from ("" starts at the
// first) through until. A start runs the env stages through LastEnvStage,
// builds the supervisor, then runs the rest: the summary and its timings
// cover both calls.
func RunFrom(ctx context.Context, e *Env, from, until string) (Summary, error) {
	e.defaults()
	// The one definition of where the stages write (issue 15): the spec's
	// roots, persistent directories included, are where fsops stops
	// following links.
	fsops.SetTrustedRoots(e.Spec.WritableRoots())
	stages := Stages()
	if until != "" && until != "programs" {
		i := slices.IndexFunc(stages, func(s Stage) bool { return s.Name == until })
		if i < 0 {
			return Summary{}, fmt.Errorf("cannot run until %q: no such stage (stages: %s)", until, stageNames(stages))
		}
		stages = stages[:i+1]
	}
	if from == "" {
		e.started, e.parts = e.Now(), nil
	} else {
		i := slices.IndexFunc(stages, func(s Stage) bool { return s.Name == from })
		if i < 0 {
			stages = nil // until came before from: nothing left
		} else {
			stages = stages[i+1:]
		}
	}
	start := e.started
	for _, s := range stages {
		if err := context.Cause(ctx); err != nil {
			return e.summary(start), fmt.Errorf("%s: %w", s.Name, err)
		}
		e.stageName = s.Name
		if e.Progress != nil {
			e.Progress(s.Name)
		}
		t0 := e.Now()
		n := len(e.parts)
		end := e.watch(s.Name)
		err := s.Run(ctx, e)
		end()
		d := e.Now().Sub(t0)
		for i := n; i < len(e.parts); i++ {
			e.parts[i].Elapsed = d
		}
		if n == len(e.parts) {
			e.parts = append(e.parts, Part{Stage: s.Name, Elapsed: d})
		}
		if err != nil {
			return e.summary(start), fmt.Errorf("%s: %w", s.Name, err)
		}
	}
	e.stageName = ""
	return e.summary(start), nil
}

func stageNames(stages []Stage) string {
	names := make([]string, len(stages))
	for i, s := range stages {
		names[i] = s.Name
	}
	return strings.Join(names, ", ")
}
