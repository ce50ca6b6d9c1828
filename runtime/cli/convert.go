package cli

import (
	"fmt"
	"os"

	"appstart/runtime/app"
	"appstart/runtime/convert"
	"appstart/runtime/environ"
)

func convertCmd() command {
	return command{name: "convert", args: "supervisord.conf [more.conf ...]", summary: "print the [programs.*] equivalent of supervisord configs", run: convertMain}
}

// convertMain prints the [programs.*] equivalent of supervisord configs.
func convertMain(std app.IO, args []string) int {
	f := newFlags("convert", std)
	here := f.String("here", "", "the `DIR` %(here)s means (default: each file's own)")
	files, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if code, ok := f.args(files, 1, -1); !ok {
		return code
	}
	var in []convert.Input
	for _, name := range files {
		fh, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(std.Stderr, "appstart convert: %v\n", err)
			return app.ExitProblems
		}
		defer fh.Close()
		in = append(in, convert.Input{Name: name, R: fh})
	}
	out, warnings, err := convert.Convert(in, convert.Options{Getenv: environ.New(std.Env).Lookup, Here: *here})
	for _, w := range warnings {
		fmt.Fprintf(std.Stderr, "appstart convert: %s\n", w)
	}
	if err != nil {
		fmt.Fprintf(std.Stderr, "%v\n", err)
		return app.ExitProblems
	}
	_, _ = std.Stdout.Write(out)
	return app.ExitOK
}
