package spec

import (
	"path"
	"strings"
)

// RuntimeDir is appstart's own runtime directory: the control socket and
// the run lock (runtime/control's DefaultDir). No [[chown]], [[dirs]],
// [[seed]] or remove entry ever changes it or what it holds; the stages
// skip it and check warns when an entry reaches it, typically
// `[[chown]] path = "/run"`, the literal translation of a start.sh's
// `chown -R cloudron /run`, which would otherwise let the app user move
// the socket and delete the lock.
const RuntimeDir = "/run/appstart"

// InRuntimeDir reports whether p is RuntimeDir or a path inside it.
func InRuntimeDir(p string) bool {
	return under(path.Clean(p), RuntimeDir)
}

// covers reports whether the entry at p reaches RuntimeDir: p is it, is
// inside it, or is one of its parents (a tree walk from there meets it).
func coversRuntimeDir(p string) bool {
	p = path.Clean(p)
	return InRuntimeDir(p) || p == "/" || strings.HasPrefix(RuntimeDir, p+"/")
}

// globCoversRuntimeDir reports whether a remove glob can match RuntimeDir
// or something inside it: its first components match RuntimeDir's.
func globCoversRuntimeDir(glob string) bool {
	want := strings.Count(RuntimeDir, "/")
	parts := strings.SplitN(strings.TrimPrefix(path.Clean(glob), "/"), "/", want+1)
	if len(parts) < want {
		return false
	}
	ok, err := path.Match("/"+strings.Join(parts[:want], "/"), RuntimeDir)
	return err == nil && ok
}

// checkRuntimeDir warns about every entry that reaches RuntimeDir: the
// start leaves it alone, and the author should know the entry does less
// than it says there.
func (s *Spec) checkRuntimeDir(c *checker) {
	const why = "appstart leaves %s alone (its control socket and run lock): "
	for i, ch := range s.Chown {
		if coversRuntimeDir(ch.Path) {
			c.warnf(indexKey("chown", i+1)+".path", why+"chown the directories the app uses (e.g. %q) instead", RuntimeDir, "/run/app")
		}
	}
	for i, d := range s.Dirs {
		if InRuntimeDir(d.Path) {
			c.warnf(indexKey("dirs", i+1)+".path", why+"use another directory (e.g. %q)", RuntimeDir, "/run/app")
		}
	}
	for i, sd := range s.Seed {
		if coversRuntimeDir(sd.To) {
			c.warnf(indexKey("seed", i+1)+".to", why+"nothing is seeded into it", RuntimeDir)
		}
	}
	for i, g := range s.Remove {
		if globCoversRuntimeDir(g) {
			c.warnf(indexKey("remove", i+1), why+"its matches there are not removed", RuntimeDir)
		}
	}
}
