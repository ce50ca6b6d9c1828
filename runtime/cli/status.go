package cli

import (
	"context"
	"fmt"

	"appstart/runtime/app"
	"appstart/runtime/control"
)

func statusCmd() command {
	return command{name: "status", summary: "show each program of the running appstart (--json for scripts)", run: statusMain}
}

func statusMain(std app.IO, args []string) int {
	f := newFlags("status", std)
	asJSON := f.Bool("json", false, "print JSON, for scripts")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if code, ok := f.args(pos, 0, 0); !ok {
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
	if *asJSON {
		err = control.FormatStatusJSON(std.Stdout, sts)
	} else {
		err = control.FormatStatus(std.Stdout, sts)
	}
	if err != nil {
		return app.ExitProblems
	}
	return app.ExitOK
}
