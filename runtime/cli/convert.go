package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"appstart/runtime/app"
	"appstart/runtime/convert"
	"appstart/runtime/environ"
)

func convertCmd() command {
	return command{name: "convert", args: "supervisord.conf [more.conf ...] | [--out DIR] start.sh", summary: "print the appstart.toml equivalent of supervisord configs or of a start.sh", run: convertMain}
}

// convertMain prints the [programs.*] equivalent of supervisord configs.
func convertMain(std app.IO, args []string) int {
	if isShellScript(args) {
		return execConvertShell(std, args)
	}
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

// isShellScript: the last argument is a start script (.sh, .bash, or a #!
// line), which the start.sh converter reads, not supervisord's INI.
func isShellScript(args []string) bool {
	if len(args) == 0 {
		return false
	}
	name := args[len(args)-1]
	if strings.HasSuffix(name, ".sh") || strings.HasSuffix(name, ".bash") {
		return true
	}
	f, err := os.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 2)
	n, _ := f.Read(head)
	return bytes.Equal(head[:n], []byte("#!"))
}

// execConvertShell runs appstart-convert in place of this process: the
// shell parser it needs is linked into that binary only, so the init
// (this binary, PID 1 in every container) never carries it. It is looked
// for beside this binary (the Makefile builds both into bin/), then on
// PATH.
func execConvertShell(std app.IO, args []string) int {
	const name = "appstart-convert"
	path := ""
	if self, err := os.Executable(); err == nil {
		if p := filepath.Join(filepath.Dir(self), name); fileIsExecutable(p) {
			path = p
		}
	}
	if path == "" {
		p, err := app.LookPath(name, std.Env)
		if err != nil {
			fmt.Fprintf(std.Stderr, "appstart convert: converting a start script needs %s beside appstart or on PATH (make build makes both): %v\n", name, err)
			return app.ExitProblems
		}
		path = p
	}
	err := syscall.Exec(path, append([]string{name}, args...), std.Env)
	fmt.Fprintf(std.Stderr, "appstart convert: cannot run %s: %v\n", path, err)
	return app.ExitProblems
}

func fileIsExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}
