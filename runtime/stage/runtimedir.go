package stage

import (
	"path/filepath"
	"strings"

	"appstart/runtime/fsops"
	"appstart/runtime/spec"
)

// runtimeKeep is the identity of appstart's own runtime directory
// (spec.RuntimeDir: the control socket and the run lock), which no chown,
// dirs, seed or remove entry may change (issue 14): given by identity, a
// bind mount of it or a path through a link to it is caught too. Nil when
// it does not exist (plan, a task): then there is nothing to keep.
func runtimeKeep() []fsops.FileID {
	id, err := fsops.IDOf(spec.RuntimeDir)
	if err != nil {
		return nil
	}
	return []fsops.FileID{id}
}

// isRuntimeDir reports whether p is at or inside the runtime directory,
// by name or, when it exists, by identity.
func isRuntimeDir(p string, keep []fsops.FileID) bool {
	if spec.InRuntimeDir(p) {
		return true
	}
	if len(keep) == 0 {
		return false
	}
	id, err := fsops.IDOf(p)
	return err == nil && id == keep[0]
}

// aboveRuntimeDir reports whether p is a parent of the runtime directory
// (/run): its owner or mode must not change either, since whoever may
// write in /run can rename /run/appstart away and put their own there.
func aboveRuntimeDir(p string) bool {
	p = filepath.Clean(p)
	return p == "/" || strings.HasPrefix(spec.RuntimeDir, p+"/")
}

// leaveRuntimeDir says once per entry why it is skipped.
func (e *Env) leaveRuntimeDir(what, p string) {
	e.planf("skip %s %s: %s is appstart's own (control socket, run lock)", what, p, spec.RuntimeDir)
	if e.mutates() {
		e.logf("%s %s: left alone: %s is appstart's own (control socket, run lock)", what, p, spec.RuntimeDir)
	}
}
