package cli

import "appstart/runtime/app"

func taskCmd() command {
	return command{name: "task", args: "NAME", summary: "run a [tasks.NAME] command with the programs' environment", run: taskMain,
		about: "The command runs as the task's user, exec'd in place of appstart, with the environment\nthe programs get (env, env_file, secrets, workers: read, never created)."}
}

func taskMain(std app.IO, args []string) int {
	f := newFlags("task", std)
	var opts app.TaskOptions
	f.inputs(&opts.Inputs, false)
	pos, code, ok := f.parseArgs(args, 1, 1)
	if !ok {
		return code
	}
	opts.Name = pos[0]
	return app.Task(opts, std)
}
