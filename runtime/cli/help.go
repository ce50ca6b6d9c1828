package cli

import "appstart/runtime/app"

func helpCmd() command {
	return command{name: "help", args: "[COMMAND]", summary: "show this help, or a command's", run: helpMain}
}

// helpMain is `appstart help [COMMAND]`, and `appstart -h`. A command's help
// is that command's own --help; help's own (`help help`, `help -h`,
// `--help --help`) is this list of commands.
func helpMain(std app.IO, args []string) int {
	f := newFlags("help", std)
	f.help = usage
	pos, code, ok := f.parseArgs(args, 0, 1)
	if !ok {
		return code
	}
	if len(pos) == 0 || pos[0] == "help" {
		usage(std.Stdout)
		return app.ExitOK
	}
	c, ok := lookup(pos[0])
	if !ok {
		return unknownCommand(std, pos[0])
	}
	return c.run(std, []string{"--help"})
}
