package stage

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"appstart/runtime/fsops"
	"appstart/runtime/spec"
)

// runSeed copies each [[seed]] source from the image to /app/data only
// where the destination is missing (cp -rn), with fsops.CopyIfMissing:
// per-file temp + rename, so a crash never leaves a half-copied file under
// its real name and the next start copies what is still missing.
//
//	[[seed]] from = "/app/code/config.default/", to = "/app/data/config/"
//	// first start: "seed 120 copied"; later starts: "seed 0 copied"
func runSeed(_ context.Context, e *Env) error {
	var total fsops.Stats
	n := 0
	for i, sd := range e.Spec.Seed {
		if skip, why := e.skip(sd.When, sd.Unless); skip {
			e.planf("skip %s (%s)", sd.To, why)
			continue
		}
		n++
		if spec.InRuntimeDir(sd.To) {
			e.leaveRuntimeDir("seed", sd.To) // issue 14
			continue
		}
		st, err := e.seedOne(sd)
		if err != nil {
			return fmt.Errorf("seed[%d]: %w", i+1, err)
		}
		total.Visited += st.Visited
		total.Changed += st.Changed
	}
	if n > 0 {
		e.report("seed %d copied", total.Changed)
	}
	return nil
}

func (e *Env) seedOne(sd spec.Seed) (fsops.Stats, error) {
	uid, gid, err := e.owner(sd.Owner)
	if err != nil {
		return fsops.Stats{}, err
	}
	if _, err := os.Lstat(sd.From); err != nil {
		return fsops.Stats{}, fmt.Errorf("cannot seed %s from %s: %w", sd.To, sd.From, unwrapPath(err))
	}
	var todo []string // regular files that are missing, for Mode and the plan
	if e.DryRun || sd.Mode != 0 {
		todo, err = missingFiles(sd.From, sd.To)
		if err != nil {
			return fsops.Stats{}, err
		}
	}
	if !e.mutates() {
		mode := "modes from the image"
		if sd.Mode != 0 {
			mode = "mode " + modeString(sd.Mode)
		}
		e.planf("copy %d missing files from %s to %s owner %s (%s), %s", len(todo), sd.From, sd.To,
			sd.Owner, ownerString(uid, gid), mode)
		return fsops.Stats{}, nil
	}
	st, err := fsops.CopyIfMissingKeep(sd.From, sd.To, uid, gid, runtimeKeep())
	if err != nil {
		return st, err
	}
	// CopyIfMissing keeps the image's modes. A crash between the copy and
	// this chmod leaves an image mode on a copied file; the next start sees
	// the file present and, like cp -n, leaves it (a known, narrow gap).
	for _, p := range todo {
		fi, err := os.Lstat(p)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		if err := os.Chmod(p, sd.Mode); err != nil {
			return st, fmt.Errorf("cannot chmod %s: %w", p, unwrapPath(err))
		}
	}
	return st, nil
}

// missingFiles lists the regular files under src (a file or tree) whose
// counterpart under dst does not exist, with CopyIfMissing's rules: an
// existing entry of any kind at dst is never entered or replaced unless both
// sides are directories.
func missingFiles(src, dst string) ([]string, error) {
	src, dst = filepath.Clean(src), filepath.Clean(dst)
	var out []string
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", p, unwrapPath(err))
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		fi, lerr := os.Lstat(target)
		switch {
		case lerr == nil && d.IsDir() && fi.IsDir():
			return nil
		case lerr == nil:
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		case !errors.Is(lerr, fs.ErrNotExist):
			return fmt.Errorf("cannot stat %s: %w", target, unwrapPath(lerr))
		}
		if d.Type().IsRegular() {
			out = append(out, target)
		}
		if d.IsDir() {
			// Everything below a missing directory is missing.
			err := filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
				if err != nil {
					return fmt.Errorf("cannot read %s: %w", q, unwrapPath(err))
				}
				if d.Type().IsRegular() {
					r, _ := filepath.Rel(src, q)
					out = append(out, filepath.Join(dst, r))
				}
				return nil
			})
			if err != nil {
				return err
			}
			return filepath.SkipDir
		}
		return nil
	})
	return out, err
}
