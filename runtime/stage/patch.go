package stage

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"appstart/runtime/environ"
	"appstart/runtime/fsops"
	"appstart/runtime/patch"
	"appstart/runtime/spec"
)

// defaultPatchMode is the mode of a file a patch creates: the user's config
// often holds credentials, so it is not world-readable.
const defaultPatchMode fs.FileMode = 0o640

// patch reads one [[patch]] file, expands its values and applies them with
// patch.Apply. It returns the output to write (nil when nothing changed)
// and the keys that changed. The file keeps its owner and mode unless the
// spec gives them; a new file gets the top-level user and 0640. A file that
// does not parse is an error naming file and line, and is never replaced.
//
//	[[patch]] file = "/app/data/config.ini", set = { "mail.host" = "${CLOUDRON_MAIL_SMTP_SERVER}" }
//	// only the value after "host =" changes; comments and the user's keys stay byte for byte
func (e *Env) patch(p spec.Patch) (*output, []string, error) {
	set, err1 := e.expandKVs(p.Set, "set")
	defaults, err2 := e.expandKVs(p.Defaults, "defaults")
	if err := joinEnvErrors(err1, err2); err != nil {
		return nil, nil, fmt.Errorf("cannot patch %s: %w", p.File, err)
	}
	in, st, err := readFileNoFollow(p.File)
	var uid, gid int
	mode := p.Mode
	switch {
	case err == nil:
		uid, gid = int(st.Uid), int(st.Gid)
		if mode == 0 {
			mode = fsops.FileMode(st.Mode)
		}
	case errors.Is(err, fs.ErrNotExist):
		in = nil
		if mode == 0 {
			mode = defaultPatchMode
		}
		owner := p.Owner
		if owner == "" {
			owner = e.Spec.User
		}
		if uid, gid, err = e.owner(owner); err != nil {
			return nil, nil, err
		}
	default:
		return nil, nil, fmt.Errorf("cannot read %s: %w", p.File, unwrapPath(err))
	}
	if p.Owner != "" {
		if uid, gid, err = e.owner(p.Owner); err != nil {
			return nil, nil, err
		}
	}
	out, changed, err := patch.Apply(patchFormat(p), p.File, in, set, defaults)
	if err != nil {
		// A *patch.SyntaxError already reads "FILE:LINE: cannot parse ...".
		return nil, nil, err
	}
	o := &output{path: p.File, data: out, mode: mode, uid: uid, gid: gid, what: "patch " + p.File}
	if len(changed) == 0 && in != nil {
		e.planf("patch %s: no change", p.File)
		// Owner and mode given in the spec are still enforced.
		if p.Owner == "" && p.Mode == 0 {
			return nil, nil, nil
		}
		return o, nil, nil
	}
	e.planf("patch %s (%s, owner %s mode %s): %s", p.File, p.Format, ownerString(uid, gid), modeString(mode), strings.Join(changed, ", "))
	return o, changed, nil
}

// patchFormat is the runtime/patch format of an entry: an ini file is
// raw (crudini's way) unless its dialect is php.
func patchFormat(p spec.Patch) string {
	if p.Format == spec.FormatINI && p.Dialect != spec.DialectPHP {
		return patch.INIRaw
	}
	return string(p.Format)
}

// expandKVs expands a patch table's values from the composed environment.
func (e *Env) expandKVs(ps []spec.Pair, table string) ([]patch.KV, error) {
	kvs := make([]patch.KV, 0, len(ps))
	var all environ.Error
	for _, p := range ps {
		v, err := environ.Expand(p.Value, e.Vars.Lookup)
		var ee *environ.Error
		switch {
		case errors.As(err, &ee):
			for _, pr := range ee.Problems {
				pr.Key = table + "." + p.Name
				all.Problems = append(all.Problems, pr)
			}
			continue
		case err != nil:
			return nil, err
		}
		kvs = append(kvs, patch.KV{Key: p.Name, Value: v})
	}
	if len(all.Problems) > 0 {
		return nil, &all
	}
	return kvs, nil
}
