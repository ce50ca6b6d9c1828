package cli

import "appstart/runtime/app"

func runCmd() command {
	return command{name: "run", summary: "run the stages, then supervise the programs (the default)", run: runMain}
}

// runMain is `appstart run` (and `appstart` alone): the container's start.
func runMain(std app.IO, args []string) int {
	f := newFlags("run", std)
	var in app.Inputs
	f.inputs(&in, true)
	if _, code, ok := f.parseArgs(args, 0, 0); !ok {
		return code
	}
	return app.Run(in, std)
}
