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
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if code, ok := f.args(pos, 0, 0); !ok {
		return code
	}
	return app.Run(in, std)
}
