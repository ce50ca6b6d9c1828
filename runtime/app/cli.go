// Package app wires appstart together: it parses the command line, starts the
// reaper before anything forks, runs the stages and the supervisor, and maps
// the outcome to an exit code. It is the only package that reads os.Args and
// os.Environ or calls signal.Notify.
package app

import (
	"fmt"
	"io"
	"strings"
)

// Version is stamped at build time by the Makefile (-X appstart/runtime/app.Version=...).
var Version = "dev"

// Exit codes of appstart's own failures, chosen outside the range a program's
// exit status passes through for the common cases and matching Docker's
// conventions where one exists (125: the container runtime itself failed).
const (
	exitOK       = 0
	exitProblems = 1   // check found problems; a stage failed
	exitUsage    = 2   // bad command line
	exitInternal = 125 // appstart itself could not run (Docker's "daemon error")
)

// IO is the process's standard streams and environment, injected so that
// commands are testable without touching the real process state.
type IO struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Env    []string
}

type command struct {
	name    string
	summary string
	run     func(io IO, args []string) int
}

func commands() []command {
	return []command{
		{"run", "run the stages, then supervise the programs (the default)", cmdRun},
		{"check", "validate the spec and the image it will run in", cmdCheck},
		{"plan", "print what a start would do now, changing nothing", cmdPlan},
		{"exec-as", "drop to USER and exec a command in place (gosu)", cmdExecAs},
		{"writes", "list files changed outside /run, /tmp and /app/data (what a read-only root refuses)", cmdWrites},
		{"task", "run a [tasks.NAME] command with the programs' environment", cmdTask},
		{"status", "show each program of the running appstart (--json for scripts)", cmdStatus},
		{"start", "start programs of the running appstart", cmdControl("start")},
		{"stop", "stop programs of the running appstart", cmdControl("stop")},
		{"restart", "restart programs of the running appstart", cmdControl("restart")},
		{"signal", "send a signal to a program's process group", cmdSignal},
		{"logs", "recent lines of the programs (-f to follow)", cmdLogs},
		{"health", "exit 0 when every program runs and is healthy (Docker HEALTHCHECK)", cmdHealth},
		{"convert", "print the [programs.*] equivalent of supervisord configs", cmdConvert},
		{"init", "print a starting appstart.toml (--port, --addon mysql,...)", cmdInit},
		{"schema", "print the JSON Schema of appstart.toml, for editors", cmdSchema},
		{"version", "print the version", cmdVersion},
		{"help", "show this help, or a command's", nil},
	}
}

// Main runs appstart with args (without the program name) and returns the
// process exit code.
func Main(args []string, std IO) int {
	if len(args) == 0 {
		return cmdRun(std, nil)
	}
	name := args[0]
	if strings.HasPrefix(name, "-") && name != "-h" && name != "--help" && name != "-help" {
		// `appstart --config x` means `appstart run --config x`.
		return cmdRun(std, args)
	}
	switch name {
	case "-h", "--help", "-help", "help":
		if len(args) > 1 {
			return Main([]string{args[1], "--help"}, std)
		}
		usage(std.Stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name == name && c.run != nil {
			if len(args) > 1 && isHelp(args[1]) && !parsesFlags[name] {
				fmt.Fprintf(std.Stdout, "Usage: appstart %s\n\n%s\n", name, c.summary)
				return exitOK
			}
			return c.run(std, args[1:])
		}
	}
	fmt.Fprintf(std.Stderr, "appstart: unknown command %q%s\n", name, suggestCommand(name))
	usage(std.Stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "appstart %s: the init of an app container\n\nUsage: appstart [COMMAND] [--config FILE] [flags]\n\nCommands:\n", Version)
	cs := commands()
	for _, c := range cs {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\nThe spec is found from --config, then $APPSTART_CONFIG, then /app/pkg/appstart.toml,\nthen /app/code/appstart.toml. Run `appstart COMMAND --help` for a command's flags.\n")
}

func suggestCommand(name string) string {
	for _, c := range commands() {
		if strings.HasPrefix(c.name, name) || strings.HasPrefix(name, c.name) {
			return fmt.Sprintf(", did you mean %q?", c.name)
		}
	}
	return ""
}

func cmdVersion(std IO, args []string) int {
	fmt.Fprintf(std.Stdout, "appstart %s\n", Version)
	return exitOK
}

// parsesFlags are the commands whose flag set prints their own --help.
var parsesFlags = map[string]bool{"run": true, "check": true, "plan": true, "task": true, "writes": true,
	"status": true, "logs": true, "convert": true, "init": true, "exec-as": true}

func isHelp(a string) bool { return a == "-h" || a == "--help" || a == "-help" }
