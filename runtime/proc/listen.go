package proc

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
)

// ListenExecArg0 is argv[1] of the helper that gives a socket-activated
// program LISTEN_PID. systemd's convention (sd_listen_fds(3)) has the child
// check that LISTEN_PID is its own pid, so a variable leaked to a grandchild
// is ignored; but syscall.ForkExec cannot change the environment between
// fork and exec, and the pid is known only after fork. So Spawn with
// Cmd.ListenPID execs appstart's own binary as this helper, which sets
// LISTEN_PID to getpid() and execs the program in place: exec keeps the pid,
// so the value is the program's own. The helper runs as
// `appstart appstart-listen-exec PATH ARGV...`; a main that may be it calls
// ListenExecMain first (as moby's reexec.Init; runtime/cli does):
//
//	if len(os.Args) > 1 && os.Args[1] == proc.ListenExecArg0 {
//		os.Exit(proc.ListenExecMain(os.Args[2:]))
//	}
const ListenExecArg0 = "appstart-listen-exec"

// ListenExecMain is the helper's body: args are the program's path, then its
// argv. It returns only when exec fails, with the shell's code for it (127
// not found, 126 not executable), having said why on stderr.
func ListenExecMain(args []string) int {
	if len(args) < 2 {
		fmt.Fprintf(os.Stderr, "%s: want PATH ARGV0 [ARGS...]\n", ListenExecArg0)
		return CodeNotExecutable
	}
	env := append(withoutVar(os.Environ(), "LISTEN_PID"), "LISTEN_PID="+strconv.Itoa(os.Getpid()))
	err := syscall.Exec(args[0], args[1:], env)
	fmt.Fprintf(os.Stderr, "%s: cannot exec %s: %v\n", ListenExecArg0, args[0], err)
	if err == syscall.ENOENT {
		return CodeNotFound
	}
	return CodeNotExecutable
}

// listenExec rewrites a spawn to go through the helper: the path becomes
// appstart's own executable (resolved in the parent, so a /proc of another
// namespace in the child does not matter).
func listenExec(path string, argv []string) (string, []string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", nil, fmt.Errorf("cannot find appstart's own binary for LISTEN_PID: %w", err)
	}
	return self, append([]string{"appstart", ListenExecArg0, path}, argv...), nil
}

// withoutVar drops every name= entry from env.
func withoutVar(env []string, name string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if len(kv) > len(name) && kv[:len(name)] == name && kv[len(name)] == '=' {
			continue
		}
		out = append(out, kv)
	}
	return out
}
