package stage

import (
	"context"
	"errors"
	"fmt"

	"appstart/runtime/environ"
	"appstart/runtime/spec"
)

// runEnv composes the spec's layers over the container environment:
// [env_defaults] only where a variable is unset, then [env] in written
// order. Every unset ${VAR} of both tables is reported in one error, each
// with the key that needs it (issue 5: a package run with no addons lists
// all missing variables at once):
//
//	env.DATABASE_URL: ${CLOUDRON_POSTGRESQL_PASSWORD} is not set; env.MAIL_URL: ...
//
// Secrets and workers are added by their stages, and the env_file overrides
// after them (see Stages).
func runEnv(_ context.Context, e *Env) error {
	s := e.Spec
	now, _ := s.DeferredEnv(envRefs)
	err := joinEnvErrors(
		e.Vars.AddDefaults("env_defaults", pairs(s.EnvDefaults)),
		e.Vars.AddEntries("env", pairs(now), environ.Spec),
	)
	if err != nil {
		return fmt.Errorf("cannot compose the environment: %w", err)
	}
	if e.Plan != nil {
		m := e.Vars.Masker()
		used := referenced(s)
		hidden := 0
		for _, v := range e.Vars.Vars() {
			// The container's own variables (PATH, HOSTNAME...) are noise in a
			// plan unless the spec uses them or an addon sets them.
			if _, addon := environ.Addon(v.Name); v.Source == environ.Inherited && !used[v.Name] && !addon {
				hidden++
				continue
			}
			e.planf("%s=%s (%s)", v.Name, m.Var(v), origin(v))
		}
		if hidden > 0 {
			e.planf("and %d more inherited variables the spec does not use", hidden)
		}
	}
	return nil
}

// runDeferredEnv composes the [env] entries that use a secret, the worker
// count or a memory limit, once the stages that set those have run.
func runDeferredEnv(e *Env) error {
	_, later := e.Spec.DeferredEnv(envRefs)
	if len(later) == 0 {
		return nil
	}
	if err := e.Vars.AddEntries("env", pairs(later), environ.Spec); err != nil {
		return fmt.Errorf("cannot compose the environment: %w", err)
	}
	m := e.Vars.Masker()
	for _, p := range later {
		if v, ok := e.Vars.Var(p.Name); ok {
			e.planf("%s=%s (%s)", v.Name, m.Var(v), origin(v))
		}
	}
	return nil
}

func envRefs(value string) []string {
	refs, _ := environ.Refs(value)
	return refs
}

// referenced names the variables the spec's [env] and [env_defaults] refer to.
func referenced(s *spec.Spec) map[string]bool {
	used := map[string]bool{}
	for _, p := range append(append([]spec.Pair{}, s.Env...), s.EnvDefaults...) {
		used[p.Name] = true
		refs, _ := environ.Refs(p.Value)
		for _, r := range refs {
			used[r] = true
		}
	}
	return used
}

// joinEnvErrors merges the problems of both layers into one *environ.Error,
// so its Unset lists every missing variable and the message stays one line.
func joinEnvErrors(errs ...error) error {
	var all environ.Error
	var other []error
	for _, err := range errs {
		var ee *environ.Error
		switch {
		case err == nil:
		case errors.As(err, &ee):
			all.Problems = append(all.Problems, ee.Problems...)
		default:
			other = append(other, err)
		}
	}
	if len(all.Problems) > 0 {
		other = append([]error{&all}, other...)
	}
	return errors.Join(other...)
}

// origin says where a variable came from, for the plan: its key in the
// spec ("env.DATABASE_URL", "secrets.APP_SECRET"), its env_file line, or
// its layer ("environment").
func origin(v environ.Var) string {
	if v.Origin == "" {
		return v.Source.String()
	}
	return v.Origin
}

func pairs(ps []spec.Pair) []environ.Pair {
	out := make([]environ.Pair, len(ps))
	for i, p := range ps {
		out[i] = environ.Pair{Name: p.Name, Value: p.Value}
	}
	return out
}
