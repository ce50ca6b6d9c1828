package cli

import (
	"context"
	"fmt"

	"appstart/runtime/app"
	"appstart/runtime/control"
)

func statusCmd() command {
	return command{name: "status", args: "[NAME...]", summary: "show each program of the running appstart (--json for scripts)", run: statusMain,
		about: "NAME is a program, an instance (web:2), a group (every instance of web) or all.\n" +
			"Exit status, as supervisorctl's: 0, 3 when a named program is not running (stopped,\n" +
			"backoff, fatal, exited), 4 when a name is no program, 1 when appstart cannot be asked."}
}

// Exit codes of `status NAME`, supervisorctl's (LSB init script status).
const (
	exitNotRunning = 3
	exitNoSuchName = 4
)

func statusMain(std app.IO, args []string) int {
	f := newFlags("status", std)
	asJSON := f.Bool("json", false, "print JSON, for scripts")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	c, code := dialControl(std, "status")
	if c == nil {
		return code
	}
	sts, err := c.Status(context.Background())
	if err != nil {
		fmt.Fprintf(std.Stderr, "appstart status: %v\n", err)
		return app.ExitProblems
	}
	sts, unknown := selectPrograms(sts, pos)
	for _, n := range unknown {
		fmt.Fprintf(std.Stderr, "appstart status: no program %q\n", n)
	}
	if *asJSON {
		err = control.FormatStatusJSON(std.Stdout, sts)
	} else if len(sts) > 0 || len(pos) == 0 {
		err = control.FormatStatus(std.Stdout, sts)
	}
	switch {
	case err != nil:
		return app.ExitProblems
	case len(unknown) > 0:
		return exitNoSuchName
	}
	for _, st := range sts {
		if len(pos) > 0 && st.State != "running" {
			return exitNotRunning
		}
	}
	return app.ExitOK
}

// selectPrograms keeps the programs names select (each a program, an
// instance, a group, or all; none: every program), in spec order, and
// returns the names that select nothing.
func selectPrograms(sts []control.ProgramStatus, names []string) (out []control.ProgramStatus, unknown []string) {
	if len(names) == 0 {
		return sts, nil
	}
	picked := make([]bool, len(sts))
	for _, n := range names {
		found := false
		for i, st := range sts {
			if n == "all" || st.Name == n || st.Group == n {
				picked[i], found = true, true
			}
		}
		if !found {
			unknown = append(unknown, n)
		}
	}
	for i, st := range sts {
		if picked[i] {
			out = append(out, st)
		}
	}
	return out, unknown
}
