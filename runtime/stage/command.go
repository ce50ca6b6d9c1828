package stage

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"appstart/runtime/environ"
	"appstart/runtime/ident"
	"appstart/runtime/proc"
	"appstart/runtime/spec"
)

// job is one command a stage runs to its end.
type job struct {
	what  string // "first_run command 2", for messages
	cmd   spec.Command
	user  string // "user[:group]"
	dir   string // "" keeps appstart's
	env   []spec.Pair
	extra []environ.Var // APPSTART_OLD_VERSION and the like
}

// CommandError is a stage command that ran and failed: it names the
// command, its user and how it ended, and carries its last lines of output
// (masked), so the reason for a failed start is in the one error:
//
//	first_run command 2 `php artisan key:generate` (as cloudron) exited 1; last output:
//	    PHP Fatal error: ...
type CommandError struct {
	What    string
	Command string
	User    string
	Exit    proc.Exit
	Err     error // the start error or ctx's cause; nil when it ran and exited non-zero
	Tail    []string
}

func (c *CommandError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s `%s` (as %s) ", c.What, c.Command, c.User)
	if c.Err != nil {
		fmt.Fprintf(&b, "failed: %v", c.Err)
	} else {
		b.WriteString(c.Exit.String())
	}
	if len(c.Tail) > 0 {
		b.WriteString("; last output:")
		for _, l := range c.Tail {
			b.WriteString("\n    ")
			b.WriteString(l)
		}
	}
	return b.String()
}

func (c *CommandError) Unwrap() error { return c.Err }

// run runs j as its user: supplementary groups, gid and uid from the
// container's /etc/group and /etc/passwd, HOME, USER and LOGNAME set
// (ARCHITECTURE.md, "Privilege drop"), in the composed environment, with stdout and
// stderr streamed to Env.Output and the last lines kept for the error.
func (e *Env) run(ctx context.Context, j job) error {
	if e.Runner == nil {
		return fmt.Errorf("cannot run %s: no runner", j.what)
	}
	u, err := e.user(j.user)
	if err != nil {
		return fmt.Errorf("cannot run %s: %w", j.what, err)
	}
	vars, err := e.commandEnv(u, j)
	if err != nil {
		return fmt.Errorf("cannot run %s: %w", j.what, err)
	}
	argv, err := commandArgv(j.cmd, vars)
	if err != nil {
		return fmt.Errorf("cannot run %s: %w", j.what, err)
	}
	m := vars.Masker()
	out, err := newCapture(e.Output, e.stageName+": ", m)
	if err != nil {
		return fmt.Errorf("cannot run %s: %w", j.what, err)
	}
	e.logf("Running %s `%s` as %s", j.what, j.cmd, j.user)
	exit, err := e.Runner.Run(ctx, proc.Cmd{
		Path:   argv[0],
		Args:   argv,
		Env:    vars.Environ(),
		Dir:    j.dir,
		Stdout: out.w,
		Stderr: out.w,
		Cred:   &proc.Cred{Uid: u.Uid, Gid: u.Gid, Groups: u.Groups},
	})
	tail := out.finish()
	if err == nil && exit.Code == 0 {
		return nil
	}
	return &CommandError{What: j.what, Command: m.Mask(j.cmd.String()), User: j.user, Exit: exit, Err: err, Tail: tail}
}

// commandEnv is the environment of one command: the composed one, the
// user's login variables where the spec did not set them itself, the extra
// variables, then the entry's own environment table.
func (e *Env) commandEnv(u ident.User, j job) (*environ.Env, error) {
	vars := e.Vars.Clone()
	for _, kv := range u.Env() {
		name, value, _ := strings.Cut(kv, "=")
		// The container's HOME=/root must not follow a dropped user
		// (supervisord #435); an explicit [env] or env_file HOME wins.
		if v, ok := vars.Var(name); ok && v.Source != environ.Inherited && v.Source != environ.Default {
			continue
		}
		vars.Set(environ.Var{Name: name, Value: value, Source: environ.Inherited})
	}
	for _, v := range j.extra {
		vars.Set(v)
	}
	if len(j.env) > 0 {
		if err := vars.AddEntries("environment", pairs(j.env), environ.Program); err != nil {
			return nil, err
		}
	}
	return vars, nil
}

// commandArgv expands an argv command's elements from its own environment
// (spec.Command); a shell line goes to /bin/sh -c unexpanded.
func commandArgv(c spec.Command, vars *environ.Env) ([]string, error) {
	if c.Shell != "" {
		return []string{"/bin/sh", "-c", c.Shell}, nil
	}
	if len(c.Argv) == 0 {
		return nil, errors.New("empty command")
	}
	argv := make([]string, len(c.Argv))
	var all environ.Error
	for i, a := range c.Argv {
		v, err := environ.Expand(a, vars.Lookup)
		var ee *environ.Error
		switch {
		case errors.As(err, &ee):
			for _, p := range ee.Problems {
				p.Key = fmt.Sprintf("command[%d]", i+1)
				all.Problems = append(all.Problems, p)
			}
		case err != nil:
			return nil, err
		}
		argv[i] = v
	}
	if len(all.Problems) > 0 {
		return nil, &all
	}
	return argv, nil
}
