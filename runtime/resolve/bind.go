package resolve

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"appstart/runtime/environ"
	"appstart/runtime/ident"
	"appstart/runtime/spec"
	"appstart/runtime/supervise"
)

// Program is one program instance ready to start: the supervisor's view
// (policy, order, typed probes) and the spawner's (Launch).
type Program struct {
	supervise.Program
	Launch Launch
}

// Launch is how a program's process is made.
type Launch struct {
	// Path is the executable found in PATH, Argv[0] as written.
	Path string
	Argv []string
	Env  []string
	Dir  string // "" is appstart's own
	User ident.User
	// KeepIdentity runs the program as appstart itself (root with root's
	// groups): the user is root and appstart is root.
	KeepIdentity bool
	// LogLabel names the program's lines on stdout; "" passes its output
	// through untouched on appstart's own stdio (one program, or --only).
	LogLabel   string
	NoNewPrivs bool
}

// CommandProbe makes a probe that runs a command as a program's user (the
// launch's), with its environment; run passes one through the reaper,
// check and plan nil.
type CommandProbe func(argv, env []string, as Launch) supervise.Probe

// Kernel limits on what execve(2) takes: one string (MAX_ARG_STRLEN) and
// all of argv and envp with their pointers (a quarter of the default 8 MiB
// stack, ARG_MAX on Linux).
const (
	maxArgString = 32 * 4096
	maxArgTotal  = 2 << 20
)

// Bind makes the programs from the environment the stages composed: each
// `instances = N` expanded into N copies, commands expanded from each
// program's own environment, found in PATH and checked executable by the
// program's user, probes typed, sizes checked against the kernel's limits.
// A `when`/`unless` on a variable is decided here; one on a path is
// decided by the supervisor when the program is about to start. Check
// calls it with CheckEnv, run with the real environment: the same road.
func (p *Plan) Bind(vars *environ.Env, probe CommandProbe) ([]Program, *Problems) {
	var out []Program
	var probs Problems
	s := p.Spec
	for _, sp := range s.Programs {
		if p.Input.Only != "" && sp.Name != strings.SplitN(p.Input.Only, ":", 2)[0] {
			continue
		}
		// check judges every program: a condition off at build time may be
		// on at run time (an optional addon).
		if p.Input.Mode != Check && skippedByEnv(sp.When, sp.Unless, vars.Lookup) {
			continue
		}
		at := "programs." + sp.Name
		n, err := instances(sp, vars)
		if err != nil {
			probs.add(s.Problem(at+".instances", "%v", err))
			continue
		}
		u, err := p.user(sp.User)
		if err != nil {
			continue // Resolve reported it
		}
		for i := 1; i <= n; i++ {
			prog, ok := p.bindOne(sp, vars, u, i, n, probe, &probs)
			if ok && (p.Input.Only == "" || p.Input.Only == sp.Name || p.Input.Only == prog.Name) {
				out = append(out, prog)
			}
		}
	}
	if p.Input.Only != "" && len(out) == 0 && probs.Count() == 0 {
		probs.add(spec.Problem{File: s.File, Key: "--only " + p.Input.Only, Msg: "no such program instance, or its when/unless skips it"})
	}
	if len(out) == 1 && len(s.Programs) == 1 || p.Input.Only != "" {
		// One program: its bytes pass through unchanged, on appstart's own
		// stdio. --only runs in the foreground: the same, and alone.
		for i := range out {
			out[i].Launch.LogLabel = ""
			if p.Input.Only != "" {
				out[i].After, out[i].AutoStart = nil, true
			}
		}
	}
	return out, probs.orNil()
}

func instances(sp spec.Program, vars *environ.Env) (int, error) {
	v, err := environ.Expand(sp.Instances, vars.Lookup)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", v)
	}
	if msg := spec.InstancesInRange(n); msg != "" {
		return 0, fmt.Errorf("%s (%s = %q)", msg, sp.Instances, v)
	}
	return int(n), nil
}

