package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"appstart/runtime/app"
)

// flags is one command's flag set with the parser every command shares.
type flags struct {
	*flag.FlagSet
	cmd string
	std app.IO
	// verbatimAfter, when > 0, is the number of positional arguments after
	// which the rest is taken as it is: exec-as's COMMAND keeps its own flags.
	verbatimAfter int
	// help prints the --help text; nil prints the command's usage.
	help func(w io.Writer)
}

func newFlags(cmd string, std app.IO) *flags {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	// Errors and help are printed by parse, to stderr and stdout.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &flags{FlagSet: fs, cmd: cmd, std: std}
}

// inputs registers the flags of app.Inputs: every command that reads the
// spec takes --config and --env-file; those that start programs (run, and
// plan, which shows what run would do) also --only and --until.
func (f *flags) inputs(in *app.Inputs, selection bool) {
	f.StringVar(&in.Config, "config", "", "the spec `FILE` (default: $APPSTART_CONFIG, /app/pkg/appstart.toml, /app/code/appstart.toml)")
	f.Func("env-file", "read variables from `FILE` in Docker's --env-file format (repeatable; for local runs)", func(v string) error {
		in.EnvFiles = append(in.EnvFiles, v)
		return nil
	})
	if selection {
		f.StringVar(&in.Only, "only", "", "after the stages, start only program `NAME` (or NAME:N), in the foreground")
		f.StringVar(&in.Until, "until", "", "run the stages up to and including `STAGE`, then stop (e.g. templates)")
	}
}

// parse parses args and returns the positional arguments. Flags may come
// before, between or after them (`appstart task NAME --config F`): the
// standard flag package stops at the first positional argument, so each flag
// is handed to it on its own; "--" ends the flags. ok is false when the
// command must return code at once: 0 after --help (usage on stdout), 2 after
// a bad flag (the problem and the usage on stderr).
func (f *flags) parse(args []string) (pos []string, code int, ok bool) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case f.verbatimAfter > 0 && len(pos) == f.verbatimAfter:
			return append(pos, args[i:]...), app.ExitOK, true
		case a == "--":
			return append(pos, args[i+1:]...), app.ExitOK, true
		case len(a) < 2 || a[0] != '-':
			pos = append(pos, a)
			continue
		}
		one := args[i : i+1]
		if f.takesValue(a) && i+1 < len(args) {
			one = args[i : i+2]
			i++
		}
		if err := f.Parse(one); errors.Is(err, flag.ErrHelp) {
			f.printHelp(f.std.Stdout)
			return nil, app.ExitOK, false
		} else if err != nil {
			return nil, f.usageError("%v", err), false
		}
	}
	return pos, app.ExitOK, true
}

// parseArgs is parse, then args: the positional arguments, between lo and
// hi of them (hi < 0: no upper bound).
func (f *flags) parseArgs(args []string, lo, hi int) (pos []string, code int, ok bool) {
	if pos, code, ok = f.parse(args); !ok {
		return nil, code, false
	}
	if code, ok = f.args(pos, lo, hi); !ok {
		return nil, code, false
	}
	return pos, app.ExitOK, true
}

// takesValue reports whether the flag arg ("-n", "--config") needs the next
// argument as its value: a known flag, not boolean, without "=value".
func (f *flags) takesValue(arg string) bool {
	name := strings.TrimPrefix(strings.TrimPrefix(arg, "-"), "-")
	if strings.Contains(name, "=") {
		return false
	}
	fl := f.Lookup(name)
	if fl == nil {
		return false
	}
	b, isBool := fl.Value.(interface{ IsBoolFlag() bool })
	return !isBool || !b.IsBoolFlag()
}

// usageError prints "appstart CMD: problem" and the usage to stderr, and
// returns the exit code of a bad command line.
func (f *flags) usageError(format string, args ...any) int {
	fmt.Fprintf(f.std.Stderr, "appstart %s: %s\n\n", f.cmd, fmt.Sprintf(format, args...))
	f.printHelp(f.std.Stderr)
	return app.ExitUsage
}

// args checks the number of positional arguments: between lo and hi (hi < 0:
// no upper bound).
func (f *flags) args(pos []string, lo, hi int) (int, bool) {
	switch {
	case len(pos) < lo:
		return f.usageError("missing arguments"), false
	case hi >= 0 && len(pos) > hi && hi == 0:
		return f.usageError("takes no arguments (got %q)", pos[0]), false
	case hi >= 0 && len(pos) > hi:
		return f.usageError("too many arguments (%q)", pos[hi:]), false
	}
	return app.ExitOK, true
}

func (f *flags) printHelp(w io.Writer) {
	if f.help != nil {
		f.help(w)
		return
	}
	c, _ := lookup(f.cmd)
	line := "appstart " + f.cmd
	hasFlags := false
	f.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		line += " [flags]"
	}
	if c.args != "" {
		line += " " + c.args
	}
	fmt.Fprintf(w, "Usage: %s\n\n%s\n", line, c.summary)
	if c.about != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.about))
	}
	if hasFlags {
		fmt.Fprint(w, "\nFlags:\n")
		f.printDefaults(w)
	}
}

// printDefaults lists the flags the way the top-level help writes them:
// "--config FILE", "-f" (the standard library's would print "-config FILE").
func (f *flags) printDefaults(w io.Writer) {
	type row struct{ left, usage string }
	var rows []row
	width := 0
	f.VisitAll(func(fl *flag.Flag) {
		name, usage := flag.UnquoteUsage(fl)
		left := "--" + fl.Name
		if len(fl.Name) == 1 {
			left = "-" + fl.Name
		}
		if name != "" {
			left += " " + name
		}
		if d := fl.DefValue; d != "" && d != "0" && d != "false" && d != "0s" {
			usage += fmt.Sprintf(" (default %s)", d)
		}
		rows = append(rows, row{left, usage})
		width = max(width, len(left))
	})
	for _, r := range rows {
		fmt.Fprintf(w, "  %-*s  %s\n", width, r.left, r.usage)
	}
}
