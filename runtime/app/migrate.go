package app

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"appstart/runtime/convert"
	"appstart/runtime/environ"
	"appstart/runtime/scaffold"
	"appstart/runtime/schema"
)

// cmdConvert prints the [programs.*] equivalent of supervisord configs.
func cmdConvert(std IO, args []string) int {
	fs := flag.NewFlagSet("convert", flag.ContinueOnError)
	fs.SetOutput(std.Stderr)
	here := fs.String("here", "", "the `directory` %(here)s means (default: each file's own)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(std.Stderr, "Usage: appstart convert [--here DIR] supervisord.conf [more.conf ...]")
		return exitUsage
	}
	var in []convert.Input
	for _, name := range fs.Args() {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(std.Stderr, "appstart convert: %v\n", err)
			return exitProblems
		}
		defer f.Close()
		in = append(in, convert.Input{Name: name, R: f})
	}
	out, warnings, err := convert.Convert(in, convert.Options{Getenv: environ.New(std.Env).Lookup, Here: *here})
	for _, w := range warnings {
		fmt.Fprintf(std.Stderr, "appstart convert: %s\n", w)
	}
	if err != nil {
		fmt.Fprintf(std.Stderr, "%v\n", err)
		return exitProblems
	}
	_, _ = std.Stdout.Write(out)
	return exitOK
}

// cmdInit prints a starting appstart.toml for a package.
func cmdInit(std IO, args []string) int {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	fs.SetOutput(std.Stderr)
	port := fs.Int("port", scaffold.DefaultPort, "the app's HTTP `port`")
	var addons []string
	fs.Func("addon", "an addon the package uses (repeatable): "+strings.Join(scaffold.Addons(), ", "), func(v string) error {
		for _, a := range strings.Split(v, ",") {
			addons = append(addons, strings.TrimSpace(a))
		}
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	out, err := scaffold.Generate(scaffold.Options{Port: *port, Addons: addons})
	if err != nil {
		fmt.Fprintf(std.Stderr, "appstart init: %v\n", err)
		return exitUsage
	}
	_, _ = std.Stdout.Write(out)
	return exitOK
}

// cmdSchema prints the JSON Schema of appstart.toml, for editors.
func cmdSchema(std IO, args []string) int {
	if len(args) > 0 {
		err := errors.New("takes no arguments")
		fmt.Fprintf(std.Stderr, "appstart schema: %v\n", err)
		return exitUsage
	}
	_, _ = std.Stdout.Write(schema.Generate())
	return exitOK
}
