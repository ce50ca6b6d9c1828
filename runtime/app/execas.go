package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"appstart/runtime/proc"
	"appstart/runtime/sysx"
)

// cmdExecAs is gosu: `appstart exec-as USER[:GROUP] [--] CMD [ARGS...]` drops
// the whole process to the user (supplementary groups from /etc/group, then
// gid, then uid), sets HOME, USER and LOGNAME, and execs CMD in place, so the
// command keeps appstart's pid and gets signals directly.
func cmdExecAs(std IO, args []string) int {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Fprint(std.Stdout, "Usage: appstart exec-as USER[:GROUP] [--] COMMAND [ARGS...]\n\nRun COMMAND as USER in place of appstart, as gosu does: groups from /etc/group,\nthen gid, then uid; HOME, USER and LOGNAME set; no way back to root.\n")
		return exitOK
	}
	if len(args) > 1 && args[1] == "--" {
		args = append(args[:1], args[2:]...)
	}
	if len(args) < 2 {
		fmt.Fprintln(std.Stderr, "appstart exec-as: usage: appstart exec-as USER[:GROUP] [--] COMMAND [ARGS...]")
		return exitUsage
	}
	u, err := systemUsers().lookup(args[0])
	if err != nil {
		fmt.Fprintf(std.Stderr, "appstart exec-as: %v\n", err)
		return exitProblems
	}
	env := mergeEnv(std.Env, u.Env())
	path, err := lookPath(args[1], env)
	if err != nil {
		fmt.Fprintf(std.Stderr, "appstart exec-as: %v\n", err)
		return proc.CodeNotFound
	}
	if err := sysx.DropTo(u.Uid, u.Gid, u.Groups); err != nil {
		fmt.Fprintf(std.Stderr, "appstart exec-as: cannot drop to %s: %v\n", args[0], err)
		return exitProblems
	}
	err = syscall.Exec(path, args[1:], env)
	fmt.Fprintf(std.Stderr, "appstart exec-as: cannot exec %s: %v\n", args[1], err)
	if err == syscall.ENOENT {
		return proc.CodeNotFound
	}
	return 126
}

// mergeEnv returns base with over's KEY=VAL entries replacing or adding.
func mergeEnv(base, over []string) []string {
	out := make([]string, 0, len(base)+len(over))
	set := map[string]bool{}
	for _, kv := range over {
		k, _, _ := cut(kv)
		set[k] = true
	}
	for _, kv := range base {
		if k, _, _ := cut(kv); !set[k] {
			out = append(out, kv)
		}
	}
	return append(out, over...)
}

// lookPath finds name in the PATH of env, as execvp(3) does.
func lookPath(name string, env []string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	path := getenvFrom(env)("PATH")
	if path == "" {
		path = proc.DefaultPath
	}
	for _, dir := range filepath.SplitList(path) {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: not found in PATH %s", name, path)
}
