package cli

import "appstart/runtime/app"

func checkCmd() command {
	return command{name: "check", summary: "validate the spec and the image it will run in", run: checkMain,
		about: "Every problem is printed, with the file and line of the key. Exit 0: a start would find none."}
}

func checkMain(std app.IO, args []string) int {
	f := newFlags("check", std)
	var opts app.CheckOptions
	f.inputs(&opts.Inputs, true)
	f.BoolVar(&opts.SpecOnly, "spec-only", false, "validate the spec alone, not the image it runs in (users, commands, template sources)")
	if _, code, ok := f.parseArgs(args, 0, 0); !ok {
		return code
	}
	return app.Check(opts, std)
}