func (p *Plan) bindOne(sp spec.Program, base *environ.Env, u ident.User, i, n int, probe CommandProbe, probs *Problems) (Program, bool) {
	s, at := p.Spec, "programs."+sp.Name
	name, label := sp.Name, sp.LogPrefix
	if n > 1 {
		name = fmt.Sprintf("%s:%d", sp.Name, i)
		if label != "" {
			label = fmt.Sprintf("%s.%d", sp.LogPrefix, i)
		}
	}
	env := base.Clone()
	for _, kv := range u.Env() {
		k, v, _ := strings.Cut(kv, "=")
		env.Set(environ.Var{Name: k, Value: v, Source: environ.Program, Origin: "user " + u.Name})
	}
	// Every copy knows its number, a single one included (supervisord's
	// process_num), so `instances = "${WORKERS}"` works when WORKERS is 1.
	env.Set(environ.Var{Name: spec.InstanceVar, Value: strconv.Itoa(i), Source: environ.Program, Origin: name})
	if err := env.AddEntries(at+".environment", pairs(sp.Environment), environ.Program); err != nil {
		probs.add(s.Problem(at+".environment", "%v", err))
		return Program{}, false
	}
	ok := true
	fail := func(key, format string, args ...any) {
		probs.add(s.Problem(key, format, args...))
		ok = false
	}
	envList := env.Environ()
	argv, err := expandArgv(sp.Command, env)
	if err != nil {
		fail(at+".command", "%v", err)
		return Program{}, false
	}
	path, _ := env.Lookup("PATH")
	exe, look := argv[0], argv[0]
	if strings.Contains(look, "/") && !strings.HasPrefix(look, "/") && sp.Directory != "" {
		look = filepath.Join(sp.Directory, look) // exec resolves it after the chdir
	}
	if !p.madeByStage(look) {
		found, err := p.facts.executable(look, path, u)
		if err != nil {
			fail(at+".command", "command %v", err)
		}
		exe = found
	}
	if sp.Command.Shell != "" && ok { // /bin/sh itself was judged just above
		if msg := p.commandProblem(sp.Command, path, u); msg != "" {
			fail(at+".command", "%s", msg)
		}
	}
	if d := sp.Directory; d != "" && !p.madeByStage(d) {
		if st, err := p.facts.Stat(d); err != nil {
			fail(at+".directory", "%s does not exist in the image and no [[dirs]] entry creates it", d)
		} else if !st.IsDir() {
			fail(at+".directory", "%s is not a directory", d)
		} else if !allowed(st, u, 0o1) {
			fail(at+".directory", "%s cannot be entered by %s: %s", d, who(u), describe(st))
		}
	}
	if msg := sizeProblem(argv, envList); msg != "" {
		fail(at, "%s", msg)
	}
	prog := Program{
		Program: supervise.Program{
			Name: name, Group: sp.Name,
			AutoStart: sp.AutoStart, AutoRestart: sp.AutoRestart, ExitCodes: sp.ExitCodes,
			StartSecs: sp.StartSecs, StartRetries: sp.StartRetries,
			StopSignal: sp.StopSignal, StopWait: sp.StopWaitSecs, ShareStopBudget: sp.StopWaitShared,
			After: sp.After, ReadyTimeout: sp.ReadyTimeout,
			OnUnhealthy: sp.OnUnhealthy, OnFatal: sp.OnFatal,
			Forward: sp.Forward, PidFile: sp.PidFile,
		},
		Launch: Launch{Path: exe, Argv: argv, Env: envList, Dir: sp.Directory, User: u,
			KeepIdentity: u.Uid == 0 && u.Gid == 0 && p.facts.Uid == 0 && len(u.Groups) <= 1,
			LogLabel:     label, NoNewPrivs: sp.NoNewPrivs},
	}
	if n > 1 {
		prog.Instance = i
	}
	if sp.Schedule != nil {
		prog.Schedule = sp.Schedule
	}
	if sp.When.Path != "" || sp.Unless.Path != "" {
		when, unless, lookup, exists := sp.When, sp.Unless, env.Lookup, p.facts.exists
		prog.Skip = func() (bool, string) { return spec.Skip(when, unless, lookup, exists) }
	}
	var perr string
	if prog.Ready, perr = p.probe(sp.Ready, prog.Launch, path, probe); perr != "" {
		fail(at+".ready", "%s", perr)
	}
	if h := sp.HealthCheck; h != nil {
		pr, perr := p.probe(h.Probe(), prog.Launch, path, probe)
		if perr != "" {
			fail(at+".healthcheck", "%s", perr)
		}
		prog.Health = &supervise.HealthCheck{Probe: pr, Interval: h.Interval, Timeout: h.Timeout, Retries: h.Retries, StartPeriod: h.StartPeriod}
	}
	p.manifestProbes(sp, &prog)
	return prog, ok
}

// probe types a spec probe for the supervisor; a command probe is checked
// like a command. spec.ParseReady is the only parser of probes.
func (p *Plan) probe(pr spec.Probe, l Launch, path string, run CommandProbe) (supervise.Probe, string) {
	switch pr.Kind {
	case spec.ProbeNone:
		return nil, ""
	case spec.ProbeTCP:
		return supervise.TCPProbe{Addr: pr.Target}, ""
	case spec.ProbeHTTP:
		return supervise.HTTPProbe{URL: pr.Target}, ""
	case spec.ProbeFile:
		return supervise.FileProbe{Path: pr.Target}, ""
	}
	if msg := p.commandProblem(pr.Command, path, l.User); msg != "" {
		return nil, msg
	}
	// Expanded as the program's command is: the probe runs with its env.
	argv, err := expandArgv(pr.Command, environ.New(l.Env))
	if err != nil {
		return nil, err.Error()
	}
	if run == nil { // check and plan: nothing runs
		return supervise.ProbeFunc(func(context.Context) error { return nil }), ""
	}
	return run(argv, l.Env, l), ""
}

// expandArgv expands an argv command's elements from the program's own
// environment (supervisord's %(ENV_X)s); a string command goes to
// /bin/sh -c unexpanded, since the shell expands its own variables.
func expandArgv(c spec.Command, env *environ.Env) ([]string, error) {
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
	if argv[0] == "" {
		return nil, fmt.Errorf("%q expands to an empty program name", c.Argv[0])
	}
	return argv, nil
}

// sizeProblem says when execve(2) would refuse argv and env with E2BIG.
func sizeProblem(argv, env []string) string {
	total := 0
	for _, list := range [][]string{argv, env} {
		for _, a := range list {
			if len(a) >= maxArgString {
				name, _, _ := strings.Cut(a, "=")
				if len(name) > 40 {
					name = name[:40] + "..."
				}
				return fmt.Sprintf("%s is %d bytes, past the kernel's %d-byte limit on one argument or variable (exec would fail with E2BIG)", name, len(a), maxArgString-1)
			}
			total += len(a) + 1 + 8
		}
	}
	if total > maxArgTotal {
		return fmt.Sprintf("the command and environment take %d bytes, past the kernel's %d (exec would fail with E2BIG)", total, maxArgTotal)
	}
	return ""
}
