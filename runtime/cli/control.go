package cli

import (
	"context"
	"fmt"
	"time"

	"appstart/runtime/app"
	"appstart/runtime/control"
)

// The commands that talk to a running appstart through its control socket:
// this file's start, stop and restart, and status, signal, logs and health.

func controlCmd(verb string) command {
	return command{name: verb, args: "NAME...", summary: verb + " programs of the running appstart", run: controlMain(verb),
		about: "NAME is a program, an instance (web:2), every instance of a program (web), or all."}
}

func controlMain(verb string) func(app.IO, []string) int {
	return func(std app.IO, args []string) int {
		f := newFlags(verb, std)
		var noWait *bool
		if verb != "stop" {
			noWait = f.Bool("no-wait", false, "return once asked, without waiting until the programs are running and ready")
		}
		names, code, ok := f.parse(args)
		if !ok {
			return code
		}
		if code, ok := f.args(names, 1, -1); !ok {
			return code
		}
		c, code := dialControl(std, verb)
		if c == nil {
			return code
		}
		ctx := context.Background()
		asked := time.Now()
		var err error
		switch verb {
		case "start":
			err = c.Start(ctx, names...)
		case "stop":
			err = c.Stop(ctx, names...)
		case "restart":
			err = c.Restart(ctx, names...)
		}
		// start and restart wait for readiness, as supervisorctl's do (waitready.go).
		if err == nil && noWait != nil && !*noWait {
			err = waitStarted(ctx, c, names, asked, verb == "restart")
		}
		if err != nil {
			fmt.Fprintf(std.Stderr, "appstart %s: %v\n", verb, err)
			return app.ExitProblems
		}
		return app.ExitOK
	}
}

func dialControl(std app.IO, name string) (*control.Client, int) {
	c, err := control.Dial(control.DefaultSocket)
	if err != nil {
		fmt.Fprintf(std.Stderr, "appstart %s: %v\n", name, err)
		return nil, app.ExitProblems
	}
	return c, app.ExitOK
}
