package resolve

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"

	"appstart/runtime/ident"
)

// defaultPath is searched when the environment has no PATH, as proc does
// when it spawns (Debian's ENV_SUPATH, so nginx in /usr/sbin is found).
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// executable finds name the way the spawn will (execvp over PATH: the
// first regular file with an execute bit) and checks that u may execute
// it: the file's mode for u's class, search permission on every parent
// directory, and a script's #! interpreter. It returns the path found.
//
//	f.executable("start.sh", "/app/code", cloudron)
//	// "", `/app/code/start.sh is not executable by cloudron (uid 1000): mode -rwxr--r--, owner uid 0 gid 0`
func (f Facts) executable(name, path string, u ident.User) (string, error) {
	found, err := f.lookPath(name, path)
	if err != nil {
		return "", err
	}
	if err := f.mayExec(found, u); err != nil {
		return found, err
	}
	interp, err := f.interpreter(found)
	if err != nil || interp == "" {
		return found, nil // unreadable by root too: exec will say
	}
	if _, err := f.Stat(interp); err != nil {
		return found, missingf("%s starts with #!%s, which does not exist in the image", found, interp)
	}
	if err := f.mayExec(interp, u); err != nil {
		return found, fmt.Errorf("%s: its interpreter %w", found, err)
	}
	return found, nil
}

func (f Facts) lookPath(name, path string) (string, error) {
	if strings.Contains(name, "/") {
		if _, err := f.Stat(name); err != nil {
			return "", missingf("%s does not exist in the image", name)
		}
		return name, nil
	}
	if path == "" {
		path = defaultPath
	}
	for _, d := range filepath.SplitList(path) {
		if d == "" || !filepath.IsAbs(d) {
			continue // relative PATH entries depend on the directory: exec decides
		}
		p := filepath.Join(d, name)
		if st, err := f.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", missingf("%s: not found in PATH %s", name, path)
}

// mayExec applies exec(2)'s permission rule for u: root needs any execute
// bit; anyone else the bit of their one class (owner, else group, else
// other), and search permission on every directory above.
func (f Facts) mayExec(path string, u ident.User) error {
	st, err := f.Stat(path)
	if err != nil {
		return missingf("%s does not exist in the image", path)
	}
	if !st.Mode().IsRegular() {
		return deniedf("%s is not a regular file (%s)", path, st.Mode().Type())
	}
	if !allowed(st, u, 0o1) {
		return deniedf("%s is not executable by %s: %s", path, who(u), describe(st))
	}
	for dir := filepath.Dir(path); dir != "/" && dir != "."; dir = filepath.Dir(dir) {
		dst, err := f.Stat(dir)
		if err != nil {
			continue
		}
		if !allowed(dst, u, 0o1) {
			return deniedf("%s is not reachable by %s: its directory %s is %s", path, who(u), dir, describe(dst))
		}
	}
	return nil
}

// allowed checks one permission bit (1 execute/search, 2 write, 4 read)
// for u's class of st, as the kernel does (no fallthrough between classes).
func allowed(st fs.FileInfo, u ident.User, bit fs.FileMode) bool {
	perm := st.Mode().Perm()
	if u.Uid == 0 {
		return bit != 0o1 || st.IsDir() || perm&0o111 != 0
	}
	uid, gid, ok := owner(st)
	switch {
	case !ok:
		return perm&(bit|bit<<3|bit<<6) != 0 // no owner known: any class
	case uid == u.Uid:
		return perm&(bit<<6) != 0
	case gid == u.Gid || slices.Contains(u.Groups, gid):
		return perm&(bit<<3) != 0
	}
	return perm&bit != 0
}

func owner(st fs.FileInfo) (uid, gid uint32, ok bool) {
	if s, isStat := st.Sys().(*syscall.Stat_t); isStat {
		return s.Uid, s.Gid, true
	}
	return 0, 0, false
}

func who(u ident.User) string {
	if u.Name != "" {
		return fmt.Sprintf("%s (uid %d)", u.Name, u.Uid)
	}
	return fmt.Sprintf("uid %d", u.Uid)
}

func describe(st fs.FileInfo) string {
	if uid, gid, ok := owner(st); ok {
		return fmt.Sprintf("mode %s, owner uid %d gid %d", st.Mode().Perm(), uid, gid)
	}
	return fmt.Sprintf("mode %s", st.Mode().Perm())
}

// interpreter returns the program of a script's #! line, "" for a binary.
func (f Facts) interpreter(path string) (string, error) {
	b, err := f.Head(path, 256)
	if err != nil {
		return "", err
	}
	line, ok := strings.CutPrefix(string(b), "#!")
	if !ok {
		return "", nil
	}
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	fields := strings.Fields(line)
	if len(fields) == 0 {
		return "", errors.New("empty #! line")
	}
	return fields[0], nil
}

// shellWord returns the program a shell command line starts with, when it
// is a plain word the shell will look up in PATH: "pg_isready -q" gives
// "pg_isready"; builtins, assignments, expansions and compound commands
// give "" (the shell decides at run time).
func shellWord(line string) string {
	fields := strings.Fields(line)
	for len(fields) > 0 && fields[0] == "exec" {
		fields = fields[1:]
	}
	if len(fields) == 0 {
		return ""
	}
	w := fields[0]
	if strings.Trim(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./+") != "" {
		return "" // quotes, $, =, ;, (, ... : not a plain word
	}
	if shellBuiltins()[w] {
		return ""
	}
	return w
}

// shellBuiltins are the words dash and bash run themselves (POSIX special
// and regular builtins, keywords, and the common extras). Built on first
// use: a start with no shell command never pays for it.
var shellBuiltins = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`! { } case do done elif else esac fi for function if in select then
		until while . : alias bg break builtin cd command continue declare echo eval exec exit export false
		fc fg getopts hash jobs kill let local printf pwd read readonly return set shift source test
		times trap true type typeset ulimit umask unalias unset wait [ [[`) {
		m[w] = true
	}
	return m
})

// kindError is a message that also says which of fs.ErrNotExist (exec's
// 127) and fs.ErrPermission (126) it is, for errors.Is.
type kindError struct {
	msg  string
	kind error
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }

func missingf(format string, args ...any) error {
	return &kindError{fmt.Sprintf(format, args...), fs.ErrNotExist}
}

func deniedf(format string, args ...any) error {
	return &kindError{fmt.Sprintf(format, args...), fs.ErrPermission}
}
