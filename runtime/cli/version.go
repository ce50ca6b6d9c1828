package cli

import (
	"fmt"

	"appstart/runtime/app"
)

func versionCmd() command {
	return command{name: "version", summary: "print the version (also `appstart --version`)", run: versionMain}
}

func versionMain(std app.IO, args []string) int {
	f := newFlags("version", std)
	if _, code, ok := f.parseArgs(args, 0, 0); !ok {
		return code
	}
	fmt.Fprintf(std.Stdout, "appstart %s\n", app.Version)
	return app.ExitOK
}
