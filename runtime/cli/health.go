package cli

import (
	"context"
	"fmt"

	"appstart/runtime/app"
)

func healthCmd() command {
	return command{name: "health", summary: "exit 0 when every program runs and is healthy (Docker HEALTHCHECK)", run: healthMain,
		about: "In a Dockerfile: HEALTHCHECK CMD [\"/app/bin/appstart\", \"health\"]"}
}

// healthMain is Docker's HEALTHCHECK: exit 0 only when every program is
// running and healthy, 1 otherwise (not running included).
func healthMain(std app.IO, args []string) int {
	f := newFlags("health", std)
	if _, code, ok := f.parseArgs(args, 0, 0); !ok {
		return code
	}
	c, code := dialControl(std, "health")
	if c == nil {
		return code
	}
	if err := c.Health(context.Background()); err != nil {
		fmt.Fprintf(std.Stderr, "appstart health: %v\n", err)
		return app.ExitProblems
	}
	return app.ExitOK
}
