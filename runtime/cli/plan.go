package cli

import "appstart/runtime/app"

func planCmd() command {
	return command{name: "plan", summary: "print what a start would do now, changing nothing", run: planMain,
		about: "plan takes run's flags and shows what `appstart run` with them would do."}
}

func planMain(std app.IO, args []string) int {
	f := newFlags("plan", std)
	var in app.Inputs
	f.inputs(&in, true)
	if _, code, ok := f.parseArgs(args, 0, 0); !ok {
		return code
	}
	return app.Plan(in, std)
}
