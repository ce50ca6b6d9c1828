package cli

import (
	"context"
	"fmt"

	"appstart/runtime/app"
	"appstart/runtime/spec"
)

func signalCmd() command {
	return command{name: "signal", args: "NAME SIGNAL", summary: "send a signal to a program's process group", run: signalMain,
		about: "For example: appstart signal web HUP"}
}

func signalMain(std app.IO, args []string) int {
	f := newFlags("signal", std)
	pos, code, ok := f.parseArgs(args, 2, 2)
	if !ok {
		return code
	}
	sig, err := spec.ParseSignal(pos[1])
	if err != nil {
		return f.usageError("%v", err)
	}
	c, code := dialControl(std, "signal")
	if c == nil {
		return code
	}
	if err := c.Signal(context.Background(), sig, pos[0]); err != nil {
		fmt.Fprintf(std.Stderr, "appstart signal: %v\n", err)
		return app.ExitProblems
	}
	return app.ExitOK
}
