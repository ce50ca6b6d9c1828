package stage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"appstart/runtime/fsops"
	"appstart/runtime/spec"
	"appstart/templates"
)

// output is one file the templates stage will write.
type output struct {
	path     string
	data     []byte
	mode     fs.FileMode
	uid, gid int
	what     string // "template /app/pkg/x.template", "patch"
}

// runTemplates applies every [[patch]] entry, reads the env_file overrides
// (a file a patch changes as the patch leaves it), renders every
// [[templates]] entry, and writes the results only when all of them succeeded: every
// missing placeholder of every template, every unset ${VAR} of every patch
// and every patched file that does not parse is reported in one error, and
// nothing is half-updated. Templates are rendered fresh on every start from
// the environment as it is now (addon passwords may change between starts);
// each output is written with fsops.WriteFileAtomic with its owner and mode,
// and left alone when it already holds exactly that.
//
//	template /app/pkg/config.php.template: line 3: DB_PASSWORD is not set
//	patch[1] /app/data/config.ini: config.ini:7: cannot parse line: ...
func runTemplates(_ context.Context, e *Env) error {
	var outs []output
	var errs []error
	rendered, patched, keys := 0, 0, 0
	for i, p := range e.Spec.Patch {
		if skip, why := e.skip(p.When, p.Unless); skip {
			e.planf("skip %s (%s)", p.File, why)
			continue
		}
		o, changed, err := e.patch(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("patch[%d]: %w", i+1, err))
			continue
		}
		patched++
		keys += len(changed)
		if o != nil {
			outs = append(outs, *o)
		}
	}
	// The env_file layer is the environment's last, read as this start's
	// patches leave the files (issue 15), so templates below and the
	// programs see a value a patch just wrote.
	if err := e.applyEnvFiles(outs); err != nil {
		return errors.Join(append(errs, err)...)
	}
	for i, t := range e.Spec.Templates {
		if skip, why := e.skip(t.When, t.Unless); skip {
			e.planf("skip %s (%s)", t.Target, why)
			continue
		}
		o, err := e.render(t)
		if err != nil {
			errs = append(errs, fmt.Errorf("templates[%d]: %w", i+1, err))
			continue
		}
		rendered++
		outs = append(outs, o)
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for _, o := range outs {
		if err := e.write(o); err != nil {
			return err
		}
	}
	if rendered > 0 {
		e.report("%s", plural(rendered, "template"))
	}
	if patched > 0 {
		e.report("%s (%d keys changed)", plural(patched, "patch"), keys)
	}
	return nil
}

// render reads and renders one template; nothing is written yet.
func (e *Env) render(t spec.Template) (output, error) {
	uid, gid, err := e.owner(t.Owner)
	if err != nil {
		return output{}, err
	}
	src, err := os.ReadFile(t.Source)
	if err != nil {
		return output{}, fmt.Errorf("cannot read template %s: %w", t.Source, unwrapPath(err))
	}
	tpl, err := templates.Parse(t.Source, src)
	if err != nil {
		return output{}, err
	}
	// ##INCLUDE reads a user's file (/app/data/.env) as root: the same
	// no-symlink rule as every file read from /app/data, so a link to
	// /etc/shadow is refused rather than rendered into an app-readable file.
	opts := templates.Options{Escape: string(t.Escape), Include: func(path string) ([]byte, error) {
		data, _, err := readFileNoFollow(path)
		return data, err
	}}
	if len(t.Optional) > 0 {
		opts.Optional = map[string]bool{}
		for _, n := range t.Optional {
			opts.Optional[n] = true
		}
	}
	if opts.Escape == string(spec.EscapeNone) {
		opts.Escape = ""
	}
	data, err := tpl.Render(e.Vars.Lookup, opts)
	if err != nil {
		return output{}, err
	}
	e.planf("render %s to %s owner %s (%s) mode %s, %d bytes", t.Source, t.Target, t.Owner, ownerString(uid, gid), modeString(t.Mode), len(data))
	return output{path: t.Target, data: data, mode: t.Mode, uid: uid, gid: gid, what: "template " + t.Source}, nil
}

// write puts o in place unless the file already holds exactly o. Missing
// parent directories are made (0755, o's owner).
func (e *Env) write(o output) error {
	if !e.mutates() || same(o) {
		return nil
	}
	if _, err := mkParents(o.path, 0o755, o.uid, o.gid); err != nil {
		return fmt.Errorf("cannot write %s: %w", o.path, err)
	}
	return fsops.WriteFileAtomic(o.path, o.data, o.mode, o.uid, o.gid)
}

// same reports whether path already holds o's bytes, owner and mode, so a
// restart rewrites (and fsyncs) nothing that did not change.
func same(o output) bool {
	data, st, err := readFileNoFollow(o.path)
	return err == nil && int(st.Uid) == o.uid && int(st.Gid) == o.gid &&
		st.Mode&0o7777 == fsops.UnixMode(o.mode) && bytes.Equal(data, o.data)
}
