// Command appstart-convert is `appstart convert start.sh`: the start.sh
// converter, in a binary of its own so that the shell parser it needs is
// never loaded into the init (appstart execs it for a shell script; the
// Makefile builds both). Usage:
//
//	appstart-convert [--out DIR] [--pkg DIR] start.sh
//
// The spec goes to stdout; the files it names (the script of kept
// statements, templates made from heredocs) are written to --out (default
// "."); the coverage line and the files written go to stderr.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"appstart/runtime/startsh"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("appstart convert", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", ".", "the `DIR` the generated files are written to")
	pkg := fs.String("pkg", "/app/pkg", "where the spec and those files sit in the image (`DIR`)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: appstart convert [--out DIR] [--pkg DIR] start.sh")
		return 2
	}
	name := fs.Arg(0)
	src, err := os.ReadFile(name)
	if err != nil {
		fmt.Fprintf(stderr, "appstart convert: %v\n", err)
		return 1
	}
	r, err := startsh.Convert(name, src, startsh.Options{PkgDir: *pkg})
	if err != nil {
		fmt.Fprintf(stderr, "appstart convert: %v\n", err)
		return 1
	}
	names := make([]string, 0, len(r.Files))
	for n := range r.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p := filepath.Join(*out, n)
		mode := os.FileMode(0o644)
		if n == startsh.KeptScript {
			mode = 0o755
		}
		if err := os.WriteFile(p, r.Files[n], mode); err != nil {
			fmt.Fprintf(stderr, "appstart convert: %v\n", err)
			return 1
		}
		fmt.Fprintf(stderr, "appstart convert: wrote %s (put it in %s)\n", p, *pkg)
	}
	if _, err := stdout.Write(r.Spec); err != nil {
		return 1
	}
	fmt.Fprintln(stderr, "appstart convert: "+r.Coverage(name))
	return 0
}
