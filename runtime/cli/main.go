// Package cli is appstart's command line: Main finds the subcommand, and each
// subcommand (one file each) parses its flags with the one shared parser.
// The commands that read the spec and run stages (run, check, plan, task)
// only fill an options struct and call runtime/app; the others do their job
// here. app never imports cli.
package cli

import (
	"fmt"
	"io"
	"strings"

	"appstart/runtime/app"
	"appstart/runtime/proc"
	"appstart/runtime/spec"
)

// command is one subcommand: its name, what follows its flags in the usage
// line, a one-line summary for the command list and an optional longer text
// for its own --help.
type command struct {
	name    string
	args    string
	summary string
	about   string
	run     func(std app.IO, args []string) int
}

// commands is the command table, in the order of the top-level help. Each
// entry is a function in its command's file (a package variable would be an
// initialization cycle: help and every usage text read the table).
func commands() []command {
	return []command{
		runCmd(), checkCmd(), planCmd(), execAsCmd(), writesCmd(), taskCmd(), statusCmd(),
		controlCmd("start"), controlCmd("stop"), controlCmd("restart"),
		signalCmd(), logsCmd(), tailCmd(), healthCmd(), convertCmd(), initCmd(), schemaCmd(), versionCmd(), helpCmd(),
	}
}

func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// Main runs appstart with args (without the program name) and returns the
// process exit code.
func Main(args []string, std app.IO) int {
	if len(args) == 0 {
		return runMain(std, nil)
	}
	switch name := args[0]; {
	case name == proc.ListenExecArg0:
		// Not a command: proc's helper that sets LISTEN_PID (Cmd.ListenPID).
		return proc.ListenExecMain(args[1:])
	case isHelp(name):
		return helpMain(std, args[1:])
	case name == "--version" || name == "-version" || name == "-V":
		return versionMain(std, args[1:])
	case strings.HasPrefix(name, "-"):
		// `appstart --config x` means `appstart run --config x`.
		return runMain(std, args)
	}
	c, ok := lookup(args[0])
	if !ok {
		return unknownCommand(std, args[0])
	}
	return c.run(std, args[1:])
}

func isHelp(a string) bool { return a == "-h" || a == "--help" || a == "-help" }

func unknownCommand(std app.IO, name string) int {
	fmt.Fprintf(std.Stderr, "appstart: unknown command %q%s\n", name, suggestCommand(name))
	usage(std.Stderr)
	return app.ExitUsage
}

// usage is the top-level help: every command, and where the spec is found.
func usage(w io.Writer) {
	fmt.Fprintf(w, "appstart %s: the init of an app container\n\nUsage: appstart [COMMAND] [--config FILE] [flags]\n\nCommands:\n", app.Version)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\nThe spec is found from --config, then $APPSTART_CONFIG, then /app/pkg/appstart.toml,\n"+
		"then /app/code/appstart.toml. Run `appstart COMMAND --help` for a command's flags;\n"+
		"`appstart --version` prints the version.\n")
}

// suggestCommand is `, did you mean "status"?` for a prefix or a typo of a
// command, or "".
func suggestCommand(name string) string {
	var names []string
	for _, c := range commands() {
		if strings.HasPrefix(c.name, name) || strings.HasPrefix(name, c.name) {
			return fmt.Sprintf(", did you mean %q?", c.name)
		}
		names = append(names, c.name)
	}
	if n := spec.Nearest(name, names); n != "" {
		return fmt.Sprintf(", did you mean %q?", n)
	}
	return ""
}
