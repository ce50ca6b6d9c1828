package stage

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"slices"

	"appstart/runtime/environ"
)

// applyEnvFiles reads the spec's env_file list in order and applies each
// file's entries as user overrides: a key reaches every command and program,
// except a key the spec manages ([env], a secret, the worker count, the
// container's own variables), which wins unless `overridable` lists it.
// A missing file is fine; a malformed line stops the start naming file and
// line (environ.ParseEnvFile), and an ignored override is logged so the user
// learns why it had no effect:
//
//	/app/data/env:3: DB_HOST is managed by env.DB_HOST and not overridable; ...
//
// pending are the outputs this start's patches will write: a file among
// them is read as the patch leaves it (issue 15: a rotated password a patch
// writes into /app/data/env reaches the programs in the same start).
func (e *Env) applyEnvFiles(pending []output) error {
	overridable := func(name string) bool { return slices.Contains(e.Spec.Overridable, name) }
	var errs []error
	for _, file := range e.Spec.EnvFile {
		data, err := pendingOrDisk(file, pending)
		if errors.Is(err, fs.ErrNotExist) {
			e.planf("env_file %s: absent", file)
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("cannot read env_file %s: %w", file, unwrapPath(err)))
			continue
		}
		entries, err := environ.ParseEnvFile(file, bytes.NewReader(data))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, ig := range e.Vars.AddOverrides(file, entries, overridable) {
			e.logf("%s", ig)
			e.planf("%s", ig)
		}
		for _, en := range entries {
			if v, ok := e.Vars.Var(en.Name); ok && v.Source == environ.EnvFile {
				e.planf("%s=%s (%s)", v.Name, e.Vars.Masker().Var(v), origin(v))
			}
		}
	}
	return errors.Join(errs...)
}

// pendingOrDisk is the content of file as a pending output will leave it,
// else as it is on disk (read without following a link).
func pendingOrDisk(file string, pending []output) ([]byte, error) {
	for i := len(pending) - 1; i >= 0; i-- {
		if pending[i].path == file {
			return pending[i].data, nil
		}
	}
	data, _, err := readFileNoFollow(file)
	return data, err
}
