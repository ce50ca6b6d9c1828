package stage

import (
	"appstart/runtime/fsops"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"appstart/runtime/spec"
)

// runDirs removes the stale files of the spec's `remove` globs, then makes
// every [[dirs]] entry with its owner and mode, fixing those of a directory
// that exists. It runs on every start: /run and /tmp are empty tmpfs then,
// and a directory under /app/data may have been made by hand since.
//
//	remove = ["/run/apache2/*.pid"]      // "removed 1 stale file"
//	[[dirs]] path = "/run/app/sessions"  // created 0750 cloudron:cloudron,
//	         mode = "0750"               // with /run/app (0755, same owner)
func runDirs(_ context.Context, e *Env) error {
	removed, err := e.removeStale()
	if err != nil {
		return err
	}
	made, fixed, active := 0, 0, 0
	keep := runtimeKeep()
	for i, d := range e.Spec.Dirs {
		if skip, why := e.skip(d.When, d.Unless); skip {
			e.planf("skip %s (%s)", d.Path, why)
			continue
		}
		if isRuntimeDir(d.Path, keep) || aboveRuntimeDir(d.Path) {
			e.leaveRuntimeDir("dirs", d.Path) // issue 14
			continue
		}
		active++
		m, f, err := e.makeDir(d)
		if err != nil {
			return fmt.Errorf("dirs[%d]: %w", i+1, err)
		}
		made += m
		if f {
			fixed++
		}
	}
	var parts []string
	if active > 0 {
		parts = append(parts, plural(active, "dir"))
	}
	if made > 0 || fixed > 0 {
		parts = append(parts, fmt.Sprintf("(%d made, %d fixed)", made, fixed))
	}
	if removed > 0 {
		parts = append(parts, fmt.Sprintf("%d stale removed", removed))
	}
	if len(parts) > 0 {
		e.report("%s", strings.Join(parts, " "))
	}
	return nil
}

// removeStale removes what the remove globs match. Matches must lie under
// /run, /tmp or /app/data (the spec checks the patterns; this checks the
// matches, so a "..", or a symlinked directory in a pattern, cannot reach
// elsewhere); under /app/data no link in a match's path is followed.
// A directory is removed with its contents (a stale socket directory);
// a symlink is removed itself, never its target.
func (e *Env) removeStale() (int, error) {
	n := 0
	keep := runtimeKeep()
	for _, pattern := range e.Spec.Remove {
		matches, err := filepath.Glob(pattern)
		if err != nil {
			return n, fmt.Errorf("cannot expand remove pattern %q: %w", pattern, err)
		}
		for _, m := range matches {
			// Under /app/data the app user makes the directories: a link
			// planted in the match's path (/app/data/cache -> /etc) is
			// refused, not followed (the glob itself followed it).
			if under(m, "/app/data") {
				if err := fsops.CheckNoSymlinks(m); err != nil {
					return n, fmt.Errorf("cannot remove %s: %w", m, err)
				}
			}
			if !underRemovable(m) {
				return n, fmt.Errorf("cannot remove %s: only files under /run, /tmp and /app/data are removed", m)
			}
			if isRuntimeDir(m, keep) { // issue 14; a link to it is removed itself, below
				if fi, err := os.Lstat(m); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
					e.leaveRuntimeDir("remove", m)
					continue
				}
			}
			if e.DryRun {
				e.planf("remove %s", m)
				n++
				continue
			}
			if e.ReadOnly {
				continue
			}
			if err := removeEntry(m); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// underRemovable reports whether path resolves (through any symlinked
// directories) to a place under /run, /tmp or /app/data, and is written
// under the same top: a pattern under /run cannot reach /app/data through a
// link, nor one under /app/data leave it.
func underRemovable(path string) bool {
	dir, err := filepath.EvalSymlinks(filepath.Dir(path))
	if err != nil {
		return false
	}
	p := filepath.Join(dir, filepath.Base(path))
	switch {
	case under(path, "/app/data"):
		return strings.HasPrefix(p, "/app/data/")
	case strings.HasPrefix(p, "/app/data/"):
		return false
	}
	for _, top := range []string{"/run", "/tmp"} {
		if strings.HasPrefix(p, top+"/") {
			return true
		}
	}
	return false
}

func under(p, top string) bool { return p == top || strings.HasPrefix(p, top+"/") }

func removeEntry(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err == nil && fi.IsDir() {
		err = os.RemoveAll(path)
	} else if err == nil {
		err = os.Remove(path)
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cannot remove %s: %w", path, unwrapPath(err))
	}
	return nil
}

// makeDir creates d (and missing parents, mode 0755 with d's owner) or fixes
// the owner and mode of the directory already there. It reports how many
// directories it made and whether it fixed an existing one.
func (e *Env) makeDir(d spec.Dir) (int, bool, error) {
	if err := fsops.CheckNoSymlinks(d.Path); err != nil {
		return 0, false, err
	}
	uid, gid, err := e.owner(d.Owner)
	if err != nil {
		return 0, false, err
	}
	fi, err := os.Lstat(d.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		e.planf("create %s owner %s (%s) mode %s", d.Path, d.Owner, ownerString(uid, gid), modeString(d.Mode))
		if !e.mutates() {
			return 0, false, nil
		}
		n, err := mkParents(d.Path, 0o755, uid, gid)
		if err != nil {
			return n, false, err
		}
		if err := mkdirOwned(d.Path, d.Mode, uid, gid); err != nil {
			return n, false, err
		}
		return n + 1, false, nil
	case err != nil:
		return 0, false, fmt.Errorf("cannot stat %s: %w", d.Path, unwrapPath(err))
	case fi.Mode()&fs.ModeSymlink != 0:
		return 0, false, fmt.Errorf("cannot use %s as a directory: it is a symbolic link", d.Path)
	case !fi.IsDir():
		return 0, false, fmt.Errorf("cannot use %s as a directory: it is a %s", d.Path, kind(fi))
	}
	st := fi.Sys().(*syscall.Stat_t)
	wrongOwner := int(st.Uid) != uid || int(st.Gid) != gid
	wrongMode := fi.Mode()&(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky) != d.Mode
	if !wrongOwner && !wrongMode {
		e.planf("keep %s owner %s (%s) mode %s", d.Path, d.Owner, ownerString(uid, gid), modeString(d.Mode))
		return 0, false, nil
	}
	e.planf("fix %s owner %s (%s) mode %s (now %s mode %s)", d.Path, d.Owner, ownerString(uid, gid),
		modeString(d.Mode), ownerString(int(st.Uid), int(st.Gid)), modeString(fi.Mode()))
	if !e.mutates() {
		return 0, false, nil
	}
	if wrongOwner {
		if err := os.Lchown(d.Path, uid, gid); err != nil {
			return 0, false, fmt.Errorf("cannot chown %s: %w", d.Path, unwrapPath(err))
		}
	}
	// After chown, which clears set-id bits (chown(2)).
	if err := os.Chmod(d.Path, d.Mode); err != nil {
		return 0, false, fmt.Errorf("cannot chmod %s: %w", d.Path, unwrapPath(err))
	}
	return 0, true, nil
}

// kind names a file type for messages: "regular file", "socket".
func kind(fi fs.FileInfo) string {
	switch t := fi.Mode().Type(); {
	case t == 0:
		return "regular file"
	case t&fs.ModeSocket != 0:
		return "socket"
	case t&fs.ModeNamedPipe != 0:
		return "named pipe"
	case t&fs.ModeDevice != 0:
		return "device"
	default:
		return t.String()
	}
}
