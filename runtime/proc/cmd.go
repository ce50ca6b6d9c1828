package proc

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Cmd describes a process to start. Zero values are the safe choice: an
// empty environment, /dev/null for stdio, root staying root, the caller's
// process group.
type Cmd struct {
	// Path is the program. Without a slash it is looked up in the PATH of
	// Env (or DefaultPath), like execvp(3); with one it is used as given,
	// relative to Dir.
	Path string
	// Args is argv including argv[0]; nil means [Path].
	Args []string
	// Env is the complete environment; nil means an empty one (only
	// runtime/app reads appstart's own environment).
	Env []string
	// Dir is the working directory; "" keeps appstart's.
	Dir string
	// Stdin, Stdout and Stderr are given to the child as fds 0, 1 and 2;
	// nil means /dev/null. Being *os.File, they never need os/exec's copying
	// goroutines, and so never a Wait. The caller closes its copies after
	// Spawn returns.
	Stdin, Stdout, Stderr *os.File
	// ExtraFiles become fds 3, 4, ... in the child.
	ExtraFiles []*os.File
	// Cred, when set, is applied in the child before exec.
	Cred *Cred
	// Setpgid puts the child in a new process group whose id is its pid, so
	// that stopping it can signal everything it started (kill(-pgid)).
	Setpgid bool
	// NoNewPrivs sets no_new_privs in the child (prctl(2)), so setuid
	// binaries and file capabilities cannot raise its privileges.
	NoNewPrivs bool
	// ListenPID sets LISTEN_PID to the child's own pid, for a program given
	// sockets by systemd's convention (LISTEN_FDS in Env, the sockets from
	// fd 3 in ExtraFiles): the child execs through appstart's own binary
	// (see ListenExecArg0), which sets it and execs the program in place.
	ListenPID bool
	// KillGrace is used by Run only: how long after SIGTERM to the group a
	// cancelled command gets SIGKILL. 0 means DefaultKillGrace.
	KillGrace time.Duration
}

// Cred is the identity a child runs as. Groups is the complete list of
// supplementary groups: empty means none, never the parent's (root's)
// groups, which is what SysProcAttr.Credential.NoSetGroups would leak.
type Cred struct {
	Uid, Gid uint32
	Groups   []uint32
}

// DefaultPath is searched when Env has no PATH: Debian's default for root
// (login.defs ENV_SUPATH), so sbin programs such as nginx are found.
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// DefaultKillGrace is Run's SIGTERM to SIGKILL delay when Cmd.KillGrace is 0.
const DefaultKillGrace = 3 * time.Second

// lookPath resolves name like execvp(3) over the PATH in env: the first
// regular file with an execute bit wins; when none does, EACCES if some
// candidate exists but cannot be executed (the shell's 126), else ENOENT
// (127). An empty PATH element means the current directory, Dir.
//
//	lookPath("sh", []string{"PATH=/usr/bin:/bin"}, "") // "/usr/bin/sh", nil
func lookPath(name string, env []string, dir string) (string, error) {
	if name == "" {
		return "", syscall.ENOENT
	}
	if strings.Contains(name, "/") {
		return name, nil
	}
	path, ok := lookupEnv(env, "PATH")
	if !ok {
		path = DefaultPath
	}
	denied := false
	for _, d := range filepath.SplitList(path) {
		if d == "" {
			d = "."
		}
		candidate := filepath.Join(d, name)
		stat := candidate
		if !filepath.IsAbs(stat) && dir != "" {
			stat = filepath.Join(dir, stat)
		}
		fi, err := os.Stat(stat)
		if err != nil {
			continue
		}
		if fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			if !filepath.IsAbs(candidate) {
				candidate = "./" + candidate // keep it a path for execve
			}
			return candidate, nil
		}
		denied = true
	}
	if denied {
		return "", syscall.EACCES
	}
	return "", syscall.ENOENT
}

// lookupEnv returns the last value of key in env, as getenv does for a
// duplicated key after appends.
func lookupEnv(env []string, key string) (string, bool) {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}
