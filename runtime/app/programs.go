package app

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"appstart/runtime/environ"
	"appstart/runtime/ident"
	"appstart/runtime/logfwd"
	"appstart/runtime/proc"
	"appstart/runtime/spec"
	"appstart/runtime/supervise"
)

// programs turns the spec's programs into concrete supervisor programs: each
// `instances = N` expanded into N copies, commands expanded from the
// environment each program gets, users resolved from the container's files.
// Every problem is collected so one run shows them all.
func programs(s *spec.Spec, env *environ.Env, users userDB, runProbe func(spec.Command, []string) supervise.Probe) ([]supervise.Program, error) {
	var out []supervise.Program
	var errs []error
	total := 0
	for _, sp := range s.Programs {
		if skip, _ := spec.Skip(sp.When, sp.Unless, env.Lookup, fileExists); skip {
			continue
		}
		n, err := instances(sp, env)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		total += n
		u, err := users.lookup(sp.User)
		if err != nil {
			errs = append(errs, fmt.Errorf("programs.%s: %w", sp.Name, err))
			continue
		}
		for i := 1; i <= n; i++ {
			p, err := program(sp, env, u, i, n, runProbe)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			out = append(out, p)
		}
	}
	if total == 1 && len(out) == 1 && len(out[0].Cred.(launch).prefix) > 0 && len(s.Programs) == 1 {
		// One program: its bytes pass through unchanged, on appstart's own stdio.
		l := out[0].Cred.(launch)
		l.prefix = ""
		out[0].Cred = l
	}
	if len(errs) > 0 {
		return nil, joinErrors(errs)
	}
	return out, nil
}

func instances(sp spec.Program, env *environ.Env) (int, error) {
	v, err := environ.Expand(sp.Instances, env.Lookup)
	if err != nil {
		return 0, fmt.Errorf("programs.%s.instances: %w", sp.Name, err)
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("programs.%s.instances: %q is not a positive number", sp.Name, v)
	}
	return n, nil
}

func program(sp spec.Program, base *environ.Env, u ident.User, i, n int, runProbe func(spec.Command, []string) supervise.Probe) (supervise.Program, error) {
	name := sp.Name
	if n > 1 {
		name = fmt.Sprintf("%s:%d", sp.Name, i)
	}
	env := base.Clone()
	for _, kv := range u.Env() {
		k, v, _ := cut(kv)
		env.Set(environ.Var{Name: k, Value: v, Source: environ.Program, Origin: "user " + u.Name})
	}
	// Every copy knows its number, a single one included (supervisord's
	// process_num), so `instances = "${WORKERS}"` works when WORKERS is 1.
	env.Set(environ.Var{Name: "APPSTART_INSTANCE", Value: strconv.Itoa(i), Source: environ.Program, Origin: name})
	if err := env.AddEntries("programs."+sp.Name+".environment", toPairs(sp.Environment), environ.Program); err != nil {
		return supervise.Program{}, err
	}
	argv, err := commandArgv(sp.Command, env)
	if err != nil {
		return supervise.Program{}, fmt.Errorf("programs.%s.command: %w", sp.Name, err)
	}
	prefix := ""
	if sp.LogPrefix != "" {
		label := sp.LogPrefix
		if n > 1 {
			label = fmt.Sprintf("%s.%d", sp.LogPrefix, i)
		}
		prefix = logfwd.FormatPrefix(logfwd.DefaultFormat, label)
	}
	p := supervise.Program{
		Name: name, Group: sp.Name, Argv: argv, Env: env.Environ(), Dir: sp.Directory,
		Cred:         launch{cred: credFor(u), prefix: prefix, noNewPrivs: sp.NoNewPrivs},
		AutoStart:    sp.AutoStart,
		AutoRestart:  autoRestart(sp.AutoRestart),
		ExitCodes:    sp.ExitCodes,
		StartSecs:    sp.StartSecs,
		StartRetries: sp.StartRetries,
		StopSignal:   sp.StopSignal,
		StopWait:     sp.StopWaitSecs,
		After:        sp.After,
		ReadyTimeout: sp.ReadyTimeout,
		OnUnhealthy:  onUnhealthy(sp.OnUnhealthy),
		OnFatal:      onFatal(sp.OnFatal),
		Forward:      sp.Forward,
		PidFile:      sp.PidFile,
	}
	if n > 1 {
		p.Instance = i
	}
	if sp.Schedule != nil {
		p.Schedule = sp.Schedule
	}
	envList := p.Env
	if p.Ready, err = probe(sp.Ready, envList, runProbe); err != nil {
		return p, fmt.Errorf("programs.%s.ready: %w", sp.Name, err)
	}
	if h := sp.HealthCheck; h != nil {
		pr, err := probe(h.Probe(), envList, runProbe)
		if err != nil {
			return p, fmt.Errorf("programs.%s.healthcheck: %w", sp.Name, err)
		}
		p.Health = &supervise.HealthCheck{Probe: pr, Interval: h.Interval, Timeout: h.Timeout, Retries: h.Retries, StartPeriod: h.StartPeriod}
	}
	return p, nil
}

func probe(p spec.Probe, env []string, runProbe func(spec.Command, []string) supervise.Probe) (supervise.Probe, error) {
	switch p.Kind {
	case spec.ProbeNone:
		return nil, nil
	case spec.ProbeCommand:
		if runProbe == nil { // plan: nothing runs
			return supervise.ProbeFunc(func(context.Context) error { return nil }), nil
		}
		return runProbe(p.Command, env), nil
	default:
		return supervise.ParseProbe(p.String())
	}
}

// commandArgv expands an argv command's elements from the program's own
// environment (supervisord's %(ENV_X)s); a string command goes to /bin/sh -c
// unexpanded, since the shell expands its own variables.
func commandArgv(c spec.Command, env *environ.Env) ([]string, error) {
	if c.Shell != "" {
		return []string{"/bin/sh", "-c", c.Shell}, nil
	}
	argv := make([]string, len(c.Argv))
	for i, a := range c.Argv {
		v, err := environ.Expand(a, env.Lookup)
		if err != nil {
			return nil, err
		}
		argv[i] = v
	}
	return argv, nil
}

func credFor(u ident.User) *proc.Cred {
	if u.Uid == 0 && u.Gid == 0 && uint32(os.Getuid()) == 0 && len(u.Groups) <= 1 {
		return nil // root stays root, with root's own groups
	}
	return &proc.Cred{Uid: u.Uid, Gid: u.Gid, Groups: u.Groups}
}

func toPairs(ps []spec.Pair) []environ.Pair {
	out := make([]environ.Pair, len(ps))
	for i, p := range ps {
		out[i] = environ.Pair(p)
	}
	return out
}

func cut(kv string) (string, string, bool) {
	for i := 0; i < len(kv); i++ {
		if kv[i] == '=' {
			return kv[:i], kv[i+1:], true
		}
	}
	return kv, "", false
}

func autoRestart(a spec.AutoRestart) supervise.AutoRestart {
	switch a {
	case spec.RestartAlways:
		return supervise.RestartAlways
	case spec.RestartNever:
		return supervise.RestartNever
	}
	return supervise.RestartUnexpected
}

func onUnhealthy(o spec.OnUnhealthy) supervise.OnUnhealthy {
	if o == spec.UnhealthyStop {
		return supervise.UnhealthyStop
	}
	return supervise.UnhealthyRestart
}

func onFatal(o spec.OnFatal) supervise.OnFatal {
	if o == spec.FatalIgnore {
		return supervise.FatalIgnore
	}
	return supervise.FatalStop
}
