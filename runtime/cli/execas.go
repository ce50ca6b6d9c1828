package cli

import (
	"fmt"
	"strings"
	"syscall"

	"appstart/runtime/app"
	"appstart/runtime/environ"
	"appstart/runtime/ident"
	"appstart/runtime/proc"
	"appstart/runtime/sysx"
)

func execAsCmd() command {
	return command{name: "exec-as", args: "USER[:GROUP] [--] COMMAND [ARGS...]", summary: "drop to USER and exec a command in place (gosu)", run: execAsMain,
		about: "Run COMMAND as USER in place of appstart, as gosu does: groups from /etc/group,\nthen gid, then uid; HOME, USER and LOGNAME set; no way back to root."}
}

// execAsMain is gosu: `appstart exec-as USER[:GROUP] [--] CMD [ARGS...]` drops
// the whole process to the user (supplementary groups from /etc/group, then
// gid, then uid), sets HOME, USER and LOGNAME, and execs CMD in place, so the
// command keeps appstart's pid and gets signals directly.
func execAsMain(std app.IO, args []string) int {
	f := newFlags("exec-as", std)
	f.verbatimAfter = 1 // COMMAND's own flags are COMMAND's
	args, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(args) > 1 && args[1] == "--" {
		args = append(args[:1], args[2:]...)
	}
	if code, ok := f.args(args, 2, -1); !ok {
		return code
	}
	// The image's own files, never NSS: a static binary has none.
	u, err := ident.LookupFiles(args[0], "/etc/passwd", "/etc/group")
	if err != nil {
		fmt.Fprintf(std.Stderr, "appstart exec-as: %v\n", err)
		return app.ExitProblems
	}
	vars := environ.New(std.Env)
	for _, kv := range u.Env() {
		k, v, _ := strings.Cut(kv, "=")
		vars.Set(environ.Var{Name: k, Value: v, Source: environ.Program})
	}
	env := vars.Environ()
	path, err := app.LookPath(args[1], env)
	if err != nil {
		fmt.Fprintf(std.Stderr, "appstart exec-as: %v\n", err)
		return proc.CodeNotFound
	}
	if err := sysx.DropTo(u.Uid, u.Gid, u.Groups); err != nil {
		fmt.Fprintf(std.Stderr, "appstart exec-as: cannot drop to %s: %v\n", args[0], err)
		return app.ExitProblems
	}
	err = syscall.Exec(path, args[1:], env)
	fmt.Fprintf(std.Stderr, "appstart exec-as: cannot exec %s: %v\n", args[1], err)
	if err == syscall.ENOENT {
		return proc.CodeNotFound
	}
	return 126
}
